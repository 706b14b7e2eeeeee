//! The chumsky grammar, applied one top-level item at a time: the grammar of record, which
//! parses every item that [`crate::fast_path`] (tried first) gives up on, with error recovery
//! and diagnostics.
//!
//! The text is first cut into chunks, one per item ([`crate::chunk`]), and each chunk is lexed
//! and parsed on its own, so a missing `}` costs at most the item it is in, never the rest of
//! the file. Inside an item, a field, argument, parameter or statement that does not parse is
//! skipped up to its separator (bracket groups skipped whole) and reported once.

use crate::Span;
use crate::ast::*;
use crate::error::{Diagnostic, Fix, codes};
use crate::lexer::{Token, unescape};
use chumsky::error::LabelError;
use chumsky::input::MappedInput;
use chumsky::prelude::*;

type In<'t, 's> = MappedInput<'t, Token<'s>, Span, &'t [(Token<'s>, Span)]>;
type RichError<'t, 's> = Rich<'t, Token<'s>, Span>;

/// An error with a stable code and an optional fix `(insert at, text, label)`. chumsky's own
/// custom errors are plain strings: the code and the fix travel inside the message, separated by
/// U+001F, and [`convert_error`] takes them apart. Emitting through chumsky (rather than a side
/// channel) keeps them rewound when the parser backtracks.
fn coded<'t, 's>(code: &'static str, span: Span, message: &str, fix: Option<(u32, &str, &str)>) -> RichError<'t, 's> {
    let fix = fix.map_or(String::new(), |(at, text, label)| format!("{at}\u{1f}{text}\u{1f}{label}"));
    Rich::custom(span, format!("{code}\u{1f}{message}\u{1f}{fix}"))
}

macro_rules! P {
    ($o:ty) => { impl Parser<'t, In<'t, 's>, $o, extra::Err<RichError<'t, 's>>> + Clone + 't };
}

/// Item keywords, for the check that a chunk's first token starts an item and for error
/// messages. Which lines start an item is said in one place: [`crate::chunk`].
pub(crate) const ITEM_KEYWORDS: [&str; 4] = ["import", "pod_template", "task", "workflow"];

/// The tokens of one chunk (see [`crate::chunk`]), the chunk's length, and the first token
/// after it (for "found the next item (`task`)").
pub(crate) struct ChunkTokens<'t, 's> {
    pub tokens: &'t [(Token<'s>, Span)],
    pub len: u32,
    pub next: Option<Token<'s>>,
}

/// Parses chunks, each as one item or as top-level text that is not one: by the fast path when
/// the item has no syntax error (and `fast_path` is on), by the grammar otherwise. One grammar
/// serves them all, built at the first item that needs it: building it costs about as much as
/// parsing a small item.
pub(crate) fn parse_chunks(chunks: &[ChunkTokens<'_, '_>], fast_path: bool) -> Vec<(Option<Item>, Vec<Diagnostic>)> {
    let mut grammar = None;
    let mut out = Vec::with_capacity(chunks.len());
    for chunk in chunks {
        // The lexer's tokens are the parser's input as they are: a file's tokens are never copied.
        let tokens = chunk.tokens;
        let Some(&(first, first_span)) = tokens.iter().find(|(t, _)| *t != Token::Newline) else {
            out.push((None, Vec::new()));
            continue;
        };
        let end_offset = tokens.last().map_or(chunk.len, |(_, s)| s.end);
        if !matches!(first, Token::Ident(k) if ITEM_KEYWORDS.contains(&k)) {
            let span = Span::new(first_span.start, end_offset);
            let error = Diagnostic::new(
                codes::EXPECTED_ITEM,
                first_span,
                format!("expected an item, found {}", describe_found(Some(first))),
            )
            .with_help("a file holds `import`, `pod_template`, `task` and `workflow` items");
            out.push((Some(Item { kind: ItemKind::Error, span, doc: None }), vec![error]));
            continue;
        }
        if fast_path && let Some(item) = crate::fast_path::parse_item(tokens) {
            out.push((Some(item), Vec::new()));
            continue;
        }
        let eoi = Span::empty(end_offset);
        let grammar = grammar.get_or_insert_with(item_parser);
        let (item, errors) = grammar.parse(tokens.split_token_span(eoi)).into_output_errors();
        let chunk_span = Span::new(first_span.start, end_offset);
        let item = item.unwrap_or(Item { kind: ItemKind::Error, span: chunk_span, doc: None });
        out.push((Some(item), errors.into_iter().map(|e| convert_error(e, chunk.next)).collect()));
    }
    out
}

fn kw<'t, 's: 't>(word: &'static str) -> P![()] {
    just(Token::Ident(word)).ignored().labelled(word)
}

/// Newlines and commas both separate fields, arguments, parameters and statements.
fn sep<'t, 's: 't>() -> P![()] {
    one_of([Token::Newline, Token::Comma]).repeated().at_least(1).ignored()
}

fn newlines<'t, 's: 't>() -> P![()] {
    just(Token::Newline).repeated().ignored()
}

/// The closer an opener waits for.
fn closer_of(t: &Token<'_>) -> Option<Token<'static>> {
    match t {
        Token::LBrace => Some(Token::RBrace),
        Token::LBracket => Some(Token::RBracket),
        Token::LParen => Some(Token::RParen),
        _ => None,
    }
}

fn is_closer(t: &Token<'_>) -> bool {
    matches!(t, Token::RBrace | Token::RBracket | Token::RParen)
}

/// One or more tokens up to (not including) a token for which `stop` holds, returning the first
/// token and the span skipped. A bracket group is skipped whole when it is closed, each opener
/// by its own kind of closer; an opener left open (or closed by the wrong kind, as the `}`
/// that ends the item in `a["k" { b: 1 }`) is skipped alone, so the skip never runs past the
/// end of the block it is in. Written by hand rather than with combinators: a combinator that
/// tries each group and falls back on failure takes time exponential in the number of unclosed
/// openers, while this scan is linear per opener (and the lexer bounds the nesting).
fn garbage<'t, 's: 't>(stop: fn(&Token<'_>) -> bool) -> P![(Token<'s>, Span)] {
    custom(move |inp| {
        let before = inp.cursor();
        let first = match inp.peek() {
            Some(t) if !stop(&t) => t,
            _ => {
                let span = inp.span_since(&before);
                return Err(<RichError<'t, 's> as LabelError<'t, In<'t, 's>, &'static str>>::expected_found(
                    None, None, span,
                ));
            }
        };
        let mut waiting = Vec::new();
        while let Some(token) = inp.peek() {
            if stop(&token) {
                break;
            }
            let checkpoint = inp.save();
            inp.next();
            if let Some(closer) = closer_of(&token) {
                waiting.clear();
                waiting.push(closer);
                while let Some(&expected) = waiting.last() {
                    match inp.next() {
                        Some(t) if t == expected => {
                            waiting.pop();
                        }
                        Some(t) if is_closer(&t) => break,
                        Some(t) => waiting.extend(closer_of(&t)),
                        None => break,
                    }
                }
                if !waiting.is_empty() {
                    inp.rewind(checkpoint);
                    inp.next();
                }
            }
        }
        Ok((first, inp.span_since(&before)))
    })
}

fn field_ends_in_block(field: &Option<Field>) -> bool {
    field.as_ref().is_some_and(crate::fast_path::field_ends_in_block)
}

fn block_stop(t: &Token<'_>) -> bool {
    matches!(t, Token::Newline | Token::Comma | Token::RBrace)
}

fn list_stop(t: &Token<'_>) -> bool {
    matches!(t, Token::Newline | Token::Comma | Token::RBracket | Token::RBrace)
}

fn paren_stop(t: &Token<'_>) -> bool {
    matches!(t, Token::Newline | Token::Comma | Token::RParen | Token::LBrace | Token::RBrace)
}

/// `open entries close`, entries separated by `separator` (newlines or commas).
///
/// An entry that does not parse is reported and skipped through `recover`. An entry written
/// directly after another without a separator is parsed too, so no text is lost, and reported
/// once as a missing separator (with a fix that inserts a comma), unless the entry before it
/// ends in a block (`requests { } limits { }` is two fields); if that glued entry does not
/// parse either, it is skipped without a second error. A missing `close` is reported at `open`
/// with a fix that inserts it after the last entry.
#[allow(clippy::too_many_arguments)]
fn delimited<'t, 's: 't, O: Clone + 't>(
    open: Token<'s>,
    close: Token<'s>,
    close_text: &'static str,
    entry: P![O],
    recover: P![O],
    separator: P![()],
    ends_in_block: fn(&O) -> bool,
    what: &'static str,
) -> P![(Vec<O>, Span)] {
    let checked = entry.clone().recover_with(via_parser(recover.clone())).map_with(|o, e| (o, e.span()));
    // After an entry that ends in a block, the next may follow on the same line; text there
    // that is no entry is skipped like any other, and reported (`parsed` is false).
    let glued = choice((entry.map(|o| (o, true)), recover.map(|o| (o, false))))
        .map_with(|(o, parsed), e| ((o, e.span()), parsed));
    let following = choice((
        separator.clone().ignore_then(checked.clone()).map(|o| (o, true, true)),
        glued.map(|(o, parsed)| (o, false, parsed)),
    ));
    just(open)
        .map_with(|_, e| e.span())
        .then_ignore(sep().or_not())
        .then(checked.or_not())
        .then(following.repeated().collect::<Vec<_>>())
        .then_ignore(separator.or_not())
        .then(just(close).or_not())
        .validate(move |(((open_span, first), rest), closed), e, emitter| {
            let entries: Vec<((O, Span), bool, bool)> =
                first.map(|f| (f, true, true)).into_iter().chain(rest).collect();
            for pair in entries.windows(2) {
                let ((before, before_span), _, _) = &pair[0];
                let ((_, after_span), separated, parsed) = &pair[1];
                if !separated && !ends_in_block(before) {
                    emitter.emit(coded(
                        codes::MISSING_SEPARATOR,
                        *after_span,
                        &format!("expected a newline or `,` before this {what}"),
                        Some((before_span.end, ",", "insert a comma")),
                    ));
                } else if !parsed {
                    emitter.emit(coded(
                        codes::UNEXPECTED_TOKEN,
                        *after_span,
                        &format!("expected a {what} here; this text is skipped"),
                        None,
                    ));
                }
            }
            if closed.is_none() {
                let at = entries.last().map_or(open_span.end, |((_, s), _, _)| s.end);
                emitter.emit(coded(
                    codes::UNCLOSED_DELIMITER,
                    open_span,
                    &format!("this `{}` is never closed", open_text(close_text)),
                    Some((at, close_text, &format!("insert `{close_text}`"))),
                ));
            }
            (exact(entries.into_iter().map(|((o, _), _, _)| o).collect()), e.span())
        })
        // Boxed, as are `key` and `field`: each combinator nests its parts' types in its own, and
        // type-checking the unboxed grammar (built twice, for two error types) took three of
        // the crate's four minutes of compiling. One indirect call per list costs nothing seen.
        .boxed()
}

/// A list of the tree at its exact size. chumsky collects by pushing (room for four at the
/// least), and a collect in place keeps the room of the larger element it came from; a large
/// workspace holds a few million of these lists, most of one or two elements.
fn exact<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}

fn open_text(close: &str) -> &'static str {
    match close {
        "}" => "{",
        "]" => "[",
        _ => "(",
    }
}

fn item_parser<'t, 's: 't>() -> P![Item] {
    let name = select! { Token::Ident(s) = e => Name { text: SmolStr::new(s), span: e.span() } }.labelled("a name");
    let string =
        select! { Token::Str(raw) = e => StrLit { value: unescape(raw, 0).0, span: e.span() } }.labelled("a string");
    let path = name
        .separated_by(just(Token::Dot))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(|segments, e| Path { segments: exact(segments), span: e.span() })
        .labelled("a name");

    let literal = chumsky::primitive::select(|token, _| crate::fast_path::literal(token));
    // A merge key is a scalar. Were it any value, a `[` left open after a field name would parse
    // the rest of the item as the key, fail at the missing `]`, and leave the fields after it
    // to be parsed again: twice the work for each such line, exponential in their number.
    let merge_key = choice((literal, path.map(ValueKind::Ref)))
        .map_with(|kind, e| Value { kind, span: e.span() })
        .labelled("a merge key (a string or a number)")
        .boxed();

    // `value` and `block` are built with `recursive`, whose handles inside the definitions are
    // weak: with `Recursive::declare` they held each other (and themselves) through strong
    // `Rc`s, so every grammar built, one a parse, was leaked (about 5 KB a call).
    let mut block_out = None;
    let mut field_out = None;
    let value = recursive(|value| {
        let block = recursive(|block| {
            let key_name = choice((
                name.map(|n| (n, false)),
                string.map(|s| (Name { text: s.value, span: s.span }, true)),
                // Reported by the lexer; read as the quoted key it was meant to be.
                select! { Token::Word(w) = e => (Name { text: SmolStr::new(w), span: e.span() }, true) },
            ));
            let index = just(Token::LBracket)
                .ignore_then(newlines())
                .ignore_then(merge_key)
                .then_ignore(newlines())
                .then_ignore(just(Token::RBracket));
            let key = key_name
                .then(index.or_not())
                .map_with(|((name, quoted), index), e| Key { name, quoted, index: index.map(Box::new), span: e.span() })
                .labelled("a field name")
                .boxed();
            let assign = choice((
                just(Token::Colon).ignore_then(newlines()).ignore_then(value.clone()).map(|v| (v, false)),
                block.clone().map(|b: Block| (Value { span: b.span, kind: ValueKind::Object(b) }, true)),
            ));
            let field = choice((
                kw("delete").ignore_then(key.clone()).map(|k| (k, FieldOp::Delete)),
                kw("replace")
                    .ignore_then(key.clone())
                    .then(assign.clone())
                    .map(|(k, (value, block_sugar))| (k, FieldOp::Replace { value, block_sugar })),
                key.clone().then(choice((
                    assign.clone().map(|(value, block_sugar)| FieldOp::Set { value, block_sugar }),
                    just(Token::PlusEq).ignore_then(newlines()).ignore_then(value.clone()).map(FieldOp::Append),
                ))),
            ))
            .map_with(|(key, op), e| Field { key, op, span: e.span() })
            .boxed();
            field_out = Some(field.clone());
            let block_entry = field.map(Some);
            delimited(
                Token::LBrace,
                Token::RBrace,
                "}",
                block_entry,
                garbage(block_stop).to(None),
                sep(),
                field_ends_in_block,
                "field",
            )
            .map(|(fields, span)| Block { fields: exact(fields.into_iter().flatten().collect()), span })
        });
        block_out = Some(block.clone());
        // An element that looks like a field means the list's `]` is missing: stop the list there.
        let field_start = choice((
            select! { Token::Ident(_) => () },
            select! { Token::Str(_) => () },
            select! { Token::Word(_) => () },
        ))
        .then(one_of([Token::Colon, Token::LBrace, Token::PlusEq]));
        let list_entry = field_start.not().ignore_then(value.clone());
        let list_recover = garbage(list_stop).map(|(_, span)| Value { kind: ValueKind::Error, span });
        let list = delimited(
            Token::LBracket,
            Token::RBracket,
            "]",
            list_entry,
            list_recover,
            sep().then_ignore(field_start.not()),
            |_| false,
            "element",
        )
        .map(|(items, _)| ValueKind::List(items));
        choice((literal, path.map(ValueKind::Ref), block.clone().map(ValueKind::Object), list))
            .map_with(|kind, e| Value { kind, span: e.span() })
            .labelled("a value")
    });
    let block = block_out.expect("defined with value");
    let field = field_out.expect("defined with value");

    let ty = recursive(|ty| {
        let args = ty
            .separated_by(just(Token::Comma).then(newlines()))
            .at_least(1)
            .collect::<Vec<_>>()
            .map(exact)
            .delimited_by(just(Token::LBracket), just(Token::RBracket));
        let named =
            name.then(args.or_not()).map(|(name, args)| TypeKind::Named { name, args: args.unwrap_or_default() });
        let unit = just(Token::LParen).then(just(Token::RParen)).to(TypeKind::Unit);
        choice((named, unit)).map_with(|kind, e| TypeExpr { kind, span: e.span() }).foldl_with(
            just(Token::Question).repeated(),
            |inner, _, e| TypeExpr { kind: TypeKind::Optional(Box::new(inner)), span: e.span() },
        )
    })
    .labelled("a type");

    let param = name
        .then_ignore(just(Token::Colon))
        .then(ty.clone())
        .then(just(Token::Eq).ignore_then(newlines()).ignore_then(value.clone()).or_not())
        .map_with(|((name, ty), default), e| Param { name, ty, default, span: e.span() });
    let param_entry = param.map(Some);
    let params = delimited(
        Token::LParen,
        Token::RParen,
        ")",
        param_entry,
        garbage(paren_stop).to(None),
        sep(),
        |_| false,
        "parameter",
    )
    .map(|(params, _)| exact(params.into_iter().flatten().collect::<Vec<_>>()));
    let output = just(Token::Arrow).ignore_then(ty.clone()).or_not();

    let arg = name
        .then_ignore(just(Token::Colon))
        .then_ignore(newlines())
        .then(value.clone())
        .map_with(|(name, value), e| Some(Arg { name, value, span: e.span() }));
    let positional =
        value.clone().then_ignore(any().filter(|t: &Token<'_>| paren_stop(t)).rewind()).validate(|_, e, emitter| {
            emitter.emit(coded(
                codes::POSITIONAL_ARGUMENT,
                e.span(),
                "arguments are passed by name: write `parameter: value`",
                None,
            ));
            None
        });
    let arg_entry = choice((arg, positional));
    let call = path
        .then(delimited(
            Token::LParen,
            Token::RParen,
            ")",
            arg_entry,
            garbage(paren_stop).to(None),
            sep(),
            |_| false,
            "argument",
        ))
        .map_with(|(callee, (args, _)), e| Call {
            callee,
            args: exact(args.into_iter().flatten().collect()),
            span: e.span(),
        })
        .labelled("a task call");

    let override_clause = newlines()
        .ignore_then(kw("override").ignore_then(field.clone()).map_with(|field, e| Override { field, span: e.span() }));
    let let_stmt = kw("let")
        .ignore_then(name)
        .then_ignore(just(Token::Eq))
        .then_ignore(newlines())
        .then(call)
        .then(override_clause.repeated().collect::<Vec<_>>())
        .map_with(|((name, call), overrides), e| {
            Stmt::Let(Let { name, call, overrides: exact(overrides), span: e.span() })
        });
    let return_stmt =
        kw("return").ignore_then(value.clone()).map_with(|value, e| Stmt::Return(Return { value, span: e.span() }));
    let stmt_entry = choice((let_stmt, return_stmt)).labelled("a statement (`let` or `return`)");
    let stmt_recover = garbage(block_stop).map(|(_, span)| Stmt::Error(span));
    let stmts = delimited(Token::LBrace, Token::RBrace, "}", stmt_entry, stmt_recover, sep(), |_| false, "statement");

    let import = kw("import").ignore_then(string).then(kw("as").ignore_then(name).or_not()).validate(
        |(path, alias), _, emitter| {
            if alias.is_none() {
                let stem = import_alias_suggestion(&path.value);
                emitter.emit(coded(
                    codes::IMPORT_WITHOUT_NAME,
                    path.span,
                    "an import needs a name: `import \"path.skiff\" as name`",
                    Some((path.span.end, &format!(" as {stem}"), &format!("name it `{stem}`"))),
                ));
            }
            ItemKind::Import(Import { path, alias })
        },
    );
    let template_body =
        choice((block.clone().map(TemplateBody::Block), kw("from").ignore_then(string).map(TemplateBody::File)));
    let template = kw("pod_template")
        .ignore_then(name)
        .then(kw("extends").ignore_then(path).or_not())
        .then(template_body)
        .map(|((name, extends), body)| ItemKind::Template(Template { name, extends, body }));
    let task = kw("task")
        .ignore_then(name)
        .then(params.clone())
        .then(output.clone())
        .then(block.clone())
        .map(|(((name, params), output), body)| ItemKind::Task(Task { name, params, output, body }));
    let workflow = kw("workflow").ignore_then(name).then(params).then(output).then(stmts).map(
        |(((name, params), output), (body, body_span))| {
            ItemKind::Workflow(Workflow { name, params, output, body, body_span })
        },
    );

    let item = choice((import, template, task, workflow)).map_with(|kind, e| Item { kind, span: e.span(), doc: None });
    let trailing =
        any().rewind().then_ignore(any().repeated().at_least(1)).map_with(|first, e| (first, e.span())).validate(
            |(first, span), _, emitter| {
                emitter.emit(coded(
                    codes::UNEXPECTED_TOKEN,
                    span,
                    &format!("expected the end of the item, found {}", describe_found(Some(first))),
                    None,
                ));
            },
        );
    newlines().ignore_then(item).then_ignore(newlines()).then_ignore(trailing.or_not()).then_ignore(end())
}

fn import_alias_suggestion(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file.strip_suffix(".skiff").unwrap_or(file);
    let ident: String = stem.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    match ident.chars().next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => ident,
        _ => format!("_{ident}"),
    }
}

fn describe_found(token: Option<Token<'_>>) -> String {
    match token {
        Some(Token::Ident(s)) => format!("`{s}`"),
        Some(Token::Str(s)) => {
            let short: String = s.chars().take(24).collect();
            if short.len() < s.len() { format!("{short}…") } else { short }
        }
        Some(other) => other.to_string(),
        None => "end of file".to_string(),
    }
}

fn convert_error(error: Rich<'_, Token<'_>, Span>, next: Option<Token<'_>>) -> Diagnostic {
    let span = *error.span();
    match error.reason() {
        chumsky::error::RichReason::Custom(encoded) => {
            let mut parts = encoded.split('\u{1f}');
            let code = parts.next().unwrap_or_default();
            let code = [
                codes::UNCLOSED_DELIMITER,
                codes::MISSING_SEPARATOR,
                codes::POSITIONAL_ARGUMENT,
                codes::IMPORT_WITHOUT_NAME,
                codes::UNEXPECTED_TOKEN,
            ]
            .into_iter()
            .find(|c| *c == code)
            .unwrap_or(codes::UNEXPECTED_TOKEN);
            let message = parts.next().unwrap_or_default();
            let mut out = Diagnostic::new(code, span, message);
            if let (Some(at), Some(text), Some(label)) = (parts.next(), parts.next(), parts.next())
                && let Ok(at) = at.parse::<u32>()
            {
                out = out.with_fix(Fix::insert(label, at, text));
            }
            out
        }
        chumsky::error::RichReason::ExpectedFound { expected, found } => {
            let mut names: Vec<String> = Vec::new();
            for pattern in expected {
                let name = match pattern {
                    chumsky::error::RichPattern::Token(t) => t.to_string(),
                    chumsky::error::RichPattern::Label(l) => l.to_string(),
                    chumsky::error::RichPattern::Identifier(i) => format!("`{i}`"),
                    chumsky::error::RichPattern::EndOfInput => "end of item".to_string(),
                    _ => continue,
                };
                let name = if ITEM_KEYWORDS.contains(&name.as_str())
                    || ["let", "return", "override", "as", "extends", "from", "delete", "replace"]
                        .contains(&name.as_str())
                {
                    format!("`{name}`")
                } else {
                    name
                };
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            let found = match found {
                Some(t) => describe_found(Some(**t)),
                None => match next {
                    Some(t) => format!("the next item ({})", describe_found(Some(t))),
                    None => "end of file".to_string(),
                },
            };
            // Separators are acceptable almost everywhere; listing them buries what is needed.
            if names.iter().any(|n| n != "end of line" && n != "`,`" && n != "`.`") {
                names.retain(|n| n != "end of line" && n != "`,`" && n != "`.`");
            }
            let expected = match names.len() {
                0 => "something else".to_string(),
                1 => names[0].clone(),
                n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
            };
            Diagnostic::new(codes::UNEXPECTED_TOKEN, span, format!("expected {expected}, found {found}"))
        }
    }
}

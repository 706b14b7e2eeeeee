//! What the formatter must keep: the syntax tree without its layout.

use skiff_syntax::Span;
use skiff_syntax::ast::*;
use skiff_syntax::lexer::{Token, unescape};
use skiff_syntax::literal::is_identifier;

/// The tree with everything layout erased: spans (positions), whether a key was quoted,
/// whether an object field used block sugar (`key { }` rather than `key: { }`), and spaces at
/// the ends of doc comment lines. Two texts mean
/// the same thing exactly when their layout-free trees are equal; the formatter checks it on
/// every run, and the tests compare it over every example and generated file.
pub fn layout_free(file: &SourceFile) -> SourceFile {
    let mut file = file.clone();
    for item in &mut file.items {
        item.spans_mut(&mut |span| *span = Span::default());
        if let Some(doc) = &mut item.doc {
            doc.text = doc.text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
        }
        match &mut item.kind {
            ItemKind::Template(template) => {
                if let TemplateBody::Block(b) = &mut template.body {
                    block(b);
                }
            }
            ItemKind::Task(task) => {
                params(&mut task.params);
                block(&mut task.body);
            }
            ItemKind::Workflow(workflow) => {
                params(&mut workflow.params);
                for stmt in &mut workflow.body {
                    match stmt {
                        Stmt::Let(binding) => {
                            for arg in &mut binding.call.args {
                                value(&mut arg.value);
                            }
                            for o in &mut binding.overrides {
                                field(&mut o.field);
                            }
                        }
                        Stmt::Return(ret) => value(&mut ret.value),
                        Stmt::Error(_) => {}
                    }
                }
            }
            ItemKind::Import(_) | ItemKind::Error => {}
        }
    }
    file
}

fn params(params: &mut [Param]) {
    for param in params {
        if let Some(default) = &mut param.default {
            value(default);
        }
    }
}

fn block(b: &mut Block) {
    for f in &mut b.fields {
        field(f);
    }
}

fn field(f: &mut Field) {
    f.key.quoted = false;
    if let Some(index) = &mut f.key.index {
        value(index);
    }
    match &mut f.op {
        FieldOp::Set { value: v, block_sugar } | FieldOp::Replace { value: v, block_sugar } => {
            *block_sugar = false;
            value(v);
        }
        FieldOp::Append(v) => value(v),
        FieldOp::Delete | FieldOp::Error => {}
    }
}

fn value(v: &mut Value) {
    match &mut v.kind {
        ValueKind::Object(b) => block(b),
        ValueKind::List(items) => items.iter_mut().for_each(value),
        _ => {}
    }
}

/// A token with its layout erased (see [`layout_free_tokens`]).
#[derive(Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// An identifier, or a string whose value is one (a key the formatter may unquote).
    Name(std::borrow::Cow<'a, str>),
    Other(Token<'a>),
}

/// The tokens of a text (as lexed) in order, without what the formatter may change: newlines, commas, a
/// `:` before a `{` (block sugar), and the quotes of a string that spells a name. The formatter
/// checks on every run that these are the same before and after, so that no text is ever lost,
/// even text the parser skipped without a word.
pub(crate) fn layout_free_tokens<'a>(tokens: &[(Token<'a>, Span)]) -> Vec<Tok<'a>> {
    let tokens: Vec<Token<'a>> = tokens.iter().map(|(t, _)| *t).filter(|t| *t != Token::Newline).collect();
    let mut out = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        match *token {
            Token::Comma => {}
            Token::Colon if tokens.get(i + 1) == Some(&Token::LBrace) => {}
            Token::Ident(name) => out.push(Tok::Name(name.into())),
            Token::Str(raw) => {
                let inner = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')).unwrap_or(raw);
                let value: std::borrow::Cow<'_, str> =
                    if inner.contains('\\') { unescape(raw, 0).0.to_string().into() } else { inner.into() };
                if is_identifier(&value) {
                    out.push(Tok::Name(value));
                } else {
                    out.push(Tok::Other(*token));
                }
            }
            other => out.push(Tok::Other(other)),
        }
    }
    out
}

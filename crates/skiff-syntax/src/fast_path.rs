//! The parser's fast path: a hand-written recursive descent over one chunk's tokens that builds
//! the tree of an item with no syntax error, and gives up at the first token where the grammar
//! would report one.
//!
//! The chumsky grammar ([`crate::parser`]) is the grammar of record: it parses every item the fast
//! path gives up on, with its error recovery and diagnostics. What this module is for is speed
//! on the common case, a file without errors: chumsky's combinators cost some 150 instructions a
//! byte, four fifths of parsing; this costs a fifth of that (BENCHMARKS.md, "Fifth session"). It
//! is not for errors: it never says why it gave up, and it never recovers.
//!
//! The two must agree: when the fast path returns a tree, the grammar returns the same tree with
//! no error. Each decision below follows the grammar's choice at the same point (the grammar
//! tries its alternatives in order and keeps the first that parses), and every place where the
//! grammar would report something ends in `None`. `tests/fast_path.rs` and the `parse` fuzz
//! target compare the two on real files and on mutations of them; a file that parses without
//! errors must never fall back to the grammar (the same tests check that it does not).

use crate::Span;
use crate::ast::*;
use crate::lexer::{Token, unescape};

/// The item of a chunk that has no syntax error, or `None` for the grammar to parse and report.
/// The chunk starts with an item keyword (after newlines), as [`crate::parser`] checks first.
pub(crate) fn parse_item(tokens: &[(Token<'_>, Span)]) -> Option<Item> {
    let mut cursor = Cursor { tokens, pos: 0 };
    cursor.skip_newlines();
    let start = cursor.start()?;
    let kind = match cursor.peek()? {
        Token::Ident("import") => cursor.import()?,
        Token::Ident("pod_template") => cursor.template()?,
        Token::Ident("task") => cursor.task()?,
        Token::Ident("workflow") => cursor.workflow()?,
        _ => return None,
    };
    let span = cursor.span_from(start);
    cursor.skip_newlines();
    (cursor.pos == tokens.len()).then_some(Item { kind, span, doc: None })
}

/// `Option` here means "parsed" or "leave it to the grammar": `?` gives up on the whole item.
struct Cursor<'t, 's> {
    tokens: &'t [(Token<'s>, Span)],
    pos: usize,
}

impl<'s> Cursor<'_, 's> {
    fn peek(&self) -> Option<Token<'s>> {
        self.tokens.get(self.pos).map(|(token, _)| *token)
    }

    fn peek_second(&self) -> Option<Token<'s>> {
        self.tokens.get(self.pos + 1).map(|(token, _)| *token)
    }

    /// Where the next token starts.
    fn start(&self) -> Option<u32> {
        self.tokens.get(self.pos).map(|(_, span)| span.start)
    }

    /// From `start` to the end of the last token taken: the span chumsky gives a node.
    fn span_from(&self, start: u32) -> Span {
        Span::new(start, self.tokens[self.pos - 1].1.end)
    }

    fn bump(&mut self) -> Span {
        let span = self.tokens[self.pos].1;
        self.pos += 1;
        span
    }

    fn eat(&mut self, token: Token<'_>) -> Option<Span> {
        (self.peek()? == token).then(|| self.bump())
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(Token::Newline) {
            self.pos += 1;
        }
    }

    /// Newlines and commas, the separators of entries; whether there was one.
    fn skip_separators(&mut self) -> bool {
        let before = self.pos;
        while matches!(self.peek(), Some(Token::Newline | Token::Comma)) {
            self.pos += 1;
        }
        self.pos > before
    }

    fn keyword(&mut self, word: &str) -> Option<Span> {
        self.eat(Token::Ident(word))
    }

    fn name(&mut self) -> Option<Name> {
        match self.peek()? {
            Token::Ident(text) => Some(Name { text: SmolStr::new(text), span: self.bump() }),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<StrLit> {
        match self.peek()? {
            Token::Str(raw) => Some(StrLit { value: unescape(raw, 0).0, span: self.bump() }),
            _ => None,
        }
    }

    /// `a.b.c`. A `.` not followed by a name is left where it is, as the grammar leaves it.
    fn path(&mut self) -> Option<Path> {
        let first = self.name()?;
        let start = first.span.start;
        let mut segments = vec![first];
        while self.peek() == Some(Token::Dot) && matches!(self.peek_second(), Some(Token::Ident(_))) {
            self.pos += 1;
            segments.push(self.name()?);
        }
        segments.shrink_to_fit();
        Some(Path { segments, span: self.span_from(start) })
    }

    /// `open entry (separator entry)* close`, where the separator is newlines and commas (also
    /// allowed after `open` and before `close`). An entry may follow the one before on the same
    /// line only when `ends_in_block` says the one before ends in a block; anything else the
    /// grammar reports.
    ///
    /// The grammar also stops a list at an element that looks like a field (`a: 1`, the sign
    /// of a missing `]`); here such an element fails by itself at its `:`, `{` or `+=`, which
    /// no value is followed by.
    fn delimited<O>(
        &mut self,
        open: Token<'_>,
        close: Token<'_>,
        ends_in_block: fn(&O) -> bool,
        mut entry: impl FnMut(&mut Self) -> Option<O>,
    ) -> Option<(Vec<O>, Span)> {
        let start = self.eat(open)?.start;
        self.skip_separators();
        let mut entries = Vec::new();
        loop {
            if self.eat(close).is_some() {
                break;
            }
            let separated = entries.is_empty() || self.skip_separators();
            if separated {
                if self.eat(close).is_some() {
                    break;
                }
            } else if !entries.last().is_some_and(ends_in_block) {
                return None;
            }
            entries.push(entry(self)?);
        }
        entries.shrink_to_fit();
        Some((entries, self.span_from(start)))
    }

    fn block(&mut self) -> Option<Block> {
        let (fields, span) = self.delimited(Token::LBrace, Token::RBrace, field_ends_in_block, Self::field)?;
        Some(Block { fields, span })
    }

    /// `delete KEY`, `replace KEY ASSIGN`, `KEY ASSIGN` or `KEY += VALUE`. `delete` and `replace`
    /// are field names too: they are keywords only when a key follows, as in the grammar, which
    /// tries them as keywords first.
    fn field(&mut self) -> Option<Field> {
        let start = self.start()?;
        let key_follows = matches!(self.peek_second(), Some(Token::Ident(_) | Token::Str(_) | Token::Word(_)));
        let (key, op) = match self.peek()? {
            Token::Ident("delete") if key_follows => {
                self.pos += 1;
                (self.key()?, FieldOp::Delete)
            }
            Token::Ident("replace") if key_follows => {
                self.pos += 1;
                let key = self.key()?;
                let (value, block_sugar) = self.assign()?;
                (key, FieldOp::Replace { value, block_sugar })
            }
            _ => {
                let key = self.key()?;
                if self.eat(Token::PlusEq).is_some() {
                    self.skip_newlines();
                    (key, FieldOp::Append(self.value()?))
                } else {
                    let (value, block_sugar) = self.assign()?;
                    (key, FieldOp::Set { value, block_sugar })
                }
            }
        };
        Some(Field { key, op, span: self.span_from(start) })
    }

    /// `name`, `"quoted"` or a lexer-reported word, then an optional `[merge key]`.
    fn key(&mut self) -> Option<Key> {
        let (name, quoted) = match self.peek()? {
            Token::Ident(text) => (Name { text: SmolStr::new(text), span: self.bump() }, false),
            Token::Str(raw) => (Name { text: unescape(raw, 0).0, span: self.bump() }, true),
            Token::Word(word) => (Name { text: SmolStr::new(word), span: self.bump() }, true),
            _ => return None,
        };
        let index = if self.eat(Token::LBracket).is_some() {
            self.skip_newlines();
            let key = self.merge_key()?;
            self.skip_newlines();
            self.eat(Token::RBracket)?;
            Some(Box::new(key))
        } else {
            None
        };
        Some(Key { span: self.span_from(name.span.start), name, quoted, index })
    }

    /// `: VALUE` or a block; the flag says the block was written without `:`.
    fn assign(&mut self) -> Option<(Value, bool)> {
        match self.peek()? {
            Token::Colon => {
                self.pos += 1;
                self.skip_newlines();
                Some((self.value()?, false))
            }
            Token::LBrace => {
                let block = self.block()?;
                Some((Value { span: block.span, kind: ValueKind::Object(block) }, true))
            }
            _ => None,
        }
    }

    /// A scalar literal, taken when the next token is one.
    fn literal(&mut self) -> Option<ValueKind> {
        let kind = literal(self.peek()?)?;
        self.pos += 1;
        Some(kind)
    }

    /// A literal or a reference: what may stand in `key[...]`.
    fn merge_key(&mut self) -> Option<Value> {
        let start = self.start()?;
        let kind = match self.literal() {
            Some(kind) => kind,
            None => ValueKind::Ref(self.path()?),
        };
        Some(Value { kind, span: self.span_from(start) })
    }

    fn value(&mut self) -> Option<Value> {
        let start = self.start()?;
        let kind = match self.peek()? {
            Token::LBrace => ValueKind::Object(self.block()?),
            Token::LBracket => {
                let (items, _) = self.delimited(Token::LBracket, Token::RBracket, |_| false, Self::value)?;
                ValueKind::List(items)
            }
            _ => return self.merge_key(),
        };
        Some(Value { kind, span: self.span_from(start) })
    }

    /// `name`, `name[T, U]` or `()`, then any number of `?`.
    fn ty(&mut self) -> Option<TypeExpr> {
        let start = self.start()?;
        let kind = match self.peek()? {
            Token::Ident(_) => {
                let name = self.name()?;
                let mut args = Vec::new();
                if self.eat(Token::LBracket).is_some() {
                    args.push(self.ty()?);
                    while self.eat(Token::Comma).is_some() {
                        self.skip_newlines();
                        args.push(self.ty()?);
                    }
                    self.eat(Token::RBracket)?;
                    args.shrink_to_fit();
                }
                TypeKind::Named { name, args }
            }
            Token::LParen => {
                self.pos += 1;
                self.eat(Token::RParen)?;
                TypeKind::Unit
            }
            _ => return None,
        };
        let mut ty = TypeExpr { kind, span: self.span_from(start) };
        while self.eat(Token::Question).is_some() {
            ty = TypeExpr { kind: TypeKind::Optional(Box::new(ty)), span: self.span_from(start) };
        }
        Some(ty)
    }

    /// `(name: Type [= default], ...)`
    fn params(&mut self) -> Option<Vec<Param>> {
        let param = |this: &mut Self| {
            let name = this.name()?;
            this.eat(Token::Colon)?;
            let ty = this.ty()?;
            let default = if this.eat(Token::Eq).is_some() {
                this.skip_newlines();
                Some(this.value()?)
            } else {
                None
            };
            Some(Param { span: this.span_from(name.span.start), name, ty, default })
        };
        Some(self.delimited(Token::LParen, Token::RParen, |_| false, param)?.0)
    }

    /// `-> Type`, if written.
    fn output(&mut self) -> Option<Option<TypeExpr>> {
        if self.eat(Token::Arrow).is_none() {
            return Some(None);
        }
        Some(Some(self.ty()?))
    }

    fn import(&mut self) -> Option<ItemKind> {
        self.pos += 1;
        let path = self.string()?;
        // Without `as NAME` the grammar reports the missing name.
        self.keyword("as")?;
        let alias = self.name()?;
        Some(ItemKind::Import(Import { path, alias: Some(alias) }))
    }

    fn template(&mut self) -> Option<ItemKind> {
        self.pos += 1;
        let name = self.name()?;
        let extends = if self.keyword("extends").is_some() { Some(self.path()?) } else { None };
        let body = match self.peek()? {
            Token::LBrace => TemplateBody::Block(self.block()?),
            Token::Ident("from") => {
                self.pos += 1;
                TemplateBody::File(self.string()?)
            }
            _ => return None,
        };
        Some(ItemKind::Template(Template { name, extends, body }))
    }

    fn task(&mut self) -> Option<ItemKind> {
        self.pos += 1;
        let name = self.name()?;
        let params = self.params()?;
        let output = self.output()?;
        let body = self.block()?;
        Some(ItemKind::Task(Task { name, params, output, body }))
    }

    fn workflow(&mut self) -> Option<ItemKind> {
        self.pos += 1;
        let name = self.name()?;
        let params = self.params()?;
        let output = self.output()?;
        let (body, body_span) = self.delimited(Token::LBrace, Token::RBrace, |_| false, Self::statement)?;
        Some(ItemKind::Workflow(Workflow { name, params, output, body, body_span }))
    }

    fn statement(&mut self) -> Option<Stmt> {
        let start = self.start()?;
        match self.peek()? {
            Token::Ident("let") => {
                self.pos += 1;
                let name = self.name()?;
                self.eat(Token::Eq)?;
                self.skip_newlines();
                let call = self.call()?;
                let overrides = self.overrides()?;
                Some(Stmt::Let(Let { name, call, overrides, span: self.span_from(start) }))
            }
            Token::Ident("return") => {
                self.pos += 1;
                let value = self.value()?;
                Some(Stmt::Return(Return { value, span: self.span_from(start) }))
            }
            _ => None,
        }
    }

    /// `path(name: value, ...)`; an argument without a name is the grammar's to report.
    fn call(&mut self) -> Option<Call> {
        let callee = self.path()?;
        let arg = |this: &mut Self| {
            let name = this.name()?;
            this.eat(Token::Colon)?;
            this.skip_newlines();
            let value = this.value()?;
            Some(Arg { span: this.span_from(name.span.start), name, value })
        };
        let (args, _) = self.delimited(Token::LParen, Token::RParen, |_| false, arg)?;
        Some(Call { span: self.span_from(callee.span.start), callee, args })
    }

    /// The `override FIELD` clauses after a call, each on a line of its own or not. The newlines
    /// before a line that is no `override` are left to separate the statements.
    fn overrides(&mut self) -> Option<Vec<Override>> {
        let mut overrides = Vec::new();
        loop {
            let before = self.pos;
            self.skip_newlines();
            let Some(start) = self.keyword("override").map(|span| span.start) else {
                self.pos = before;
                break;
            };
            let field = self.field()?;
            overrides.push(Override { field, span: self.span_from(start) });
        }
        overrides.shrink_to_fit();
        Some(overrides)
    }
}

/// The value a scalar literal token stands for, `None` for any other token: the one reading of
/// literals, for this parser and the grammar's `literal` alike.
pub(crate) fn literal(token: Token<'_>) -> Option<ValueKind> {
    Some(match token {
        Token::Str(raw) => ValueKind::Str(unescape(raw, 0).0),
        // An integer too large for i64 was reported by the lexer.
        Token::Int(text) => text.parse().map_or(ValueKind::Error, ValueKind::Int),
        Token::Float(text) => text.parse().map_or(ValueKind::Error, ValueKind::Float),
        Token::Unit(text) => ValueKind::Unit(SmolStr::new(text)),
        Token::Ident("true") => ValueKind::Bool(true),
        Token::Ident("false") => ValueKind::Bool(false),
        Token::Ident("null") => ValueKind::Null,
        Token::Error => ValueKind::Error,
        Token::Word(word) => ValueKind::Str(SmolStr::new(word)),
        _ => return None,
    })
}

/// Whether a field's value is a block (`a { }`, `a: { }`): the next field may then follow on
/// the same line, in both parsers.
pub(crate) fn field_ends_in_block(field: &Field) -> bool {
    field.op.value().is_some_and(|value| matches!(value.kind, ValueKind::Object(_)))
}

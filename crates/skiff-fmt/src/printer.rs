//! The printer: walks the tree in source order, writing the canonical layout, and places each
//! comment of the side table as it passes it.
//!
//! Comment placement, in three rules:
//! - a comment on its own line before an entry (item, field, statement, override, parameter,
//!   argument, list element) or before a closing bracket stays on its own line there;
//! - a comment after an entry or an opening bracket on the same line stays at the end of that
//!   line;
//! - a comment anywhere else (inside a type or a value printed on one line, after `key:` before a
//!   value on the next line) moves to the end of the line the printer is on.
//!
//! When several comments end up at the end of one line, the first stays there and the others
//! go on their own lines below it, at the indentation of what follows them, which is where the
//! first rule keeps them the next time. A list, object, parameter list or argument list holding
//! a comment never goes on one line. A `///` comment that lands on the line above an item's doc
//! comment is kept apart from it by a blank line, so that the item's docs stay what they were.

use crate::{INDENT, WIDTH};
use skiff_syntax::ast::*;
use skiff_syntax::lexer::Token;
use skiff_syntax::literal::is_identifier;
use skiff_syntax::{Comment, CommentKind, Parse, Span};

/// The canonical text of `src`, given its parse and its tokens (`lexer::lex(src).tokens`).
pub fn print<'a>(src: &'a str, parse: &'a Parse, tokens: &'a [(Token<'a>, Span)]) -> String {
    let mut p = Printer {
        src,
        tokens,
        comments: &parse.comments,
        next: 0,
        out: String::with_capacity(src.len() + src.len() / 8),
        line_start: 0,
        indent: 0,
        pending: Vec::new(),
        last_end: 0,
        pos: 0,
        fresh: true,
        inline: false,
        overflow: false,
        line_doc: None,
        doc_run: Vec::new(),
    };
    for item in &parse.file.items {
        p.leading(item.span.start);
        p.keep_doc(item);
        p.item(item);
        p.trailing(item.span.end);
        p.end_line();
    }
    p.own_line_comments(src.len() + 1);
    p.end_line();
    p.out
}

struct Printer<'a> {
    src: &'a str,
    tokens: &'a [(Token<'a>, Span)],
    comments: &'a [Comment],
    /// The first comment not yet placed.
    next: usize,
    out: String,
    /// Where the current output line starts in `out`.
    line_start: usize,
    indent: usize,
    /// Comments to write at the end of the current line.
    pending: Vec<Comment>,
    /// The source offset where the last thing written ends, for blank lines.
    last_end: usize,
    /// The source offset up to which the tree has been written.
    pos: usize,
    /// At the start of a block: no blank line before the next line.
    fresh: bool,
    /// Writing on one line (an attempt that may be undone).
    inline: bool,
    /// The one-line attempt is already too long.
    overflow: bool,
    /// The `///` comment that ends the current line, if one does, and whether it is alone on it.
    line_doc: Option<(u32, bool)>,
    /// The lines just written that end in a `///` comment: (comment start, line start in `out`).
    doc_run: Vec<(u32, usize)>,
}

impl<'a> Printer<'a> {
    // ---- output and comments -------------------------------------------------------------

    fn at_line_start(&self) -> bool {
        self.out.len() == self.line_start
    }

    fn write(&mut self, text: &str) {
        if self.at_line_start() && !text.is_empty() {
            for _ in 0..self.indent {
                self.out.push_str(INDENT);
            }
        }
        self.out.push_str(text);
        // A char is at most 4 bytes: past this many bytes the line is surely too long.
        if self.inline && self.out.len() - self.line_start > 4 * WIDTH {
            self.overflow = true;
        }
    }

    fn column(&self) -> usize {
        self.out[self.line_start..].chars().count()
    }

    fn comment_text(&self, comment: &Comment) -> &'a str {
        self.src[comment.span.range()].trim_end()
    }

    fn has_comment(&self, span: Span) -> bool {
        let first = self.comments.partition_point(|c| c.span.start < span.start);
        self.comments.get(first).is_some_and(|c| c.span.start < span.end)
    }

    /// Sets aside, for the end of this line, every unplaced comment that starts before `at`.
    fn collect_before(&mut self, at: usize) {
        while let Some(comment) = self.comments.get(self.next)
            && (comment.span.start as usize) < at
        {
            self.pending.push(*comment);
            self.next += 1;
        }
    }

    /// Ends the current line (if anything is on it), with the comments set aside for it.
    fn end_line(&mut self) {
        self.collect_before(self.pos);
        if self.at_line_start() && self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        for (i, comment) in pending.iter().enumerate() {
            if i > 0 {
                self.newline();
            }
            let text = self.comment_text(comment);
            let own_line = self.at_line_start();
            if own_line {
                self.write(text);
            } else {
                self.out.push(' ');
                self.out.push_str(text);
            }
            self.ends_with_comment(comment, own_line);
        }
        self.newline();
    }

    fn ends_with_comment(&mut self, comment: &Comment, own_line: bool) {
        self.last_end = self.last_end.max(comment.span.end as usize);
        self.line_doc = (comment.kind == CommentKind::Doc).then_some((comment.span.start, own_line));
    }

    fn newline(&mut self) {
        match self.line_doc.take() {
            // A `///` comment after code on its line can only start a run of doc lines.
            Some((start, own_line)) => {
                if !own_line {
                    self.doc_run.clear();
                }
                self.doc_run.push((start, self.line_start));
            }
            None => self.doc_run.clear(),
        }
        self.out.push('\n');
        self.line_start = self.out.len();
        self.fresh = false;
    }

    /// Keeps an item's doc comment what it is: the `///` lines directly above the item attach
    /// to it, so a `///` comment moved to the end of the line above (from inside a type, say)
    /// gets a blank line between it and the item's own doc lines.
    fn keep_doc(&mut self, item: &Item) {
        let doc: Vec<u32> = match &item.doc {
            Some(doc) => {
                let first = self.comments.partition_point(|c| c.span.start < doc.span.start);
                self.comments[first..]
                    .iter()
                    .take_while(|c| doc.span.contains(c.span.start))
                    .filter(|c| c.kind == CommentKind::Doc)
                    .map(|c| c.span.start)
                    .collect()
            }
            None => Vec::new(),
        };
        let run: Vec<u32> = self.doc_run.iter().map(|(start, _)| *start).collect();
        if run == doc || !run.ends_with(&doc) {
            return;
        }
        let at = self.doc_run.get(run.len() - doc.len()).map_or(self.out.len(), |(_, line)| *line);
        self.out.insert(at, '\n');
        self.line_start = self.out.len();
        self.doc_run.clear();
    }

    /// Marks `end` as written, and sets aside the comment that follows it on the same line
    /// (after spaces and commas only).
    fn trailing(&mut self, end: u32) {
        let end = end as usize;
        self.pos = self.pos.max(end);
        self.last_end = self.last_end.max(end);
        self.collect_before(end);
        if let Some(comment) = self.comments.get(self.next) {
            let start = comment.span.start as usize;
            if start >= end && self.src[end..start].bytes().all(|b| matches!(b, b' ' | b'\t' | b',')) {
                self.pending.push(*comment);
                self.next += 1;
                self.last_end = self.last_end.max(comment.span.end as usize);
            }
        }
    }

    /// Writes the comments before `at`, each on its own line, keeping one blank line where the
    /// source has one or more (except at the start of a block).
    fn own_line_comments(&mut self, at: usize) {
        while let Some(comment) = self.comments.get(self.next)
            && (comment.span.start as usize) < at
        {
            self.next += 1;
            self.blank_line_before(comment.span.start as usize);
            let text = self.comment_text(comment);
            self.write(text);
            self.ends_with_comment(comment, true);
            self.newline();
        }
    }

    fn blank_line_before(&mut self, at: usize) {
        if !self.fresh
            && self.last_end < at
            && self.src[self.last_end..at].bytes().filter(|&b| b == b'\n').nth(1).is_some()
        {
            self.out.push('\n');
            self.line_start = self.out.len();
            self.doc_run.clear();
        }
    }

    /// Before an entry that starts a line: the comments above it, and a blank line if the
    /// source has one.
    fn leading(&mut self, at: u32) {
        self.own_line_comments(at as usize);
        self.blank_line_before(at as usize);
    }

    /// The span of the first `open` bracket at or after `at`, and of its matching close.
    fn brackets(&self, at: u32, open: Token<'a>, close: Token<'a>) -> Option<(Span, Span)> {
        let i = self.tokens.partition_point(|(_, span)| span.start < at);
        let start = i + self.tokens[i..].iter().position(|(t, _)| *t == open)?;
        let mut depth = 0usize;
        for (token, span) in &self.tokens[start..] {
            if *token == open {
                depth += 1;
            } else if *token == close {
                depth -= 1;
                if depth == 0 {
                    return Some((self.tokens[start].1, *span));
                }
            }
        }
        None
    }

    /// Writes `f`'s output on one line if the span holds no comment and the line stays within
    /// [`WIDTH`] with `suffix` more characters; else writes nothing and answers false.
    fn try_inline(&mut self, span: Span, suffix: usize, f: impl FnOnce(&mut Self)) -> bool {
        if self.inline {
            f(self);
            return true;
        }
        if self.has_comment(span) {
            return false;
        }
        let (mark, pos) = (self.out.len(), self.pos);
        self.inline = true;
        self.overflow = false;
        f(self);
        self.inline = false;
        if !self.overflow && self.column() + suffix <= WIDTH {
            return true;
        }
        self.out.truncate(mark);
        self.pos = pos;
        false
    }

    /// `open`, then one entry a line (each followed by `separator`), then `close`; comments
    /// inside kept in their places.
    fn broken<T>(
        &mut self,
        open: (&str, Span),
        entries: &[T],
        span_of: fn(&T) -> Span,
        separator: &str,
        mut entry: impl FnMut(&mut Self, &T),
        close: (&str, Span),
    ) {
        self.write(open.0);
        self.trailing(open.1.end);
        // Comments that do not fit at the end of this line go below it, inside the brackets.
        self.indent += 1;
        self.end_line();
        self.fresh = true;
        for e in entries {
            let span = span_of(e);
            self.leading(span.start);
            entry(self, e);
            self.write(separator);
            self.trailing(span.end);
            self.end_line();
        }
        self.own_line_comments(close.1.start as usize);
        self.indent -= 1;
        self.write(close.0);
        self.pos = self.pos.max(close.1.end as usize);
        self.last_end = self.last_end.max(close.1.end as usize);
    }

    // ---- items ---------------------------------------------------------------------------

    fn item(&mut self, item: &Item) {
        match &item.kind {
            ItemKind::Import(import) => {
                self.write("import ");
                self.verbatim(import.path.span);
                if let Some(alias) = &import.alias {
                    self.write(" as ");
                    self.write(&alias.text);
                }
            }
            ItemKind::Template(template) => {
                self.write("pod_template ");
                self.write(&template.name.text);
                if let Some(extends) = &template.extends {
                    self.write(" extends ");
                    self.path(extends);
                }
                match &template.body {
                    TemplateBody::Block(body) => {
                        self.write(" ");
                        self.body(body);
                    }
                    TemplateBody::File(file) => {
                        self.write(" from ");
                        self.verbatim(file.span);
                    }
                }
            }
            ItemKind::Task(task) => {
                self.write("task ");
                self.write(&task.name.text);
                self.signature(task.name.span, &task.params, task.output.as_ref());
                self.body(&task.body);
            }
            ItemKind::Workflow(workflow) => {
                self.write("workflow ");
                self.write(&workflow.name.text);
                self.signature(workflow.name.span, &workflow.params, workflow.output.as_ref());
                let span = workflow.body_span;
                if workflow.body.is_empty() && !self.has_comment(span) {
                    self.write("{}");
                    self.pos = self.pos.max(span.end as usize);
                    return;
                }
                let open = ("{", Span::new(span.start, span.start + 1));
                let close = ("}", Span::new(span.end.saturating_sub(1), span.end));
                self.broken(open, &workflow.body, Stmt::span, "", Self::stmt, close);
            }
            ItemKind::Error => self.verbatim(item.span),
        }
    }

    /// `(params) -> TYPE ` after an item's name.
    fn signature(&mut self, name: Span, params: &[Param], output: Option<&TypeExpr>) {
        let output = output.map(|ty| format!(" -> {}", type_text(ty))).unwrap_or_default();
        let suffix = output.chars().count() + 2;
        match self.brackets(name.end, Token::LParen, Token::RParen) {
            Some((open, close)) => {
                let span = open.cover(close);
                let inline = self.try_inline(span, suffix, |p| {
                    p.write("(");
                    p.comma_list(params, Self::param);
                    p.write(")");
                });
                if !inline {
                    self.broken(("(", open), params, |p| p.span, ",", Self::param, (")", close));
                }
            }
            None => self.write("()"),
        }
        self.write(&output);
        self.write(" ");
    }

    fn param(&mut self, param: &Param) {
        self.write(&param.name.text);
        self.write(": ");
        self.write(&type_text(&param.ty));
        self.pos = self.pos.max(param.ty.span.end as usize);
        if let Some(default) = &param.default {
            self.write(" = ");
            self.value(default, 1);
        }
    }

    /// Entries separated by `, ` on one line.
    fn comma_list<T>(&mut self, entries: &[T], mut entry: impl FnMut(&mut Self, &T)) {
        for (i, e) in entries.iter().enumerate() {
            if self.overflow {
                return;
            }
            if i > 0 {
                self.write(", ");
            }
            entry(self, e);
        }
    }

    /// The body of a template or a task: always one field a line.
    fn body(&mut self, body: &Block) {
        if body.fields.is_empty() && !self.has_comment(body.span) {
            self.write("{}");
            self.pos = self.pos.max(body.span.end as usize);
            return;
        }
        self.block_broken(body);
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Let(binding) => {
                self.write("let ");
                self.write(&binding.name.text);
                self.write(" = ");
                self.call(&binding.call);
                if binding.overrides.is_empty() {
                    return;
                }
                // Overrides one level in, and the comments between them with them.
                self.indent += 1;
                let mut end = binding.call.span.end;
                for o in &binding.overrides {
                    self.trailing(end);
                    self.end_line();
                    // An override continues its `let`: never a blank line before it.
                    self.fresh = true;
                    self.leading(o.span.start);
                    self.write("override ");
                    self.field(&o.field);
                    end = o.span.end;
                }
                // The line of the last override ends with the statement, one level out: the
                // comments below it belong to what follows.
                self.indent -= 1;
            }
            Stmt::Return(ret) => {
                self.write("return ");
                self.value(&ret.value, 0);
            }
            Stmt::Error(span) => self.verbatim(*span),
        }
    }

    fn call(&mut self, call: &Call) {
        self.path(&call.callee);
        let Some((open, close)) = self.brackets(call.callee.span.end, Token::LParen, Token::RParen) else {
            self.write("()");
            return;
        };
        let inline = self.try_inline(open.cover(close), 0, |p| {
            p.write("(");
            p.comma_list(&call.args, Self::arg);
            p.write(")");
        });
        if !inline {
            self.broken(("(", open), &call.args, |a| a.span, ",", Self::arg, (")", close));
        }
    }

    fn arg(&mut self, arg: &Arg) {
        self.write(&arg.name.text);
        self.write(": ");
        self.value(&arg.value, 1);
    }

    // ---- fields and values ----------------------------------------------------------------

    fn field(&mut self, field: &Field) {
        match &field.op {
            FieldOp::Set { value, .. } => {
                self.key(&field.key);
                self.assign(value);
            }
            FieldOp::Replace { value, .. } => {
                self.write("replace ");
                self.key(&field.key);
                self.assign(value);
            }
            FieldOp::Append(value) => {
                self.key(&field.key);
                self.write(" += ");
                self.value(value, 0);
            }
            FieldOp::Delete => {
                self.write("delete ");
                self.key(&field.key);
            }
            FieldOp::Error => self.verbatim(field.span),
        }
        self.pos = self.pos.max(field.span.end as usize);
    }

    /// `: value`, or ` { ... }` for an object: block sugar is the one spelling of an object field.
    fn assign(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Object(block) => {
                self.write(" ");
                self.block(block, 0);
            }
            _ => {
                self.write(": ");
                self.value(value, 0);
            }
        }
    }

    fn key(&mut self, key: &Key) {
        if key.quoted && !is_identifier(&key.name.text) {
            self.verbatim(key.name.span);
        } else {
            self.write(&key.name.text);
        }
        if let Some(index) = &key.index {
            self.write("[");
            self.value(index, 1);
            self.write("]");
        }
        self.pos = self.pos.max(key.span.end as usize);
    }

    /// A value; `suffix` is how many characters follow it on its line (`,` or `)`).
    fn value(&mut self, value: &Value, suffix: usize) {
        match &value.kind {
            ValueKind::Object(block) => self.block(block, suffix),
            ValueKind::List(items) => self.list(value.span, items, suffix),
            ValueKind::Ref(path) => self.path(path),
            ValueKind::Bool(true) => self.write("true"),
            ValueKind::Bool(false) => self.write("false"),
            ValueKind::Null => self.write("null"),
            // Literals as written: escapes, number spellings and units are the author's.
            ValueKind::Str(_) | ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Unit(_) | ValueKind::Error => {
                self.verbatim(value.span)
            }
        }
        self.pos = self.pos.max(value.span.end as usize);
    }

    fn block(&mut self, block: &Block, suffix: usize) {
        if block.fields.is_empty() && !self.has_comment(block.span) {
            self.write("{}");
            return;
        }
        if !self.try_inline(block.span, suffix, |p| p.block_inline(block)) {
            self.block_broken(block);
        }
    }

    /// `{ a: 1, b { c: 2 } d: 3 }`: fields separated by `, `, or by a space after a `}`.
    fn block_inline(&mut self, block: &Block) {
        if block.fields.is_empty() {
            self.write("{}");
            return;
        }
        self.write("{ ");
        for (i, field) in block.fields.iter().enumerate() {
            if self.overflow {
                return;
            }
            if i > 0 {
                let after_block =
                    block.fields[i - 1].op.value().is_some_and(|v| matches!(v.kind, ValueKind::Object(_)));
                self.write(if after_block { " " } else { ", " });
            }
            self.field(field);
        }
        self.write(" }");
    }

    fn block_broken(&mut self, block: &Block) {
        let span = block.span;
        let open = ("{", Span::new(span.start, span.start + 1));
        let close = ("}", Span::new(span.end.saturating_sub(1), span.end));
        self.broken(open, &block.fields, |f| f.span, "", Self::field, close);
    }

    fn list(&mut self, span: Span, items: &[Value], suffix: usize) {
        if items.is_empty() && !self.has_comment(span) {
            self.write("[]");
            return;
        }
        let inline = self.try_inline(span, suffix, |p| {
            p.write("[");
            p.comma_list(items, |p, v| p.value(v, 0));
            p.write("]");
        });
        if !inline {
            let open = ("[", Span::new(span.start, span.start + 1));
            let close = ("]", Span::new(span.end.saturating_sub(1), span.end));
            self.broken(open, items, |v| v.span, ",", |p, v| p.value(v, 1), close);
        }
    }

    fn path(&mut self, path: &Path) {
        for (i, segment) in path.segments.iter().enumerate() {
            if i > 0 {
                self.write(".");
            }
            self.write(&segment.text);
        }
        self.pos = self.pos.max(path.span.end as usize);
    }

    fn verbatim(&mut self, span: Span) {
        let text = self.src.get(span.range()).unwrap_or_default();
        self.write(text);
        self.pos = self.pos.max(span.end as usize);
    }
}

fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeKind::Named { name, args } if args.is_empty() => name.text.to_string(),
        TypeKind::Named { name, args } => {
            let args: Vec<String> = args.iter().map(type_text).collect();
            format!("{}[{}]", name.text, args.join(", "))
        }
        TypeKind::Optional(inner) => format!("{}?", type_text(inner)),
        TypeKind::Unit => "()".into(),
        TypeKind::Error => String::new(),
    }
}

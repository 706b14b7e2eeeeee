//! skiff's syntax: the lexer, the chumsky parser with error recovery (and a hand-written fast
//! path for items without errors), the syntax tree with byte spans, and the comment side table.
//!
//! This crate is for turning text into a tree and a list of errors, whatever the text: parsing
//! never fails and never panics. It is not for meaning: names, types and Kubernetes knowledge live
//! in `skiff-sema` and `skiff-k8s`. It knows nothing of salsa, files on disk, or editors.

pub mod ast;
mod chunk;
mod dump;
pub mod error;
mod fast_path;
pub mod lexer;
mod line_index;
pub mod literal;
mod parser;
mod span;
mod walk;

pub use chunk::{Chunk, ItemKeyword, chunks};
pub use dump::dump;
pub use error::{Diagnostic, Fix, Label, Severity, TextEdit};
pub use lexer::{Comment, CommentKind};
pub use line_index::LineIndex;
pub use span::Span;

use ast::{DocComment, SourceFile};

/// The result of parsing one file (or one chunk of it): always a tree, plus every error found.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parse {
    pub file: SourceFile,
    /// Every comment, doc comments included, in source order.
    pub comments: Vec<Comment>,
    /// Lexer and parser errors in source order.
    pub errors: Vec<Diagnostic>,
}

impl Parse {
    /// Appends the parse of a chunk that starts at `offset` in this parse's text: how a file's
    /// parse is assembled from its chunks' (here and in `skiff-sema`).
    pub fn append(&mut self, mut chunk: Parse, offset: u32) {
        if offset != 0 {
            for item in &mut chunk.file.items {
                item.spans_mut(&mut |span| *span = span.shifted(offset));
            }
            for comment in &mut chunk.comments {
                comment.span = comment.span.shifted(offset);
            }
            for error in &mut chunk.errors {
                error.shift(offset);
            }
        }
        self.file.items.append(&mut chunk.file.items);
        self.comments.append(&mut chunk.comments);
        self.errors.append(&mut chunk.errors);
    }
}

/// Parses one skiff source text: its [`chunks`], each parsed by [`parse_chunk`], put end to end.
pub fn parse(src: &str) -> Parse {
    parse_with(src, true)
}

/// [`parse`] by the chumsky grammar alone, without the fast path: for the tests and the fuzz
/// target that check that the two give the same parse. Not for anything else (it is slower).
#[doc(hidden)]
pub fn parse_by_grammar(src: &str) -> Parse {
    parse_with(src, false)
}

fn parse_with(src: &str, fast_path: bool) -> Parse {
    let chunks = chunks(src);
    let texts: Vec<(&str, Option<ItemKeyword>)> = chunks.iter().map(|c| (&src[c.span.range()], c.next)).collect();
    let parsed = parse_texts_by(&texts, fast_path);
    let mut out = Parse::default();
    out.file.items.reserve(parsed.len());
    out.comments.reserve(parsed.iter().map(|p| p.comments.len()).sum());
    for (chunk, parsed) in chunks.iter().zip(parsed) {
        out.append(parsed, chunk.span.start);
    }
    out
}

/// Parses one chunk of a file (see [`chunks`]) as a standalone text, spans relative to its
/// start. `next` is the keyword of the item after it, `None` at the end of the file.
pub fn parse_chunk(text: &str, next: Option<ItemKeyword>) -> Parse {
    parse_texts(&[(text, next)]).pop().unwrap_or_default()
}

/// Parses texts as chunks, building the grammar once for all of them.
fn parse_texts(texts: &[(&str, Option<ItemKeyword>)]) -> Vec<Parse> {
    parse_texts_by(texts, true)
}

/// Whether the fast path parses this chunk's item by itself (the tests check that it parses
/// every item without errors). Not for anything else.
#[doc(hidden)]
pub fn fast_path_parses(chunk: &str) -> bool {
    let lexed = lexer::lex(chunk);
    fast_path::parse_item(&lexed.tokens).is_some()
}

fn parse_texts_by(texts: &[(&str, Option<ItemKeyword>)], fast_path: bool) -> Vec<Parse> {
    let lexed: Vec<lexer::Lexed<'_>> = texts.iter().map(|(text, _)| lexer::lex(text)).collect();
    let inputs: Vec<parser::ChunkTokens<'_, '_>> = texts
        .iter()
        .zip(&lexed)
        .map(|(&(text, next), lexed)| parser::ChunkTokens {
            tokens: &lexed.tokens,
            len: text.len() as u32,
            next: next.map(|k| lexer::Token::Ident(k.text())),
        })
        .collect();
    let parsed = parser::parse_chunks(&inputs, fast_path);
    drop(inputs);
    texts
        .iter()
        .zip(lexed)
        .zip(parsed)
        .map(|((&(text, _), lexed), (item, parse_errors))| {
            let mut items: Vec<ast::Item> = item.into_iter().collect();
            attach_docs(text, &mut items, &lexed.comments);
            // A parser error at text the lexer already reported would say the same thing twice.
            let error_tokens: Vec<Span> =
                lexed.tokens.iter().filter(|(t, _)| *t == lexer::Token::Error).map(|(_, s)| *s).collect();
            let mut errors = lexed.errors;
            // (Tokens are in order and do not overlap: the one that could touch is found by
            // bisection, so that a chunk of many errors is not a product of its errors and its
            // bad tokens.)
            let at_error_token = |offset: u32| {
                let first_not_before = error_tokens.partition_point(|t| t.end < offset);
                error_tokens.get(first_not_before).is_some_and(|t| t.touches(offset))
            };
            errors.extend(parse_errors.into_iter().filter(|e| !at_error_token(e.span.start)));
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            errors.dedup_by(|a, b| a.span.start == b.span.start && a.message == b.message);
            Parse { file: SourceFile { items }, comments: lexed.comments, errors }
        })
        .collect()
}

/// Gives each item the `///` lines directly above it.
fn attach_docs(src: &str, items: &mut [ast::Item], comments: &[Comment]) {
    for item in items {
        let item_start = item.span.start as usize;
        let mut cursor = item_start;
        let mut lines: Vec<Span> = Vec::new();
        // Comments are in order: those before the item are found by bisection, not by walking
        // back over every comment of the file for every item.
        let before = comments.partition_point(|c| (c.span.start as usize) < item_start);
        for comment in comments[..before].iter().rev() {
            let between = &src[comment.span.end as usize..cursor];
            let adjacent = between.chars().all(char::is_whitespace) && between.matches('\n').count() == 1;
            if comment.kind != CommentKind::Doc || !adjacent {
                break;
            }
            lines.push(comment.span);
            cursor = comment.span.start as usize;
        }
        if let (Some(first), Some(last)) = (lines.last(), lines.first()) {
            let text: Vec<&str> = lines
                .iter()
                .rev()
                .map(|s| {
                    let line = &src[s.range()][3..];
                    line.strip_prefix(' ').unwrap_or(line)
                })
                .collect();
            item.doc = Some(DocComment { text: text.join("\n"), span: first.cover(*last) });
        }
    }
}

//! skiff's syntax: the lexer, the chumsky parser with error recovery, the syntax tree with byte
//! spans, and the comment side table.
//!
//! This crate is for turning text into a tree and a list of errors, whatever the text: parsing
//! never fails and never panics. It is not for meaning: names, types and Kubernetes knowledge live
//! in `skiff-sema` and `skiff-k8s`. It knows nothing of salsa, files on disk, or editors.

pub mod ast;
mod dump;
pub mod error;
pub mod lexer;
mod line_index;
mod parser;
mod span;
mod walk;

pub use dump::dump;
pub use error::{Diagnostic, Fix, Label, Severity, TextEdit};
pub use lexer::{Comment, CommentKind};
pub use line_index::LineIndex;
pub use span::Span;

use ast::{DocComment, SourceFile};

/// The result of parsing one file: always a tree, plus every error found.
#[derive(Clone, Debug, PartialEq)]
pub struct Parse {
    pub file: SourceFile,
    /// Every comment, doc comments included, in source order.
    pub comments: Vec<Comment>,
    /// Lexer and parser errors in source order.
    pub errors: Vec<Diagnostic>,
}

/// Parses one skiff source text.
pub fn parse(src: &str) -> Parse {
    let lexed = lexer::lex(src);
    let (mut items, parse_errors) = parser::parse_items(&lexed.tokens, src.len() as u32);
    attach_docs(src, &mut items, &lexed.comments);

    // A parser error at text the lexer already reported would say the same thing twice.
    let error_tokens: Vec<Span> =
        lexed.tokens.iter().filter(|(t, _)| *t == lexer::Token::Error).map(|(_, s)| *s).collect();
    let mut errors = lexed.errors;
    // (Tokens are in order and do not overlap: the one that could touch is found by bisection,
    // so that a file of many errors is not a product of its errors and its bad tokens.)
    let at_error_token = |offset: u32| {
        let first_not_before = error_tokens.partition_point(|t| t.end < offset);
        error_tokens.get(first_not_before).is_some_and(|t| t.touches(offset))
    };
    errors.extend(parse_errors.into_iter().filter(|e| !at_error_token(e.span.start)));
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors.dedup_by(|a, b| a.span.start == b.span.start && a.message == b.message);
    Parse { file: SourceFile { items }, comments: lexed.comments, errors }
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

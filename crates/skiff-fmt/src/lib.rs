//! `skiff-fmt`: the one canonical layout of skiff source text, as `skiff fmt` and the language
//! server's formatting request produce it.
//!
//! This crate is for layout only: indentation, line breaks, separators, spacing, blank lines and
//! the spelling of things that have two spellings with one meaning (`key: { ... }` and
//! `key { ... }`, `"name": 1` and `name: 1`). It works over the syntax tree and the comment side
//! table of `skiff-syntax`, so it keeps every comment in its place and every literal as written
//! (strings with their escapes, numbers, unit literals). It has no options, on purpose.
//!
//! It is not for meaning (a formatted file has the same syntax tree, spans aside, and the same
//! diagnostics), nor for broken files: a file with any syntax error is refused as a whole, never
//! half formatted. It does no IO; the CLI reads and writes files, the server sends edits.
//!
//! The style, with examples, is in `docs/formatting.md`. In short: two spaces of indentation;
//! item bodies one field a line; a list, object, parameter list or argument list stays on one
//! line when it fits in [`WIDTH`] characters and holds no comment, else breaks one element a
//! line; blank lines kept (collapsed to one) between items, fields and statements.

mod meaning;
mod printer;

pub use meaning::layout_free;
use skiff_syntax::lexer::Token;
use skiff_syntax::{Comment, Diagnostic, Parse, Span};

/// The line width, in characters, that inline lists, objects, parameters and arguments must fit.
pub const WIDTH: usize = 100;

/// One level of indentation.
pub const INDENT: &str = "  ";

/// Why a text was not formatted. Nothing was changed in either case.
#[derive(Clone, Debug, PartialEq)]
pub enum FormatError {
    /// The text has syntax errors (all of them, in source order): a broken file is never
    /// formatted, so that no text is lost or moved.
    Syntax(Vec<Diagnostic>),
    /// The formatter would have changed the meaning or dropped text (a bug in the formatter):
    /// caught by re-parsing the result before anything is returned.
    Internal(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(errors) => {
                let n = errors.len();
                write!(f, "{n} syntax error{}: not formatted", if n == 1 { "" } else { "s" })
            }
            FormatError::Internal(why) => write!(f, "internal formatter error, not formatted: {why}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats a whole skiff file: the canonical text, or why there is none.
///
/// The result is checked before it is returned: it parses without errors, to the same tree
/// (spans and spelling aside, see [`layout_free`]), with the same comments and the same tokens
/// (separators and key quotes aside) in the same order. A failed check is a
/// [`FormatError::Internal`], never a wrong text.
pub fn format(text: &str) -> Result<String, FormatError> {
    format_parsed(text, &skiff_syntax::parse(text))
}

/// [`format`] for a text already parsed (the language server has the parse at hand).
/// `parse` must be `skiff_syntax::parse(text)`.
pub fn format_parsed(text: &str, parse: &Parse) -> Result<String, FormatError> {
    if !parse.errors.is_empty() {
        return Err(FormatError::Syntax(parse.errors.clone()));
    }
    let tokens = skiff_syntax::lexer::lex(text).tokens;
    let out = printer::print(text, parse, &tokens);
    verify(text, parse, &tokens, &out)?;
    Ok(out)
}

/// The safety net: the output must mean what the input meant and hold the same comments.
fn verify(text: &str, before: &Parse, tokens: &[(Token<'_>, Span)], out: &str) -> Result<(), FormatError> {
    let after = skiff_syntax::parse(out);
    if let Some(error) = after.errors.first() {
        return Err(FormatError::Internal(format!(
            "the output does not parse ({}: {} at byte {})",
            error.code, error.message, error.span.start
        )));
    }
    if layout_free(&before.file) != layout_free(&after.file) {
        return Err(FormatError::Internal("the output's syntax tree differs from the input's".into()));
    }
    let texts = |src: &str, comments: &[Comment]| -> Vec<String> {
        comments.iter().map(|c| src[c.span.range()].trim_end().to_string()).collect()
    };
    if texts(text, &before.comments) != texts(out, &after.comments) {
        return Err(FormatError::Internal("the output's comments differ from the input's".into()));
    }
    if meaning::layout_free_tokens(tokens) != meaning::layout_free_tokens(&skiff_syntax::lexer::lex(out).tokens) {
        return Err(FormatError::Internal("the output's tokens differ from the input's".into()));
    }
    Ok(())
}

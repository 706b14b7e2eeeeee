//! From the protocol to skiff-ide: URIs stay with the server's file table (`state`), positions
//! become byte offsets, ranges spans, and edits of a document are applied to its text. Every
//! conversion of a request's arguments is one function here; handlers call them and nothing else.

use crate::lines::LineIndex;
use skiff_ide::{FilePosition, FileRange};
use tower_lsp_server::ls_types as lsp;

/// A cursor in the file at workspace path `key`.
pub fn file_position(key: &str, index: &LineIndex, position: lsp::Position) -> FilePosition {
    FilePosition::new(key, index.offset(position))
}

/// A range of the file at workspace path `key`.
pub fn file_range(key: &str, index: &LineIndex, range: lsp::Range) -> FileRange {
    FileRange { path: key.to_string(), span: index.span(range) }
}

/// Applies one `didChange` content change to a text: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, change: &lsp::TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let index = LineIndex::new(text);
            let span = index.span(range);
            // Clamped offsets fall on character boundaries (the index maps columns to them).
            if text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize) {
                text.replace_range(span.range(), &change.text);
            }
        }
        None => *text = change.text.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn incremental_changes_apply_in_utf16() {
        let mut text = "name: \"𝔊a\"\n".to_string();
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range { start: pos(0, 9), end: pos(0, 10) }),
            range_length: None,
            text: "bc".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "name: \"𝔊bc\"\n");
    }
}

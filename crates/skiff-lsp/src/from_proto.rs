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

/// The node a `skiff-pod:` URI shows (`skiff-pod:/my_workflow.m2.yaml` shows `my_workflow.m2`).
pub fn pod_node(uri: &lsp::Uri) -> Option<String> {
    if uri.scheme().as_str() != crate::ext::POD_SCHEME {
        return None;
    }
    let path = uri.path().decode().to_string_lossy();
    let node = path.trim_start_matches('/').strip_suffix(".yaml")?;
    (!node.is_empty()).then(|| node.to_string())
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
    fn pod_uris_name_a_node() {
        let node = |uri: &str| pod_node(&uri.parse().unwrap());
        assert_eq!(node("skiff-pod:/my_workflow.m2.yaml").as_deref(), Some("my_workflow.m2"));
        assert_eq!(node(&crate::to_proto::pod_uri("w.a")).as_deref(), Some("w.a"));
        assert_eq!(node("file:///my_workflow.m2.yaml"), None);
        assert_eq!(node("skiff-pod:/.yaml"), None);
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

    #[test]
    fn incremental_changes_count_a_lone_carriage_return_as_a_line_end() {
        let mut text = "a\rbb\r\ncc".to_string();
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range { start: pos(1, 1), end: pos(2, 1) }),
            range_length: None,
            text: "X".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "a\rbXc");
    }
}

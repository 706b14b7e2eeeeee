//! Line starts and UTF-16 columns of one text: the arithmetic under both directions of
//! conversion (`from_proto` and `to_proto`), byte offsets <-> LSP positions.

use line_index::{TextSize, WideEncoding, WideLineCol};
use skiff_ide as ide;
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

/// Line starts and non-ASCII characters of one text: byte offsets ↔ UTF-16 positions.
#[derive(Debug)]
pub struct LineIndex {
    index: line_index::LineIndex,
    len: u32,
    lines: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Arc<Self> {
        let lines = memchr_count(text) + 1;
        Arc::new(LineIndex { index: line_index::LineIndex::new(text), len: text.len() as u32, lines })
    }

    /// The byte offset of an LSP position. Positions past the end of a line or of the text are
    /// clamped to that end, as the protocol asks; never an error.
    pub fn offset(&self, position: lsp::Position) -> u32 {
        let Some(line) = self.index.line(position.line) else { return self.len };
        let wide = WideLineCol { line: position.line, col: position.character };
        let col = self.index.to_utf8(WideEncoding::Utf16, wide).map_or(u32::MAX, |lc| lc.col);
        let line_end: u32 = line.end().into();
        let line_start: u32 = line.start().into();
        // `line` ends after its newline (except the last): a column past the end stops before it.
        let content_end = if line_end > line_start && position.line + 1 < self.lines { line_end - 1 } else { line_end };
        line_start.saturating_add(col).min(content_end)
    }

    /// The LSP position of a byte offset (clamped into the text, and back to a character start).
    pub fn position(&self, offset: u32) -> lsp::Position {
        let mut offset = offset.min(self.len);
        loop {
            if let Some(lc) = self.index.try_line_col(TextSize::from(offset)) {
                let wide =
                    self.index.to_wide(WideEncoding::Utf16, lc).unwrap_or(WideLineCol { line: lc.line, col: lc.col });
                return lsp::Position { line: wide.line, character: wide.col };
            }
            if offset == 0 {
                return lsp::Position::default();
            }
            offset -= 1;
        }
    }

    pub fn range(&self, span: ide::Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    pub fn span(&self, range: lsp::Range) -> ide::Span {
        let (start, end) = (self.offset(range.start), self.offset(range.end));
        ide::Span::new(start.min(end), end.max(start))
    }

    /// The UTF-16 length of `text` (labels, token lengths).
    pub fn utf16_len(text: &str) -> u32 {
        text.encode_utf16().count() as u32
    }

    /// The (line, UTF-16 column) of an offset, for semantic tokens.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let p = self.position(offset);
        (p.line, p.character)
    }
}

fn memchr_count(text: &str) -> u32 {
    text.bytes().filter(|b| *b == b'\n').count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn utf16_positions_round_trip_over_non_ascii_text() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝔊` is 4 bytes and 2 UTF-16 units.
        let text = "a: \"é𝔊x\"\nñ\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.position(x), pos(0, 7));
        assert_eq!(index.offset(pos(0, 7)), x);
        let n = text.find('ñ').unwrap() as u32;
        assert_eq!(index.position(n + 2), pos(1, 1));
        // Past the end of a line: its end, before the newline; past the text: its end.
        assert_eq!(index.offset(pos(0, 100)), text.find('\n').unwrap() as u32);
        assert_eq!(index.offset(pos(9, 0)), text.len() as u32);
        // Inside a character: back to its start.
        assert_eq!(index.position(text.find('𝔊').unwrap() as u32 + 1), pos(0, 5));
    }
}

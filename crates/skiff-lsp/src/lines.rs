//! Line starts and UTF-16 columns of one text: the arithmetic under both directions of
//! conversion (`from_proto` and `to_proto`), byte offsets <-> LSP positions.

use skiff_ide as ide;
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

/// Line starts and non-ASCII characters of one text: byte offsets ↔ UTF-16 positions.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`, as LSP says: every conversion of the server goes
/// through here, so positions, ranges and incremental edits all agree with the editor on where
/// a line ends even in text with old Mac line ends.
#[derive(Debug)]
pub struct LineIndex {
    len: u32,
    /// The byte offset where each line starts.
    starts: Vec<u32>,
    /// The byte offset where each line's content ends (before its line break).
    ends: Vec<u32>,
    /// Each character that is not ASCII: its offset, UTF-8 length and UTF-16 length, in order.
    wide: Vec<(u32, u8, u8)>,
}

impl LineIndex {
    pub fn new(text: &str) -> Arc<Self> {
        let bytes = text.as_bytes();
        let (mut starts, mut ends, mut wide) = (vec![0], Vec::new(), Vec::new());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => {
                    ends.push(i as u32);
                    starts.push(i as u32 + 1);
                }
                b'\r' => {
                    ends.push(i as u32);
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                }
                b if b >= 0x80 => {
                    let c = text[i..].chars().next().unwrap_or(char::REPLACEMENT_CHARACTER);
                    wide.push((i as u32, c.len_utf8() as u8, c.len_utf16() as u8));
                    i += c.len_utf8();
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        ends.push(bytes.len() as u32);
        Arc::new(LineIndex { len: bytes.len() as u32, starts, ends, wide })
    }

    /// The wide characters in `[start, end)`.
    fn wide_in(&self, start: u32, end: u32) -> &[(u32, u8, u8)] {
        let from = self.wide.partition_point(|w| w.0 < start);
        let to = self.wide.partition_point(|w| w.0 < end);
        &self.wide[from..to]
    }

    /// The byte offset of an LSP position. Positions past the end of a line or of the text are
    /// clamped to that end (before the line break), as the protocol asks; a column inside a
    /// surrogate pair goes back to the character's start; never an error.
    pub fn offset(&self, position: lsp::Position) -> u32 {
        let line = position.line as usize;
        let (Some(&start), Some(&end)) = (self.starts.get(line), self.ends.get(line)) else { return self.len };
        let (mut at, mut units) = (start, position.character);
        for &(offset, utf8, utf16) in self.wide_in(start, end) {
            let ascii = offset - at;
            if units <= ascii {
                return at + units;
            }
            units -= ascii;
            at = offset;
            if units < u32::from(utf16) {
                return at;
            }
            units -= u32::from(utf16);
            at += u32::from(utf8);
        }
        at.saturating_add(units).min(end)
    }

    /// The LSP position of a byte offset (clamped into the text, back to a character start,
    /// and out of a line break to the end of its line).
    pub fn position(&self, offset: u32) -> lsp::Position {
        let mut offset = offset.min(self.len);
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        offset = offset.min(self.ends[line]);
        let wide = self.wide_in(start, offset);
        if let Some(&(last, utf8, _)) = wide.last()
            && offset < last + u32::from(utf8)
        {
            // Inside a character: back to its start.
            offset = last;
        }
        let extra: u32 = self.wide_in(start, offset).iter().map(|&(_, utf8, utf16)| u32::from(utf8 - utf16)).sum();
        lsp::Position { line: line as u32, character: offset - start - extra }
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
        // Inside a surrogate pair: back to the character's start.
        assert_eq!(index.offset(pos(0, 6)), text.find('𝔊').unwrap() as u32);
    }

    /// `\n`, `\r\n` and a lone `\r` each end a line (LSP's rule), in both directions.
    #[test]
    fn every_kind_of_line_break_ends_a_line() {
        let text = "a\rbé\r\nc\nd\r\re";
        let index = LineIndex::new(text);
        let cases = [
            (0, pos(0, 0)),
            (2, pos(1, 0)),
            (5, pos(1, 2)),
            (7, pos(2, 0)),
            (9, pos(3, 0)),
            (11, pos(4, 0)),
            (12, pos(5, 0)),
        ];
        for (offset, position) in cases {
            assert_eq!(index.position(offset), position, "offset {offset}");
            assert_eq!(index.offset(position), offset, "{position:?}");
        }
        // Past the end of a line: before its break (both bytes of `\r\n`), never inside it.
        assert_eq!(index.offset(pos(0, 9)), 1);
        assert_eq!(index.offset(pos(1, 9)), text.find("\r\n").unwrap() as u32);
        assert_eq!(index.position(text.find("\r\n").unwrap() as u32 + 1), pos(1, 2));
        assert_eq!(index.offset(pos(4, 5)), 11);
        assert_eq!(index.offset(pos(6, 0)), text.len() as u32);
        assert_eq!(index.position(99), pos(5, 1));
    }
}

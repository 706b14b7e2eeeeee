//! What a report says of a source: where a span is (line and column, in time linear in the
//! report), what it quotes of it (the lines a diagnostic touches, each cut to a width around
//! its spans), and that nothing quoted reaches a terminal raw (control characters escaped).
//!
//! A source line can be megabytes long (a minified file, a run of NUL bytes), and one line can
//! hold hundreds of errors: a report that quoted whole lines, or counted columns from each
//! line's start, would take time and output in the product of the two.

use skiff_sema::Span;
use skiff_syntax::LineIndex;
use std::ops::Range;

/// The widest quoted source line, in characters after escaping; a longer one is cut around the
/// spans on it and the cuts marked `…`.
pub const MAX_QUOTED_WIDTH: usize = 160;

/// How much of a cut line is shown before the first span on it.
const CONTEXT_BEFORE: usize = 40;

/// Whether `c` must not reach a terminal as it is: C0 and C1 control characters (ESC starts
/// terminal escape sequences, `\r` overwrites a line), DEL, the line and paragraph separators,
/// and the bidirectional overrides that reorder what is shown ("Trojan Source").
fn must_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How `c` is shown: itself, or `\u{1b}`-style when it must be escaped (a tab stays a tab).
fn shown(c: char, out: &mut String) {
    if c == '\t' || !must_escape(c) {
        out.push(c);
    } else {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    }
}

fn shown_width(c: char) -> usize {
    if c == '\t' || !must_escape(c) { 1 } else { format!("{:x}", c as u32).len() + 4 }
}

/// Text for a terminal: every control character but `\n` and `\t` escaped (messages quote
/// names and values from the source; a file name can hold anything).
pub fn escape_text(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && c != '\t' && must_escape(c)) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if c == '\n' { out.push(c) } else { shown(c, &mut out) }
    }
    out.into()
}

/// Lines and columns (0-based, columns in characters) of offsets in one text. Columns are
/// counted on from the last offset asked on the same line, so offsets asked in order (as a
/// file's diagnostics are) cost the text once, not once per offset.
pub struct Columns<'a> {
    text: &'a str,
    index: LineIndex,
    /// The last (offset, line, column) computed.
    last: Option<(usize, usize, usize)>,
}

impl<'a> Columns<'a> {
    pub fn new(text: &'a str) -> Self {
        Columns { text, index: LineIndex::new(text), last: None }
    }

    /// The text's line starts, for quoting it ([`Excerpt::new`]).
    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    pub fn line_col(&mut self, offset: u32) -> (usize, usize) {
        let text = self.text;
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.index.line(offset as u32);
        let line_start = self.index.line_start(line) as usize;
        // From the last offset (forward or back) when nearer than the line's start.
        let column = match self.last {
            Some((at, at_line, at_column)) if at_line == line && offset.abs_diff(at) < offset - line_start => {
                if at <= offset {
                    at_column + text[at..offset].chars().count()
                } else {
                    at_column - text[offset..at].chars().count()
                }
            }
            _ => text[line_start..offset].chars().count(),
        };
        self.last = Some((offset, line, column));
        (line, column)
    }
}

/// What a human report shows of a source for one diagnostic: its lines, each cut to
/// [`MAX_QUOTED_WIDTH`] and escaped; lines between them that carry no span are left empty (the
/// renderer skips them); spans mapped into the excerpt.
pub struct Excerpt {
    /// The quote: as many lines as the source up to the last one shown, only those shown
    /// non-empty.
    pub text: String,
    spans: Vec<Range<usize>>,
}

impl Excerpt {
    /// The excerpt of `text` showing `spans` (the primary first, then the labels).
    pub fn new(text: &str, index: &LineIndex, spans: &[Span]) -> Excerpt {
        let clamp = |offset: u32| {
            let mut offset = (offset as usize).min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        };
        let spans: Vec<(usize, usize)> = spans.iter().map(|s| (clamp(s.start), clamp(s.end.max(s.start)))).collect();
        let line_of = |offset: usize| index.line(offset as u32);
        // The lines shown: where each span starts and ends.
        let mut lines: Vec<usize> = spans.iter().flat_map(|&(s, e)| [line_of(s), line_of(e)]).collect();
        lines.sort_unstable();
        lines.dedup();
        let first_line = lines.first().copied().unwrap_or(0);
        let last_line = lines.last().copied().unwrap_or(0);
        // The renderer numbers the lines of what it is given (ariadne 0.6 ignores its display
        // offset in the margin): the lines before the first are there, empty.
        let mut excerpt = "\n".repeat(first_line);
        // Each span boundary: (source offset, its place in the excerpt once known).
        let mut boundaries: Vec<(usize, usize)> = spans.iter().flat_map(|&(s, e)| [(s, 0), (e, 0)]).collect();
        let mut shown_lines = lines.iter().peekable();
        for line in first_line..=last_line {
            if line > first_line {
                excerpt.push('\n');
            }
            if shown_lines.peek() != Some(&&line) {
                continue;
            }
            shown_lines.next();
            let start = index.line_start(line) as usize;
            let end = if line + 1 < index.line_count() { index.line_start(line + 1) as usize - 1 } else { text.len() };
            let content_end = if text[start..end].ends_with('\r') { end - 1 } else { end };
            let anchor = boundaries.iter().map(|b| b.0).filter(|&b| b >= start && b <= end).min().unwrap_or(start);
            quote_line(text, start..content_end, end, anchor.min(content_end), &mut excerpt, &mut boundaries);
        }
        let mut mapped = boundaries.into_iter().map(|(_, at)| at);
        let spans = spans.iter().map(|_| {
            let start = mapped.next().unwrap_or(0);
            let end = mapped.next().unwrap_or(start);
            start..end.max(start)
        });
        Excerpt { spans: spans.collect(), text: excerpt }
    }

    /// The place in the excerpt of the `i`-th span given to [`Excerpt::new`].
    pub fn span(&self, i: usize) -> Range<usize> {
        self.spans.get(i).cloned().unwrap_or(0..0)
    }

    /// The 0-based column, in characters of the excerpt, where the `i`-th span starts (what the
    /// renderer will call its column).
    pub fn column(&self, i: usize) -> usize {
        let start = self.span(i).start.min(self.text.len());
        let line_start = self.text[..start].rfind('\n').map_or(0, |n| n + 1);
        self.text[line_start..start].chars().count()
    }
}

/// Appends the line `line` of `text` to `out`, escaped, cut to [`MAX_QUOTED_WIDTH`] around
/// `anchor` when longer; sets the excerpt place of every boundary on the line (a boundary cut
/// off goes to the `…` that stands for it). Reads at most about the width of the line's bytes.
fn quote_line(
    text: &str,
    line: Range<usize>,
    raw_end: usize,
    anchor: usize,
    out: &mut String,
    boundaries: &mut [(usize, usize)],
) {
    // Does the whole line fit?
    let mut width = 0;
    let mut fits = true;
    for c in text[line.clone()].chars() {
        width += shown_width(c);
        if width > MAX_QUOTED_WIDTH {
            fits = false;
            break;
        }
    }
    let (from, to) = if fits {
        (line.start, line.end)
    } else {
        // Back from the anchor by some context, then on until the width is used up.
        let mut from = anchor;
        let mut before = 0;
        for c in text[line.start..anchor].chars().rev() {
            before += shown_width(c);
            if before > CONTEXT_BEFORE {
                break;
            }
            from -= c.len_utf8();
        }
        let mut to = from;
        let mut width = 0;
        for c in text[from..line.end].chars() {
            width += shown_width(c);
            if width > MAX_QUOTED_WIDTH - 2 {
                break;
            }
            to += c.len_utf8();
        }
        (from, to)
    };
    let base = out.len();
    if from > line.start {
        out.push('…');
    }
    let window_start = out.len();
    // Excerpt places of the window's character boundaries, found as the window is copied.
    let mut places: Vec<(usize, usize)> = Vec::new();
    for (i, c) in text[from..to].char_indices() {
        places.push((from + i, out.len()));
        shown(c, out);
    }
    places.push((to, out.len()));
    if to < line.end {
        out.push('…');
    }
    for boundary in boundaries.iter_mut().filter(|b| b.0 >= line.start && b.0 <= raw_end) {
        boundary.1 = if boundary.0 < from {
            base
        } else if boundary.0 > to {
            out.len()
        } else {
            let i = places.partition_point(|p| p.0 < boundary.0);
            places.get(i).map_or(window_start, |p| p.1)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, spans: &[Span]) -> Excerpt {
        Excerpt::new(text, &LineIndex::new(text), spans)
    }

    #[test]
    fn short_lines_are_quoted_whole_and_spans_kept() {
        let text = "a\nbb x cc\nd\n";
        let x = text.find('x').unwrap() as u32;
        let e = excerpt(text, &[Span::new(x, x + 1)]);
        assert_eq!(e.text.as_str(), "\nbb x cc");
        assert_eq!(&e.text[e.span(0)], "x");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let text = format!("{}ERR{}\n", "a".repeat(100_000), "b".repeat(100_000));
        let at = 100_000;
        let e = excerpt(&text, &[Span::new(at, at + 3)]);
        assert!(e.text.chars().count() <= MAX_QUOTED_WIDTH, "{}", e.text.len());
        assert!(e.text.starts_with('…') && e.text.ends_with('…'), "{}", e.text);
        assert_eq!(&e.text[e.span(0)], "ERR");
        // A span longer than the window: from its start to the cut.
        let e = excerpt(&text, &[Span::new(10, 150_000)]);
        assert!(e.text.starts_with("aaaa") && e.text.ends_with('…'));
        assert_eq!(e.span(0), 10..e.text.len());
    }

    #[test]
    fn control_characters_are_escaped_and_lines_between_spans_left_empty() {
        let text = "x = \u{1b}[2J\u{7}\r\u{2028}y\nfiller\nmore\nlast \u{0}\n";
        let y = text.find('y').unwrap() as u32;
        let nul = text.find('\u{0}').unwrap() as u32;
        let e = excerpt(text, &[Span::new(y, y + 1), Span::new(nul, nul + 1)]);
        assert_eq!(e.text, "x = \\u{1b}[2J\\u{7}\\u{d}\\u{2028}y\n\n\nlast \\u{0}");
        assert_eq!(&e.text[e.span(0)], "y");
        assert_eq!(&e.text[e.span(1)], "\\u{0}");
        assert!(!e.text.chars().any(|c| c.is_control() && c != '\n'));
        assert_eq!(escape_text("name `\u{1b}]0;owned\u{7}`\n\tok"), "name `\\u{1b}]0;owned\\u{7}`\n\tok");
    }

    #[test]
    fn columns_count_on_from_the_last_offset() {
        let text = "ab\né𝔊cd\n";
        let mut columns = Columns::new(text);
        let c = text.find('c').unwrap() as u32;
        assert_eq!(columns.line_col(1), (0, 1));
        assert_eq!(columns.line_col(c), (1, 2));
        assert_eq!(columns.line_col(c + 1), (1, 3));
        assert_eq!(columns.line_col(5), (1, 1), "back on the same line");
        assert_eq!(columns.line_col(4), (1, 0), "inside a character: its start");
        assert_eq!(columns.line_col(c), (1, 2));
        assert_eq!(columns.line_col(99), (2, 0));
    }
}

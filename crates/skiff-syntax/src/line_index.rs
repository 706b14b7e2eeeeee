//! Byte offsets to lines and columns.

/// Line starts of one text, for turning byte offsets into 0-based (line, column) pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        LineIndex { line_starts }
    }

    /// The 0-based line holding `offset`.
    pub fn line(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts[line.min(self.line_starts.len() - 1)]
    }

    /// 0-based line and 0-based column in characters (Unicode scalar values). An offset inside
    /// a character or past the end is clamped to a valid position.
    pub fn line_col_chars(&self, text: &str, offset: u32) -> (usize, usize) {
        let mut offset = (offset as usize).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line(offset as u32);
        let start = self.line_start(line) as usize;
        (line, text[start..offset].chars().count())
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "ab\nçé x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col_chars(text, 0), (0, 0));
        assert_eq!(index.line_col_chars(text, 3), (1, 0));
        // `x` is at byte 8 (ç and é are two bytes each) but column 3.
        assert_eq!(index.line_col_chars(text, 8), (1, 3));
        // Inside `ç`: clamped to its start.
        assert_eq!(index.line_col_chars(text, 4), (1, 0));
        assert_eq!(index.line_col_chars(text, 100), (2, 0));
    }
}

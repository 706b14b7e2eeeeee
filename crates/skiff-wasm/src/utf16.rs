//! Offsets between the page (UTF-16 code units, a JavaScript string's indices) and skiff-ide
//! (bytes). An offset inside a character, or past the end, is clamped to a character boundary.

/// The byte offset of a UTF-16 offset into `text`.
pub fn to_byte(text: &str, utf16: u32) -> u32 {
    let mut units = 0;
    for (byte, c) in text.char_indices() {
        if units >= utf16 {
            return byte as u32;
        }
        units += c.len_utf16() as u32;
    }
    text.len() as u32
}

/// The UTF-16 offset of a byte offset into `text`.
pub fn from_byte(text: &str, byte: u32) -> u32 {
    let end = (byte as usize).min(text.len());
    let end = (0..=end).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    text[..end].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_over_non_ascii_text() {
        // `é` is 2 bytes and 1 unit; `𝔊` is 4 bytes and 2 units.
        let text = "a: \"é𝔊x\"";
        let x = text.find('x').unwrap() as u32;
        assert_eq!(from_byte(text, x), 7);
        assert_eq!(to_byte(text, 7), x);
        assert_eq!(from_byte(text, x - 1), 5, "inside 𝔊: its start");
        assert_eq!(to_byte(text, 99), text.len() as u32);
        assert_eq!(from_byte(text, 99), text.encode_utf16().count() as u32);
    }
}

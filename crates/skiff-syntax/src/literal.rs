//! How a text is written as a skiff literal: a string in quotes with the lexer's escapes, a key
//! bare when it is an identifier. Every fix, hover and message that writes skiff text for a
//! value goes through here, so what they write is what the lexer reads back.

/// A skiff string literal for `s`, with the lexer's escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `text` is written bare as a key: an ASCII letter or `_`, then letters, digits or `_`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A key as written in skiff: bare when it is an identifier, quoted otherwise.
pub fn key_text(key: &str) -> String {
    if is_identifier(key) { key.to_owned() } else { quote(key) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{ItemKind, TemplateBody, ValueKind};

    #[test]
    fn quoted_text_reads_back_as_itself() {
        for text in ["plain", "with \"quotes\"", "back\\slash", "line\nbreak\ttab\r", "nul\0", "bell\u{7}", "ünï"] {
            let src = format!("pod_template t {{ image: {} }}\n", quote(text));
            let parsed = crate::parse(&src);
            assert!(parsed.errors.is_empty(), "{src:?}: {:?}", parsed.errors);
            let ItemKind::Template(t) = &parsed.file.items[0].kind else { panic!("{src:?}: not a template") };
            let TemplateBody::Block(body) = &t.body else { panic!("{src:?}: not a block") };
            let value = body.fields[0].op.value().map(|v| &v.kind);
            assert!(matches!(value, Some(ValueKind::Str(s)) if s == text), "{src:?}: {value:?}");
        }
    }

    #[test]
    fn keys_are_bare_only_when_they_are_identifiers() {
        assert_eq!(key_text("nodeSelector"), "nodeSelector");
        assert_eq!(key_text("_x1"), "_x1");
        assert_eq!(key_text("gpu-type"), "\"gpu-type\"");
        assert_eq!(key_text("1st"), "\"1st\"");
        assert_eq!(key_text(""), "\"\"");
    }

    #[test]
    fn escapes_are_the_lexer_s() {
        assert_eq!(quote("a\"b\\c\n"), r#""a\"b\\c\n""#);
        assert_eq!(quote("\u{1}"), r#""\u{1}""#);
    }
}

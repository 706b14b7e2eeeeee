//! The lexer: source text to tokens, with comments set aside in a side table.
//!
//! Newlines are tokens because they separate fields and statements. Comments are not: they go to
//! [`Comment`]s so that the parser never sees them and the formatter and hover still can.
//! Keywords are contextual (`delete: 1` is a field named `delete`), so they lex as identifiers.

use crate::Span;
use crate::error::{Diagnostic, Fix, codes};
use smol_str::SmolStr;
use std::fmt;

/// Brackets nested deeper than this are one error token: no real workflow gets near it, and it
/// bounds the parser's recursion whatever the input.
pub const MAX_NESTING: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token<'src> {
    Ident(&'src str),
    /// A word that needed quotes (`liveness-port`), already reported: read as the string it spells.
    Word(&'src str),
    /// A string literal with its quotes, escapes not yet decoded (see [`unescape`]).
    Str(&'src str),
    Int(&'src str),
    Float(&'src str),
    /// A number with a unit suffix, such as `500m`, `8Gi`, `30s` or `1h30m`.
    Unit(&'src str),
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Colon,
    Comma,
    Dot,
    Eq,
    PlusEq,
    Arrow,
    Question,
    Newline,
    /// Text the lexer already reported: the parser accepts it as a value and reports nothing more.
    Error,
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Token::Ident(s) | Token::Word(s) => write!(f, "`{s}`"),
            Token::Str(_) => f.write_str("a string"),
            Token::Int(s) | Token::Float(s) | Token::Unit(s) => write!(f, "`{s}`"),
            Token::LBrace => f.write_str("`{`"),
            Token::RBrace => f.write_str("`}`"),
            Token::LBracket => f.write_str("`[`"),
            Token::RBracket => f.write_str("`]`"),
            Token::LParen => f.write_str("`(`"),
            Token::RParen => f.write_str("`)`"),
            Token::Colon => f.write_str("`:`"),
            Token::Comma => f.write_str("`,`"),
            Token::Dot => f.write_str("`.`"),
            Token::Eq => f.write_str("`=`"),
            Token::PlusEq => f.write_str("`+=`"),
            Token::Arrow => f.write_str("`->`"),
            Token::Question => f.write_str("`?`"),
            Token::Newline => f.write_str("end of line"),
            Token::Error => f.write_str("invalid text"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommentKind {
    /// `// ...`
    Line,
    /// `/// ...`, attached to the item below.
    Doc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    pub kind: CommentKind,
    /// From the slashes to the end of the line, newline excluded.
    pub span: Span,
}

pub struct Lexed<'src> {
    pub tokens: Vec<(Token<'src>, Span)>,
    pub comments: Vec<Comment>,
    pub errors: Vec<Diagnostic>,
}

pub fn lex(src: &str) -> Lexed<'_> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        // Real files have a token every four to five bytes; sizing the list once saves the
        // reallocations of growing it, which cost more than lexing in a file of small chunks.
        out: Lexed { tokens: Vec::with_capacity(src.len() / 4 + 1), comments: Vec::new(), errors: Vec::new() },
        depth: 0,
    };
    lexer.run();
    lexer.out
}

struct Lexer<'src> {
    src: &'src str,
    bytes: &'src [u8],
    pos: usize,
    out: Lexed<'src>,
    depth: usize,
}

impl<'src> Lexer<'src> {
    fn run(&mut self) {
        // Some editors start UTF-8 files with a byte order mark; it is not text.
        if self.src.starts_with('\u{feff}') {
            self.pos = 3;
        }
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let b = self.bytes[self.pos];
            let token = match b {
                b' ' | b'\t' | b'\r' => {
                    self.pos += 1;
                    continue;
                }
                b'\n' => {
                    self.pos += 1;
                    Token::Newline
                }
                b'/' if self.peek(1) == Some(b'/') => {
                    self.comment();
                    continue;
                }
                b'"' => self.string(),
                b'\'' => self.single_quoted(),
                b'0'..=b'9' => self.number(start),
                b'-' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) => {
                    self.pos += 1;
                    self.number(start)
                }
                b'-' if self.peek(1) == Some(b'>') => {
                    self.pos += 2;
                    Token::Arrow
                }
                b'+' if self.peek(1) == Some(b'=') => {
                    self.pos += 2;
                    Token::PlusEq
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    self.eat_while(|c| c.is_ascii_alphanumeric() || c == b'_');
                    self.unquoted_word(start).unwrap_or(Token::Ident(&self.src[start..self.pos]))
                }
                b'.' if self.peek(1).is_some_and(|c| c.is_ascii_digit()) && !self.after_name() => {
                    self.leading_dot(start)
                }
                b'{' | b'[' | b'(' => {
                    if self.depth == MAX_NESTING {
                        self.too_deep();
                        continue;
                    }
                    self.depth += 1;
                    self.pos += 1;
                    match b {
                        b'{' => Token::LBrace,
                        b'[' => Token::LBracket,
                        _ => Token::LParen,
                    }
                }
                b'}' | b']' | b')' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.pos += 1;
                    match b {
                        b'}' => Token::RBrace,
                        b']' => Token::RBracket,
                        _ => Token::RParen,
                    }
                }
                b':' => self.single(Token::Colon),
                b',' => self.single(Token::Comma),
                b'.' => self.single(Token::Dot),
                b'=' => self.single(Token::Eq),
                b'?' => self.single(Token::Question),
                _ => {
                    self.invalid_character();
                    Token::Error
                }
            };
            self.push(token, start);
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn eat_while(&mut self, pred: impl Fn(u8) -> bool) {
        while self.pos < self.bytes.len() && pred(self.bytes[self.pos]) {
            self.pos += 1;
        }
    }

    fn single(&mut self, token: Token<'src>) -> Token<'src> {
        self.pos += 1;
        token
    }

    fn push(&mut self, token: Token<'src>, start: usize) {
        self.out.tokens.push((token, Span::from_range(start..self.pos)));
    }

    fn error(&mut self, error: Diagnostic) {
        self.out.errors.push(error);
    }

    fn comment(&mut self) {
        let start = self.pos;
        self.eat_while(|c| c != b'\n');
        let text = &self.src[start..self.pos];
        let kind =
            if text.starts_with("///") && !text.starts_with("////") { CommentKind::Doc } else { CommentKind::Line };
        let end = start + text.trim_end_matches('\r').len();
        self.out.comments.push(Comment { kind, span: Span::from_range(start..end) });
    }

    /// Reports one character that starts no token, or a run of the same character (a file of
    /// NUL bytes is one error, not millions).
    fn invalid_character(&mut self) {
        let start = self.pos;
        let ch = self.src[start..].chars().next().unwrap_or('\u{fffd}');
        self.pos += ch.len_utf8();
        while self.src[self.pos..].starts_with(ch) && ch != '\'' {
            self.pos += ch.len_utf8();
        }
        let span = Span::from_range(start..self.pos);
        let count = (self.pos - start) / ch.len_utf8();
        let message = if count == 1 {
            format!("unexpected character {ch:?}")
        } else {
            format!("unexpected characters: {count} × {ch:?}")
        };
        let mut error = Diagnostic::new(codes::INVALID_CHARACTER, span, message);
        error = match ch {
            ';' => error.with_help("fields and statements end at a newline or a comma").with_fix(Fix::replace(
                "use a comma",
                span,
                ",",
            )),
            '#' => error.with_help("comments start with `//`").with_fix(Fix::replace("use `//`", span, "//")),
            '\'' => {
                error.with_help("strings use double quotes").with_fix(Fix::replace("use a double quote", span, "\""))
            }
            '-' => error.with_help("names use `_`, not `-`; quote a key that contains `-`, as in \"gpu-type\""),
            _ => error,
        };
        self.error(error);
    }

    /// `liveness-port`, `gpu-type`, `app.kubernetes.io/name`: text with a `-` or a `/` between
    /// name characters is one word a user meant as a string (a port name, a label key). It is
    /// reported once, with a fix that quotes all of it, and read as that string, so that nothing
    /// else (`unexpected character '-'`, a bare name) is reported about it. `a.b` alone is a path.
    fn unquoted_word(&mut self, start: usize) -> Option<Token<'src>> {
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
        let joins = |lexer: &Self, at: usize| match lexer.bytes.get(at) {
            Some(b'-') => lexer.bytes.get(at + 1).is_some_and(|&c| word(c)),
            // `//` starts a comment.
            Some(b'/') => lexer.bytes.get(at + 1).is_some_and(|&c| word(c)),
            Some(b'.') => lexer.bytes.get(at + 1).is_some_and(|&c| word(c)),
            _ => false,
        };
        let mut end = self.pos;
        let mut quoted = false;
        while joins(self, end) {
            quoted |= self.bytes[end] != b'.';
            end += 1;
            while self.bytes.get(end).is_some_and(|&c| word(c)) {
                end += 1;
            }
        }
        if !quoted {
            return None;
        }
        self.pos = end;
        let text = &self.src[start..end];
        let span = Span::from_range(start..end);
        self.error(
            Diagnostic::new(codes::INVALID_CHARACTER, span, format!("`{text}` must be quoted"))
                .with_help("names use `_`; a key or a value with `-` or `/` is a string, written in double quotes")
                .with_fix(Fix::replace("quote it", span, format!("\"{text}\""))),
        );
        Some(Token::Word(text))
    }

    /// Whether the token before is one a `.` may follow in a path (`gpu.v100`).
    fn after_name(&self) -> bool {
        matches!(self.out.tokens.last(), Some((Token::Ident(_), span)) if span.end as usize == self.pos)
    }

    /// `.5`, `.5Gi`: a number without its leading zero, reported with a fix that writes it, and
    /// read as the number, so that the value is checked as written.
    fn leading_dot(&mut self, start: usize) -> Token<'src> {
        self.pos += 1;
        let token = self.number(self.pos);
        let text = &self.src[start..self.pos];
        let span = Span::from_range(start..self.pos);
        self.error(
            Diagnostic::new(codes::INVALID_CHARACTER, span, format!("`{text}` needs a digit before the point"))
                .with_fix(Fix::replace(format!("write `0{text}`"), span, format!("0{text}"))),
        );
        match token {
            Token::Int(_) | Token::Float(_) | Token::Unit(_) => Token::Error,
            other => other,
        }
    }

    /// `'text'` on one line: one error with a fix to double quotes, lexed as an error token so
    /// that the parser does not report it again. A lone `'` is an invalid character.
    fn single_quoted(&mut self) -> Token<'src> {
        let start = self.pos;
        let line_end = self.src[start + 1..].find('\n').map_or(self.src.len(), |i| start + 1 + i);
        let Some(close) = self.src[start + 1..line_end].find('\'').map(|i| start + 1 + i) else {
            self.invalid_character();
            return Token::Error;
        };
        self.pos = close + 1;
        let inner = &self.src[start + 1..close];
        let quoted = format!("\"{}\"", inner.replace('\\', "\\\\").replace('"', "\\\""));
        let span = Span::from_range(start..self.pos);
        self.error(
            Diagnostic::new(codes::INVALID_CHARACTER, span, "strings use double quotes").with_fix(Fix::replace(
                "use double quotes",
                span,
                quoted,
            )),
        );
        Token::Error
    }

    /// Swallows a bracket group that opens past [`MAX_NESTING`], through its matching close.
    fn too_deep(&mut self) {
        let start = self.pos;
        let mut depth = 0usize;
        while self.pos < self.bytes.len() {
            match self.bytes[self.pos] {
                b'{' | b'[' | b'(' => depth += 1,
                b'}' | b']' | b')' => {
                    depth -= 1;
                    if depth == 0 {
                        self.pos += 1;
                        break;
                    }
                }
                b'"' => {
                    self.string();
                    continue;
                }
                b'/' if self.peek(1) == Some(b'/') => {
                    self.eat_while(|c| c != b'\n');
                    continue;
                }
                _ => {}
            }
            self.pos += 1;
        }
        // Keep the position on a char boundary whatever was swallowed.
        while !self.src.is_char_boundary(self.pos) {
            self.pos += 1;
        }
        let span = Span::from_range(start..self.pos);
        self.error(
            Diagnostic::new(
                codes::NESTING_TOO_DEEP,
                Span::from_range(start..start + 1),
                format!("brackets nested more than {MAX_NESTING} deep"),
            )
            .with_help("split the value into smaller pieces"),
        );
        self.out.tokens.push((Token::Error, span));
    }

    /// Where a string left open at the line break at `newline` closes, if the text goes on as a
    /// string would: the next lines hold no quote until one that holds an odd number of them
    /// (the closing one first), within a few lines, none of them the start of an item.
    fn continued_string(&self, newline: usize) -> Option<usize> {
        let mut line_start = newline + 1;
        for _ in 0..3 {
            let rest = &self.src[line_start..];
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            // Chunks are cut at items from the text alone: a string never reads into one.
            if crate::chunk::starts_item(line).is_some() {
                return None;
            }
            let quotes = line.match_indices('"').filter(|(i, _)| !line[..*i].ends_with('\\')).count();
            if quotes % 2 == 1 {
                let first = line.match_indices('"').find(|(i, _)| !line[..*i].ends_with('\\'))?.0;
                return Some(line_start + first);
            }
            if quotes > 0 || line_start + line.len() >= self.src.len() {
                return None;
            }
            line_start += line.len() + 1;
        }
        None
    }

    fn string(&mut self) -> Token<'src> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(0) {
                Some(b'\n') if let Some(close) = self.continued_string(self.pos) => {
                    // A string written across lines: one error, with the line breaks as `\n`.
                    let text = &self.src[start..close + 1];
                    let joined = text.replace("\r\n", "\\n").replace('\n', "\\n");
                    let span = Span::from_range(start..close + 1);
                    self.error(
                        Diagnostic::new(codes::UNTERMINATED_STRING, span, "a string is written on one line")
                            .with_help("write a line break inside a string as `\\n`")
                            .with_fix(Fix::replace("write the line breaks as `\\n`", span, joined)),
                    );
                    self.pos = close + 1;
                    // Still a string (an `import "...` is still an import, as the chunker reads
                    // it), holding the line breaks as written.
                    return Token::Str(text);
                }
                None | Some(b'\n') => {
                    let at = self.pos;
                    let end = if self.src[start..at].ends_with('\r') { at - 1 } else { at };
                    self.error(
                        Diagnostic::new(
                            codes::UNTERMINATED_STRING,
                            Span::from_range(start..end),
                            "this string has no closing quote",
                        )
                        .with_fix(Fix::insert("close the string", end as u32, "\"")),
                    );
                    return Token::Str(&self.src[start..end]);
                }
                Some(b'"') => {
                    self.pos += 1;
                    let raw = &self.src[start..self.pos];
                    if !raw.contains('\\') {
                        return Token::Str(raw);
                    }
                    for error in unescape(raw, start as u32).1 {
                        self.error(error);
                    }
                    return Token::Str(raw);
                }
                Some(b'\\') => self.pos += if self.peek(1).is_some_and(|c| c != b'\n') { 2 } else { 1 },
                Some(_) => self.pos += 1,
            }
            while !self.src.is_char_boundary(self.pos) {
                self.pos += 1;
            }
        }
    }

    /// Digits, an optional fraction and exponent, then an optional unit suffix of letters and
    /// digits (`1h30m`). `start` is at the leading `-` if any, `pos` past it.
    fn number(&mut self, start: usize) -> Token<'src> {
        self.eat_while(|c| c.is_ascii_digit());
        let mut float = false;
        if self.peek(0) == Some(b'.') && self.peek(1).is_some_and(|c| c.is_ascii_digit()) {
            float = true;
            self.pos += 1;
            self.eat_while(|c| c.is_ascii_digit());
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            // `1e3` is an exponent; `2E` and `2Ei` are quantity suffixes.
            let mut end = if matches!(self.peek(1), Some(b'+' | b'-')) { 2 } else { 1 };
            if self.peek(end).is_some_and(|c| c.is_ascii_digit()) {
                while self.peek(end).is_some_and(|c| c.is_ascii_digit()) {
                    end += 1;
                }
                if !self.peek(end).is_some_and(|c| c.is_ascii_alphabetic()) {
                    float = true;
                    self.pos += end;
                }
            }
        }
        if self.peek(0).is_some_and(|c| c.is_ascii_alphabetic()) {
            self.eat_while(|c| c.is_ascii_alphanumeric());
            return Token::Unit(&self.src[start..self.pos]);
        }
        let text = &self.src[start..self.pos];
        if float {
            return Token::Float(text);
        }
        if text.parse::<i64>().is_err() {
            self.error(
                Diagnostic::new(
                    codes::NUMBER_TOO_LARGE,
                    Span::from_range(start..self.pos),
                    "this integer does not fit in 64 bits",
                )
                .with_help("write it as a string if it is a name or an identifier"),
            );
        }
        Token::Int(text)
    }
}

/// Decodes a string literal (quotes included) and lists its bad escapes, located from `offset`,
/// the literal's position in the file. Bad escapes decode to themselves so no text is lost.
pub fn unescape(raw: &str, offset: u32) -> (SmolStr, Vec<Diagnostic>) {
    let inner = raw.strip_prefix('"').unwrap_or(raw);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    if !inner.contains('\\') {
        return (SmolStr::new(inner), Vec::new());
    }
    let mut out = String::with_capacity(inner.len());
    let mut errors = Vec::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let at = offset + 1 + i as u32;
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, '0')) => out.push('\0'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, '"')) => out.push('"'),
            Some((_, 'u')) => {
                let rest = &inner[i + 2..];
                let decoded =
                    rest.strip_prefix('{').and_then(|r| r.find('}').map(|close| &r[..close])).and_then(|hex| {
                        let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)?;
                        (!hex.is_empty() && hex.len() <= 6).then_some((ch, hex.len() + 2))
                    });
                match decoded {
                    Some((ch, consumed)) => {
                        out.push(ch);
                        for _ in 0..consumed {
                            chars.next();
                        }
                    }
                    None => {
                        out.push_str("\\u");
                        errors.push(
                            Diagnostic::new(codes::INVALID_ESCAPE, Span::new(at, at + 2), "invalid unicode escape")
                                .with_help("write `\\u{1F600}`: one to six hex digits in braces"),
                        );
                    }
                }
            }
            Some((_, other)) => {
                out.push('\\');
                out.push(other);
                let end = at + 1 + other.len_utf8() as u32;
                errors.push(
                    Diagnostic::new(codes::INVALID_ESCAPE, Span::new(at, end), format!("unknown escape `\\{other}`"))
                        .with_help("escapes are \\n \\t \\r \\0 \\\\ \\\" and \\u{...}")
                        .with_fix(Fix::replace("escape the backslash", Span::new(at, at + 1), "\\\\")),
                );
            }
            None => out.push('\\'),
        }
    }
    (SmolStr::from(out), errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(src).tokens.iter().map(|(t, _)| format!("{t:?}")).collect()
    }

    #[test]
    fn numbers_and_units() {
        assert_eq!(
            kinds("8Gi 500m 1.5 -3 1e3 1h30m 2 2.5Gi 1E-2"),
            [
                "Unit(\"8Gi\")",
                "Unit(\"500m\")",
                "Float(\"1.5\")",
                "Int(\"-3\")",
                "Float(\"1e3\")",
                "Unit(\"1h30m\")",
                "Int(\"2\")",
                "Unit(\"2.5Gi\")",
                "Float(\"1E-2\")",
            ]
        );
    }

    #[test]
    fn exa_quantity_stays_a_unit() {
        // `2E` and `2Ei` are quantities, not malformed exponents.
        assert_eq!(kinds("2E 2Ei 3e"), ["Unit(\"2E\")", "Unit(\"2Ei\")", "Unit(\"3e\")"]);
    }

    #[test]
    fn comments_go_to_the_side_table() {
        let lexed = lex("/// doc\na // note\n");
        assert_eq!(lexed.comments.len(), 2);
        assert_eq!(lexed.comments[0].kind, CommentKind::Doc);
        assert_eq!(lexed.comments[1].kind, CommentKind::Line);
        assert_eq!(lexed.tokens.len(), 3);
    }

    #[test]
    fn unterminated_string_is_closed_at_line_end() {
        let lexed = lex("a: \"abc\nb");
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(lexed.errors[0].code, codes::UNTERMINATED_STRING);
        assert_eq!(lexed.errors[0].fix.as_ref().unwrap().edits[0].span, Span::empty(7));
    }

    #[test]
    fn escapes() {
        let (s, errors) = unescape(r#""a\n\u{41}\q""#, 0);
        assert_eq!(s, "a\nA\\q");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].span, Span::new(10, 12));
    }

    #[test]
    fn deep_nesting_is_one_error_token() {
        let src = "[".repeat(100_000) + &"]".repeat(100_000);
        let lexed = lex(&src);
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(lexed.tokens.len(), MAX_NESTING * 2 + 1);
    }
}

//! Kubernetes YAML in and out, the way `kubectl` reads it and every reader reads it back.
//!
//! Reading follows YAML 1.1 as kubectl does (`on` and `yes` are booleans, `0777` is octal) and
//! keeps where each node was written, so a template read from a platform team's YAML file can
//! say which line a value came from. Writing quotes every string a YAML 1.1 reader would take
//! for something else (`"on"`, `"0777"`, `"1e3"`, `"~"`), so PyYAML and kubectl read back
//! exactly what was written.
//!
//! There is one writer: [`to_yaml`] prints a value plainly (what `skiff build` writes), and
//! [`to_noted_yaml`] prints a merge tree in the same layout with a note beside each value (what
//! `skiff explain` and hover show).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use smol_str::SmolStr;

use crate::merge::{Map, Node, Value};

mod emit;
mod noted;

pub use noted::{NotedLine, note_column, render_noted, to_noted_yaml};

/// A range of bytes in the text read: where a node or an error was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct ByteRange {
    pub start: u32,
    pub end: u32,
}

impl ByteRange {
    pub fn new(start: u32, end: u32) -> ByteRange {
        ByteRange { start, end }
    }
}

/// YAML that does not read as one document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    /// Where in the text, when the reader knows.
    pub span: Option<ByteRange>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Reads one YAML (or JSON) document into a tree whose every node carries the byte range of
/// the text it came from. An empty document is `Null`.
pub fn read_yaml(text: &str) -> Result<Node<ByteRange>, YamlError> {
    read_yaml_with(text, &mut |range| range)
}

/// [`read_yaml`], each node's origin made from its byte range by `origin`.
pub fn read_yaml_with<O: Copy>(text: &str, origin: &mut impl FnMut(ByteRange) -> O) -> Result<Node<O>, YamlError> {
    let mut options = serde_saphyr::Options::default();
    // As kubectl's YAML 1.1 reader: `0777` is the octal number 511.
    options.legacy_octal_numbers = true;
    options.with_snippet = false;
    let spanned: Option<SpannedNode> = serde_saphyr::from_str_with_options(text, options).map_err(|error| {
        let span = error.location().and_then(|l| byte_span(&l, text));
        YamlError { message: user_message(&error), span }
    })?;
    Ok(match spanned {
        Some(node) => node.into_node(text, origin),
        None => Node::null(origin(ByteRange::default())),
    })
}

/// Reads one JSON document as kubectl's strict decoder does: a key written twice in one object
/// is refused (as the YAML reader refuses it), where JSON readers commonly keep the last. The
/// message says where (`duplicate key `a` at line 3 column 9`).
pub fn read_json(text: &str) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str::<StrictJson>(text).map(|json| json.0)
}

/// A JSON value read with duplicate keys refused.
struct StrictJson(serde_json::Value);

impl<'de> Deserialize<'de> for StrictJson {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictJsonVisitor).map(StrictJson)
    }
}

struct StrictJsonVisitor;

impl<'de> Visitor<'de> for StrictJsonVisitor {
    type Value = serde_json::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(b.into())
    }

    fn visit_i64<E>(self, n: i64) -> Result<Self::Value, E> {
        Ok(n.into())
    }

    fn visit_u64<E>(self, n: u64) -> Result<Self::Value, E> {
        Ok(n.into())
    }

    fn visit_f64<E>(self, x: f64) -> Result<Self::Value, E> {
        Ok(serde_json::Number::from_f64(x).map_or(serde_json::Value::Null, serde_json::Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(s.into())
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(s.into())
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_json::Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_json::Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{}`", key.escape_debug())));
            }
            let StrictJson(value) = map.next_value()?;
            entries.insert(key, value);
        }
        Ok(serde_json::Value::Object(entries))
    }
}

/// The reader's message for a user: its own words where they are already a user's (a syntax
/// error, with its line and column), ours where they name the library's options or internals
/// (duplicate keys, the limits that stop YAML bombs).
fn user_message(error: &serde_saphyr::Error) -> String {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    let mut inner = error;
    while let E::AliasError { error, .. } | E::WithSnippet { error, .. } = inner {
        inner = error;
    }
    let message = match inner {
        E::DuplicateMappingKey { key: Some(key), .. } => {
            format!("the key `{}` is written twice in one mapping", key.escape_debug())
        }
        E::DuplicateMappingKey { key: None, .. } => "a key is written twice in one mapping".to_owned(),
        E::MultipleDocuments { .. } => "the file holds more than one YAML document (`---`): give one".to_owned(),
        E::Budget { breach, .. } => {
            let why = match breach {
                B::Depth { .. } => "it nests deeper than 64 levels",
                B::Aliases { .. } | B::Anchors { .. } | B::AliasAnchorRatio { .. } | B::MergeKeys { .. } => {
                    "it has too many aliases (`*name`), anchors or merge keys"
                }
                B::Documents { .. } => "it holds too many documents",
                B::ScalarBytes { .. } => "its text values are too long",
                _ => "it has too many values",
            };
            format!("the document is too large or too complex to read: {why}")
        }
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "the document is too large or too complex to read: its aliases (`*name`) expand to too much".to_owned()
        }
        _ => return error.to_string(),
    };
    match error.location() {
        Some(at) if at != serde_saphyr::Location::UNKNOWN => {
            format!("{message} at line {}, column {}", at.line(), at.column())
        }
        _ => message,
    }
}

/// Prints a value (a Pod, a JSON tree) as block-style YAML that reads back the same in YAML 1.1
/// and 1.2 readers: a string is plain only when no reader could take it for anything else
/// ([`scalar`]), and double-quoted otherwise.
pub fn to_yaml(value: &impl serde::Serialize) -> Result<String, String> {
    // About the size of a Pod: most documents are printed without growing the buffer.
    let mut out = String::with_capacity(2048);
    emit::emit(&mut out, value).map_err(|e| format!("cannot print YAML: {e}"))?;
    Ok(out)
}

/// A string as a YAML scalar: plain when every YAML reader (1.1 included) reads it back as
/// this string, double-quoted otherwise. Plain takes letters, digits and `-_./:`; not a YAML
/// 1.1 boolean or null (`yes`, `On`, `~`), nothing a reader takes for a number (`0777`,
/// `1e3`, `1_000`, `12:30`, `.5`, `-1`) or a date; digits followed by a unit (`8Gi`, `500m`)
/// stay plain.
pub fn scalar(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    scalar_into(&mut out, s);
    out
}

/// [`scalar`], written at the end of `out`.
pub(crate) fn scalar_into(out: &mut String, s: &str) {
    if is_plain(s) {
        out.push_str(s);
    } else {
        quoted_into(out, s);
    }
}

/// `depth` spaces at the end of `out`: a slice of one constant (pushing them a character at a
/// time was a tenth of printing a Pod).
pub(crate) fn indent(out: &mut String, depth: usize) {
    const SPACES: &str = "                                                                ";
    let mut rest = depth;
    while rest > 0 {
        let now = rest.min(SPACES.len());
        out.push_str(&SPACES[..now]);
        rest -= now;
    }
}

/// The bytes a plain scalar may hold: letters, digits and `-_./:`. A table, because every
/// string of every Pod is looked at byte by byte.
const PLAIN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':');
        byte += 1;
    }
    table
};

/// Whether `s` may be written plain (see [`scalar`]).
fn is_plain(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| PLAIN_BYTES[usize::from(c)])
        // `a:b` is a string in block style; `a: b` or a trailing `:` would be a map.
        && !s.ends_with(':')
        && !s.starts_with('.')
        && (!s.starts_with('-') || s[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '-'))
        && (!s.starts_with(|c: char| c.is_ascii_digit()) || is_unit_literal(s))
        && (s.len() > 5 || !["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"].iter().any(|w| s.eq_ignore_ascii_case(w)))
}

/// `8Gi`, `500m`, `1.5Gi`, `30s`: digits then a suffix no YAML reader takes for a number
/// (`1e3`, `0x1F` and `0o17` are numbers to some).
fn is_unit_literal(s: &str) -> bool {
    let suffix = s.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    let number = &s[..s.len() - suffix.len()];
    number.matches('.').count() <= 1
        && !number.ends_with('.')
        && !suffix.is_empty()
        && suffix.chars().all(|c| c.is_ascii_alphabetic())
        && !suffix.starts_with(['e', 'E', 'x', 'X', 'o', 'O', 'b', 'B'])
}

/// A double-quoted scalar: JSON's escapes, which YAML shares, plus escapes for what YAML
/// counts as a line break or refuses unescaped (C1 controls, `U+2028`, `U+FEFF`, ...).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quoted_into(&mut out, s);
    out
}

/// [`quoted`], written at the end of `out`: escaped as serde_json escapes a string (`\"`,
/// `\\`, `\b\f\n\r\t`, other controls as `\u00xx`), and [`needs_escape`] characters as
/// `\uxxxx`; the text between escapes is copied in one piece.
fn quoted_into(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    let mut copied = 0;
    for (at, c) in s.char_indices() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ if c < ' ' || needs_escape(c) => None,
            _ => continue,
        };
        out.push_str(&s[copied..at]);
        match short {
            Some(escape) => out.push_str(escape),
            None => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
        }
        copied = at + c.len_utf8();
    }
    out.push_str(&s[copied..]);
    out.push('"');
}

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn byte_span(location: &serde_saphyr::Location, text: &str) -> Option<ByteRange> {
    let span = location.span();
    let Some(start) = span.byte_offset() else {
        // Errors carry a line and a column (in characters) but no byte offset.
        let line_start = match location.line().checked_sub(1)? {
            0 => 0,
            n => text.match_indices('\n').nth(n as usize - 1)?.0 + 1,
        };
        let column = location.column().saturating_sub(1) as usize;
        let offset = text[line_start..].char_indices().nth(column).map_or(text.len(), |(i, _)| line_start + i);
        return Some(ByteRange::new(offset as u32, offset as u32));
    };
    let start = u32::try_from(start).ok()?;
    let len = u32::try_from(span.byte_len().unwrap_or(0)).ok()?;
    let end = start.saturating_add(len).min(text.len() as u32);
    Some(ByteRange::new(start.min(end), end))
}

struct SpannedNode(Spanned<RawValue>);

impl SpannedNode {
    fn into_node<O: Copy>(self, text: &str, origin: &mut impl FnMut(ByteRange) -> O) -> Node<O> {
        let Spanned { value, referenced, .. } = self.0;
        let at = origin(byte_span(&referenced, text).unwrap_or_default());
        let value = match value {
            RawValue::Null => Value::Null,
            RawValue::Bool(b) => Value::Bool(b),
            RawValue::Int(i) => Value::Int(i),
            RawValue::Float(x) => Value::Float(x),
            RawValue::String(s) => Value::String(s),
            RawValue::List(items) => Value::list(items.into_iter().map(|i| i.into_node(text, origin)).collect()),
            RawValue::Map(entries) => {
                let mut map = Map::default();
                for (key, value) in entries {
                    map.insert(key, value.into_node(text, origin));
                }
                Value::map(map)
            }
        };
        Node::new(value, at)
    }
}

impl<'de> Deserialize<'de> for SpannedNode {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Spanned::<RawValue>::deserialize(deserializer).map(SpannedNode)
    }
}

enum RawValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(SmolStr),
    List(Vec<SpannedNode>),
    Map(Vec<(SmolStr, SpannedNode)>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<RawValue, E> {
        Ok(RawValue::Int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<RawValue, E> {
        Ok(i64::try_from(u).map_or(RawValue::Float(u as f64), RawValue::Int))
    }
    fn visit_i128<E>(self, i: i128) -> Result<RawValue, E> {
        Ok(i64::try_from(i).map_or(RawValue::Float(i as f64), RawValue::Int))
    }
    fn visit_u128<E>(self, u: u128) -> Result<RawValue, E> {
        Ok(i64::try_from(u).map_or(RawValue::Float(u as f64), RawValue::Int))
    }
    fn visit_f64<E>(self, x: f64) -> Result<RawValue, E> {
        Ok(RawValue::Float(x))
    }
    fn visit_str<E>(self, s: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(SmolStr::new(s)))
    }
    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<SpannedNode>()? {
            items.push(item);
        }
        Ok(RawValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let mut entries: Vec<(SmolStr, SpannedNode)> = Vec::new();
        while let Some(key) = map.next_key::<KeyText>()? {
            let value = map.next_value::<SpannedNode>()?;
            if entries.iter().any(|(k, _)| *k == key.0) {
                return Err(de::Error::custom(format!("duplicate key `{}`", key.0)));
            }
            entries.push((key.0, value));
        }
        Ok(RawValue::Map(entries))
    }
}

/// A map key as text: Kubernetes objects have string keys; a YAML 1.1 reader turns `on:` or
/// `80:` into a bool or a number, which kubectl then rejects, so skiff does too.
struct KeyText(SmolStr);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_str<E>(self, s: &str) -> Result<KeyText, E> {
                Ok(KeyText(SmolStr::new(s)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_yaml_1_1_scalars_as_kubectl_does() {
        let node = read_yaml("a: on\nb: 0777\nc: \"0777\"\nd: 1e3\ne: ~\nf: [1, 2.5]\n").unwrap();
        assert_eq!(node.to_json(), json!({"a": true, "b": 511, "c": "0777", "d": 1000.0, "e": null, "f": [1, 2.5]}));
    }

    #[test]
    fn every_node_knows_its_text() {
        let text = "spec:\n  nodeSelector:\n    zone: east\n  tolerations:\n  - key: gpu\n";
        let node = read_yaml(text).unwrap();
        let zone = node.get_path(&["spec", "nodeSelector", "zone"]).unwrap();
        assert_eq!(&text[zone.origin.start as usize..zone.origin.end as usize], "east");
        let tolerations = node.get_path(&["spec", "tolerations"]).unwrap();
        let line = text[..tolerations.origin.start as usize].matches('\n').count() + 1;
        assert_eq!(line, 5);
    }

    #[test]
    fn bad_yaml_is_an_error_with_a_place() {
        let error = read_yaml("a: [1, 2\nb: c\n").unwrap_err();
        assert_eq!(error.span, Some(ByteRange::new(10, 10)), "{error:?}");
    }

    /// The reader's own words for its options and limits ("set DuplicateKeyPolicy in Options",
    /// "budget breached: Depth { depth: 65 }") never reach a user.
    #[test]
    fn errors_are_told_in_a_users_words_with_the_place() {
        let message = |text: &str| read_yaml(text).unwrap_err().message;
        assert_eq!(
            message("a: 1\nb:\n  c: 2\n  c: 3\n"),
            "the key `c` is written twice in one mapping at line 4, column 3"
        );
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        assert_eq!(
            message(&deep),
            "the document is too large or too complex to read: it nests deeper than 64 levels at line 1, column 65"
        );
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
        assert!(message(bomb).starts_with("the document is too large or too complex to read"), "{}", message(bomb));
        for text in ["a: 1\na: 2\n", &deep, bomb] {
            let message = message(text);
            assert!(!message.contains("Options") && !message.contains("budget") && !message.contains('{'), "{message}");
        }
    }

    #[test]
    fn json_with_a_key_written_twice_is_refused_with_its_place() {
        let error = read_json("{\"spec\": {\n  \"a\": 1,\n  \"a\": 2}}").unwrap_err();
        assert_eq!(error.to_string(), "duplicate key `a` at line 3 column 5");
        let value =
            read_json(r#"{"a": [1, -2, 2.5, "x", null, true, {"b": {}}], "big": 18446744073709551615}"#).unwrap();
        assert_eq!(value, json!({"a": [1, -2, 2.5, "x", null, true, {"b": {}}], "big": 18446744073709551615u64}));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"a":[1,-2,2.5,"x",null,true,{"b":{}}],"big":18446744073709551615}"#,
            "key order kept"
        );
    }

    /// The quoting is serde_json's string escaping plus YAML's own (the implementation this
    /// replaced, kept here as the oracle), for every character up to U+3000 and the special
    /// ones above, between other text.
    #[test]
    fn quoting_is_json_escaping_plus_yaml_line_breaks() {
        let oracle = |s: &str| -> String {
            let json = serde_json::Value::String(s.to_owned()).to_string();
            json.chars().map(|c| if needs_escape(c) { format!("\\u{:04x}", c as u32) } else { c.to_string() }).collect()
        };
        let special = ['\u{feff}', '\u{fffe}', '\u{ffff}', '\u{10000}', '\u{1f600}'];
        for c in ('\0'..='\u{3000}').chain(special) {
            for text in [c.to_string(), format!("a{c}b{c}"), format!("{c}\"\\é")] {
                assert_eq!(quoted(&text), oracle(&text), "{:?}", c);
            }
        }
    }

    #[test]
    fn yaml_1_1_look_alikes_are_quoted() {
        let text = to_yaml(&json!({"a": "on", "b": "0777", "c": "1e3", "d": "~", "e": "yes", "f": "null"})).unwrap();
        let back = read_yaml(&text).unwrap().to_json();
        assert_eq!(back, json!({"a": "on", "b": "0777", "c": "1e3", "d": "~", "e": "yes", "f": "null"}));
    }

    #[test]
    fn strings_that_read_as_something_else_are_quoted() {
        let quoted =
            ["on", "Yes", "0777", "1e3", "2", "", "a b", "-1", "- x", "~", "null", "a: b", "a:", "{x}", "0x1F"];
        for text in quoted.into_iter().chain(["2026-01-01", "1.5", "1:20", "1_000", ".inf", "+1", "#x"]) {
            assert!(scalar(text).starts_with('"'), "{text}");
        }
        let plain = ["nvidia-a100", "nvidia.com/gpu", "8Gi", "500m", "1.5Gi", "30s", "ghcr.io/acme/train:1.4"];
        for text in plain.into_iter().chain(["NoSchedule", "-m", "--epochs"]) {
            assert_eq!(scalar(text), text);
        }
        assert_eq!(scalar("a\u{2028}b\u{85}"), "\"a\\u2028b\\u0085\"");
    }

    #[test]
    fn block_style_as_kubectl_prints_it() {
        let value = json!({"spec": {"containers": [{"name": "a", "args": ["-v", "on"], "env": []}], "x": {}}, "n": 1}); // `n` is a YAML 1.1 boolean
        let text = to_yaml(&value).unwrap();
        assert_eq!(
            text,
            "spec:\n  containers:\n  - name: a\n    args:\n    - -v\n    - \"on\"\n    env: []\n  x: {}\n\"n\": 1\n"
        );
    }

    #[test]
    fn a_key_too_long_for_yaml_s_implicit_keys_is_explicit() {
        // Found by the `patch` fuzzer: a 1,000-character key made YAML no reader accepts.
        for key in ["k".repeat(1200), "a\tb[{".repeat(300)] {
            let value = json!({ key.clone(): {"x": [1, {}]}, "short": {}, "list": [{ key.clone(): 1 }] });
            let text = to_yaml(&value).unwrap();
            assert!(text.contains("? "), "{text}");
            assert_eq!(read_yaml(&text).unwrap_or_else(|e| panic!("{e}\n{text}")).to_json(), value);
        }
    }

    #[test]
    fn any_serializable_value_prints_as_its_json_would() {
        #[derive(serde::Serialize)]
        enum Shape {
            Pair(i32, i32),
            Named { a: i32, b: Option<&'static str> },
            Unit,
        }
        let values = [Shape::Pair(1, 2), Shape::Named { a: 1, b: None }, Shape::Unit];
        for value in &values {
            let json = serde_json::to_value(value).unwrap();
            assert_eq!(to_yaml(value).unwrap(), to_yaml(&json).unwrap());
            assert_eq!(read_yaml(&to_yaml(value).unwrap()).unwrap().to_json(), json);
        }
        assert_eq!(to_yaml(&Shape::Pair(1, 2)).unwrap(), "Pair:\n- 1\n- 2\n");
        let numbered: std::collections::BTreeMap<i64, Vec<u8>> = [(1, vec![]), (20, b"ab".to_vec())].into();
        assert_eq!(to_yaml(&numbered).unwrap(), "\"1\": []\n\"20\":\n- 97\n- 98\n");
        assert_eq!(to_yaml(&[[1.5f64; 2]; 1]).unwrap(), "- - 1.5\n  - 1.5\n");
        let float_key: std::collections::BTreeMap<String, f64> = [("x".into(), f64::NAN)].into();
        assert_eq!(to_yaml(&float_key).unwrap(), "x: null\n", "a NaN has no JSON form");
    }

    #[test]
    fn an_empty_document_is_null() {
        assert!(read_yaml("").unwrap().is_null());
        assert!(read_yaml("# only a comment\n").unwrap().is_null());
    }
}

//! The YAML writer: a `serde` serializer that prints block-style YAML as the value is walked,
//! with no tree in between (a large build prints 50 MB of YAML; a JSON tree per Pod was a
//! third of its allocations).
//!
//! Block style needs to know whether a collection is empty before its key's line ends
//! (`env: []` against `env:` and the items below), which a serializer learns only at the
//! first element or the end. So each open collection is a [`Frame`] whose header (`key:` or
//! `- `) is written when its first element arrives, or as `key: {}` when it ends empty.
//!
//! The same emitter, driven over a merge tree instead of by `serde`, prints YAML with a note
//! per line (`super::noted`): each line it ends is reported to its [`Lines`] with the note of
//! the value on it. Plain output reports to `()`, which the compiler removes entirely.

use serde::ser::{self, Serialize};

use std::borrow::Cow;

use super::{indent, is_plain, quoted, scalar_into};

/// Why a value could not be printed (a map key that is not a string or a number).
#[derive(Debug)]
pub struct EmitError(String);

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EmitError {}

impl ser::Error for EmitError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        EmitError(message.to_string())
    }
}

/// The longest key written as `key: value`; YAML readers refuse implicit keys over 1024
/// characters.
const MAX_IMPLICIT_KEY: usize = 1000;

/// Prints `value` as block-style YAML into `out`.
pub(super) fn emit(out: &mut String, value: &impl Serialize) -> Result<(), EmitError> {
    let mut emitter = Emitter::new(out, ());
    value.serialize(&mut emitter)
}

/// Told of every line the emitter ends, with the note of what is on it.
pub(super) trait Lines {
    type Note: Copy;
    /// A line ended at byte `end` of the output (where its `\n` goes).
    fn ended(&mut self, end: usize, note: Self::Note);
}

/// Plain output: no notes.
impl Lines for () {
    type Note = ();
    #[inline(always)]
    fn ended(&mut self, _: usize, _: ()) {}
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Map,
    List,
}

/// What stands before a value: the document start, a map key, or a list dash.
enum Slot {
    Document,
    /// The key, already printed as YAML (quoted if need be); `first` when it opens its map.
    Key {
        text: Cow<'static, str>,
        depth: usize,
        first: bool,
    },
    Item {
        depth: usize,
        first: bool,
    },
}

struct Frame<N> {
    kind: Kind,
    slot: Slot,
    /// The indentation of this collection's own keys or dashes.
    depth: usize,
    /// Elements begun so far; the header is written with the first.
    count: usize,
    /// The note of the header's line (`key:`, or `key: {}` when it ends empty).
    note: N,
}

pub(super) struct Emitter<'a, L: Lines = ()> {
    out: &'a mut String,
    frames: Vec<Frame<L::Note>>,
    /// The key whose value comes next, printed.
    key: Option<Cow<'static, str>>,
    lines: L,
}

impl<'a, L: Lines> Emitter<'a, L> {
    pub(super) fn new(out: &'a mut String, lines: L) -> Self {
        Emitter { out, frames: Vec::new(), key: None, lines }
    }

    /// What its lines were told.
    pub(super) fn finish(self) -> L {
        self.lines
    }

    /// The length of the key the next value goes under, as printed.
    pub(super) fn key_len(&self) -> usize {
        self.key.as_ref().map_or(0, |k| k.len())
    }

    /// The indentation of the next key or dash.
    pub(super) fn depth(&self) -> usize {
        self.frames.last().map_or(0, |f| f.depth)
    }

    /// The key of the next value of a map, as printed.
    pub(super) fn set_key(&mut self, key: &str) {
        self.key = Some(key_text(key.to_owned()));
    }

    /// Where the next value goes; counts it as an element of its collection, whose header is
    /// written now if this is its first. Only the innermost collection can still be without
    /// one: beginning a collection is an element of the one around it.
    fn slot(&mut self) -> Result<Slot, EmitError> {
        let Some(frame) = self.frames.last_mut() else { return Ok(Slot::Document) };
        let first = frame.count == 0;
        if first {
            write_slot_start(self.out, &frame.slot);
            // The first key or dash of an element follows its `- `; below a key, it starts a line.
            if let Slot::Key { .. } = frame.slot {
                self.lines.ended(self.out.len(), frame.note);
                self.out.push('\n');
                indent(self.out, frame.depth);
            }
        }
        frame.count += 1;
        let depth = frame.depth;
        match frame.kind {
            Kind::List => Ok(Slot::Item { depth, first }),
            Kind::Map => {
                let text = self.key.take().ok_or_else(|| ser::Error::custom("a map value without a key"))?;
                Ok(Slot::Key { text, depth, first })
            }
        }
    }

    /// Starts a value that fits on its slot's line: `key: `, `- `, or nothing.
    fn inline_start(&mut self) -> Result<(), EmitError> {
        let slot = self.slot()?;
        write_inline_start(self.out, &slot);
        Ok(())
    }

    /// A scalar (or a whole collection in flow style), printed as `text`.
    pub(super) fn leaf(&mut self, text: std::fmt::Arguments<'_>, note: L::Note) -> Result<(), EmitError> {
        use std::fmt::Write;
        self.inline_start()?;
        let _ = self.out.write_fmt(text);
        self.lines.ended(self.out.len(), note);
        self.out.push('\n');
        Ok(())
    }

    pub(super) fn string(&mut self, s: &str, note: L::Note) -> Result<(), EmitError> {
        self.inline_start()?;
        scalar_into(self.out, s);
        self.lines.ended(self.out.len(), note);
        self.out.push('\n');
        Ok(())
    }

    /// Opens a collection; `note` is for its header's line.
    pub(super) fn begin(&mut self, kind: Kind, note: L::Note) -> Result<&mut Self, EmitError> {
        let slot = self.slot()?;
        let depth = match (&slot, kind) {
            (Slot::Document, _) => 0,
            (Slot::Key { depth, .. }, Kind::Map) => depth + 2,
            // Lists sit at their key's indentation, as kubectl prints them.
            (Slot::Key { depth, .. }, Kind::List) => *depth,
            (Slot::Item { depth, .. }, _) => depth + 2,
        };
        self.frames.push(Frame { kind, slot, depth, count: 0, note });
        Ok(self)
    }

    pub(super) fn end(&mut self) -> Result<(), EmitError> {
        let frame = self.frames.pop().ok_or_else(|| ser::Error::custom("a collection ended twice"))?;
        if frame.count == 0 {
            write_inline_start(self.out, &frame.slot);
            self.out.push_str(if frame.kind == Kind::Map { "{}" } else { "[]" });
            self.lines.ended(self.out.len(), frame.note);
            self.out.push('\n');
        }
        Ok(())
    }
}

/// What comes before a value in its slot: the indentation and `key:`, or the indentation and
/// `- ` (a collection's first element follows its parent's header, so it takes none).
fn write_slot_start(out: &mut String, slot: &Slot) {
    match slot {
        Slot::Document => {}
        Slot::Key { text, depth, first } => {
            if !first {
                indent(out, *depth);
            }
            if text.len() > MAX_IMPLICIT_KEY {
                // YAML allows at most 1024 characters in an implicit key: a longer one is explicit.
                out.push_str("? ");
                out.push_str(text);
                out.push('\n');
                indent(out, *depth);
            } else {
                out.push_str(text);
            }
            out.push(':');
        }
        Slot::Item { depth, first } => {
            if !first {
                indent(out, *depth);
            }
            out.push_str("- ");
        }
    }
}

/// What comes before a value that fits on its slot's line: `key: `, `- `, or nothing.
fn write_inline_start(out: &mut String, slot: &Slot) {
    write_slot_start(out, slot);
    if let Slot::Key { .. } = slot {
        out.push(' ');
    }
}

/// A float as JSON prints it (`1.0`, `1e+20`); a NaN or an infinity has no JSON form: `null`.
pub(super) fn float(v: f64) -> serde_json::Value {
    serde_json::Value::from(v)
}

/// A map key: plain like a value, and never with a `:` in it. Struct field names are the same
/// in every Pod: the plain ones are not copied.
pub(super) fn key_text(key: impl Into<Cow<'static, str>>) -> Cow<'static, str> {
    let key = key.into();
    if !key.contains(':') && is_plain(&key) { key } else { Cow::Owned(quoted(&key)) }
}

impl<'e, 'a> ser::Serializer for &'e mut Emitter<'a> {
    type Ok = ();
    type Error = EmitError;
    type SerializeSeq = &'e mut Emitter<'a>;
    type SerializeTuple = &'e mut Emitter<'a>;
    type SerializeTupleStruct = &'e mut Emitter<'a>;
    type SerializeTupleVariant = &'e mut Emitter<'a>;
    type SerializeMap = &'e mut Emitter<'a>;
    type SerializeStruct = &'e mut Emitter<'a>;
    type SerializeStructVariant = &'e mut Emitter<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), EmitError> {
        self.leaf(format_args!("{v}"), ())
    }
    fn serialize_i8(self, v: i8) -> Result<(), EmitError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), EmitError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), EmitError> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), EmitError> {
        self.leaf(format_args!("{v}"), ())
    }
    fn serialize_u8(self, v: u8) -> Result<(), EmitError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), EmitError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), EmitError> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), EmitError> {
        self.leaf(format_args!("{v}"), ())
    }
    fn serialize_f32(self, v: f32) -> Result<(), EmitError> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), EmitError> {
        self.leaf(format_args!("{}", float(v)), ())
    }
    fn serialize_char(self, v: char) -> Result<(), EmitError> {
        self.string(v.encode_utf8(&mut [0; 4]), ())
    }
    fn serialize_str(self, v: &str) -> Result<(), EmitError> {
        self.string(v, ())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), EmitError> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for byte in v {
            seq.serialize_element(byte)?;
        }
        SerializeSeq::end(seq)
    }
    fn serialize_none(self) -> Result<(), EmitError> {
        self.leaf(format_args!("null"), ())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), EmitError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), EmitError> {
        self.leaf(format_args!("null"), ())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), EmitError> {
        self.leaf(format_args!("null"), ())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), EmitError> {
        self.string(variant, ())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<(), EmitError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), EmitError> {
        use ser::SerializeMap;
        let mut map = self.serialize_map(Some(1))?;
        map.serialize_entry(variant, value)?;
        SerializeMap::end(map)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, EmitError> {
        self.begin(Kind::List, ())
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, EmitError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Self, EmitError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, EmitError> {
        self.begin(Kind::Map, ())?;
        self.key = Some(key_text(variant));
        self.begin(Kind::List, ())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, EmitError> {
        self.begin(Kind::Map, ())
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self, EmitError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, EmitError> {
        self.begin(Kind::Map, ())?;
        self.key = Some(key_text(variant));
        self.begin(Kind::Map, ())
    }
}

/// The sequence-like compounds: each element is a value; a variant's closes its map too.
macro_rules! sequence {
    ($trait:ident, $element:ident, $frames:literal) => {
        impl ser::$trait for &mut Emitter<'_> {
            type Ok = ();
            type Error = EmitError;
            fn $element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), EmitError> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), EmitError> {
                (0..$frames).try_for_each(|_| Emitter::end(self))
            }
        }
    };
}

sequence!(SerializeSeq, serialize_element, 1);
sequence!(SerializeTuple, serialize_element, 1);
sequence!(SerializeTupleStruct, serialize_field, 1);
sequence!(SerializeTupleVariant, serialize_field, 2);

impl ser::SerializeMap for &mut Emitter<'_> {
    type Ok = ();
    type Error = EmitError;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), EmitError> {
        self.key = Some(key_text(key.serialize(KeyText)?));
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), EmitError> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), EmitError> {
        Emitter::end(self)
    }
}

/// The struct-like compounds: each field is a key and a value; a variant's closes its map too.
macro_rules! structure {
    ($trait:ident, $frames:literal) => {
        impl ser::$trait for &mut Emitter<'_> {
            type Ok = ();
            type Error = EmitError;
            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), EmitError> {
                self.key = Some(key_text(key));
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), EmitError> {
                (0..$frames).try_for_each(|_| Emitter::end(self))
            }
        }
    };
}

structure!(SerializeStruct, 1);
structure!(SerializeStructVariant, 2);

/// A map key as text: strings as they are, numbers and booleans as JSON writes them (as
/// `serde_json` does for keys); anything else cannot be a key.
struct KeyText;

fn not_a_key() -> EmitError {
    ser::Error::custom("a map key must be a string or a number")
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = EmitError;
    type SerializeSeq = ser::Impossible<String, EmitError>;
    type SerializeTuple = ser::Impossible<String, EmitError>;
    type SerializeTupleStruct = ser::Impossible<String, EmitError>;
    type SerializeTupleVariant = ser::Impossible<String, EmitError>;
    type SerializeMap = ser::Impossible<String, EmitError>;
    type SerializeStruct = ser::Impossible<String, EmitError>;
    type SerializeStructVariant = ser::Impossible<String, EmitError>;

    fn serialize_str(self, v: &str) -> Result<String, EmitError> {
        Ok(v.to_owned())
    }
    fn serialize_char(self, v: char) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_bool(self, v: bool) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String, EmitError> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _: f64) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<String, EmitError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String, EmitError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, value: &T) -> Result<String, EmitError> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, EmitError> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, EmitError> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, EmitError> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, EmitError> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, EmitError> {
        Err(not_a_key())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, EmitError> {
        Err(not_a_key())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, EmitError> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, EmitError> {
        Err(not_a_key())
    }
}

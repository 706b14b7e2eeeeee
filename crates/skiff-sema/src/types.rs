//! skiff's data types for task and workflow interfaces (`int`, `File`, `list[T]`, `T?`, ...).

use skiff_syntax::ast::{TypeExpr, TypeKind, Value, ValueKind};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    Int,
    Float,
    Str,
    Bool,
    Duration,
    Datetime,
    File,
    Dir,
    DataFrame,
    List(Box<Ty>),
    /// `map[str, T]`: keys are always strings.
    Map(Box<Ty>),
    Optional(Box<Ty>),
    /// `()`: no output.
    Unit,
    /// A type that was not understood (already reported): compatible with everything, so one
    /// mistake is reported once.
    Unknown,
}

/// The scalar type names, for suggestions.
pub const SCALAR_TYPES: &[&str] = &["int", "float", "str", "bool", "duration", "datetime", "File", "Dir", "DataFrame"];

impl Ty {
    /// The type a syntax tree names; unknown names and wrong arities give [`Ty::Unknown`]
    /// (reported by [`type_errors`]).
    pub fn from_syntax(ty: &TypeExpr) -> Ty {
        match &ty.kind {
            TypeKind::Unit => Ty::Unit,
            TypeKind::Error => Ty::Unknown,
            TypeKind::Optional(inner) => Ty::Optional(Box::new(Ty::from_syntax(inner))),
            TypeKind::Named { name, args } => match (name.text.as_str(), args.as_slice()) {
                ("int", []) => Ty::Int,
                ("float", []) => Ty::Float,
                ("str", []) => Ty::Str,
                ("bool", []) => Ty::Bool,
                ("duration", []) => Ty::Duration,
                ("datetime", []) => Ty::Datetime,
                ("File", []) => Ty::File,
                ("Dir", []) => Ty::Dir,
                ("DataFrame", []) => Ty::DataFrame,
                ("list", [item]) => Ty::List(Box::new(Ty::from_syntax(item))),
                ("map", [key, value]) if Ty::from_syntax(key) == Ty::Str => Ty::Map(Box::new(Ty::from_syntax(value))),
                _ => Ty::Unknown,
            },
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Optional(_))
    }

    /// Whether a value of type `self` may be passed where `expected` is declared.
    pub fn fits(&self, expected: &Ty) -> bool {
        match (self, expected) {
            (Ty::Unknown, _) | (_, Ty::Unknown) => true,
            (a, b) if a == b => true,
            (Ty::Int, Ty::Float) => true,
            (Ty::Optional(a), Ty::Optional(b)) => a.fits(b),
            (a, Ty::Optional(b)) => a.fits(b),
            (Ty::List(a), Ty::List(b)) | (Ty::Map(a), Ty::Map(b)) => a.fits(b),
            _ => false,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Int => f.write_str("int"),
            Ty::Float => f.write_str("float"),
            Ty::Str => f.write_str("str"),
            Ty::Bool => f.write_str("bool"),
            Ty::Duration => f.write_str("duration"),
            Ty::Datetime => f.write_str("datetime"),
            Ty::File => f.write_str("File"),
            Ty::Dir => f.write_str("Dir"),
            Ty::DataFrame => f.write_str("DataFrame"),
            Ty::List(t) => write!(f, "list[{t}]"),
            Ty::Map(t) => write!(f, "map[str, {t}]"),
            Ty::Optional(t) => write!(f, "{t}?"),
            Ty::Unit => f.write_str("()"),
            Ty::Unknown => f.write_str("unknown"),
        }
    }
}

/// Why a type expression is not a type: (span, message, suggestion).
pub fn type_errors(ty: &TypeExpr, out: &mut Vec<(skiff_syntax::Span, String, Option<String>)>) {
    match &ty.kind {
        TypeKind::Unit | TypeKind::Error => {}
        TypeKind::Optional(inner) => type_errors(inner, out),
        TypeKind::Named { name, args } => {
            let arity = match name.text.as_str() {
                "list" => Some(1),
                "map" => Some(2),
                n if SCALAR_TYPES.contains(&n) => Some(0),
                _ => None,
            };
            match arity {
                None => {
                    let suggestion = skiff_k8s::names::suggest(
                        &name.text,
                        SCALAR_TYPES.iter().copied().chain(["list", "map"]).collect::<Vec<_>>(),
                    )
                    .map(str::to_string);
                    out.push((name.span, format!("unknown type `{}`", name.text), suggestion));
                }
                Some(n) if n != args.len() => {
                    let shape = match name.text.as_str() {
                        "list" => "`list[T]`",
                        "map" => "`map[str, T]`",
                        _ => "a plain name",
                    };
                    out.push((ty.span, format!("`{}` takes {n} type argument(s): write {shape}", name.text), None));
                }
                Some(_) => {
                    if name.text == "map" && Ty::from_syntax(&args[0]) != Ty::Str {
                        out.push((
                            args[0].span,
                            "map keys are strings: write `map[str, T]`".into(),
                            Some("str".into()),
                        ));
                    }
                    for arg in args {
                        type_errors(arg, out);
                    }
                }
            }
        }
    }
}

/// The type of a literal value; `None` for references (resolved by the caller) and errors.
pub fn literal_type(value: &Value) -> Option<Ty> {
    Some(match &value.kind {
        ValueKind::Str(_) => Ty::Str,
        ValueKind::Int(_) => Ty::Int,
        ValueKind::Float(_) => Ty::Float,
        ValueKind::Bool(_) => Ty::Bool,
        ValueKind::Unit(text) => {
            if skiff_k8s::parse_duration(text).is_ok() {
                Ty::Duration
            } else {
                return None;
            }
        }
        ValueKind::Null => Ty::Optional(Box::new(Ty::Unknown)),
        ValueKind::List(items) => {
            let first = items.iter().find_map(literal_type).unwrap_or(Ty::Unknown);
            Ty::List(Box::new(first))
        }
        ValueKind::Object(_) => Ty::Map(Box::new(Ty::Unknown)),
        ValueKind::Ref(_) | ValueKind::Error => return None,
    })
}

/// Whether a literal may stand for `expected`: strings stand for files, directories, data
/// frames and datetimes (paths, URIs and timestamps are written as strings).
pub fn literal_fits(value: &Value, expected: &Ty) -> bool {
    let Some(actual) = literal_type(value) else { return true };
    match (&actual, expected) {
        (Ty::Str, Ty::File | Ty::Dir | Ty::DataFrame | Ty::Datetime) => true,
        (_, Ty::Optional(inner)) if !matches!(value.kind, ValueKind::Null) => literal_fits(value, inner),
        (Ty::List(_), Ty::List(item)) => match &value.kind {
            ValueKind::List(items) => items.iter().all(|v| literal_fits(v, item)),
            _ => true,
        },
        _ => actual.fits(expected),
    }
}

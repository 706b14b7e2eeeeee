//! Merge errors: what went wrong, where in the patch, and the origin of the patch node at fault.

use std::fmt;

use smol_str::SmolStr;

/// One step of a [`JsonPath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(SmolStr),
    Index(usize),
}

/// A path into the patch document, printed JSONPath-style: `$.spec.containers[0].env[2]`, with
/// keys that are not plain identifiers quoted (`$.spec.nodeSelector["gpu-type"]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct JsonPath(pub Vec<Segment>);

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for segment in &self.0 {
            match segment {
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Key(key) if is_plain(key) => write!(f, ".{key}")?,
                Segment::Key(key) => write!(f, "[{}]", serde_json::Value::String(key.to_string()))?,
            }
        }
        Ok(())
    }
}

fn is_plain(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// What went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MergeErrorKind {
    /// The patch document is not an object.
    PatchNotAnObject,
    /// `$patch: merge`: the API server refuses it too.
    PatchMergeUnsupported,
    /// `$patch` with a value other than `replace` or `delete`.
    UnknownPatchValue(String),
    /// A `$patch` element inside a list that is replaced whole: it would reach the output.
    PatchInAtomicList { list: SmolStr },
    /// A `$patch` element in the list of a `+=`.
    PatchInAppend,
    /// An element of a keyed list without its merge key (or with a null one).
    MissingMergeKey { key: &'static str },
    /// A merge key whose value is a list or an object.
    MergeKeyNotScalar { key: &'static str },
    /// An element of a keyed list that is not an object.
    ElementNotObject { key: &'static str, found: &'static str },
    /// An element of the list below (the document being patched) that is not an object with
    /// its merge key.
    BaseElementWithoutKey { key: &'static str, index: usize },
    /// A list merged as a set (`metadata.finalizers`) whose elements are not scalars of one kind.
    MixedSetElements,
    /// `$retainKeys` that is not a list of strings.
    InvalidRetainKeys,
    /// A patch key that `$retainKeys` does not list.
    NotRetained { key: SmolStr },
    /// A `$setElementOrder/...`, `$deleteFromPrimitiveList/...` or `$append/...` key without a
    /// field name after the slash.
    MalformedDirectiveKey { key: SmolStr },
    /// A `$` key the engine does not know.
    UnknownDirective { key: SmolStr },
    /// `$setElementOrder/F` that is not a list, or whose elements are not what `F` holds.
    InvalidSetElementOrder { field: SmolStr, reason: String },
    /// The patch list `F` names elements in an order `$setElementOrder/F` contradicts.
    SetElementOrderMismatch { field: SmolStr },
    /// A directive that only makes sense on a merged list, used on a list replaced whole.
    NotAMergeList { directive: &'static str, field: SmolStr },
    /// `$deleteFromPrimitiveList/F` that is not a list of scalars, or `F` is not a scalar list.
    InvalidDeleteFromPrimitiveList { field: SmolStr, reason: String },
    /// `+=` with something other than a list.
    AppendNotAList { found: &'static str },
    /// `+=` onto a value that is not a list.
    AppendToNonList { found: &'static str },
    /// `+=` of an element whose merge key is already in the list.
    DuplicateMergeKey { key: &'static str, value: String },
    /// A list (or a value) where the patch needs an object or a list of the other kind.
    WrongKind { expected: &'static str, found: &'static str },
    /// A patch nested deeper than any Kubernetes document (the limit keeps the stack safe).
    TooDeep { limit: u32 },
}

impl fmt::Display for MergeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use MergeErrorKind::*;
        match self {
            PatchNotAnObject => write!(f, "a patch must be an object"),
            PatchMergeUnsupported => {
                write!(f, "`$patch: merge` is not supported (the API server refuses it): leave `$patch` out to merge")
            }
            UnknownPatchValue(value) => write!(f, "unknown `$patch` value {value}: expected `replace` or `delete`"),
            PatchInAtomicList { list } => write!(
                f,
                "`$patch` inside `{list}`, a list that is replaced whole: the element would reach the output as is; \
                 write the whole list instead"
            ),
            PatchInAppend => write!(f, "`$patch` inside an appended list: append plain elements"),
            MissingMergeKey { key } => write!(f, "this element has no merge key `{key}`"),
            MergeKeyNotScalar { key } => write!(f, "the merge key `{key}` must be a string or a number"),
            ElementNotObject { key, found } => {
                write!(f, "elements of this list are objects keyed by `{key}`; found {found}")
            }
            BaseElementWithoutKey { key, index } => write!(
                f,
                "element {index} of the list being patched is not an object with the merge key `{key}`, \
                 so the list cannot be merged"
            ),
            MixedSetElements => write!(f, "a list merged as a set holds scalars of one kind only"),
            InvalidRetainKeys => write!(f, "`$retainKeys` must be a list of field names"),
            NotRetained { key } => write!(f, "`{key}` is in the patch but not in `$retainKeys`"),
            MalformedDirectiveKey { key } => {
                write!(
                    f,
                    "malformed directive `{key}`: expected `$setElementOrder/FIELD`, `$deleteFromPrimitiveList/FIELD` or `$append/FIELD`"
                )
            }
            UnknownDirective { key } => write!(
                f,
                "unknown directive `{key}`: known are `$patch`, `$retainKeys`, `$setElementOrder/F`, \
                 `$deleteFromPrimitiveList/F` and skiff's `$append/F`"
            ),
            InvalidSetElementOrder { field, reason } => write!(f, "invalid `$setElementOrder/{field}`: {reason}"),
            SetElementOrderMismatch { field } => write!(
                f,
                "the elements of `{field}` in the patch are not in the order `$setElementOrder/{field}` gives"
            ),
            NotAMergeList { directive, field } => {
                write!(f, "`{directive}/{field}`: `{field}` is not a merged list (it is replaced whole)")
            }
            InvalidDeleteFromPrimitiveList { field, reason } => {
                write!(f, "invalid `$deleteFromPrimitiveList/{field}`: {reason}")
            }
            AppendNotAList { found } => write!(f, "`+=` appends a list; found {found}"),
            AppendToNonList { found } => write!(f, "`+=` appends to a list; the value below is {found}"),
            DuplicateMergeKey { key, value } => {
                write!(f, "the list already has an element with `{key}: {value}`; merge into it instead of appending")
            }
            WrongKind { expected, found } => write!(f, "expected {expected}; found {found}"),
            TooDeep { limit } => write!(f, "the patch nests deeper than {limit} levels"),
        }
    }
}

/// A merge that cannot be done: nothing is applied. `origin` is the origin of the patch node
/// at fault, `path` its place in the patch.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeError<O> {
    pub kind: MergeErrorKind,
    pub path: JsonPath,
    pub origin: O,
}

impl<O> fmt::Display for MergeError<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.kind)
    }
}

impl<O: fmt::Debug> std::error::Error for MergeError<O> {}

/// The path of the node being merged, as a chain on the stack: built for free while merging,
/// turned into a [`JsonPath`] only when an error needs it.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    parent: Option<&'a At<'a>>,
    step: Step<'a>,
    /// How many steps from the root.
    pub(crate) depth: u32,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> At<'a> {
    pub(crate) const ROOT: At<'static> = At { parent: None, step: Step::Root, depth: 0 };

    pub(crate) fn key(&'a self, key: &'a str) -> At<'a> {
        At { parent: Some(self), step: Step::Key(key), depth: self.depth + 1 }
    }

    pub(crate) fn index(&'a self, index: usize) -> At<'a> {
        At { parent: Some(self), step: Step::Index(index), depth: self.depth + 1 }
    }

    /// The last key on the path (the name of the field being merged), if any.
    pub(crate) fn last_key(&self) -> Option<&'a str> {
        match self.step {
            Step::Key(key) => Some(key),
            Step::Index(_) => self.parent.and_then(At::last_key),
            Step::Root => None,
        }
    }

    pub(crate) fn path(&self) -> JsonPath {
        let mut segments = Vec::with_capacity(self.depth as usize);
        let mut at = Some(self);
        while let Some(step) = at {
            match step.step {
                Step::Root => {}
                Step::Key(key) => segments.push(Segment::Key(SmolStr::new(key))),
                Step::Index(index) => segments.push(Segment::Index(index)),
            }
            at = step.parent;
        }
        segments.reverse();
        JsonPath(segments)
    }

    pub(crate) fn error<O>(&self, kind: MergeErrorKind, origin: O) -> MergeError<O> {
        MergeError { kind, path: self.path(), origin }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_jsonpath_style() {
        let root = At::ROOT;
        let spec = root.key("spec");
        let list = spec.key("containers");
        let elem = list.index(2);
        let env = elem.key("nvidia.com/gpu");
        assert_eq!(env.path().to_string(), r#"$.spec.containers[2]["nvidia.com/gpu"]"#);
        assert_eq!(root.path().to_string(), "$");
        let order = spec.key("$setElementOrder/containers");
        assert_eq!(order.path().to_string(), r#"$.spec["$setElementOrder/containers"]"#);
        let error = elem.error(MergeErrorKind::MissingMergeKey { key: "name" }, 3u8);
        assert_eq!(error.to_string(), "at $.spec.containers[2]: this element has no merge key `name`");
        assert_eq!(error.origin, 3);
    }
}

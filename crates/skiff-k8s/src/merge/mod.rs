//! Strategic merge with provenance: the engine that layers pod templates, overrides and
//! `skiff patch` files, exactly as the Kubernetes API server applies a strategic merge patch
//! (`docs/merge.md` is the contract and the users' account).
//!
//! Trees are [`Node`]s: JSON values whose every node carries an origin chosen by the caller.
//! After a merge, a leaf keeps the origin of the layer that set it; a map or list that a patch
//! creates or replaces takes the patch node's origin; a map or keyed list that is merged keeps
//! its own.
//!
//! The operations:
//! - [`apply_patch`]: a whole strategic-merge patch onto a document, directives included;
//! - [`merge`]: the same at one position (`key: value` in the DSL);
//! - [`append`]: skiff's `key += [...]`, at the end of the list below, even an atomic one;
//! - [`replace`]: `replace key: value` (what `$patch: replace` does);
//! - [`delete_key`]: `delete key` (what `key: null` does);
//! - [`element_patch`] and [`delete_element_patch`]: the patch elements for
//!   `containers["x"] { ... }` and `delete containers["x"]`;
//! - in a patch object, skiff's own directive `$append/F: [...]` does `F += [...]`, so a whole
//!   layer of the DSL is one patch tree.
//!
//! Which lists are keyed comes from the schema position ([`Shape`]), walked alongside the tree.
//! A merged tree becomes a typed value (a `k8s_openapi` `Pod`) with [`decode`]; what a layer
//! changed in the tree below it is [`diff`]. What strict field validation refuses before a
//! merge could hide it (an unknown field in a patch, a directive in the document patched) is
//! [`unknown_fields`] and [`find_directive`].
//!
//! Lists are merged in time linear in their length (n log n where elements are ordered): the
//! elements are found by merge key through hash indexes, never by searching the list.
//!
//! Errors ([`MergeError`]) name the JSON path in the patch and the origin of the node at fault;
//! no input panics.

mod decode;
mod diff;
mod error;
mod index;
mod shape;
mod strategic;
mod strict;
mod value;

#[cfg(test)]
mod tests;

pub use decode::{DecodeError, decode};
pub use diff::{Change, ChangeKind, diff};
pub use error::{JsonPath, MergeError, MergeErrorKind, Segment};
pub use shape::{ListStrategy, Shape};
pub use strict::{UnknownField, find_directive, unknown_fields};
pub use value::{Map, Node, PathPart, Value};

use error::At;
use smol_str::SmolStr;
use strategic::{PATCH, append_at, merge_node};

/// Applies the strategic-merge patch `patch` to the document `base`, whose position in the
/// schema is `shape` (usually [`Shape::pod_template_spec`], or [`Shape::Pod`]). The patch must
/// be an object. A patch that deletes the whole document (`$patch: delete`) leaves `{}`.
pub fn apply_patch<O: Copy>(base: Node<O>, patch: &Node<O>, shape: Shape) -> Result<Node<O>, MergeError<O>> {
    if patch.as_map().is_none() {
        return Err(At::ROOT.error(MergeErrorKind::PatchNotAnObject, patch.origin));
    }
    Ok(merge_node(Some(base), patch, shape, &At::ROOT)?.unwrap_or_else(|| Node::map(patch.origin)))
}

/// Strategic merge of `patch` into `base` (`None`: nothing there) at `shape`; `None` back when
/// the value is gone (a null patch, `$patch: delete` with nothing below).
pub fn merge<O: Copy>(base: Option<Node<O>>, patch: &Node<O>, shape: Shape) -> Result<Option<Node<O>>, MergeError<O>> {
    merge_node(base, patch, shape, &At::ROOT)
}

/// `key += [...]`: appends the elements of the list `items` at the end of the list `base`
/// (`None`: an empty list), whatever the list's strategy, the appended elements merged onto
/// nothing (nulls dropped). A keyed list refuses an element whose merge key it already holds
/// ([`MergeErrorKind::DuplicateMergeKey`]); a set (`finalizers`) skips values it holds.
pub fn append<O: Copy>(base: Option<Node<O>>, items: &Node<O>, shape: Shape) -> Result<Node<O>, MergeError<O>> {
    append_at(base, items, shape, &At::ROOT)
}

/// `replace key: value`: the value below is dropped and `value` is what remains, built as new
/// content (nulls dropped, directives applied). This is what `$patch: replace` does to an object
/// and `{$patch: replace}` to a keyed list, and also what it sets where nothing was below.
pub fn replace<O: Copy>(value: &Node<O>, shape: Shape) -> Result<Option<Node<O>>, MergeError<O>> {
    merge_node(None, value, shape, &At::ROOT)
}

/// `delete key`: removes `key` from the object `map` (what `key: null` does); the removed
/// value back, if there was one. Anything but an object is left alone.
pub fn delete_key<O: Clone>(map: &mut Node<O>, key: &str) -> Option<Node<O>> {
    match &mut map.value {
        Value::Map(entries) if entries.contains_key(key) => std::sync::Arc::make_mut(entries).shift_remove(key),
        _ => None,
    }
}

/// The patch element for `list[key] { body }`: `body` (an object, or nothing) with the list's
/// merge key set to `key`. `None` when the list at `list` is not keyed.
pub fn element_patch<O: Copy>(list: Shape, key: Node<O>, body: Option<&Node<O>>, origin: O) -> Option<Node<O>> {
    let ListStrategy::Keyed(merge_key) = list.strategy() else { return None };
    let mut entries = Map::default();
    entries.insert(SmolStr::new_static(merge_key), key);
    if let Some(Value::Map(fields)) = body.map(|b| &b.value) {
        for (name, value) in fields.iter() {
            if name != merge_key {
                entries.insert(name.clone(), value.clone());
            }
        }
    }
    Some(Node::new(Value::map(entries), origin))
}

/// The patch element for `delete list[key]`: `{KEY: key, $patch: delete}`. `None` when the list
/// at `list` is not keyed.
pub fn delete_element_patch<O: Copy>(list: Shape, key: Node<O>, origin: O) -> Option<Node<O>> {
    let ListStrategy::Keyed(merge_key) = list.strategy() else { return None };
    let mut entries = Map::default();
    entries.insert(SmolStr::new_static(merge_key), key);
    entries.insert(SmolStr::new_static(PATCH), Node::string("delete", origin));
    Some(Node::new(Value::map(entries), origin))
}

//! Strategic merge as the API server applies it (apimachinery's `strategicpatch`, the apply
//! half), on [`Node`] trees with origins. `docs/merge.md` is the contract; the comments name
//! the Go functions whose behaviour each part reproduces.
//!
//! One deliberate difference of shape: the Go code copies patch content that has nothing below
//! it (a new key, a new list element) into the result nearly verbatim, then lets the typed
//! decoder drop what does not fit. Here new content is merged onto nothing, so it goes through
//! the same rules as everything else: nulls are dropped and directives are applied (or
//! rejected) wherever they are. See `docs/merge.md` for where that shows.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use smol_str::SmolStr;

use super::error::{At, MergeError, MergeErrorKind as K};
use super::index::{Elements, Positions, ScalarKey, ScalarSet, key_of};
use super::shape::{ListStrategy, Shape};
use super::value::{Map, Node, Value};

type Result<T, O> = std::result::Result<T, MergeError<O>>;

pub(crate) const PATCH: &str = "$patch";
pub(crate) const RETAIN_KEYS: &str = "$retainKeys";
pub(crate) const SET_ELEMENT_ORDER: &str = "$setElementOrder";
pub(crate) const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
pub(crate) const APPEND: &str = "$append";

/// How deep a patch may nest. Pods nest about 12 levels; the limit only keeps the recursion
/// (one stack frame per level, on test threads of 2 MiB too) safe from hostile input.
pub(crate) const MAX_DEPTH: u32 = 128;

/// The value of a `$patch` key.
enum PatchDirective {
    Replace,
    Delete,
}

fn patch_directive<O: Copy>(node: &Node<O>, at: &At) -> Result<PatchDirective, O> {
    match node.as_str() {
        Some("replace") => Ok(PatchDirective::Replace),
        Some("delete") => Ok(PatchDirective::Delete),
        Some("merge") => Err(at.key(PATCH).error(K::PatchMergeUnsupported, node.origin)),
        _ => Err(at.key(PATCH).error(K::UnknownPatchValue(node.value.describe()), node.origin)),
    }
}

/// A `$`-key of a patch object.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DirectiveKey<'a> {
    Patch,
    RetainKeys,
    SetElementOrder(&'a str),
    DeleteFromPrimitiveList(&'a str),
    Append(&'a str),
}

/// Classifies a key starting with `$` (Go's `extractKey` for the parallel-list prefixes).
fn directive_key<'a>(key: &'a str) -> std::result::Result<DirectiveKey<'a>, K> {
    match key {
        PATCH => return Ok(DirectiveKey::Patch),
        RETAIN_KEYS => return Ok(DirectiveKey::RetainKeys),
        _ => {}
    }
    for prefix in [SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST, APPEND] {
        if !key.starts_with(prefix) {
            continue;
        }
        return match key.split_once('/') {
            Some((head, field)) if head == prefix && !field.is_empty() => Ok(match prefix {
                SET_ELEMENT_ORDER => DirectiveKey::SetElementOrder(field),
                DELETE_FROM_PRIMITIVE_LIST => DirectiveKey::DeleteFromPrimitiveList(field),
                _ => DirectiveKey::Append(field),
            }),
            _ => Err(K::MalformedDirectiveKey { key: SmolStr::new(key) }),
        };
    }
    Err(K::UnknownDirective { key: SmolStr::new(key) })
}

/// The merge key of a patch element (Go's `ErrNoMergeKey` when absent; a null key is absent).
fn merge_key<'a, O: Copy>(element: &'a Map<O>, key: &'static str, at: &At, origin: O) -> Result<&'a Value<O>, O> {
    match element.get(key) {
        None => Err(at.error(K::MissingMergeKey { key }, origin)),
        Some(node) if node.is_null() => Err(at.error(K::MissingMergeKey { key }, origin)),
        Some(node) if !node.value.is_scalar() => Err(at.key(key).error(K::MergeKeyNotScalar { key }, node.origin)),
        Some(node) => Ok(&node.value),
    }
}

/// Go's `mergeSortedSlice`: interleaves the lower-only elements (`lower`, in the lower list's
/// order) with the patched ones (`upper`, in the patch's order). While both remain, the head of
/// `lower` goes first only if both heads are in the lower list (`order`) and it comes first
/// there; otherwise the head of `upper` goes.
fn merge_sorted<O>(lower: Vec<Node<O>>, upper: Vec<Node<O>>, order: &Positions, key: Option<&str>) -> Vec<Node<O>> {
    let position = |node: &Node<O>| key_of(node, key).and_then(|k| order.get(k));
    let mut out = Vec::with_capacity(lower.len() + upper.len());
    let mut lower = lower.into_iter().peekable();
    let mut upper = upper.into_iter().peekable();
    while let (Some(l), Some(u)) = (lower.peek(), upper.peek()) {
        let lower_first = matches!((position(l), position(u)), (Some(li), Some(ui)) if li < ui);
        let next = if lower_first { lower.next() } else { upper.next() };
        out.extend(next);
    }
    out.extend(lower);
    out.extend(upper);
    out
}

/// `nodes` sorted stably by the first position of their key in `order` (those without one
/// last), each rank found once.
fn sorted_by_rank<O>(nodes: Vec<Node<O>>, order: &Positions, key: Option<&str>) -> Vec<Node<O>> {
    let mut ranked: Vec<(usize, Node<O>)> =
        nodes.into_iter().map(|n| (key_of(&n, key).and_then(|k| order.get(k)).unwrap_or(usize::MAX), n)).collect();
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.into_iter().map(|(_, n)| n).collect()
}

/// Merges `patch` into `base` (`None`: nothing below) at `shape`. `None` back means the value
/// is gone (a null, `$patch: delete` with no object below).
pub(crate) fn merge_node<O: Copy>(
    base: Option<Node<O>>,
    patch: &Node<O>,
    shape: Shape,
    at: &At,
) -> Result<Option<Node<O>>, O> {
    if at.depth > MAX_DEPTH {
        return Err(at.error(K::TooDeep { limit: MAX_DEPTH }, patch.origin));
    }
    if base.is_none() && shares_built_patches() && builds_itself(patch, shape, at.depth) {
        // Shared, not rebuilt: a task's pod holds its template's values, not a copy of them.
        return Ok(Some(patch.clone()));
    }
    match &patch.value {
        Value::Null => Ok(None),
        Value::Map(entries) => {
            if let Some(directive) = entries.get(PATCH) {
                // Go's `handleDirectiveInMergeMap`.
                return match patch_directive(directive, at)? {
                    // The object becomes the patch object, minus the directive; built on nothing,
                    // so its nulls are dropped and its own directives applied.
                    PatchDirective::Replace => merge_map(Map::default(), patch.origin, entries, shape, at).map(Some),
                    // `{}` where there was an object; where there was none, nothing (the API
                    // server drops such a value rather than adding an empty object).
                    PatchDirective::Delete => Ok(match base {
                        Some(Node { value: Value::Map(_), .. }) => Some(Node::map(patch.origin)),
                        _ => None,
                    }),
                };
            }
            match base {
                Some(Node { value: Value::Map(map), origin }) => {
                    merge_map(Arc::unwrap_or_clone(map), origin, entries, shape, at).map(Some)
                }
                _ => merge_map(Map::default(), patch.origin, entries, shape, at).map(Some),
            }
        }
        Value::List(items) => {
            let (list, origin, below) = match base {
                Some(Node { value: Value::List(list), origin }) => (Arc::unwrap_or_clone(list), origin, true),
                _ => (Vec::new(), patch.origin, false),
            };
            merge_list(list, origin, patch, items, shape, below, at).map(Some)
        }
        _ => Ok(Some(patch.clone())),
    }
}

#[cfg(test)]
thread_local! {
    /// Off in the test that checks sharing against building (`merge::tests`).
    pub(crate) static SHARE_BUILT_PATCHES: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

fn shares_built_patches() -> bool {
    #[cfg(test)]
    return SHARE_BUILT_PATCHES.with(std::cell::Cell::get);
    #[cfg(not(test))]
    true
}

/// Whether `patch` merged onto nothing at `shape` is `patch` itself, origins included: no
/// nulls (dropped) and no directives (applied) anywhere, no merge key or set value repeated (a
/// keyed list groups the elements of a key; a set keeps one of each), every keyed element an
/// object with its key, every set one kind of scalar, and no deeper than the engine goes.
fn builds_itself<O>(patch: &Node<O>, shape: Shape, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match &patch.value {
        Value::Null => false,
        Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_) => true,
        Value::Map(entries) => entries
            .iter()
            .all(|(key, value)| !key.starts_with('$') && builds_itself(value, shape.field(key), depth + 1)),
        Value::List(items) => {
            let item_shape = shape.item();
            let mut seen = ScalarSet::default();
            let mut distinct = |value: &Value<O>| value.scalar_key().is_some() && seen.insert(value);
            let fits = match shape.strategy() {
                ListStrategy::Atomic => true,
                ListStrategy::Keyed(key) => {
                    items.iter().all(|item| item.as_map().and_then(|m| m.get(key)).is_some_and(|k| distinct(&k.value)))
                }
                ListStrategy::Set => {
                    items.iter().all(|item| items[0].value.same_scalar_kind(&item.value) && distinct(&item.value))
                }
            };
            fits && items.iter().all(|item| builds_itself(item, item_shape, depth + 1))
        }
    }
}

/// Go's `mergeMap` (without its `$patch` case, which [`merge_node`] handles).
fn merge_map<O: Copy>(mut map: Map<O>, origin: O, patch: &Map<O>, shape: Shape, at: &At) -> Result<Node<O>, O> {
    let mut ordered: FxHashSet<&str> = FxHashSet::default();
    let mut appends = false;
    if patch.keys().any(|k| k.starts_with('$')) {
        // Every `$` key is checked first, so a typo fails before anything is applied.
        for (key, value) in patch.iter().filter(|(k, _)| k.starts_with('$')) {
            match directive_key(key) {
                Ok(DirectiveKey::Append(_)) => appends = true,
                Ok(_) => {}
                Err(kind) => return Err(at.key(key).error(kind, value.origin)),
            }
        }
        if let Some(keys) = patch.get(RETAIN_KEYS) {
            retain_keys(&mut map, patch, keys, at)?;
        }
        for key in patch.keys() {
            if let Ok(DirectiveKey::SetElementOrder(field)) = directive_key(key) {
                ordered.insert(field);
            }
        }
        // `$deleteFromPrimitiveList/F` before the patch's own `F`: the Go code runs them in map
        // order (random), which only matters for a value the patch both adds and deletes; here
        // the deletion applies to the list below, so the patch's value stays. With
        // `$setElementOrder/F` the Go code deletes after ordering, and so does this.
        for (key, value) in patch {
            if let Ok(DirectiveKey::DeleteFromPrimitiveList(field)) = directive_key(key)
                && !ordered.contains(field)
            {
                delete_from_primitive_list(&mut map, field, value, shape.field(field), &at.key(key))?;
            }
        }
        for (key, value) in patch {
            if let Ok(DirectiveKey::SetElementOrder(field)) = directive_key(key) {
                set_element_order(&mut map, origin, field, value, patch.get(field), shape.field(field), at, key)?;
            }
        }
        for (key, value) in patch {
            if let Ok(DirectiveKey::DeleteFromPrimitiveList(field)) = directive_key(key)
                && ordered.contains(field)
            {
                delete_from_primitive_list(&mut map, field, value, shape.field(field), &at.key(key))?;
            }
        }
    }
    for (key, value) in patch {
        if key.starts_with('$') || ordered.contains(key.as_str()) {
            continue;
        }
        if value.is_null() {
            map.shift_remove(key.as_str());
            continue;
        }
        let field_at = at.key(key);
        let field_shape = shape.field(key);
        match map.get_index_of(key.as_str()) {
            Some(i) => {
                let old = std::mem::replace(&mut map[i], Node::null(origin));
                match merge_node(Some(old), value, field_shape, &field_at)? {
                    Some(new) => map[i] = new,
                    None => {
                        map.shift_remove_index(i);
                    }
                }
            }
            None => {
                if let Some(new) = merge_node(None, value, field_shape, &field_at)? {
                    map.insert(key.clone(), new);
                }
            }
        }
    }
    if appends {
        for (key, value) in patch {
            if let Ok(DirectiveKey::Append(field)) = directive_key(key) {
                let field_shape = shape.field(field);
                let key_at = at.key(key);
                match map.get_index_of(field) {
                    Some(i) => {
                        let old = std::mem::replace(&mut map[i], Node::null(origin));
                        map[i] = append_at(Some(old), value, field_shape, &key_at)?;
                    }
                    None => {
                        let new = append_at(None, value, field_shape, &key_at)?;
                        map.insert(SmolStr::new(field), new);
                    }
                }
            }
        }
    }
    Ok(Node { value: Value::map(map), origin })
}

/// Go's `applyRetainKeysDirective`: every non-null patch key must be listed; keys below that
/// are not listed go.
fn retain_keys<O: Copy>(map: &mut Map<O>, patch: &Map<O>, keys: &Node<O>, at: &At) -> Result<(), O> {
    let invalid = || at.key(RETAIN_KEYS).error(K::InvalidRetainKeys, keys.origin);
    let listed: FxHashSet<&str> =
        keys.as_list().ok_or_else(invalid)?.iter().map(Node::as_str).collect::<Option<_>>().ok_or_else(invalid)?;
    for (key, value) in patch {
        if value.is_null() {
            continue;
        }
        let field = match directive_key(key) {
            _ if !key.starts_with('$') => key.as_str(),
            Ok(DirectiveKey::Append(field)) => field,
            _ => continue,
        };
        if !listed.contains(field) {
            return Err(at.key(key).error(K::NotRetained { key: key.clone() }, value.origin));
        }
    }
    map.retain(|key, _| listed.contains(key.as_str()));
    Ok(())
}

/// `$deleteFromPrimitiveList/F: [v, ...]`: removes every occurrence of the values from the
/// scalar list `F` below, whatever its strategy (Go's `deleteFromSlice`).
fn delete_from_primitive_list<O: Copy>(
    map: &mut Map<O>,
    field: &str,
    values: &Node<O>,
    field_shape: Shape,
    at: &At,
) -> Result<(), O> {
    let invalid = |reason: &str| {
        at.error(
            K::InvalidDeleteFromPrimitiveList { field: SmolStr::new(field), reason: reason.to_owned() },
            values.origin,
        )
    };
    let Some(values) = values.as_list() else { return Err(invalid("it must be a list of values")) };
    if !values.iter().all(|v| v.value.is_scalar()) {
        return Err(invalid("it must be a list of strings or numbers"));
    }
    if field_shape.items_are_objects() || matches!(field_shape.strategy(), ListStrategy::Keyed(_)) {
        return Err(invalid("the field is a list of objects: delete elements with `$patch: delete`"));
    }
    if let Some(items) = map.get_mut(field).and_then(|node| node.value.list_mut()) {
        let deleted: ScalarSet = values.iter().map(|v| &v.value).collect();
        items.retain(|item| !deleted.contains(&item.value));
    }
    Ok(())
}

/// `$setElementOrder/F` (Go's `mergePatchIntoOriginal`): merges the patch's `F` (if any) into
/// the list below (if any), then orders the listed elements as the directive says and
/// interleaves the others by the usual rule.
#[allow(clippy::too_many_arguments)]
fn set_element_order<O: Copy>(
    map: &mut Map<O>,
    map_origin: O,
    field: &str,
    order: &Node<O>,
    patch_list: Option<&Node<O>>,
    field_shape: Shape,
    at: &At,
    directive: &str,
) -> Result<(), O> {
    let directive_at = at.key(directive);
    let invalid = |reason: String, origin: O| {
        directive_at.error(K::InvalidSetElementOrder { field: SmolStr::new(field), reason }, origin)
    };
    let Some(order_items) = order.as_list() else { return Err(invalid("it must be a list".to_owned(), order.origin)) };
    let key = match field_shape.strategy() {
        ListStrategy::Keyed(key) => Some(key),
        ListStrategy::Set => None,
        ListStrategy::Atomic => {
            return Err(directive_at
                .error(K::NotAMergeList { directive: SET_ELEMENT_ORDER, field: SmolStr::new(field) }, order.origin));
        }
    };
    let mut order_keys = Vec::with_capacity(order_items.len());
    for (i, item) in order_items.iter().enumerate() {
        match key_of(item, key) {
            Some(k) => order_keys.push(k.clone()),
            None => {
                let reason = match key {
                    Some(key) => format!("element {i} is not an object with `{key}`"),
                    None => format!("element {i} is not a string or a number"),
                };
                return Err(invalid(reason, item.origin));
            }
        }
    }
    let field_at = at.key(field);
    let patch_items = match patch_list {
        None => None,
        Some(node) => match node.as_list() {
            Some(items) => Some(items),
            None => {
                return Err(
                    field_at.error(K::WrongKind { expected: "a list", found: node.value.kind_name() }, node.origin)
                );
            }
        },
    };
    // Go's `validatePatchWithSetOrderList`: the patch's elements (deletions aside) must appear
    // in the directive's list, in the same order.
    if let Some(items) = patch_items {
        let mut kept: Vec<(usize, &Node<O>)> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match (key, item.as_map()) {
                (Some(key), None) => {
                    let found = item.value.kind_name();
                    return Err(field_at.index(i).error(K::ElementNotObject { key, found }, item.origin));
                }
                (Some(key), Some(element)) if element.get(PATCH).and_then(Node::as_str) == Some("delete") => {
                    merge_key(element, key, &field_at.index(i), item.origin)?;
                }
                _ => kept.push((i, item)),
            }
        }
        let (mut p, mut o) = (0, 0);
        while p < kept.len() && o < order_keys.len() {
            let (i, item) = kept[p];
            let item_key = match (key, item.as_map()) {
                (_, Some(element)) if element.contains_key(PATCH) => {
                    p += 1;
                    continue;
                }
                (Some(key), Some(element)) => merge_key(element, key, &field_at.index(i), item.origin)?,
                (Some(key), None) => {
                    let found = item.value.kind_name();
                    return Err(field_at.index(i).error(K::ElementNotObject { key, found }, item.origin));
                }
                (None, _) => &item.value,
            };
            if item_key.scalar_eq(&order_keys[o]) {
                p += 1;
            }
            o += 1;
        }
        if p < kept.len() && !order_keys.is_empty() {
            return Err(directive_at.error(K::SetElementOrderMismatch { field: SmolStr::new(field) }, order.origin));
        }
    }
    let index = map.get_index_of(field);
    let base = match index {
        Some(i) => {
            let node = std::mem::replace(&mut map[i], Node::null(map_origin));
            if node.as_list().is_none() {
                return Err(field_at
                    .error(K::WrongKind { expected: "a list below", found: node.value.kind_name() }, order.origin));
            }
            Some(node)
        }
        None => None,
    };
    let base_items = base.as_ref().and_then(Node::as_list).unwrap_or_default();
    let server_order = Positions::of(&match (key, patch_items) {
        (Some(key), Some(patch_items)) => aliased_lower_order(base_items, patch_items, key),
        _ => base_items.iter().filter_map(|n| key_of(n, key)).cloned().collect(),
    });
    let order_keys = Positions::of(&order_keys);
    let merged = match (base, patch_list) {
        (base, Some(patch)) => merge_node(base, patch, field_shape, &field_at)?,
        (Some(base), None) => Some(base),
        (None, None) => None,
    };
    let Some(Node { value: Value::List(items), origin }) = merged else {
        if let Some(i) = index {
            map.shift_remove_index(i);
        }
        return Ok(());
    };
    let mut listed = Vec::new();
    let mut unlisted = Vec::new();
    for (i, item) in Arc::unwrap_or_clone(items).into_iter().enumerate() {
        let Some(k) = key_of(&item, key) else {
            let kind = match key {
                Some(key) => K::BaseElementWithoutKey { key, index: i },
                None => K::MixedSetElements,
            };
            return Err(field_at.error(kind, order.origin));
        };
        if order_keys.get(k).is_some() {
            listed.push(item);
        } else {
            unlisted.push(item);
        }
    }
    let listed = sorted_by_rank(listed, &order_keys, key);
    let unlisted = sorted_by_rank(unlisted, &server_order, key);
    let list = Node { value: Value::list(merge_sorted(unlisted, listed, &server_order, key)), origin };
    match index {
        Some(i) => map[i] = list,
        None => {
            map.insert(SmolStr::new(field), list);
        }
    }
    Ok(())
}

/// The lower list's order as Go's `mergePatchIntoOriginal` sees it when it interleaves the
/// unlisted elements of a `$setElementOrder` list: not the lower list, but its backing array
/// after the merge wrote into it. `deleteMatchingEntries` removes an element by shifting the
/// rest left in place (`append(s[:i], s[i+1:]...)`), which leaves a stale copy of the last
/// element at the end; new elements appended afterwards land in the freed slots. The API
/// server runs the same code, so this is what it does; `docs/merge.md`'s "interleaved by the
/// rule above" is the case without deletions.
fn aliased_lower_order<O: Copy>(base: &[Node<O>], patch: &[Node<O>], key: &str) -> Vec<Value<O>> {
    let lower: Vec<&Value<O>> = base.iter().filter_map(|n| key_of(n, Some(key))).collect();
    let full = lower.len();
    // Each removal shifts the rest left and leaves the slot it frees at the end holding what was
    // the last element before it; so the array ends as the survivors, then those last elements
    // in the reverse order of the removals. Go removes the first match again and again, so a
    // key's elements go in ascending order.
    let mut alive = vec![true; full];
    let mut last = full;
    let mut freed: Vec<&Value<O>> = Vec::new();
    let mut occurrences: Option<FxHashMap<ScalarKey, Vec<usize>>> = None;
    let mut replace = false;
    for item in patch {
        let Some(element) = item.as_map() else { continue };
        match element.get(PATCH).and_then(Node::as_str) {
            Some("delete") => {
                let Some(k) = element.get(key).and_then(|n| n.value.scalar_key()) else { continue };
                let occurrences = occurrences.get_or_insert_with(|| {
                    let mut at: FxHashMap<ScalarKey, Vec<usize>> = FxHashMap::default();
                    for (i, value) in lower.iter().enumerate() {
                        if let Some(k) = value.scalar_key() {
                            at.entry(k).or_default().push(i);
                        }
                    }
                    at
                });
                for i in occurrences.remove(&k).unwrap_or_default() {
                    while !alive[last - 1] {
                        last -= 1;
                    }
                    freed.push(lower[last - 1]);
                    alive[i] = false;
                }
            }
            Some(_) => replace = true,
            None => {}
        }
    }
    let mut backing: Vec<Value<O>> =
        lower.iter().zip(&alive).filter(|(_, alive)| **alive).map(|(v, _)| (*v).clone()).collect();
    let mut len = backing.len();
    backing.extend(freed.into_iter().rev().cloned());
    if replace {
        return backing;
    }
    // Appends write into the backing array until it is full; then Go copies the slice
    // elsewhere and the backing array no longer changes.
    let mut present: ScalarSet = backing[..len].iter().collect();
    for item in patch {
        let Some(element) = item.as_map() else { continue };
        if element.contains_key(PATCH) {
            continue;
        }
        let Some(k) = element.get(key).map(|n| &n.value) else { continue };
        if !present.insert(k) {
            continue;
        }
        if len < full {
            backing[len] = k.clone();
            len += 1;
        } else {
            break;
        }
    }
    backing
}

/// Go's `mergeSliceHandler` / `mergeSlice`, by the list's strategy.
fn merge_list<O: Copy>(
    base: Vec<Node<O>>,
    origin: O,
    patch: &Node<O>,
    items: &[Node<O>],
    shape: Shape,
    below: bool,
    at: &At,
) -> Result<Node<O>, O> {
    match shape.strategy() {
        ListStrategy::Atomic => {
            let item_shape = shape.item();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                if item.as_map().is_some_and(|m| m.contains_key(PATCH)) {
                    let list = SmolStr::new(at.last_key().unwrap_or("(list)"));
                    return Err(at.index(i).error(K::PatchInAtomicList { list }, item.origin));
                }
                out.extend(merge_node(None, item, item_shape, &at.index(i))?);
            }
            Ok(Node { value: Value::list(out), origin: patch.origin })
        }
        ListStrategy::Keyed(key) => merge_keyed(base, origin, patch, items, key, shape.item(), below, at),
        ListStrategy::Set => merge_set(base, origin, patch.origin, items, at),
    }
}

/// A keyed list (Go's `mergeSlice` for maps: special elements, then the merge, then
/// `normalizeElementOrder`). With no list `below`, Go takes the patch's list as it is written:
/// elements that share a merge key are all kept (two ports `53`, one UDP and one TCP), where a
/// list below would have them merged into one.
#[allow(clippy::too_many_arguments)]
fn merge_keyed<O: Copy>(
    mut base: Vec<Node<O>>,
    origin: O,
    patch: &Node<O>,
    items: &[Node<O>],
    key: &'static str,
    item_shape: Shape,
    below: bool,
    at: &At,
) -> Result<Node<O>, O> {
    let mut replace = false;
    let mut plain: Vec<(usize, &Node<O>, &Value<O>)> = Vec::with_capacity(items.len());
    let mut deleted = ScalarSet::default();
    for (i, item) in items.iter().enumerate() {
        let item_at = at.index(i);
        let Some(element) = item.as_map() else {
            return Err(item_at.error(K::ElementNotObject { key, found: item.value.kind_name() }, item.origin));
        };
        match element.get(PATCH) {
            None => plain.push((i, item, merge_key(element, key, &item_at, item.origin)?)),
            Some(directive) => match patch_directive(directive, &item_at)? {
                PatchDirective::Delete => {
                    deleted.insert(merge_key(element, key, &item_at, item.origin)?);
                }
                PatchDirective::Replace => replace = true,
            },
        }
    }
    if let Some(index) = base.iter().position(|b| key_of(b, Some(key)).is_none()) {
        return Err(at.error(K::BaseElementWithoutKey { key, index }, patch.origin));
    }
    if replace {
        // The list becomes the other elements, each built on nothing; Go groups elements that
        // share a key (a stable sort on the first index of each key).
        let keys: Vec<Value<O>> = plain.iter().map(|(_, _, k)| (*k).clone()).collect();
        let keys = Positions::of(&keys);
        let mut out = Vec::with_capacity(plain.len());
        for (i, item, k) in &plain {
            let rank = keys.get(k).unwrap_or(usize::MAX);
            let built = merge_node(None, item, item_shape, &at.index(*i))?.unwrap_or_else(|| Node::map(item.origin));
            out.push((rank, built));
        }
        out.sort_by_key(|(rank, _)| *rank);
        return Ok(Node { value: Value::list(out.into_iter().map(|(_, n)| n).collect()), origin: patch.origin });
    }
    base.retain(|b| key_of(b, Some(key)).is_none_or(|k| !deleted.contains(k)));
    let server_order: Vec<Value<O>> = base.iter().filter_map(|b| key_of(b, Some(key))).cloned().collect();
    let server_order = Positions::of(&server_order);
    // The element a patch element merges into has the same merge key and no identity field
    // ([`crate::tables::identity_fields`]) stated differently by the patch element: so
    // `{containerPort: 53, protocol: "TCP"}` patches `53/TCP`, not `53/UDP` (Go compares the
    // merge key only: it would turn the UDP port into a TCP one and lose it), while
    // `{containerPort: 53}` patches the first port `53`, as in Go. Elements the patch adds are
    // found too: two patch elements of one key make one element.
    let mut elements = Elements::new(&base, key);
    for (i, item, k) in &plain {
        let item_at = at.index(*i);
        let matching = if below { elements.patched_by(&base, item, k) } else { None };
        match matching {
            Some(j) => {
                let identity = elements.identity_before(&base[j]);
                let old = std::mem::replace(&mut base[j], Node::null(origin));
                // The merge key only names the element: it keeps the origin of the layer that
                // made the element.
                let key_origin = old.as_map().and_then(|m| m.get(key)).map(|k| k.origin);
                let mut merged =
                    merge_node(Some(old), item, item_shape, &item_at)?.unwrap_or_else(|| Node::map(item.origin));
                if let (Some(key_origin), Some(entries)) = (key_origin, merged.value.map_mut())
                    && let Some(k) = entries.get_mut(key)
                {
                    k.origin = key_origin;
                }
                elements.changed(&identity, &merged, j);
                base[j] = merged;
            }
            None => {
                let new = merge_node(None, item, item_shape, &item_at)?.unwrap_or_else(|| Node::map(item.origin));
                if below {
                    elements.pushed(&new, base.len());
                }
                base.push(new);
            }
        }
    }
    let patch_keys: Vec<Value<O>> = plain.iter().map(|(_, _, k)| (*k).clone()).collect();
    let patch_keys = Positions::of(&patch_keys);
    let (upper, lower): (Vec<_>, Vec<_>) =
        base.into_iter().partition(|n| key_of(n, Some(key)).and_then(|k| patch_keys.get(k)).is_some());
    let upper = sorted_by_rank(upper, &patch_keys, Some(key));
    let lower = sorted_by_rank(lower, &server_order, Some(key));
    Ok(Node { value: Value::list(merge_sorted(lower, upper, &server_order, Some(key))), origin })
}

/// A list of scalars merged as an ordered set (`metadata.finalizers`).
fn merge_set<O: Copy>(
    base: Vec<Node<O>>,
    origin: O,
    patch_origin: O,
    items: &[Node<O>],
    at: &At,
) -> Result<Node<O>, O> {
    let mut first: Option<&Value<O>> = None;
    for (i, item) in base.iter().map(|b| (None, b)).chain(items.iter().enumerate().map(|(i, p)| (Some(i), p))) {
        let fits = match first {
            None => item.value.is_scalar(),
            Some(f) => f.same_scalar_kind(&item.value),
        };
        if !fits {
            return Err(match i {
                Some(i) => at.index(i).error(K::MixedSetElements, item.origin),
                None => at.error(K::MixedSetElements, patch_origin),
            });
        }
        first.get_or_insert(&item.value);
    }
    let server_order: Vec<Value<O>> = base.iter().map(|b| b.value.clone()).collect();
    let server_order = Positions::of(&server_order);
    let mut in_upper = ScalarSet::default();
    let mut upper: Vec<Node<O>> = Vec::with_capacity(items.len());
    for item in items {
        if in_upper.insert(&item.value) {
            upper.push(item.clone());
        }
    }
    let mut in_lower = ScalarSet::default();
    let mut lower: Vec<Node<O>> = Vec::with_capacity(base.len());
    for b in base {
        if !in_upper.contains(&b.value) && in_lower.insert(&b.value) {
            lower.push(b);
        }
    }
    Ok(Node { value: Value::list(merge_sorted(lower, upper, &server_order, None)), origin })
}

/// `+=`: appends the elements of `items` at the end of the list below, whatever its strategy.
/// A keyed list refuses an element whose key it already has; a set skips values it has.
pub(crate) fn append_at<O: Copy>(base: Option<Node<O>>, items: &Node<O>, shape: Shape, at: &At) -> Result<Node<O>, O> {
    let Some(new) = items.as_list() else {
        return Err(at.error(K::AppendNotAList { found: items.value.kind_name() }, items.origin));
    };
    let (mut list, origin) = match base {
        None => (Vec::new(), items.origin),
        Some(Node { value: Value::List(list), origin }) => (Arc::unwrap_or_clone(list), origin),
        Some(other) => return Err(at.error(K::AppendToNonList { found: other.value.kind_name() }, items.origin)),
    };
    let item_shape = shape.item();
    let strategy = shape.strategy();
    let mut elements = match strategy {
        ListStrategy::Keyed(key) => Some(Elements::new(&list, key)),
        _ => None,
    };
    let mut values: ScalarSet = match strategy {
        ListStrategy::Set => list.iter().map(|l| &l.value).collect(),
        _ => ScalarSet::default(),
    };
    for (i, item) in new.iter().enumerate() {
        let item_at = at.index(i);
        if item.as_map().is_some_and(|m| m.contains_key(PATCH)) {
            return Err(item_at.error(K::PatchInAppend, item.origin));
        }
        match strategy {
            ListStrategy::Keyed(key) => {
                let Some(element) = item.as_map() else {
                    return Err(item_at.error(K::ElementNotObject { key, found: item.value.kind_name() }, item.origin));
                };
                let k = merge_key(element, key, &item_at, item.origin)?;
                if elements.as_ref().is_some_and(|e| e.holds_same(item)) {
                    return Err(item_at.error(K::DuplicateMergeKey { key, value: k.describe() }, item.origin));
                }
            }
            ListStrategy::Set => {
                let kind_ok =
                    item.value.is_scalar() && list.first().is_none_or(|f| f.value.same_scalar_kind(&item.value));
                if !kind_ok {
                    return Err(item_at.error(K::MixedSetElements, item.origin));
                }
                if !values.insert(&item.value) {
                    continue;
                }
            }
            ListStrategy::Atomic => {}
        }
        if let Some(new) = merge_node(None, item, item_shape, &item_at)? {
            if let Some(elements) = &mut elements {
                elements.pushed(&new, list.len());
            }
            list.push(new);
        }
    }
    Ok(Node { value: Value::list(list), origin })
}

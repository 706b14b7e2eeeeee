//! Hash indexes over list elements, so that a merge finds an element by its merge key in
//! constant time instead of searching the list: merging two lists of n elements takes time
//! linear in n (n log n where elements are sorted), not n². The indexes answer exactly what
//! [`Value::scalar_eq`] and the identity rule of ports ([`crate::tables::identity_fields`])
//! answer, and positions are the first ones, as a search from the front finds them.

use rustc_hash::{FxBuildHasher, FxHashMap};
use smol_str::SmolStr;

use super::value::{Node, Value};

/// A scalar as a hash key: two keys are equal exactly when [`Value::scalar_eq`] says the values
/// are. What equals nothing (a container, a null, a NaN) has no key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ScalarKey {
    Bool(bool),
    Int(i64),
    /// The bits of the float, `-0.0` as `0.0` (they compare equal).
    Float(u64),
    String(SmolStr),
}

impl<O> Value<O> {
    pub(crate) fn scalar_key(&self) -> Option<ScalarKey> {
        #[cfg(test)]
        count_key_work();
        Some(match self {
            Value::Bool(b) => ScalarKey::Bool(*b),
            Value::Int(i) => ScalarKey::Int(*i),
            Value::Float(f) if f.is_nan() => return None,
            Value::Float(f) if *f == 0.0 => ScalarKey::Float(0.0f64.to_bits()),
            Value::Float(f) => ScalarKey::Float(f.to_bits()),
            Value::String(s) => ScalarKey::String(s.clone()),
            Value::Null | Value::List(_) | Value::Map(_) => return None,
        })
    }
}

#[cfg(test)]
thread_local! {
    /// How many merge keys the engine compared or hashed on this thread: the tests' measure of
    /// its work, which must grow linearly with the length of the lists merged.
    pub(crate) static KEY_WORK: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
pub(crate) fn count_key_work() {
    KEY_WORK.with(|work| work.set(work.get() + 1));
}

/// A set of scalars, by [`Value::scalar_eq`].
#[derive(Default)]
pub(crate) struct ScalarSet(rustc_hash::FxHashSet<ScalarKey>);

impl ScalarSet {
    pub(crate) fn contains<O>(&self, value: &Value<O>) -> bool {
        value.scalar_key().is_some_and(|k| self.0.contains(&k))
    }

    /// Adds `value`; whether it was new. A value equal to nothing is always new.
    pub(crate) fn insert<O>(&mut self, value: &Value<O>) -> bool {
        value.scalar_key().is_none_or(|k| self.0.insert(k))
    }
}

impl<'a, O: 'a> FromIterator<&'a Value<O>> for ScalarSet {
    fn from_iter<I: IntoIterator<Item = &'a Value<O>>>(values: I) -> Self {
        ScalarSet(values.into_iter().filter_map(Value::scalar_key).collect())
    }
}

/// Where each value first appears in a list of values: the rank of a merge key in an order.
pub(crate) struct Positions(FxHashMap<ScalarKey, usize>);

impl Positions {
    pub(crate) fn of<O>(values: &[Value<O>]) -> Self {
        let mut first = FxHashMap::with_capacity_and_hasher(values.len(), FxBuildHasher);
        for (i, value) in values.iter().enumerate() {
            if let Some(k) = value.scalar_key() {
                first.entry(k).or_insert(i);
            }
        }
        Positions(first)
    }

    /// The first position of `value`, if it is in the list.
    pub(crate) fn get<O>(&self, value: &Value<O>) -> Option<usize> {
        self.0.get(&value.scalar_key()?).copied()
    }
}

/// The merge key of an element already merged or below, if it has a usable one. With `key`
/// `None` (a set of scalars) the element is its own key.
pub(crate) fn key_of<'a, O>(node: &'a Node<O>, key: Option<&str>) -> Option<&'a Value<O>> {
    let value = match key {
        Some(key) => &node.as_map()?.get(key)?.value,
        None => &node.value,
    };
    value.is_scalar().then_some(value)
}

/// An identity field (`protocol`) as an element states it.
pub(crate) fn identity<'n, O>(element: &'n Node<O>, field: &str) -> Option<&'n str> {
    element.as_map()?.get(field)?.as_str()
}

/// The elements of a keyed list by merge key, and by merge key and identity (a port's
/// `containerPort` and `protocol`, the protocol `TCP` when unstated), each with its positions
/// in ascending order. It follows a list that only grows at the end and whose elements keep
/// their merge key (a patch element names the element it merges into by that key).
pub(crate) struct Elements {
    key: &'static str,
    fields: &'static [(&'static str, &'static str)],
    by_key: FxHashMap<ScalarKey, Vec<usize>>,
    by_identity: FxHashMap<(ScalarKey, Vec<SmolStr>), Vec<usize>>,
}

impl Elements {
    pub(crate) fn new<O>(list: &[Node<O>], key: &'static str) -> Self {
        let mut index = Elements {
            key,
            fields: crate::tables::identity_fields(key),
            by_key: FxHashMap::with_capacity_and_hasher(list.len(), FxBuildHasher),
            by_identity: FxHashMap::default(),
        };
        for (i, element) in list.iter().enumerate() {
            index.pushed(element, i);
        }
        index
    }

    /// The element's identity with defaults (empty for lists without identity fields).
    fn identity_of<O>(&self, element: &Node<O>) -> Vec<SmolStr> {
        self.fields.iter().map(|(field, default)| SmolStr::new(identity(element, field).unwrap_or(default))).collect()
    }

    /// Records `element`, now at `position` (after every position recorded so far).
    pub(crate) fn pushed<O>(&mut self, element: &Node<O>, position: usize) {
        let Some(k) = key_of(element, Some(self.key)).and_then(Value::scalar_key) else { return };
        if !self.fields.is_empty() {
            self.by_identity.entry((k.clone(), self.identity_of(element))).or_default().push(position);
        }
        self.by_key.entry(k).or_default().push(position);
    }

    /// Records that the element at `position` was merged from `before` into `after`: its merge
    /// key is the same, its identity may not be (a patch that sets `protocol: null`).
    pub(crate) fn changed<O>(&mut self, before: &[SmolStr], after: &Node<O>, position: usize) {
        if self.fields.is_empty() {
            return;
        }
        let now = self.identity_of(after);
        if now == before {
            return;
        }
        let Some(k) = key_of(after, Some(self.key)).and_then(Value::scalar_key) else { return };
        if let Some(list) = self.by_identity.get_mut(&(k.clone(), before.to_vec()))
            && let Ok(i) = list.binary_search(&position)
        {
            list.remove(i);
        }
        let list = self.by_identity.entry((k, now)).or_default();
        if let Err(i) = list.binary_search(&position) {
            list.insert(i, position);
        }
    }

    /// The identity of the element at `position` before a change ([`Self::changed`]).
    pub(crate) fn identity_before<O>(&self, element: &Node<O>) -> Vec<SmolStr> {
        if self.fields.is_empty() { Vec::new() } else { self.identity_of(element) }
    }

    /// The first element of `list` that the patch element `item` (merge key `k`) patches: the
    /// same merge key, and every identity field `item` states equal (Go compares the merge key
    /// only; see `strategic::patches_element`).
    pub(crate) fn patched_by<O>(&self, list: &[Node<O>], item: &Node<O>, k: &Value<O>) -> Option<usize> {
        let k = k.scalar_key()?;
        let stated: Vec<Option<&str>> = self.fields.iter().map(|(field, _)| identity(item, field)).collect();
        if stated.iter().all(Option::is_none) {
            return self.by_key.get(&k)?.first().copied();
        }
        if stated.iter().all(Option::is_some) {
            let wanted = stated.iter().map(|s| SmolStr::new(s.unwrap_or_default())).collect();
            return self.by_identity.get(&(k, wanted))?.first().copied();
        }
        // Some identity fields stated, some not: no list has more than one identity field, so
        // this is never reached today; a search among the elements of the key stays correct.
        self.by_key.get(&k)?.iter().copied().find(|&j| {
            self.fields.iter().zip(&stated).all(|((field, default), wanted)| {
                wanted.is_none_or(|wanted| identity(&list[j], field).unwrap_or(default) == wanted)
            })
        })
    }

    /// Whether the list holds an element that is the same element as `item` for the API
    /// server: the same merge key and the same identity, defaults filled in on both sides.
    pub(crate) fn holds_same<O>(&self, item: &Node<O>) -> bool {
        let Some(k) = key_of(item, Some(self.key)).and_then(Value::scalar_key) else { return false };
        if self.fields.is_empty() {
            self.by_key.contains_key(&k)
        } else {
            self.by_identity.contains_key(&(k, self.identity_of(item)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(json: serde_json::Value) -> Vec<Value<()>> {
        match Node::from_json(&json, ()).value {
            Value::List(items) => items.iter().map(|n| n.value.clone()).collect(),
            _ => unreachable!("a list"),
        }
    }

    #[test]
    fn keys_are_equal_exactly_when_scalars_are() {
        let all = values(json!([1, "1", 1.0, true, 0.0, -0.0, null, [], {}, "a", 2]));
        for a in &all {
            for b in &all {
                let same = matches!((a.scalar_key(), b.scalar_key()), (Some(x), Some(y)) if x == y);
                assert_eq!(same, a.scalar_eq(b), "{} and {}", a.describe(), b.describe());
            }
        }
        assert_eq!(Value::<()>::Float(f64::NAN).scalar_key(), None, "NaN equals nothing");
    }

    #[test]
    fn positions_are_first_positions() {
        let order = values(json!(["b", "a", "b", 3, null]));
        let positions = Positions::of(&order);
        let at = |j: serde_json::Value| positions.get(&Node::from_json(&j, ()).value);
        assert_eq!(
            (at(json!("b")), at(json!("a")), at(json!(3)), at(json!("3")), at(json!(null))),
            (Some(0), Some(1), Some(3), None, None)
        );
    }

    #[test]
    fn ports_are_found_by_port_and_protocol() {
        let list: Vec<Node<()>> = match Node::from_json(
            &json!([{"containerPort": 53, "protocol": "UDP"}, {"containerPort": 53}, {"containerPort": 80}]),
            (),
        )
        .value
        {
            Value::List(items) => std::sync::Arc::unwrap_or_clone(items),
            _ => unreachable!("a list"),
        };
        let index = Elements::new(&list, "containerPort");
        let find = |item: serde_json::Value| {
            let item = Node::from_json(&item, ());
            let k = item.as_map().and_then(|m| m.get("containerPort")).map(|n| n.value.clone()).unwrap_or(Value::Null);
            index.patched_by(&list, &item, &k)
        };
        assert_eq!(find(json!({"containerPort": 53})), Some(0), "no protocol: the first port 53");
        assert_eq!(find(json!({"containerPort": 53, "protocol": "TCP"})), Some(1), "TCP is the default");
        assert_eq!(find(json!({"containerPort": 53, "protocol": "SCTP"})), None);
        assert_eq!(find(json!({"containerPort": 81})), None);
        assert!(index.holds_same(&Node::from_json(&json!({"containerPort": 53, "protocol": "TCP"}), ())));
        assert!(!index.holds_same(&Node::from_json(&json!({"containerPort": 80, "protocol": "UDP"}), ())));
    }
}

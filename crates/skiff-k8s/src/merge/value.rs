//! The value tree the merge engine works on: JSON's data model, maps in insertion order, and an
//! origin on every node.
//!
//! The origin is whatever the caller wants to remember about where a node came from: the tests
//! use small integers, `skiff patch` uses the index of the file, the semantic layer an
//! `OriginId` into its own table of file + span + layer. It must be `Copy` so the engine can hand
//! it around freely.
//!
//! Lists and maps are shared (`Arc`) and copied on write: cloning a tree is a count, and a merge
//! copies only the maps and lists on the paths its patch changes, so a result built from a base
//! and a few small patches shares everything else with the base (and with the patches).

use std::sync::Arc;

use indexmap::IndexMap;
use smol_str::SmolStr;

/// The entries of a map node, in insertion order. Keys are short field names, hashed with Fx:
/// SipHash's defence against flooding costs a large build a twentieth of its time, and skiff
/// only hashes keys from its own sources.
pub type Map<O> = IndexMap<SmolStr, Node<O>, rustc_hash::FxBuildHasher>;

/// One node of a tree: a value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node<O> {
    pub value: Value<O>,
    pub origin: O,
}

/// A JSON-like value. `Int` and `Float` stay apart as in the API server's decoder: `80` and
/// `80.0` are different merge keys there, and here.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<O> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(SmolStr),
    /// Shared with every tree it was cloned into; [`Value::list_mut`] copies it on write.
    List(Arc<Vec<Node<O>>>),
    /// Shared like a list. Behind a pointer in any case: a map is 56 bytes and most nodes are
    /// scalars, so every node would pay for it.
    Map(Arc<Map<O>>),
}

// Floats compare by value, so a NaN is unequal to itself; nothing skiff reads yields one, and at
// worst a cache sees a change that is not there. `Eq` lets incremental queries hold trees.
impl<O: Eq> Eq for Node<O> {}
impl<O: Eq> Eq for Value<O> {}

impl<O> Value<O> {
    pub fn list(items: Vec<Node<O>>) -> Self {
        Value::List(Arc::new(items))
    }

    pub fn map(entries: Map<O>) -> Self {
        Value::Map(Arc::new(entries))
    }
}

impl<O: Clone> Value<O> {
    /// The list to change, copied first if another tree shares it.
    pub fn list_mut(&mut self) -> Option<&mut Vec<Node<O>>> {
        match self {
            Value::List(items) => Some(Arc::make_mut(items)),
            _ => None,
        }
    }

    /// The map to change, copied first if another tree shares it.
    pub fn map_mut(&mut self) -> Option<&mut Map<O>> {
        match self {
            Value::Map(entries) => Some(Arc::make_mut(entries)),
            _ => None,
        }
    }
}

impl<O> Value<O> {
    /// A short name of the kind of value, for messages: `a string`, `a list`, ...
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Map(_) => "an object",
        }
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self, Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::String(_))
    }

    /// Equality of two scalars as the API server compares merge keys and set members: same
    /// kind and same value (`1` is not `"1"`, nor `1.0`). Lists, maps and nulls are never equal.
    pub fn scalar_eq(&self, other: &Value<O>) -> bool {
        #[cfg(test)]
        super::index::count_key_work();
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            _ => false,
        }
    }

    /// Whether two values are of the same scalar kind (both strings, both integers, ...).
    pub(crate) fn same_scalar_kind(&self, other: &Value<O>) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.is_scalar()
    }

    /// The value as text for messages: scalars as JSON, containers by kind.
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".to_owned(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => f.to_string(),
            Value::String(s) => serde_json::Value::String(s.to_string()).to_string(),
            Value::List(_) | Value::Map(_) => self.kind_name().to_owned(),
        }
    }
}

impl<O: Copy> Node<O> {
    pub fn new(value: Value<O>, origin: O) -> Self {
        Node { value, origin }
    }

    pub fn null(origin: O) -> Self {
        Node { value: Value::Null, origin }
    }

    pub fn string(text: impl Into<SmolStr>, origin: O) -> Self {
        Node { value: Value::String(text.into()), origin }
    }

    /// An empty map.
    pub fn map(origin: O) -> Self {
        Node { value: Value::Map(Arc::default()), origin }
    }

    /// An empty list.
    pub fn list(origin: O) -> Self {
        Node { value: Value::List(Arc::default()), origin }
    }

    /// A tree from a JSON value, every node with the same origin. Integers that fit an `i64`
    /// become `Int`, other numbers `Float` (as the API server's decoder does).
    pub fn from_json(json: &serde_json::Value, origin: O) -> Self {
        let value = match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::String(SmolStr::new(s)),
            serde_json::Value::Array(items) => Value::list(items.iter().map(|i| Node::from_json(i, origin)).collect()),
            serde_json::Value::Object(entries) => {
                Value::map(entries.iter().map(|(k, v)| (SmolStr::new(k), Node::from_json(v, origin))).collect())
            }
        };
        Node { value, origin }
    }

    /// The same tree with every origin mapped through `f`.
    pub fn map_origins<P: Copy>(&self, f: &mut impl FnMut(O) -> P) -> Node<P> {
        let value = match &self.value {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(x) => Value::Float(*x),
            Value::String(s) => Value::String(s.clone()),
            Value::List(items) => Value::list(items.iter().map(|i| i.map_origins(f)).collect()),
            Value::Map(entries) => Value::map(entries.iter().map(|(k, v)| (k.clone(), v.map_origins(f))).collect()),
        };
        Node { value, origin: f(self.origin) }
    }
}

impl<O> Node<O> {
    /// The tree as JSON. A float that JSON cannot hold (NaN, infinity) becomes `null`; the
    /// engine never makes one.
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::List(items) => serde_json::Value::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => {
                serde_json::Value::Object(entries.iter().map(|(k, v)| (k.to_string(), v.to_json())).collect())
            }
        }
    }

    pub fn as_map(&self) -> Option<&Map<O>> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Node<O>]> {
        match &self.value {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether both are the same list or map, shared rather than equal: what was found in one
    /// is true of the other.
    pub fn shares_with(&self, other: &Node<O>) -> bool {
        match (&self.value, &other.value) {
            (Value::List(a), Value::List(b)) => Arc::ptr_eq(a, b),
            (Value::Map(a), Value::Map(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The node at a path of map keys (`["spec", "nodeSelector"]`), if there is one.
    pub fn get_path(&self, keys: &[&str]) -> Option<&Node<O>> {
        keys.iter().try_fold(self, |node, key| node.as_map()?.get(*key))
    }

    /// Gives back the spare room of the lists and maps this tree alone holds (a map grows to
    /// seven entries for five, a list to eight for five), at any depth; shared ones, which
    /// belong to another tree as well, are left as they are. For trees kept for long: lowered
    /// bodies and task pods are most of a large build's memory.
    pub fn shrink_to_fit(&mut self) {
        match &mut self.value {
            Value::List(items) => {
                if let Some(items) = Arc::get_mut(items) {
                    items.shrink_to_fit();
                    items.iter_mut().for_each(Node::shrink_to_fit);
                }
            }
            Value::Map(entries) => {
                if let Some(entries) = Arc::get_mut(entries) {
                    entries.shrink_to_fit();
                    entries.values_mut().for_each(Node::shrink_to_fit);
                }
            }
            _ => {}
        }
    }

    /// Removes every null map entry and null list element, at any depth. Shared lists and maps
    /// without a null stay shared.
    pub fn drop_nulls(&mut self)
    where
        O: Clone,
    {
        if !self.contains_null() {
            return;
        }
        match &mut self.value {
            Value::List(items) => {
                let items = Arc::make_mut(items);
                items.retain(|i| !i.is_null());
                items.iter_mut().for_each(Node::drop_nulls);
            }
            Value::Map(entries) => {
                let entries = Arc::make_mut(entries);
                entries.retain(|_, v| !v.is_null());
                entries.values_mut().for_each(Node::drop_nulls);
            }
            _ => {}
        }
    }

    /// Whether a null appears anywhere in the tree.
    pub fn contains_null(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::List(items) => items.iter().any(Node::contains_null),
            Value::Map(entries) => entries.values().any(Node::contains_null),
            _ => false,
        }
    }

    /// Whether two trees hold the same values, origins aside. Map entries are compared in
    /// order: this is "same output bytes", not "same JSON object".
    pub fn same_values(&self, other: &Node<O>) -> bool {
        match (&self.value, &other.value) {
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same_values(y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && va.same_values(vb))
            }
            (Value::Null, Value::Null) => true,
            (a, b) => a.scalar_eq(b),
        }
    }

    /// Every node of the tree, depth first, with its path from this node.
    pub fn walk(&self, f: &mut impl FnMut(&[PathPart<'_>], &Node<O>)) {
        fn go<'a, O>(node: &'a Node<O>, path: &mut Vec<PathPart<'a>>, f: &mut impl FnMut(&[PathPart<'_>], &Node<O>)) {
            f(path, node);
            match &node.value {
                Value::List(items) => {
                    for (i, item) in items.iter().enumerate() {
                        path.push(PathPart::Index(i));
                        go(item, path, f);
                        path.pop();
                    }
                }
                Value::Map(entries) => {
                    for (key, value) in entries.iter() {
                        path.push(PathPart::Key(key));
                        go(value, path, f);
                        path.pop();
                    }
                }
                _ => {}
            }
        }
        go(self, &mut Vec::new(), f);
    }
}

/// One step of a path inside a tree, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPart<'a> {
    Key(&'a str),
    Index(usize),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every value of every tree pays for the largest variant: a map inline (56 bytes) made
    /// each node half again as large, and a 50,000-pod build 6% larger.
    #[test]
    fn a_value_is_no_larger_than_a_string() {
        assert!(std::mem::size_of::<Value<u32>>() <= std::mem::size_of::<SmolStr>() + 8);
    }

    #[test]
    fn json_round_trip_keeps_order_and_number_kinds() {
        let json = json!({"z": 1, "a": [1.5, "x", null, true, {"k": -3}], "m": {}, "big": 18446744073709551615u64});
        let node = Node::from_json(&json, 7u8);
        assert!(matches!(node.get_path(&["z"]).unwrap().value, Value::Int(1)));
        assert!(matches!(node.get_path(&["big"]).unwrap().value, Value::Float(_)), "beyond i64: a float, as Go");
        let keys: Vec<&str> = node.as_map().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["z", "a", "m", "big"]);
        let back = node.to_json();
        assert_eq!(back["a"], json!([1.5, "x", null, true, {"k": -3}]));
        assert_eq!(serde_json::to_string(&back["a"]).unwrap(), r#"[1.5,"x",null,true,{"k":-3}]"#);
        let mut origins = Vec::new();
        node.walk(&mut |_, n| origins.push(n.origin));
        assert!(origins.iter().all(|o| *o == 7));
        assert_eq!(origins.len(), 11);
    }

    #[test]
    fn scalar_equality_is_kind_sensitive() {
        let v = |j: serde_json::Value| Node::from_json(&j, ()).value;
        assert!(v(json!(80)).scalar_eq(&v(json!(80))));
        assert!(!v(json!(80)).scalar_eq(&v(json!("80"))));
        assert!(!v(json!(80)).scalar_eq(&v(json!(80.0))));
        assert!(!v(json!(null)).scalar_eq(&v(json!(null))));
        assert!(!v(json!({})).scalar_eq(&v(json!({}))));
    }

    #[test]
    fn drop_nulls_and_same_values() {
        let mut node = Node::from_json(&json!({"a": null, "b": [null, 1, {"c": null}]}), ());
        assert!(node.contains_null());
        node.drop_nulls();
        assert!(!node.contains_null());
        assert_eq!(node.to_json(), json!({"b": [1, {}]}));
        let a = Node::from_json(&json!({"x": 1, "y": 2}), ());
        let b = Node::from_json(&json!({"y": 2, "x": 1}), ());
        assert!(!a.same_values(&b), "entry order matters");
        assert!(a.same_values(&a.clone()));
        let origins = a.map_origins(&mut |()| 3u32);
        assert_eq!(origins.origin, 3);
    }

    #[test]
    fn shrinking_gives_back_spare_room_but_leaves_shared_trees_alone() {
        let shared = Node::from_json(&json!({"kept": [1, 2, 3]}), ());
        let mut entries = Map::default();
        for key in ["a", "b", "c", "d", "e"] {
            entries.insert(key.into(), Node::from_json(&json!(1), ()));
        }
        entries.insert("shared".into(), shared.clone());
        let mut items = Vec::with_capacity(16);
        items.push(Node::new(Value::map(entries), ()));
        let mut tree = Node::new(Value::list(items), ());
        let before = tree.clone();
        // The clone shares the whole tree: nothing of it is this tree's alone.
        tree.shrink_to_fit();
        let Value::List(items) = &tree.value else { panic!("a list") };
        assert_eq!(items.capacity(), 16, "a list another tree holds is left as it is");
        drop(before);
        tree.shrink_to_fit();
        let Value::List(items) = &tree.value else { panic!("a list") };
        assert_eq!(items.capacity(), 1);
        let map = items[0].as_map().expect("a map");
        assert_eq!(map.capacity(), map.len());
        assert!(map["shared"].shares_with(&shared), "a subtree another tree holds is not copied");
        assert_eq!(tree.to_json(), json!([{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "shared": {"kept": [1, 2, 3]}}]));
    }
}

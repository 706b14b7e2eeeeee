//! What differs between two trees, leaf by leaf: what a layer (a call's overrides) changed in
//! the tree below it.
//!
//! Leaves are named by their path from the root, keys joined with `.` and list elements written
//! `[name]` when they have a `name` (containers, volumes, env) and `[index]` otherwise, so that
//! a change reads the way the field is written. Values are shown as YAML scalars; an empty map
//! or list is a leaf of its own (`{}`, `[]`).

use super::{Node, Value};

/// One leaf that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change<O> {
    /// `spec.nodeSelector.gpu-type`, `spec.containers[primary].image`, `spec.tolerations[0].key`.
    pub path: String,
    pub kind: ChangeKind<O>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind<O> {
    /// Only in the tree after; `origin` is who set it.
    Added { new: String, origin: O },
    /// Only in the tree before.
    Removed { old: String },
    /// In both, with another value; `origin` is who set the new one.
    Changed { old: String, new: String, origin: O },
}

/// The leaves that differ between `before` and `after` (`None`: no tree), in the order of
/// `after`, then what `after` lost in the order of `before`.
pub fn diff<O: Copy>(before: Option<&Node<O>>, after: Option<&Node<O>>) -> Vec<Change<O>> {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    if let Some(tree) = before {
        leaves(tree, &mut String::new(), &mut old);
    }
    if let Some(tree) = after {
        leaves(tree, &mut String::new(), &mut new);
    }
    let old_map: std::collections::HashMap<&str, &str> = old.iter().map(|(p, v, _)| (p.as_str(), v.as_str())).collect();
    let new_paths: std::collections::HashSet<&str> = new.iter().map(|(p, _, _)| p.as_str()).collect();
    let mut out = Vec::new();
    for (path, value, origin) in &new {
        let kind = match old_map.get(path.as_str()) {
            Some(before) if before == value => continue,
            Some(before) => ChangeKind::Changed { old: (*before).to_owned(), new: value.clone(), origin: *origin },
            None => ChangeKind::Added { new: value.clone(), origin: *origin },
        };
        out.push(Change { path: path.clone(), kind });
    }
    for (path, value, _) in &old {
        if !new_paths.contains(path.as_str()) {
            out.push(Change { path: path.clone(), kind: ChangeKind::Removed { old: value.clone() } });
        }
    }
    out
}

/// Every leaf of a tree with its path, its value as text and its origin.
fn leaves<O: Copy>(node: &Node<O>, path: &mut String, out: &mut Vec<(String, String, O)>) {
    let mut leaf = |text: String| out.push((path.clone(), text, node.origin));
    match &node.value {
        Value::Map(entries) if entries.is_empty() => leaf("{}".into()),
        Value::List(items) if items.is_empty() => leaf("[]".into()),
        Value::Null => leaf("null".into()),
        Value::Bool(b) => leaf(b.to_string()),
        Value::Int(n) => leaf(n.to_string()),
        Value::Float(x) => leaf(x.to_string()),
        Value::String(text) => leaf(crate::yaml::scalar(text)),
        Value::Map(entries) => {
            for (key, value) in entries.iter() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                leaves(value, path, out);
                path.truncate(len);
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                match item.as_map().and_then(|m| m.get("name")).and_then(|n| n.as_str()) {
                    Some(name) => path.push_str(&format!("[{name}]")),
                    None => path.push_str(&format!("[{i}]")),
                }
                leaves(item, path, out);
                path.truncate(len);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shown(changes: &[Change<u8>]) -> Vec<String> {
        changes
            .iter()
            .map(|c| match &c.kind {
                ChangeKind::Added { new, .. } => format!("{}: added {new}", c.path),
                ChangeKind::Removed { old } => format!("{}: removed {old}", c.path),
                ChangeKind::Changed { old, new, .. } => format!("{}: {old} -> {new}", c.path),
            })
            .collect()
    }

    #[test]
    fn leaves_that_differ_are_named_as_written() {
        let before = Node::from_json(
            &json!({"spec": {
                "nodeSelector": {"gpu-type": "v100"},
                "containers": [{"name": "main", "image": "a"}],
                "tolerations": [{"key": "gpu", "value": "true"}],
                "volumes": [],
            }}),
            1,
        );
        let after = Node::from_json(
            &json!({"spec": {
                "nodeSelector": {"gpu-type": "a100"},
                "containers": [{"name": "main", "image": "a", "args": ["x"]}],
                "tolerations": [{"key": "gpu", "value": "preemptible"}],
            }}),
            2,
        );
        assert_eq!(
            shown(&diff(Some(&before), Some(&after))),
            [
                "spec.nodeSelector.gpu-type: v100 -> a100",
                "spec.containers[main].args[0]: added x",
                "spec.tolerations[0].value: \"true\" -> preemptible",
                "spec.volumes: removed []",
            ]
        );
        assert!(diff(Some(&before), Some(&before)).is_empty());
    }

    #[test]
    fn the_origin_of_a_change_is_who_set_the_new_value() {
        let before = Node::from_json(&json!({"a": 1}), 1);
        let after = Node::from_json(&json!({"a": 2, "b": 3}), 2);
        let changes = diff(Some(&before), Some(&after));
        assert!(matches!(changes[0].kind, ChangeKind::Changed { origin: 2, .. }), "{changes:?}");
        assert!(matches!(changes[1].kind, ChangeKind::Added { origin: 2, .. }), "{changes:?}");
        assert_eq!(shown(&diff(None, Some(&before))), ["a: added 1"]);
    }
}

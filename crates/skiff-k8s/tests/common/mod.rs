//! Shared by the merge tests: the data-driven cases, the normalization the oracle comparison
//! uses, and the seeded generator of pods and patches.
#![allow(dead_code)]

pub mod generate;

use serde_json::{Map, Value};
use skiff_k8s::merge::Shape;

/// What a fixture case expects from skiff.
#[derive(Debug)]
pub enum Expect {
    Result(Value),
    Error { message: String, path: String },
}

/// How kubectl relates to a fixture case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kubectl {
    /// kubectl gives the same result.
    Same,
    /// kubectl fails too.
    Error,
    /// kubectl gives something else, on purpose (the case's note says why).
    Differs,
    /// Not a case for kubectl (skiff's own directive, a case kubectl cannot express).
    Skip,
}

#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub lower: Value,
    pub upper: Value,
    pub expect: Expect,
    pub kubectl: Kubectl,
}

/// The cases of `tests/fixtures/merge_cases.json`: the worked examples of `docs/merge.md`,
/// the ordering examples, and one or more cases per rule and per directive.
pub fn fixtures() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/merge_cases.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    cases
        .into_iter()
        .map(|c| {
            let name = c["name"].as_str().expect("every case has a name").to_owned();
            let expect = match (c.get("result"), c.get("error")) {
                (Some(result), None) => Expect::Result(result.clone()),
                (None, Some(Value::String(message))) => Expect::Error {
                    message: message.clone(),
                    path: c["error_path"].as_str().unwrap_or_else(|| panic!("{name}: error_path")).to_owned(),
                },
                _ => panic!("{name}: a case has a result or an error"),
            };
            let kubectl = match c.get("kubectl").and_then(Value::as_str) {
                None | Some("same") => Kubectl::Same,
                Some("error") => Kubectl::Error,
                Some("differs") => Kubectl::Differs,
                Some("skip") => Kubectl::Skip,
                Some(other) => panic!("{name}: unknown kubectl mode {other}"),
            };
            Case { name, lower: c["lower"].clone(), upper: c["upper"].clone(), expect, kubectl }
        })
        .collect()
}

/// The comparison form of a document (`docs/merge.md`, "The oracle"): nulls, empty lists and
/// empty string maps dropped, at any depth; `shape` tells which objects are string maps.
pub fn normalize(value: &Value, shape: Shape) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) => {
            let items: Vec<Value> = items.iter().filter_map(|i| normalize(i, shape.item())).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(entries) => {
            let entries: Map<String, Value> =
                entries.iter().filter_map(|(k, v)| Some((k.clone(), normalize(v, shape.field(k))?))).collect();
            (!(entries.is_empty() && shape.is_map())).then_some(Value::Object(entries))
        }
        other => Some(other.clone()),
    }
}

/// Whether a JSON document holds a key starting with `$` anywhere (a directive that reached
/// the output).
pub fn has_directive(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(has_directive),
        Value::Object(entries) => entries.iter().any(|(k, v)| k.starts_with('$') || has_directive(v)),
        _ => false,
    }
}

//! Properties of the merge engine over random trees: an empty patch changes nothing, merging is
//! deterministic, no null and no directive reaches the output, errors point into the patch, a
//! plain patch applied twice is applied once, and no input panics (patch documents are user input).

use proptest::prelude::*;
use serde_json::{Map, Value};
use skiff_k8s::merge::{Node, Shape, append, apply_patch, merge};

/// Keys that reach the interesting places of a `PodTemplateSpec`, plus directives.
const KEYS: &[&str] = &[
    "metadata",
    "spec",
    "labels",
    "finalizers",
    "containers",
    "initContainers",
    "name",
    "image",
    "env",
    "value",
    "ports",
    "containerPort",
    "volumes",
    "emptyDir",
    "args",
    "tolerations",
    "key",
    "nodeSelector",
    "resources",
    "limits",
    "cpu",
];
const DIRECTIVES: &[&str] = &[
    "$patch",
    "$retainKeys",
    "$setElementOrder/containers",
    "$setElementOrder/env",
    "$setElementOrder/finalizers",
    "$deleteFromPrimitiveList/args",
    "$deleteFromPrimitiveList/finalizers",
    "$append/env",
    "$append/tolerations",
    "$unknown",
    "$setElementOrder",
];
const WORDS: &[&str] = &["app", "side", "a", "b", "replace", "delete", "merge", "name", "env", ""];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-2i64..100).prop_map(Value::from),
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
    ]
}

/// Random JSON trees over the vocabulary; `directives` lets `$` keys in.
fn tree(directives: bool) -> impl Strategy<Value = Value> {
    let keys: Vec<&'static str> =
        if directives { KEYS.iter().chain(DIRECTIVES).copied().collect() } else { KEYS.to_vec() };
    scalar().prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(keys.clone()), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())),
        ]
    })
}

/// A random document or patch: always an object at the root.
fn document(directives: bool) -> impl Strategy<Value = Value> {
    prop::collection::vec((prop::sample::select(KEYS), tree(directives)), 0..4)
        .prop_map(|entries| Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect::<Map<_, _>>()))
}

fn has_directive(node: &Node<u8>) -> bool {
    let mut found = false;
    node.walk(&mut |path, _| {
        found |= path.iter().any(|p| matches!(p, skiff_k8s::merge::PathPart::Key(k) if k.starts_with('$')));
    });
    found
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn an_empty_patch_changes_nothing(base in document(true)) {
        let base = Node::from_json(&base, 0u8);
        let empty = Node::from_json(&Value::Object(Map::new()), 1u8);
        let result = apply_patch(base.clone(), &empty, Shape::pod_template_spec()).expect("an empty patch applies");
        prop_assert_eq!(result, base);
    }

    #[test]
    fn merging_is_deterministic(base in document(false), patch in document(true)) {
        let base = Node::from_json(&base, 0u8);
        let patch = Node::from_json(&patch, 1u8);
        let first = apply_patch(base.clone(), &patch, Shape::pod_template_spec());
        let second = apply_patch(base, &patch, Shape::pod_template_spec());
        prop_assert_eq!(first, second);
    }

    #[test]
    fn no_null_and_no_directive_reaches_the_output(base in document(false), patch in document(true)) {
        let mut base = Node::from_json(&base, 0u8);
        base.drop_nulls();
        let patch = Node::from_json(&patch, 1u8);
        for shape in [Shape::pod_template_spec(), Shape::Pod, Shape::Any] {
            match apply_patch(base.clone(), &patch, shape) {
                Ok(result) => {
                    prop_assert!(!result.contains_null(), "a null in {}", result.to_json());
                    prop_assert!(!has_directive(&result), "a directive in {}", result.to_json());
                }
                // An error always points into the patch, never into the document below.
                Err(error) => prop_assert_eq!(error.origin, 1),
            }
        }
    }

    #[test]
    fn a_plain_patch_applied_twice_is_applied_once(base in document(false), patch in document(false)) {
        let mut base = Node::from_json(&base, 0u8);
        base.drop_nulls();
        let patch = Node::from_json(&patch, 1u8);
        if let Ok(once) = apply_patch(base, &patch, Shape::pod_template_spec()) {
            let twice = apply_patch(once.clone(), &patch, Shape::pod_template_spec()).expect("applies again");
            prop_assert!(once.same_values(&twice), "once {} twice {}", once.to_json(), twice.to_json());
        }
    }

    #[test]
    fn no_input_panics(base in tree(true), patch in tree(true)) {
        let base = Node::from_json(&base, 0u8);
        let patch = Node::from_json(&patch, 1u8);
        let spec = Shape::pod_template_spec().field("spec");
        for shape in [Shape::pod_template_spec(), spec, spec.field("containers"), spec.field("tolerations"),
                      Shape::pod_template_spec().field("metadata").field("finalizers")] {
            let _ = apply_patch(base.clone(), &patch, shape);
            let _ = merge(Some(base.clone()), &patch, shape);
            let _ = merge(None, &patch, shape);
            let _ = append(Some(base.clone()), &patch, shape);
        }
    }
}

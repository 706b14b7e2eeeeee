//! Provenance, the DSL's operations, error details, and the corners the data-driven cases
//! (`tests/fixtures/merge_cases.json`) do not reach.

use serde_json::json;

use super::*;

fn tree(json: serde_json::Value, origin: u32) -> Node<u32> {
    Node::from_json(&json, origin)
}

fn pts() -> Shape {
    Shape::pod_template_spec()
}

fn origin_at(node: &Node<u32>, keys: &[&str]) -> u32 {
    node.get_path(keys).unwrap_or_else(|| panic!("no {keys:?} in {}", node.to_json())).origin
}

fn element<'a>(list: &'a Node<u32>, key: &str, value: &str) -> &'a Node<u32> {
    list.as_list()
        .expect("a list")
        .iter()
        .find(|e| e.get_path(&[key]).and_then(Node::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no element {key}={value} in {}", list.to_json()))
}

#[test]
fn a_merged_leaf_keeps_the_origin_of_the_layer_that_set_it() {
    let base = tree(
        json!({"spec": {"nodeSelector": {"gpu-type": "v100", "zone": "a"}, "tolerations": [{"key": "gpu"}],
                        "containers": [{"name": "app", "image": "app:1", "args": ["a"]}]}}),
        0,
    );
    let patch = tree(
        json!({"spec": {"nodeSelector": {"gpu-type": "a100"}, "tolerations": [{"key": "spot"}],
                        "containers": [{"name": "app", "image": "app:2"}, {"name": "side", "image": "envoy", "env": [{"name": "A", "value": "1"}]}]}}),
        1,
    );
    let result = apply_patch(base, &patch, pts()).unwrap();
    // Merged maps keep their origin; the leaf the patch set takes the patch's.
    assert_eq!(origin_at(&result, &["spec", "nodeSelector"]), 0);
    assert_eq!(origin_at(&result, &["spec", "nodeSelector", "gpu-type"]), 1);
    assert_eq!(origin_at(&result, &["spec", "nodeSelector", "zone"]), 0);
    // An atomic list is replaced: the list and its elements are the patch's.
    let tolerations = result.get_path(&["spec", "tolerations"]).unwrap();
    assert_eq!(tolerations.origin, 1);
    assert!(tolerations.as_list().unwrap().iter().all(|t| t.origin == 1));
    // A keyed list is merged: it and a merged element keep theirs, a new element is the patch's.
    let containers = result.get_path(&["spec", "containers"]).unwrap();
    assert_eq!(containers.origin, 0);
    let app = element(containers, "name", "app");
    assert_eq!((app.origin, origin_at(app, &["image"]), origin_at(app, &["args"])), (0, 1, 0));
    let side = element(containers, "name", "side");
    assert_eq!((side.origin, origin_at(side, &["env"])), (1, 1));
    let mut origins = Vec::new();
    side.walk(&mut |_, n| origins.push(n.origin));
    assert!(origins.iter().all(|o| *o == 1));
}

#[test]
fn three_layers_each_own_what_they_set() {
    let mut pod = tree(json!({"spec": {"restartPolicy": "Never", "containers": [{"name": "primary"}]}}), 0);
    let layers = [
        json!({"spec": {"nodeSelector": {"gpu-type": "v100"}, "tolerations": [{"key": "gpu"}]}}),
        json!({"spec": {"containers": [{"name": "primary", "image": "train:1.4", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}),
        json!({"spec": {"nodeSelector": {"gpu-type": "a100"}, "containers": [{"name": "primary", "resources": {"limits": {"memory": "32Gi"}}}]}}),
    ];
    for (i, layer) in layers.iter().enumerate() {
        pod = apply_patch(pod, &tree(layer.clone(), i as u32 + 1), pts()).unwrap();
    }
    assert_eq!(origin_at(&pod, &["spec", "restartPolicy"]), 0);
    assert_eq!(origin_at(&pod, &["spec", "nodeSelector", "gpu-type"]), 3);
    assert_eq!(origin_at(&pod, &["spec", "tolerations"]), 1);
    let primary = element(pod.get_path(&["spec", "containers"]).unwrap(), "name", "primary");
    assert_eq!(origin_at(primary, &["name"]), 0);
    assert_eq!(origin_at(primary, &["image"]), 2);
    assert_eq!(origin_at(primary, &["resources", "limits", "nvidia.com/gpu"]), 2);
    assert_eq!(origin_at(primary, &["resources", "limits", "memory"]), 3);
    assert_eq!(origin_at(primary, &["resources", "limits"]), 2, "created by layer 2, merged by 3");
}

#[test]
fn replaced_and_emptied_objects_take_the_patch_origin() {
    let base = tree(json!({"spec": {"securityContext": {"runAsUser": 1}, "affinity": {"nodeAffinity": {}}}}), 0);
    let patch = tree(
        json!({"spec": {"securityContext": {"$patch": "replace", "fsGroup": 2}, "affinity": {"$patch": "delete"}}}),
        1,
    );
    let result = apply_patch(base, &patch, pts()).unwrap();
    assert_eq!(result.get_path(&["spec", "securityContext"]).unwrap().to_json(), json!({"fsGroup": 2}));
    assert_eq!(origin_at(&result, &["spec", "securityContext"]), 1);
    assert_eq!(result.get_path(&["spec", "affinity"]).unwrap().to_json(), json!({}));
    assert_eq!(origin_at(&result, &["spec", "affinity"]), 1);
}

#[test]
fn finalizers_restated_by_a_patch_are_the_patch_s() {
    let base = tree(json!({"metadata": {"finalizers": ["a", "b"]}}), 0);
    let patch = tree(json!({"metadata": {"finalizers": ["b", "c"]}}), 1);
    let result = apply_patch(base, &patch, pts()).unwrap();
    let list = result.get_path(&["metadata", "finalizers"]).unwrap();
    let items: Vec<(&str, u32)> = list.as_list().unwrap().iter().map(|n| (n.as_str().unwrap(), n.origin)).collect();
    assert_eq!(items, [("a", 0), ("b", 1), ("c", 1)]);
    assert_eq!(list.origin, 0);
}

#[test]
fn append_adds_at_the_end_whatever_the_strategy() {
    let spec = pts().field("spec");
    // Atomic: appended, origins kept apart.
    let below = tree(json!([{"key": "a"}]), 0);
    let added = tree(json!([{"key": "b", "value": null}, null]), 1);
    let list = append(Some(below), &added, spec.field("tolerations")).unwrap();
    assert_eq!(list.to_json(), json!([{"key": "a"}, {"key": "b"}]));
    let origins: Vec<u32> = list.as_list().unwrap().iter().map(|n| n.origin).collect();
    assert_eq!((list.origin, origins), (0, vec![0, 1]));
    // Keyed: at the end, not where the merge order would put a new element.
    let containers = tree(json!([{"name": "app"}, {"name": "side"}]), 0);
    let list =
        append(Some(containers.clone()), &tree(json!([{"name": "debug"}]), 1), spec.field("containers")).unwrap();
    assert_eq!(list.to_json(), json!([{"name": "app"}, {"name": "side"}, {"name": "debug"}]));
    let merged =
        merge(Some(containers.clone()), &tree(json!([{"name": "debug"}]), 1), spec.field("containers")).unwrap();
    assert_eq!(merged.unwrap().to_json(), json!([{"name": "debug"}, {"name": "app"}, {"name": "side"}]));
    // Keyed: a key already there is an error, with the element's origin and path.
    let error = append(Some(containers), &tree(json!([{"name": "x"}, {"name": "side"}]), 1), spec.field("containers"))
        .unwrap_err();
    assert_eq!(error.kind, MergeErrorKind::DuplicateMergeKey { key: "name", value: "\"side\"".to_owned() });
    assert_eq!((error.path.to_string(), error.origin), ("$[1]".to_owned(), 1));
    // A set skips what it has.
    let finalizers = pts().field("metadata").field("finalizers");
    let list = append(Some(tree(json!(["a"]), 0)), &tree(json!(["a", "b"]), 1), finalizers).unwrap();
    assert_eq!(list.to_json(), json!(["a", "b"]));
    // Nothing below: a new list with the appended elements' origin.
    let list = append(None, &tree(json!(["x"]), 1), spec.field("containers").item().field("args")).unwrap();
    assert_eq!((list.to_json(), list.origin), (json!(["x"]), 1));
}

#[test]
fn append_errors() {
    let tolerations = pts().field("spec").field("tolerations");
    let not_a_list = append(Some(tree(json!([]), 0)), &tree(json!({"key": "a"}), 1), tolerations).unwrap_err();
    assert_eq!(not_a_list.kind, MergeErrorKind::AppendNotAList { found: "an object" });
    let onto_scalar = append(Some(tree(json!("x"), 0)), &tree(json!([]), 1), tolerations).unwrap_err();
    assert_eq!(onto_scalar.kind, MergeErrorKind::AppendToNonList { found: "a string" });
    let directive = append(None, &tree(json!([{"$patch": "delete", "key": "a"}]), 1), tolerations).unwrap_err();
    assert_eq!(directive.kind, MergeErrorKind::PatchInAppend);
    let keyless = append(None, &tree(json!([{"image": "x"}]), 1), pts().field("spec").field("containers")).unwrap_err();
    assert_eq!(keyless.kind, MergeErrorKind::MissingMergeKey { key: "name" });
    let mixed = append(Some(tree(json!(["a"]), 0)), &tree(json!([1]), 1), pts().field("metadata").field("finalizers"));
    assert_eq!(mixed.unwrap_err().kind, MergeErrorKind::MixedSetElements);
}

#[test]
fn append_directive_in_a_patch_follows_the_merge_of_the_same_field() {
    let base = tree(json!({"spec": {"containers": [{"name": "app", "env": [{"name": "A", "value": "1"}]}]}}), 0);
    let patch = tree(
        json!({"spec": {"containers": [{"name": "app", "env": [{"name": "B", "value": "2"}], "$append/env": [{"name": "Z", "value": "z"}]}]}}),
        1,
    );
    let result = apply_patch(base, &patch, pts()).unwrap();
    let env = result.get_path(&["spec", "containers"]).unwrap().as_list().unwrap()[0].get_path(&["env"]).unwrap();
    let names: Vec<&str> =
        env.as_list().unwrap().iter().map(|e| e.get_path(&["name"]).unwrap().as_str().unwrap()).collect();
    assert_eq!(names, ["B", "A", "Z"]);
    let error = apply_patch(
        tree(json!({"spec": {"hostname": "h"}}), 0),
        &tree(json!({"spec": {"$append/hostname": ["x"]}}), 1),
        pts(),
    )
    .unwrap_err();
    assert_eq!(error.kind, MergeErrorKind::AppendToNonList { found: "a string" });
    assert_eq!(error.path.to_string(), r#"$.spec["$append/hostname"]"#);
}

#[test]
fn replace_and_delete_key() {
    let resources = pts().field("spec").field("containers").item().field("resources");
    let value = tree(json!({"limits": {"cpu": "1", "memory": null}}), 1);
    assert_eq!(replace(&value, resources).unwrap().unwrap().to_json(), json!({"limits": {"cpu": "1"}}));
    let containers = pts().field("spec").field("containers");
    let value = tree(json!([{"name": "a", "image": "x"}, {"name": "b", "args": null}]), 1);
    let replaced = replace(&value, containers).unwrap().unwrap();
    assert_eq!(replaced.to_json(), json!([{"name": "a", "image": "x"}, {"name": "b"}]));
    assert_eq!(replace(&tree(json!(null), 1), containers).unwrap(), None);

    let mut map = tree(json!({"a": 1, "b": 2}), 0);
    assert_eq!(delete_key(&mut map, "a").map(|n| n.to_json()), Some(json!(1)));
    assert_eq!(delete_key(&mut map, "a"), None);
    assert_eq!(map.to_json(), json!({"b": 2}));
    let mut scalar = tree(json!(1), 0);
    assert_eq!(delete_key(&mut scalar, "a"), None);
}

#[test]
fn element_patches_address_keyed_elements() {
    let containers = pts().field("spec").field("containers");
    let body = tree(json!({"image": "envoy", "name": "ignored"}), 2);
    let add = element_patch(containers, Node::string("sidecar", 2), Some(&body), 2).unwrap();
    assert_eq!(add.to_json(), json!({"name": "sidecar", "image": "envoy"}));
    let delete = delete_element_patch(containers, Node::string("app", 3), 3).unwrap();
    assert_eq!(delete.to_json(), json!({"name": "app", "$patch": "delete"}));

    let base = tree(json!([{"name": "app", "image": "app"}]), 0);
    let patch = Node::new(Value::list(vec![add, delete]), 4);
    let result = merge(Some(base), &patch, containers).unwrap().unwrap();
    assert_eq!(result.to_json(), json!([{"name": "sidecar", "image": "envoy"}]));

    let ports = containers.item().field("ports");
    let port = element_patch(ports, Node::new(Value::Int(53), 1), None, 1).unwrap();
    assert_eq!(port.to_json(), json!({"containerPort": 53}));
    let tolerations = pts().field("spec").field("tolerations");
    assert!(element_patch(tolerations, Node::string("x", 1), None, 1).is_none());
    assert!(delete_element_patch(tolerations, Node::string("x", 1), 1).is_none());
}

#[test]
fn errors_name_the_path_and_the_origin_of_the_node_at_fault() {
    let base = tree(json!({"spec": {"containers": [{"name": "app"}]}}), 0);
    let mut patch = tree(json!({"spec": {"containers": [{"name": "app"}, {"image": "x"}]}}), 1);
    // Give the faulty element its own origin, as the semantic layer would.
    if let Some(root) = patch.value.map_mut()
        && let Some(spec) = root.get_mut("spec").and_then(|n| n.value.map_mut())
        && let Some(items) = spec.get_mut("containers").and_then(|n| n.value.list_mut())
    {
        items[1].origin = 42;
    }
    let error = apply_patch(base, &patch, pts()).unwrap_err();
    assert_eq!(error.origin, 42);
    assert_eq!(error.path.0, vec![Segment::Key("spec".into()), Segment::Key("containers".into()), Segment::Index(1)]);
    assert_eq!(error.to_string(), "at $.spec.containers[1]: this element has no merge key `name`");

    let not_object = apply_patch(tree(json!({}), 0), &tree(json!([1]), 1), pts()).unwrap_err();
    assert_eq!((not_object.kind, not_object.path.to_string()), (MergeErrorKind::PatchNotAnObject, "$".to_owned()));
}

#[test]
fn every_error_kind_has_a_message() {
    let samples = [
        MergeErrorKind::PatchMergeUnsupported,
        MergeErrorKind::UnknownPatchValue("\"x\"".into()),
        MergeErrorKind::MergeKeyNotScalar { key: "name" },
        MergeErrorKind::ElementNotObject { key: "name", found: "a string" },
        MergeErrorKind::MixedSetElements,
        MergeErrorKind::InvalidRetainKeys,
        MergeErrorKind::MalformedDirectiveKey { key: "$append".into() },
        MergeErrorKind::InvalidSetElementOrder { field: "env".into(), reason: "it must be a list".into() },
        MergeErrorKind::NotAMergeList { directive: "$setElementOrder", field: "args".into() },
        MergeErrorKind::InvalidDeleteFromPrimitiveList { field: "args".into(), reason: "r".into() },
        MergeErrorKind::WrongKind { expected: "a list", found: "a string" },
    ];
    for kind in samples {
        let text = kind.to_string();
        assert!(text.len() > 15 && !text.contains("{"), "{kind:?}: {text}");
    }
}

#[test]
fn mismatched_kinds_replace_and_delete_like_the_api_server() {
    // An object where the base has a list: the object wins; `$patch: delete` there removes it.
    let base = tree(json!({"spec": {"tolerations": [{"key": "a"}], "hostname": "h"}}), 0);
    let patch = tree(json!({"spec": {"tolerations": {"$patch": "delete"}, "hostname": {"a": null, "b": 1}}}), 1);
    let result = apply_patch(base, &patch, pts()).unwrap();
    assert_eq!(result.to_json(), json!({"spec": {"hostname": {"b": 1}}}));
    // A list where the base has a scalar, at a keyed position: merged onto nothing.
    let base = tree(json!({"spec": {"containers": "oops"}}), 0);
    let patch = tree(json!({"spec": {"containers": [{"name": "a"}]}}), 1);
    assert_eq!(apply_patch(base, &patch, pts()).unwrap().to_json(), json!({"spec": {"containers": [{"name": "a"}]}}));
    // Elements of a keyed list below that are not objects make the merge fail, not panic.
    let base = tree(json!({"spec": {"containers": ["app"]}}), 0);
    let error = apply_patch(base, &tree(json!({"spec": {"containers": []}}), 1), pts()).unwrap_err();
    assert_eq!(error.kind, MergeErrorKind::BaseElementWithoutKey { key: "name", index: 0 });
    // A merge key that is an object.
    let base = tree(json!({"spec": {"containers": []}}), 0);
    let error = apply_patch(base, &tree(json!({"spec": {"containers": [{"name": {}}]}}), 1), pts()).unwrap_err();
    assert_eq!(
        (error.kind, error.path.to_string()),
        (MergeErrorKind::MergeKeyNotScalar { key: "name" }, "$.spec.containers[0].name".to_owned())
    );
}

#[test]
fn documents_and_unknown_positions() {
    // A Pod: apiVersion, kind and status merge without schema; spec is a PodSpec.
    let pod = tree(
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]}, "status": {"conditions": [{"type": "Ready"}]}}),
        0,
    );
    let patch = tree(json!({"spec": {"containers": [{"name": "b"}]}, "status": {"conditions": [{"type": "X"}]}}), 1);
    let result = apply_patch(pod, &patch, Shape::Pod).unwrap();
    assert_eq!(result.get_path(&["spec", "containers"]).unwrap().to_json(), json!([{"name": "b"}, {"name": "a"}]));
    assert_eq!(
        result.get_path(&["status", "conditions"]).unwrap().to_json(),
        json!([{"type": "X"}]),
        "atomic outside the schema"
    );
    // A PodTemplate: the template is a PodTemplateSpec.
    let template = tree(
        json!({"kind": "PodTemplate", "template": {"spec": {"initContainers": [{"name": "i", "image": "x"}]}}}),
        0,
    );
    let patch = tree(json!({"template": {"spec": {"initContainers": [{"name": "i", "args": ["y"]}]}}}), 1);
    let result = apply_patch(template, &patch, Shape::PodTemplate).unwrap();
    assert_eq!(
        result.get_path(&["template", "spec", "initContainers"]).unwrap().to_json(),
        json!([{"name": "i", "image": "x", "args": ["y"]}])
    );
    // Unknown fields: maps merge, lists are atomic.
    let base = tree(json!({"spec": {"x-extra": {"a": 1, "l": [1, 2]}}}), 0);
    let patch = tree(json!({"spec": {"x-extra": {"b": 2, "l": [3]}}}), 1);
    assert_eq!(
        apply_patch(base, &patch, pts()).unwrap().to_json(),
        json!({"spec": {"x-extra": {"a": 1, "l": [3], "b": 2}}})
    );
}

#[test]
fn a_patch_that_deletes_everything_leaves_an_empty_object() {
    let base = tree(json!({"spec": {"hostname": "h"}}), 0);
    let result = apply_patch(base, &tree(json!({"$patch": "delete"}), 1), pts()).unwrap();
    assert_eq!((result.to_json(), result.origin), (json!({}), 1));
}

#[test]
fn a_patch_nested_too_deep_is_an_error_not_a_crash() {
    fn nested(depth: usize, leaf: serde_json::Value) -> serde_json::Value {
        (0..depth).fold(leaf, |inner, _| json!({ "x": inner }))
    }
    let fine = tree(nested(100, json!(1)), 1);
    assert!(apply_patch(tree(json!({}), 0), &fine, Shape::Any).is_ok());
    let deep = tree(nested(200, json!(1)), 1);
    let error = apply_patch(tree(json!({}), 0), &deep, Shape::Any).unwrap_err();
    assert_eq!(error.kind, MergeErrorKind::TooDeep { limit: 128 });
    assert_eq!(error.path.0.len(), 129);
    let list = tree((0..200).fold(json!(1), |inner, _| json!([inner])), 1);
    let error = merge(None, &list, Shape::Any).unwrap_err();
    assert_eq!(error.kind, MergeErrorKind::TooDeep { limit: 128 });
}

/// The work of merging lists of `n` elements (merge keys compared or hashed, counted by the
/// engine in tests): one merge of every kind a list can go through, each list `n` long.
fn key_work(n: usize) -> usize {
    let env = |range: std::ops::Range<usize>, tag: &str| -> Vec<serde_json::Value> {
        range.map(|i| json!({"name": format!("V{i}"), "value": format!("{tag}{i}")})).collect()
    };
    let names =
        |range: std::ops::Range<usize>| -> Vec<serde_json::Value> { range.map(|i| json!(format!("f{i}"))).collect() };
    let ports = |range: std::ops::Range<usize>| -> Vec<serde_json::Value> {
        range.map(|i| json!({"containerPort": i, "protocol": if i % 2 == 0 { "UDP" } else { "TCP" }})).collect()
    };
    let base = tree(
        json!({"metadata": {"finalizers": names(0..n)},
               "spec": {"containers": [{"name": "app", "env": env(0..n, "base"), "ports": ports(0..n)},
                                       {"name": "side", "env": env(0..n, "base")}]}}),
        0,
    );
    let deleted: Vec<serde_json::Value> =
        (0..n / 2).map(|i| json!({"name": format!("V{}", i * 2), "$patch": "delete"})).collect();
    // The patch's elements in their own order, after the others reversed.
    let ordered: Vec<serde_json::Value> =
        (n / 2..n).rev().chain(0..n / 2).map(|i| json!({"name": format!("V{i}")})).collect();
    let side_env = [deleted, env(0..n / 2, "again")].concat();
    let mounts: Vec<serde_json::Value> = (0..n).map(|i| json!({"name": "v", "mountPath": format!("/m{i}")})).collect();
    let patch = tree(
        json!({"metadata": {"finalizers": names(n / 2..n + n / 2), "$deleteFromPrimitiveList/finalizers": names(0..n / 4)},
               "spec": {"containers": [
                   {"name": "app", "env": env(n / 2..n + n / 2, "patch"), "ports": ports(n / 2..n + n / 2),
                    "$append/volumeMounts": mounts},
                   {"name": "side", "env": side_env, "$setElementOrder/env": ordered}]}}),
        1,
    );
    index::KEY_WORK.with(|work| work.set(0));
    let result = apply_patch(base, &patch, pts()).expect("the patch applies");
    let work = index::KEY_WORK.with(std::cell::Cell::get);
    let containers = result.get_path(&["spec", "containers"]).expect("containers");
    let app_env = element(containers, "name", "app").get_path(&["env"]).and_then(Node::as_list).map_or(0, <[_]>::len);
    assert_eq!(app_env, n + n / 2, "every variable merged once");
    work
}

/// A merge of lists of `n` elements takes work linear in `n`: it finds elements by merge key
/// through an index, never by searching a list (two lists of 20,000 `env` variables took 6.7 s
/// when it did, and 40,000 over a minute). Counted, not timed, so a slow machine cannot fail it.
#[test]
fn merging_long_lists_is_linear_in_their_length() {
    let (small, large) = (key_work(1_000), key_work(8_000));
    assert!(large <= 60 * 8_000, "{large} key comparisons for lists of 8,000");
    assert!(large < small * 10, "8 times the elements, {:.1} times the work", large as f64 / small as f64);
}

/// Random patches over the keys of a pod's lists of every strategy, with the nulls, directives
/// and repeated keys that stop a patch from being shared, now and then.
fn sharable_patch() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
    use proptest::prelude::*;
    #[rustfmt::skip]
    const KEYS: &[&str] = &[
        "spec", "metadata", "finalizers", "containers", "tolerations", "args", "env", "name", "value", "image",
        "nodeSelector", "key", "ports", "containerPort", "protocol", "$patch",
    ];
    let leaf = prop_oneof![
        8 => prop::sample::select(&["a", "b", "app", "replace", "delete"][..]).prop_map(|w| json!(w)),
        3 => (0i64..3).prop_map(|i| json!(i)),
        1 => Just(json!(null)),
        1 => Just(json!(1.5)),
    ];
    leaf.prop_recursive(6, 80, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            // Named elements, for the keyed lists: `a`, `b`, `a` is grouped, not kept in order.
            prop::collection::vec((prop::sample::select(&["a", "b"][..]), inner.clone()), 0..5).prop_map(|elements| {
                serde_json::Value::Array(
                    elements.into_iter().map(|(name, value)| json!({"name": name, "value": value})).collect(),
                )
            }),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..5).prop_map(|entries| {
                serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

    /// A patch merged onto nothing is shared where building it would give the same tree, and
    /// only there: every result, origin and error is what building it gives.
    #[test]
    fn sharing_a_patch_is_building_it(patch in sharable_patch()) {
        let mut next = 0u32;
        let patch = Node::from_json(&patch, 0u32).map_origins(&mut |_| { next += 1; next });
        let spec = pts().field("spec");
        let shapes = [pts(), spec, spec.field("containers"), spec.field("tolerations"),
                      pts().field("metadata").field("finalizers"), spec.field("containers").item().field("env")];
        for shape in shapes {
            let shared = merge(None, &patch, shape);
            strategic::SHARE_BUILT_PATCHES.with(|on| on.set(false));
            let built = merge(None, &patch, shape);
            strategic::SHARE_BUILT_PATCHES.with(|on| on.set(true));
            proptest::prop_assert_eq!(shared, built);
        }
    }
}

#[test]
fn a_clean_patch_merged_onto_nothing_is_shared_not_copied() {
    let patch = tree(json!({"spec": {"nodeSelector": {"pool": "a"}, "tolerations": [{"key": "k"}]}}), 1);
    let Some(merged) = merge(None, &patch, pts()).expect("merges") else { panic!("a value") };
    let (Some(Value::Map(ours)), Some(Value::Map(theirs))) =
        (merged.get_path(&["spec"]).map(|n| &n.value), patch.get_path(&["spec"]).map(|n| &n.value))
    else {
        panic!("maps")
    };
    assert!(std::sync::Arc::ptr_eq(ours, theirs));
    let with_null = tree(json!({"spec": {"nodeSelector": {"pool": null}}}), 1);
    let merged = merge(None, &with_null, pts()).expect("merges").expect("a value");
    assert_eq!(merged.to_json(), json!({"spec": {"nodeSelector": {}}}), "a null is dropped, not shared");
}

//! `skiff patch`'s engine never panics: two documents (YAML or JSON, split at the first NUL
//! byte) read by `read_yaml` and merged by `apply_patch` at the shape the base's `kind` says.
//! A merged document prints as YAML that reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skiff_k8s::merge::{Shape, Value, apply_patch};
use skiff_k8s::yaml::{read_yaml, to_yaml};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (base, patch) = text.split_once('\0').unwrap_or((text, "{}"));
    let (Ok(mut base), Ok(patch)) = (read_yaml(base), read_yaml(patch)) else { return };
    let shape = match base.as_map().and_then(|m| m.get("kind")).map(|k| &k.value) {
        Some(Value::String(kind)) if kind == "Pod" => Shape::Pod,
        Some(Value::String(kind)) if kind == "PodTemplate" => Shape::PodTemplate,
        _ => Shape::pod_template_spec(),
    };
    base.drop_nulls();
    let Ok(merged) = apply_patch(base, &patch, shape) else { return };
    let json = merged.to_json();
    let yaml = to_yaml(&json).expect("a merged document prints");
    let back = read_yaml(&yaml).unwrap_or_else(|e| panic!("printed YAML reads back: {e}\n{yaml}")).to_json();
    assert_eq!(back, json, "YAML round trip\n{yaml}");
});

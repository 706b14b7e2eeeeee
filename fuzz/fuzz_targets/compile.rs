//! The `build` target (named `compile`: cargo forbids a binary called `build`). Compiling never
//! panics, for any target; a workspace without errors compiles to Pods (a node that cannot be
//! made has its reason in the diagnostics), every object printed as YAML, and the same input
//! builds the same objects in a fresh database. `--target argo` may refuse a workspace
//! without errors (text Argo would read as its own, a file given as a path), never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skiff_sema::Severity;
use skiff_sema::compile::{self, BuildError, BuildOptions};

fn build(text: &str) -> Option<Result<Vec<serde_json::Value>, BuildError>> {
    let files = skiff_sema::fixture::split(text);
    let workspace = skiff_sema::Workspace::from_fixture(&files);
    let diagnostics = workspace.diagnostics();
    let errors = diagnostics.iter().any(|d| d.diagnostic.severity == Severity::Error);
    let built = compile::build(&workspace.db, &BuildOptions::default());
    if let Err(BuildError::BrokenNode { workflow, binding, message }) = &built {
        assert!(errors, "{workflow}.{binding} broken ({message}) without an error diagnostic");
    }
    if errors {
        return None;
    }
    // A template's own chain is checked only as it is used by tasks: a broken one is refused.
    let templates = compile::pod_templates(&workspace.db, &BuildOptions::default()).unwrap_or_default();
    let argo = skiff_sema::argo::build(&workspace.db, &BuildOptions::default());
    Some(built.map(|pods| {
        let mut values: Vec<serde_json::Value> = pods
            .iter()
            .map(|p| {
                skiff_k8s::yaml::to_yaml(&p.pod).expect("a pod prints as YAML");
                serde_json::to_value(&p.pod).expect("a pod serializes")
            })
            .collect();
        for template in &templates {
            skiff_k8s::yaml::to_yaml(template).expect("a PodTemplate prints as YAML");
            values.push(serde_json::to_value(template).expect("a PodTemplate serializes"));
        }
        for workflow in argo.iter().flatten() {
            skiff_k8s::yaml::to_yaml(workflow).expect("an Argo workflow prints as YAML");
            values.push(serde_json::to_value(workflow).expect("an Argo workflow serializes"));
        }
        values
    }))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let first = build(text);
    if first.is_some() {
        assert_eq!(first, build(text), "the same input builds the same pods");
    }
});

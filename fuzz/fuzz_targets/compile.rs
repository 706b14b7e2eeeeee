//! The `build` target (named `compile`: cargo forbids a binary called `build`). Compiling never
//! panics; a workspace without errors compiles (a node that cannot be made has its reason in the
//! diagnostics), its pods print as YAML, and the same input builds the same pods in a fresh database.
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
    Some(built.map(|pods| {
        pods.iter()
            .map(|p| {
                skiff_k8s::yaml::to_yaml(&p.pod).expect("a pod prints as YAML");
                serde_json::to_value(&p.pod).expect("a pod serializes")
            })
            .collect()
    }))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let first = build(text);
    if first.is_some() {
        assert_eq!(first, build(text), "the same input builds the same pods");
    }
});

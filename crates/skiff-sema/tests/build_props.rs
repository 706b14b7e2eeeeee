//! Properties of the compiler over generated workspaces: building is deterministic, an empty
//! layer changes nothing, and every result is a `Pod` that survives a JSON round trip.
//!
//! The workspaces are assembled from fragments of every kind a layer can hold (maps, atomic and
//! keyed lists, the DSL's operators, env sugar, container roles), so the merge paths of real
//! workflows are walked in many combinations.

use proptest::prelude::*;
use skiff_sema::compile::{self, BuildOptions};
use skiff_sema::{RootDatabase, Severity, Workspace};

const TEMPLATE_FIELDS: &[&str] = &[
    r#"nodeSelector { pool: "gpu" }"#,
    r#"nodeSelector { zone: "b", "gpu-type": "nvidia-a100" }"#,
    r#"tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }]"#,
    r#"tolerations += [{ key: "spot", operator: "Exists" }]"#,
    r#"metadata { labels { team: "ml" } annotations { owner: "a@b.c" } }"#,
    r#"containers["primary"] { resources { limits { memory: 16Gi } } }"#,
    r#"containers["default"] { env { REGION: "eu" } }"#,
    r#"containers["envoy"] { image: "envoy:1.30", args: ["--v"] }"#,
    r#"volumes: [{ name: "scratch", emptyDir { medium: "Memory" } }]"#,
    r#"securityContext { runAsUser: 0, runAsNonRoot: false }"#,
    r#"hostNetwork: false"#,
    r#"serviceAccountName: "pipelines""#,
    r#"delete affinity"#,
    r#"replace nodeSelector { pool: "cpu" }"#,
];

const TASK_FIELDS: &[&str] = &[
    r#"args: ["--epochs", "{{inputs.epochs}}"]"#,
    r#"command: ["python", "-m", "train"]"#,
    r#"env { MODE: "fast", EPOCHS: "{{inputs.epochs}}" }"#,
    r#"resources { requests { cpu: 2, memory: 8Gi } limits { memory: 32Gi } }"#,
    r#"volumeMounts: [{ name: "scratch", mountPath: "/scratch" }]"#,
    r#"retries: 3"#,
    r#"timeout: 2h"#,
    r#"imagePullPolicy: "IfNotPresent""#,
];

const OVERRIDES: &[&str] = &[
    r#"override pod_template { nodeSelector { "gpu-type": "nvidia-h100" } }"#,
    r#"override pod_template { tolerations: [] }"#,
    r#"override pod_template: b"#,
    r#"override replace pod_template: a"#,
    r#"override resources { limits { memory: 64Gi } }"#,
    r#"override image: "train:2""#,
    r#"override env { MODE: "slow", delete EPOCHS }"#,
    r#"override retries: 5"#,
    r#"override timeout: 30m"#,
];

fn workspace_text(template_a: &[&str], template_b: &[&str], task: &[&str], calls: &[Vec<&str>]) -> String {
    let mut text = String::new();
    text.push_str(&format!("pod_template a {{\n  {}\n}}\n\n", template_a.join("\n  ")));
    text.push_str(&format!("pod_template b extends a {{\n  {}\n}}\n\n", template_b.join("\n  ")));
    text.push_str(&format!(
        "task train(epochs: int = 10) {{\n  image: \"train:1\"\n  pod_template: b\n  {}\n}}\n\n",
        task.join("\n  ")
    ));
    text.push_str("workflow w(n: int) {\n");
    for (i, overrides) in calls.iter().enumerate() {
        text.push_str(&format!("  let node{i} = train(epochs: n)\n"));
        for o in overrides {
            text.push_str(&format!("    {o}\n"));
        }
    }
    text.push_str("}\n");
    text
}

/// The JSON of every pod, or `None` when the generated workspace has errors (a request above
/// a limit, say): those are the checks' business, not the compiler's.
fn build(text: &str) -> Option<Vec<serde_json::Value>> {
    let mut workspace = Workspace::new(RootDatabase::new());
    workspace.set_file("main.skiff", text.to_owned());
    let errors: Vec<_> =
        workspace.diagnostics().into_iter().filter(|d| d.diagnostic.severity == Severity::Error).collect();
    if !errors.is_empty() {
        return None;
    }
    let options = BuildOptions { inputs: [("n".to_owned(), "7".to_owned())].into(), ..BuildOptions::default() };
    let pods = compile::build(&workspace.db, &options).unwrap_or_else(|e| panic!("{e}\n{text}"));
    Some(pods.iter().map(|p| serde_json::to_value(&p.pod).expect("a Pod serializes")).collect())
}

fn subset(items: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
    proptest::sample::subsequence(items.to_vec(), 0..=items.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn builds_are_deterministic_and_empty_layers_change_nothing(
        template_a in subset(TEMPLATE_FIELDS),
        template_b in subset(TEMPLATE_FIELDS),
        task in subset(TASK_FIELDS),
        calls in proptest::collection::vec(subset(OVERRIDES), 1..4),
    ) {
        let text = workspace_text(&template_a, &template_b, &task, &calls);
        let Some(first) = build(&text) else { return Ok(()) };
        prop_assert_eq!(first.len(), calls.len());
        prop_assert_eq!(Some(first.clone()), build(&text), "same input, same pods");

        // Empty layers at every call: an empty inline patch and an empty template. (`override
        // resources {}` is not empty: like the API server, it leaves `resources: {}` behind.)
        let empty_calls: Vec<Vec<&str>> = calls
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.insert(0, "override pod_template {}");
                c.push("override pod_template: empty");
                c
            })
            .collect();
        let padded = workspace_text(&template_a, &template_b, &task, &empty_calls) + "\npod_template empty {}\n";
        prop_assert_eq!(Some(first.clone()), build(&padded), "an empty layer changed the pods:\n{}", padded);

        for pod in &first {
            let typed: k8s_openapi::api::core::v1::Pod = serde_json::from_value(pod.clone()).expect("a Pod");
            prop_assert_eq!(&serde_json::to_value(&typed).expect("serializes"), pod);
            let spec = typed.spec.expect("a spec");
            prop_assert!(spec.containers.iter().any(|c| c.name == "primary" && c.image.is_some()));
            prop_assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
        }
    }
}

/// A workspace large enough for the build to use every core: `workflows` workflows of 100 nodes.
fn large_workspace(workflows: usize) -> Workspace {
    let mut text = String::from("task step(n: int) {\n  image: \"step:1\"\n  args: [\"{{inputs.n}}\"]\n}\n");
    for w in 0..workflows {
        text.push_str(&format!("\nworkflow w{w}() {{\n"));
        for i in 0..100 {
            text.push_str(&format!("  let n{i} = step(n: {i})\n"));
            if i % 3 == 0 {
                text.push_str(&format!("    override resources {{ limits {{ memory: {}Mi }} }}\n", i + 1));
            }
        }
        text.push_str("}\n");
    }
    let mut workspace = Workspace::new(RootDatabase::new());
    workspace.set_file("main.skiff", text);
    assert!(workspace.diagnostics().is_empty());
    workspace
}

#[test]
fn a_build_on_every_core_is_the_build_of_each_workflow_in_order() {
    let workspace = large_workspace(3);
    let all = compile::build(&workspace.db, &BuildOptions::default()).expect("builds");
    assert_eq!(all.len(), 300);
    let mut one_by_one = Vec::new();
    for w in 0..3 {
        let options = BuildOptions { workflows: vec![format!("w{w}")], ..BuildOptions::default() };
        one_by_one.extend(compile::build(&workspace.db, &options).expect("builds"));
    }
    assert_eq!(all, one_by_one);
    let order: Vec<String> = all.iter().map(|p| format!("{}.{}", p.workflow, p.binding)).collect();
    let expected: Vec<String> = (0..3).flat_map(|w| (0..100).map(move |i| format!("w{w}.n{i}"))).collect();
    assert_eq!(order, expected);
}

#[test]
fn the_first_error_stops_a_build_on_every_core() {
    let workspace = large_workspace(3);
    let mut emitted = Vec::new();
    let result = compile::build_each(
        &workspace.db,
        &BuildOptions::default(),
        |pod| {
            if pod.binding == "n57" && pod.workflow == "w1" {
                Err(compile::BuildError::UnknownInput { name: "x".into() })
            } else {
                Ok(pod.binding)
            }
        },
        |binding| {
            emitted.push(binding);
            Ok::<(), compile::BuildError>(())
        },
    );
    assert!(result.is_err());
    // Everything before the failing pod, in order, and nothing after it.
    assert_eq!(emitted.len(), 157);
    assert_eq!(emitted.last().map(String::as_str), Some("n56"));
}

#[test]
fn a_slow_pod_does_not_let_the_other_threads_pile_up_pods() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workspace = large_workspace(20);
    let (rendered, emitted, most) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    let result = compile::build_each(
        &workspace.db,
        &BuildOptions::default(),
        |pod| {
            // The first pod holds its thread up while the others could run ahead.
            if pod.workflow == "w0" && pod.binding == "n0" {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            let waiting = rendered.fetch_add(1, Ordering::SeqCst) + 1 - emitted.load(Ordering::SeqCst);
            most.fetch_max(waiting, Ordering::SeqCst);
            Ok::<(), compile::BuildError>(())
        },
        |()| {
            emitted.fetch_add(1, Ordering::SeqCst);
            Ok(())
        },
    );
    assert!(result.is_ok());
    assert_eq!(emitted.load(Ordering::SeqCst), 2000);
    // Each thread at most two chunks of 64 ahead of the writer, besides the chunk it is on.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let bound = 3 * threads * 64;
    let most = most.load(Ordering::SeqCst);
    assert!(most <= bound, "{most} pods were rendered and waiting, more than {bound}");
}

//! `skiff build --target argo` (docs/argo.md) end to end, on every example workspace, on
//! `tests/argo/features` (every feature in one workflow) and on the real-world pods of
//! `tests/fidelity`:
//! - the pod Argo's controller makes of each node's template (template fields, then its
//!   `podSpecPatch` through skiff's strategic-merge engine, parameters substituted as Argo
//!   does) is the node's `--target pods` Pod, but for the main container's name and the inputs
//!   only known at run time;
//! - every `{{...}}` names something declared where it is used;
//! - the DAG's dependencies are the data edges (the Pods' `skiff.dev/depends-on`);
//! - the same bytes twice, and the feature workflow's output as reviewed
//!   (`tests/argo/features.argo.yaml`; after a deliberate change, review the diff and write it
//!   with `SKIFF_BLESS=1 cargo nextest run -p skiff-cli --test argo`).
//!
//! The schema of Argo's objects is checked by `tests/argo/check_argo.py` (the manifests stage).

mod common;

use std::collections::BTreeMap;

use common::{repo, skiff, stderr, stdout};
use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use serde_json::Value;
use skiff_k8s::argo::{MAIN_CONTAINER, Metadata, Template, Workflow, pod_from_template};

const WORKSPACES: &[&str] =
    &["examples/seed", "examples/pipeline", "tests/argo/features", "tests/fidelity/coredns", "tests/fidelity/features"];

fn build(args: &[&str]) -> String {
    let output = skiff(args, &repo());
    assert_eq!(output.status.code(), Some(0), "skiff {args:?}: {}", stderr(&output));
    stdout(&output)
}

fn items(args: &[&str]) -> Vec<Value> {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let list: Value = serde_json::from_str(&build(&all)).expect("one JSON document");
    list["items"].as_array().expect("items").clone()
}

fn workflows(workspace: &str) -> Vec<Workflow> {
    items(&["build", "--target", "argo", workspace])
        .into_iter()
        .map(|item| serde_json::from_value(item).expect("an Argo workflow skiff can read back"))
        .collect()
}

fn pods(workspace: &str) -> Vec<Pod> {
    items(&["build", workspace]).into_iter().map(|item| serde_json::from_value(item).expect("a Pod")).collect()
}

/// `{{NAME}}` replaced by `values[NAME]` wherever it is in `text`.
fn substitute(text: &str, values: &BTreeMap<String, String>) -> String {
    values.iter().fold(text.to_owned(), |text, (name, value)| text.replace(&format!("{{{{{name}}}}}"), value))
}

/// Every `{{...}}` of every string of `value`, trimmed.
fn tags(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            let mut rest = text.as_str();
            while let Some(open) = rest.find("{{") {
                let Some(close) = rest[open..].find("}}") else { break };
                out.push(rest[open + 2..open + close].trim().to_owned());
                rest = &rest[open + close + 2..];
            }
        }
        Value::Array(items) => items.iter().for_each(|i| tags(i, out)),
        Value::Object(map) => map.values().for_each(|v| tags(v, out)),
        _ => {}
    }
}

fn template<'a>(workflow: &'a Workflow, name: &str) -> &'a Template {
    workflow.spec.templates.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no template `{name}`"))
}

/// The pod a node's Pod should be under Argo: the main container first and named `main`,
/// skiff's run-time bookkeeping (which Argo's DAG carries) left out.
fn expected_pod(pod: &Pod, sidecars: &[Container]) -> (PodSpec, Metadata) {
    let mut spec = pod.spec.clone().expect("spec");
    let primary_at = spec.containers.iter().position(|c| !sidecars.iter().any(|s| s.name == c.name)).expect("primary");
    let mut primary = spec.containers.remove(primary_at);
    primary.name = MAIN_CONTAINER.to_owned();
    spec.containers.insert(0, primary);
    let mut labels = pod.metadata.labels.clone().unwrap_or_default();
    labels.remove("skiff.dev/node");
    let mut annotations = pod.metadata.annotations.clone().unwrap_or_default();
    annotations.remove("skiff.dev/depends-on");
    annotations.remove("skiff.dev/runtime-inputs");
    (spec, Metadata { annotations, labels })
}

/// The parameters of a node's Pod that are known only when the workflow runs.
fn runtime_params(pod: &Pod) -> Vec<String> {
    let annotations = pod.metadata.annotations.clone().unwrap_or_default();
    let Some(list) = annotations.get("skiff.dev/runtime-inputs") else { return Vec::new() };
    list.split(',').map(|entry| entry.split_once('=').expect("param=source").0.to_owned()).collect()
}

#[test]
fn argo_runs_each_node_in_the_pod_the_node_compiles_to() {
    let mut nodes = 0;
    for workspace in WORKSPACES {
        let pods = pods(workspace);
        for workflow in workflows(workspace) {
            let dag_template = template(&workflow, &workflow.spec.entrypoint);
            let dag = dag_template.dag.as_ref().expect("the entrypoint is a DAG");
            // What the workflow's arguments give the DAG's inputs.
            let mut workflow_values = BTreeMap::new();
            for parameter in workflow.spec.arguments.iter().flat_map(|a| &a.parameters) {
                if let Some(value) = &parameter.value {
                    workflow_values.insert(format!("inputs.parameters.{}", parameter.name), value.clone());
                }
            }
            for task in &dag.tasks {
                let node_template = template(&workflow, &task.template);
                let workflow_label = workflow.metadata.labels.as_ref().unwrap()["skiff.dev/workflow"].clone();
                let pod = pods
                    .iter()
                    .find(|pod| {
                        let labels = pod.metadata.labels.as_ref().unwrap();
                        labels["skiff.dev/workflow"] == workflow_label
                            && skiff_k8s::names::sanitize_dns1123(&labels["skiff.dev/node"]) == task.name
                    })
                    .unwrap_or_else(|| panic!("{workspace}: no Pod for node {}", task.name));

                // Argo's substitution: the task's arguments into the template's inputs.
                let mut values = BTreeMap::new();
                for parameter in task.arguments.iter().flat_map(|a| &a.parameters) {
                    let value = substitute(parameter.value.as_deref().unwrap_or(""), &workflow_values);
                    values.insert(format!("inputs.parameters.{}", parameter.name), value);
                }
                let text = serde_json::to_string(node_template).unwrap();
                let text = substitute(&text, &values.iter().map(|(k, v)| (k.clone(), json_escaped(v))).collect());
                let substituted: Template = serde_json::from_str(&text).unwrap();
                let metadata = substituted.metadata.clone().unwrap_or_default();
                let (mut spec, metadata) = pod_from_template(&substituted.pod, &metadata).expect("the pod Argo makes");

                // What only the run knows is left out of the comparison.
                let runtime = runtime_params(pod);
                for container in spec.containers.iter_mut().chain(spec.init_containers.iter_mut().flatten()) {
                    if let Some(env) = &mut container.env {
                        env.retain(|var| {
                            !runtime.iter().any(|p| var.name == format!("SKIFF_INPUT_{}", p.to_ascii_uppercase()))
                        });
                    }
                    if container.env.as_ref().is_some_and(Vec::is_empty) {
                        container.env = None;
                    }
                }
                let (expected_spec, expected_metadata) = expected_pod(pod, &substituted.pod.sidecars);
                assert_eq!(
                    serde_json::to_value(&spec).unwrap(),
                    serde_json::to_value(&expected_spec).unwrap(),
                    "{workspace}: node {} runs another pod under Argo",
                    task.name
                );
                assert_eq!(metadata, expected_metadata, "{workspace}: node {}", task.name);

                // The DAG's edges are the data edges.
                let annotations = pod.metadata.annotations.clone().unwrap_or_default();
                let depends_on: Vec<String> = annotations
                    .get("skiff.dev/depends-on")
                    .map(|list| list.split(',').map(skiff_k8s::names::sanitize_dns1123).collect())
                    .unwrap_or_default();
                assert_eq!(task.dependencies, depends_on, "{workspace}: node {}", task.name);
                nodes += 1;
            }
        }
    }
    assert_eq!(nodes, 2 + 5 + 7 + 2 + 2, "every node of the workspaces is compared");
}

/// A value as it sits inside a JSON string.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

#[test]
fn every_variable_names_something_declared_where_it_is_used() {
    let mut seen = 0;
    for workspace in WORKSPACES {
        for workflow in workflows(workspace) {
            for template in &workflow.spec.templates {
                let inputs = template.inputs.clone().unwrap_or_default();
                let declared_parameter = |name: &str| inputs.parameters.iter().any(|p| p.name == name);
                let declared_artifact = |name: &str| inputs.artifacts.iter().any(|a| a.name == name);
                let tasks = template.dag.as_ref().map(|d| d.tasks.as_slice()).unwrap_or_default();
                let output_of = |task: &str, kind: &str, name: &str| {
                    let Some(task) = tasks.iter().find(|t| t.name == task) else { return false };
                    let outputs = crate::template(&workflow, &task.template).outputs.clone().unwrap_or_default();
                    match kind {
                        "parameters" => outputs.parameters.iter().any(|p| p.name == name),
                        _ => outputs.artifacts.iter().any(|a| a.name == name),
                    }
                };
                let mut found = Vec::new();
                tags(&serde_json::to_value(template).unwrap(), &mut found);
                for tag in found {
                    let parts: Vec<&str> = tag.split('.').collect();
                    let ok = match parts.as_slice() {
                        ["inputs", "parameters", name] => declared_parameter(name),
                        ["inputs", "artifacts", name] => declared_artifact(name),
                        ["tasks", task, "outputs", kind, name] => output_of(task, kind, name),
                        _ => false,
                    };
                    assert!(ok, "{workspace}: template {} uses `{{{{{tag}}}}}`, which is not declared", template.name);
                    seen += 1;
                }
                // A task reads only the outputs of tasks it depends on.
                for task in tasks {
                    let mut used = Vec::new();
                    tags(&serde_json::to_value(&task.arguments).unwrap(), &mut used);
                    for tag in used.iter().filter_map(|t| t.strip_prefix("tasks.")) {
                        let source = tag.split('.').next().unwrap();
                        assert!(
                            task.dependencies.iter().any(|d| d == source),
                            "{workspace}: {} reads {source}",
                            task.name
                        );
                    }
                }
            }
        }
    }
    assert!(seen > 30, "only {seen} variables");
}

#[test]
fn the_feature_workflow_is_the_reviewed_output_and_builds_the_same_twice() {
    let args = ["build", "--target", "argo", "tests/argo/features"];
    let text = build(&args);
    assert_eq!(text, build(&args), "two builds differ");
    let path = repo().join("tests/argo/features.argo.yaml");
    if std::env::var_os("SKIFF_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let reviewed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        text == reviewed,
        "the Argo output of tests/argo/features changed; review `skiff build --target argo tests/argo/features` \
         and write it with SKIFF_BLESS=1 cargo nextest run -p skiff-cli --test argo"
    );
    for workspace in WORKSPACES {
        let args = ["build", "--target", "argo", workspace];
        assert_eq!(build(&args), build(&args), "{workspace}: two builds differ");
    }
}

#[test]
fn text_argo_would_read_as_its_own_is_refused_and_other_braces_pass() {
    let dir = common::scratch(
        "argo-braces",
        &[(
            "w.skiff",
            br#"
pod_template helm {
  metadata { annotations { "example.com/template": "{{ .Values.image }}", "example.com/bad": "{{workflow.name}}" } }
}
task t() {
  image: "x:1"
  pod_template: helm
}
workflow w() {
  let a = t()
}
"#,
        )],
    );
    let output = skiff(&["build", "--target", "argo", "."], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(error.contains("w.a: `metadata.annotations.example.com/bad` holds \"{{workflow.name}}\""), "{error}");
    assert!(error.contains("names an Argo variable"), "{error}");

    std::fs::write(
        dir.join("w.skiff"),
        std::fs::read_to_string(dir.join("w.skiff"))
            .unwrap()
            .replace(", \"example.com/bad\": \"{{workflow.name}}\"", ""),
    )
    .unwrap();
    let output = skiff(&["build", "--target", "argo", "--format", "json", "."], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let annotations = &list["items"][0]["spec"]["templates"][1]["metadata"]["annotations"];
    assert_eq!(annotations["example.com/template"], "{{ .Values.image }}", "{list}");
}

#[test]
fn workflow_kind_inputs_and_requests_that_cannot_be_built() {
    let dir = common::scratch(
        "argo-kinds",
        &[
            ("skiff.toml", b"[argo]\nkind = \"Workflow\"\n"),
            (
                "w.skiff",
                br#"
task read(data: File, n: int) -> int {
  image: "x:1"
  args: ["{{inputs.data}}", "{{inputs.n}}", "{{outputs.path}}"]
}
workflow my_flow(data: File, n: int) -> int {
  let a = read(data: data, n: n)
  return a
}
"#,
            ),
        ],
    );
    let argo = |extra: &[&str]| {
        let mut args = vec!["build", "--target", "argo", "--format", "json", "."];
        args.extend_from_slice(extra);
        skiff(&args, &dir)
    };
    let output = argo(&["--input", "data=https://example.com/d.csv", "--input", "n=3"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let workflow = &list["items"][0];
    assert_eq!(workflow["kind"], "Workflow");
    assert_eq!(workflow["metadata"]["generateName"], "my-flow-");
    assert_eq!(workflow["spec"]["arguments"]["artifacts"][0]["http"]["url"], "https://example.com/d.csv");
    assert_eq!(workflow["spec"]["arguments"]["parameters"][0]["value"], "3");
    let dag = &workflow["spec"]["templates"][0];
    assert_eq!(dag["outputs"]["parameters"][0]["valueFrom"]["parameter"], "{{tasks.a.outputs.parameters.output}}");
    let node = &workflow["spec"]["templates"][1];
    assert_eq!(node["outputs"]["parameters"][0]["valueFrom"]["path"], "/tmp/skiff/outputs/output");
    assert_eq!(
        node["container"]["args"],
        serde_json::json!(["$(SKIFF_INPUT_DATA)", "$(SKIFF_INPUT_N)", "/tmp/skiff/outputs/output"])
    );

    // A file Argo cannot fetch from a plain string.
    let output = argo(&["--input", "data=/local/file.csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`--input data=...`: a file is given as an `http://` or `https://` URL"),
        "{}",
        stderr(&output)
    );
    // Requests as for Pods.
    let output = argo(&["--workflow", "nope"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = argo(&["--input", "nope=1"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    // One file per workflow.
    let out = dir.join("out");
    let output = skiff(&["build", "--target", "argo", ".", "-o", out.to_str().unwrap()], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(out.join("my-flow.yaml").is_file());
}

#[test]
fn pod_templates_are_flyte_pod_templates() {
    let list = items(&["build", "--target", "podtemplates", "examples/pipeline"]);
    let names: Vec<&str> = list.iter().map(|t| t["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["platform", "batch", "gpu", "gpu-spot", "with-logs"]);
    for template in &list {
        assert_eq!((template["apiVersion"].as_str(), template["kind"].as_str()), (Some("v1"), Some("PodTemplate")));
        assert!(!template["template"]["spec"]["containers"].as_array().unwrap().is_empty(), "{template}");
    }
    // The `extends` chain merged: gpu_spot keeps the platform's account, and its own changes.
    let spot = &list[3]["template"];
    assert_eq!(spot["spec"]["serviceAccountName"], "pipelines");
    assert_eq!(spot["spec"]["priorityClassName"], "preemptible");
    assert_eq!(spot["spec"]["nodeSelector"]["pool"], "gpu");
    assert!(spot["spec"].get("volumes").is_none(), "{spot}");
}

//! End-to-end tests of `skiff build` and `skiff explain` (docs/cli.md): the seed example as
//! the brief describes it, the output forms, inputs, names, and the errors a user can make.

mod common;

use common::{repo, scratch, skiff, stderr, stdout};
use k8s_openapi::api::core::v1::Pod;
use serde_json::{Value, json};

fn build_json(args: &[&str], dir: &std::path::Path) -> Vec<Value> {
    let mut all = vec!["build", "--format", "json"];
    all.extend_from_slice(args);
    let output = skiff(&all, dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list: Value = serde_json::from_str(&stdout(&output)).expect("one JSON document");
    assert_eq!((&list["apiVersion"], &list["kind"]), (&json!("v1"), &json!("List")));
    list["items"].as_array().expect("items").clone()
}

#[test]
fn the_seed_compiles_to_the_two_pods_of_the_brief() {
    let items = build_json(&["examples/seed"], &repo());
    assert_eq!(items.len(), 2);
    let pods: Vec<Pod> = items.iter().map(|i| serde_json::from_value(i.clone()).expect("a Pod")).collect();
    for (pod, node) in pods.iter().zip(["m1", "m2"]) {
        assert_eq!(pod.metadata.name.as_deref(), Some(format!("my-workflow-{node}").as_str()));
        let labels = pod.metadata.labels.as_ref().expect("labels");
        assert_eq!(labels["skiff.dev/workflow"], "my_workflow");
        assert_eq!(labels["skiff.dev/node"], node);
        assert_eq!(labels["skiff.dev/task"], "train_model");
        let spec = pod.spec.as_ref().expect("spec");
        assert_eq!(spec.restart_policy.as_deref(), Some("Never"));
        let container = &spec.containers[0];
        assert_eq!(container.image.as_deref(), Some("ghcr.io/acme/train:1.4"));
        let command = container.command.as_ref().expect("command");
        assert_eq!(
            command,
            &["python", "-m", "train", "--epochs", "$(SKIFF_INPUT_EPOCHS)", "--out", "/tmp/skiff/outputs/output"]
        );
        let env = container.env.as_ref().expect("env");
        assert_eq!((env[0].name.as_str(), env[0].value.as_deref()), ("SKIFF_INPUT_EPOCHS", Some("10")));
    }
    let (m1, m2) = (&items[0]["spec"], &items[1]["spec"]);
    assert_eq!(m1["nodeSelector"], json!({"gpu-type": "nvidia-tesla-v100"}));
    assert_eq!(
        m1["tolerations"],
        json!([{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}])
    );
    assert_eq!(m2["nodeSelector"], json!({"gpu-type": "nvidia-a100"}));
    assert_eq!(
        m2["tolerations"],
        json!([{"key": "gpu", "operator": "Equal", "value": "preemptible", "effect": "NoSchedule"}])
    );
    assert_eq!(m2["containers"][0]["resources"]["limits"], json!({"memory": "32Gi", "nvidia.com/gpu": "1"}));
    assert_eq!(m1["containers"][0]["resources"]["limits"], json!({"nvidia.com/gpu": "1"}));
    // The workflow's inputs exist only at run time: the engine is told.
    assert_eq!(items[0]["metadata"]["annotations"]["skiff.dev/runtime-inputs"], json!("data=inputs.data1"));
}

#[test]
fn explain_shows_where_each_value_of_m2_came_from() {
    let output = skiff(&["explain", "my_workflow.m2", "examples/seed", "--color", "never"], &repo());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = "\
# my_workflow.m2: task train_model
spec:
  restartPolicy: Never                   # base
  containers:
  - name: primary                        # base
    image: ghcr.io/acme/train:1.4        # task train_model (examples/seed/train.skiff:6)
    command:                             # task train_model (examples/seed/train.skiff:7)
    - python
    - -m
    - train
    - --epochs
    - \"{{inputs.epochs}}\"
    - --out
    - \"{{outputs.path}}\"
    resources:
      requests: {cpu: \"2\", memory: 8Gi}  # task train_model (examples/seed/train.skiff:8)
      limits:
        nvidia.com/gpu: \"1\"              # task train_model (examples/seed/train.skiff:8)
        memory: 32Gi                     # override resources (examples/seed/train.skiff:19)
  nodeSelector: {gpu-type: nvidia-a100}  # override pod_template (examples/seed/train.skiff:16)
  tolerations:                           # override pod_template (examples/seed/train.skiff:17)
  - {key: gpu, operator: Equal, value: preemptible, effect: NoSchedule}
# changed by the overrides, against the task's own pod:
#   `containers[primary].resources.limits.memory`: added `32Gi`
#   `nodeSelector.gpu-type`: `nvidia-tesla-v100` → `nvidia-a100`
#   `tolerations[0].value`: `\"true\"` → `preemptible`
";
    assert_eq!(stdout(&output), expected);
    // m1 keeps the task's template, and says so.
    let output = skiff(&["explain", "my_workflow.m1", "examples/seed", "--color", "never"], &repo());
    let text = stdout(&output);
    let line = text.lines().find(|l| l.contains("nodeSelector:")).expect("a nodeSelector line");
    assert!(line.starts_with("  nodeSelector: {gpu-type: nvidia-tesla-v100}"), "{text}");
    assert!(line.ends_with("# template v100 (examples/seed/lib/gpu.skiff:4)"), "{text}");
    // On a terminal (forced here) the notes are colored.
    let output = skiff(&["explain", "my_workflow.m2", "examples/seed", "--color", "always"], &repo());
    assert!(stdout(&output).contains("\x1b[36moverride resources\x1b[0m"), "{}", stdout(&output));
}

#[test]
fn explain_names_what_does_not_exist() {
    let output = skiff(&["explain", "my_workflow.m3", "examples/seed"], &repo());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("has no binding `m3`; did you mean `m1`?"), "{}", stderr(&output));
    let output = skiff(&["explain", "my_workfow.m2", "examples/seed"], &repo());
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `my_workflow`?"), "{}", stderr(&output));
    let output = skiff(&["explain", "m2", "examples/seed"], &repo());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn builds_are_byte_for_byte_deterministic_and_yaml_is_the_json() {
    let first = skiff(&["build", "examples"], &repo());
    let second = skiff(&["build", "examples"], &repo());
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
    let documents: Vec<&str> = std::str::from_utf8(&first.stdout).unwrap().split("\n---\n").collect();
    let items = build_json(&["examples"], &repo());
    assert_eq!(documents.len(), items.len());
    for (document, item) in documents.iter().zip(&items) {
        let read = skiff_k8s::yaml::read_yaml(document).expect("YAML").to_json();
        assert_eq!(&read, item);
    }
}

/// The JSON `List` is streamed Pod by Pod; its text is still exactly the whole `List` printed by
/// serde_json at once, with Pods and without.
#[test]
fn the_streamed_json_list_is_the_list_pretty_printed() {
    let empty = scratch("json-list-empty", &[("main.skiff", b"// no workflow\n")]);
    for (args, dir) in
        [(["build", "--format", "json", "examples"], repo()), (["build", "--format", "json", "."], empty)]
    {
        let output = skiff(&args, &dir);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = stdout(&output);
        let list: Value = serde_json::from_str(&text).expect("one JSON document");
        assert_eq!(text, serde_json::to_string_pretty(&list).unwrap() + "\n");
    }
}

#[test]
fn output_dir_gets_one_file_per_pod() {
    let out = scratch("build-out", &[]);
    let output = skiff(&["build", "examples/seed", "-o", out.to_str().unwrap()], &repo());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    let mut names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["my-workflow-m1.yaml", "my-workflow-m2.yaml"]);
    let m2 = std::fs::read_to_string(out.join("my-workflow-m2.yaml")).unwrap();
    assert!(m2.contains("gpu-type: nvidia-a100"), "{m2}");
}

const INPUTS: &str = r#"
task echo(word: str, times: int = 2, data: File) {
  image: "busybox:1.36"
  command: ["sh", "-c", "echo {{inputs.word}} x{{inputs.times}}"]
  env { DATA: "{{inputs.data}}" }
}

workflow greet(word: str, data: File) {
  let first = echo(word: word, data: data)
  let second = echo(word: "literal", times: 3, data: data)
}
"#;

#[test]
fn inputs_known_now_become_env_and_the_others_are_announced() {
    let dir = scratch("build-inputs", &[("main.skiff", INPUTS.as_bytes())]);
    let items = build_json(&["--input", "word=hello"], &dir);
    let env = &items[0]["spec"]["containers"][0]["env"];
    assert_eq!(
        env,
        &json!([
            {"name": "SKIFF_INPUT_WORD", "value": "hello"},
            {"name": "SKIFF_INPUT_TIMES", "value": "2"},
            {"name": "DATA", "value": "$(SKIFF_INPUT_DATA)"}
        ])
    );
    assert_eq!(
        items[0]["spec"]["containers"][0]["command"][2],
        json!("echo $(SKIFF_INPUT_WORD) x$(SKIFF_INPUT_TIMES)")
    );
    assert_eq!(items[0]["metadata"]["annotations"]["skiff.dev/runtime-inputs"], json!("data=inputs.data"));
    assert_eq!(items[1]["spec"]["containers"][0]["env"][0], json!({"name": "SKIFF_INPUT_WORD", "value": "literal"}));
    // Without `--input`, `word` is a run-time input too.
    let items = build_json(&[], &dir);
    assert_eq!(
        items[0]["metadata"]["annotations"]["skiff.dev/runtime-inputs"],
        json!("word=inputs.word,data=inputs.data")
    );

    let output = skiff(&["build", "--input", "wrod=x"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no workflow being built has a parameter `wrod`"), "{}", stderr(&output));
    let output = skiff(&["build", "--input", "novalue"], &dir);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn dependencies_names_namespaces_and_workflow_selection() {
    let text = r#"
task step(input: File) -> File {
  image: "step:1"
}

workflow a_very_long_workflow_name_that_goes_on_and_on_and_on(input: File) -> File {
  let first_step_with_a_long_name = step(input: input)
  let second = step(input: first_step_with_a_long_name)
  return second
}

workflow my_wf(input: File) {
  let a_b = step(input: input)
}

workflow my_wf_a(input: File) {
  let b = step(input: input)
}
"#;
    let dir =
        scratch("build-names", &[("main.skiff", text.as_bytes()), ("skiff.toml", b"[defaults]\nnamespace = \"ml\"\n")]);
    let items = build_json(&[], &dir);
    let names: Vec<&str> = items.iter().map(|i| i["metadata"]["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4);
    assert!(names.iter().all(|n| n.len() <= 63), "{names:?}");
    assert!(names[0].starts_with("a-very-long-workflow-name") && names[0].len() == 63, "{names:?}");
    assert_eq!(names[1], "a-very-long-workflow-name-that-goes-on-and-on-and-on-second");
    assert!(
        names[2].starts_with("my-wf-a-b-") && names[3].starts_with("my-wf-a-b-") && names[2] != names[3],
        "{names:?}"
    );
    assert!(items.iter().all(|i| i["metadata"]["namespace"] == json!("ml")));
    assert_eq!(items[1]["metadata"]["annotations"]["skiff.dev/depends-on"], json!("first_step_with_a_long_name"));

    let items = build_json(&["--workflow", "my_wf", "--namespace", "batch"], &dir);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["metadata"]["namespace"], json!("batch"));
    let output = skiff(&["build", "--workflow", "my_wff"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `my_wf`?"), "{}", stderr(&output));
}

#[test]
fn sources_with_errors_build_nothing() {
    let text = "task t() {\n  image: \"x\"\n  pod_template { containers[\"helper\"] { args: [\"-v\"] } }\n}\n\nworkflow w() {\n  let a = t()\n}\n";
    let dir = scratch("build-errors", &[("main.skiff", text.as_bytes())]);
    let output = skiff(&["build"], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let err = stderr(&output);
    assert!(err.contains("unmatched-container") && err.contains("nothing was built"), "{err}");
}

//! End-to-end tests of `skiff patch`: documents in YAML and JSON, directives, the shape of the
//! output, exit codes and messages, and YAML output that YAML 1.1 readers read back unchanged.

mod common;

use common::{scratch, skiff_with_stdin as skiff, stderr, stdout};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn json_out(output: &Output) -> Value {
    assert_eq!(output.status.code(), Some(0), "{}", stderr(output));
    serde_json::from_str(&stdout(output)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

const POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: train
spec:
  restartPolicy: Never
  nodeSelector: {gpu-type: nvidia-tesla-v100}
  tolerations:
  - {key: gpu, operator: Equal, value: "true", effect: NoSchedule}
  containers:
  - name: primary
    image: ghcr.io/acme/train:1.4
    resources:
      requests: {cpu: "2", memory: 8Gi}
      limits: {nvidia.com/gpu: "1"}
  - name: sidecar
    image: envoy:1.30
"#;

const OVERRIDE: &str = r#"spec:
  nodeSelector: {gpu-type: nvidia-a100}
  tolerations: [{key: gpu, operator: Equal, value: preemptible, effect: NoSchedule}]
  containers:
  - name: primary
    resources: {limits: {memory: 32Gi}}
  - {name: sidecar, $patch: delete}
"#;

#[test]
fn a_yaml_pod_and_a_yaml_patch_give_the_merged_pod_in_yaml() {
    let dir = scratch("yaml", &[("pod.yaml", POD.as_bytes()), ("override.yaml", OVERRIDE.as_bytes())]);
    let output = skiff(&["patch", "pod.yaml", "override.yaml"], &dir, None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = r#"apiVersion: v1
kind: Pod
metadata:
  name: train
spec:
  restartPolicy: Never
  nodeSelector:
    gpu-type: nvidia-a100
  tolerations:
  - key: gpu
    operator: Equal
    value: preemptible
    effect: NoSchedule
  containers:
  - name: primary
    image: ghcr.io/acme/train:1.4
    resources:
      requests:
        cpu: "2"
        memory: 8Gi
      limits:
        nvidia.com/gpu: "1"
        memory: 32Gi
"#;
    assert_eq!(stdout(&output), expected);
}

#[test]
fn a_json_pod_template_with_directives_prints_json_in_the_same_shape() {
    let template = json!({
        "apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "platform"},
        "template": {
            "metadata": {"labels": {"team": "ml", "tier": "gpu"}},
            "spec": {"volumes": [{"name": "data", "emptyDir": {}}],
                     "containers": [{"name": "a", "image": "a"}, {"name": "b", "image": "b"}, {"name": "c", "image": "c"}]}
        }
    });
    let patch = json!({"template": {
        "metadata": {"labels": {"$retainKeys": ["team"], "team": "infra"}},
        "spec": {
            "$setElementOrder/containers": [{"name": "c"}, {"name": "x"}, {"name": "a"}],
            "containers": [{"name": "x", "image": "x"}],
            "volumes": [{"name": "data", "configMap": {"name": "cm"}, "$retainKeys": ["name", "configMap"]}]
        }
    }});
    let dir = scratch(
        "json",
        &[("template.json", template.to_string().as_bytes()), ("patch.json", patch.to_string().as_bytes())],
    );
    let result = json_out(&skiff(&["patch", "--format", "json", "template.json", "patch.json"], &dir, None));
    assert_eq!(
        result,
        json!({
            "apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "platform"},
            "template": {
                "metadata": {"labels": {"team": "infra"}},
                "spec": {"volumes": [{"name": "data", "configMap": {"name": "cm"}}],
                         "containers": [{"name": "b", "image": "b"}, {"name": "c", "image": "c"}, {"name": "x", "image": "x"}, {"name": "a", "image": "a"}]}
            }
        })
    );
}

#[test]
fn patches_apply_in_order_to_a_bare_template_spec() {
    let base = "metadata:\n  labels: {a: '1'}\nspec:\n  containers: [{name: app, image: 'app:1'}]\n  hostname: ~\n";
    let first = "spec:\n  containers: [{name: app, image: 'app:2', args: [--x]}]\n  hostNetwork: true\n";
    let second = r#"{"metadata": {"labels": {"a": null, "b": "2"}}, "spec": {"hostNetwork": false, "containers": [{"name": "app", "args": null}]}}"#;
    let dir = scratch(
        "order",
        &[("base.yaml", base.as_bytes()), ("first.yml", first.as_bytes()), ("second.json", second.as_bytes())],
    );
    let result = json_out(&skiff(&["patch", "base.yaml", "first.yml", "second.json", "--format", "json"], &dir, None));
    assert_eq!(
        result,
        json!({"metadata": {"labels": {"b": "2"}}, "spec": {"containers": [{"name": "app", "image": "app:2"}], "hostNetwork": false}}),
        "the base's `hostname: ~` is dropped: nulls never reach the output"
    );
    // Swapped, the first patch wins where they overlap.
    let result = json_out(&skiff(&["patch", "base.yaml", "second.json", "first.yml", "--format", "json"], &dir, None));
    assert_eq!(result["spec"]["hostNetwork"], json!(true));
    assert_eq!(result["spec"]["containers"], json!([{"name": "app", "image": "app:2", "args": ["--x"]}]));
}

#[test]
fn the_base_can_come_from_stdin() {
    let dir = scratch("stdin", &[("patch.yaml", b"spec: {nodeSelector: {zone: a}}\n")]);
    let output = skiff(&["patch", "-", "patch.yaml", "--format", "json"], &dir, Some(POD.as_bytes()));
    let result = json_out(&output);
    assert_eq!(result["spec"]["nodeSelector"], json!({"gpu-type": "nvidia-tesla-v100", "zone": "a"}));
    let twice = skiff(&["patch", "-", "-"], &dir, Some(POD.as_bytes()));
    assert_eq!(twice.status.code(), Some(2));
    assert!(stderr(&twice).contains("one file only"), "{}", stderr(&twice));
}

#[test]
fn a_patch_error_exits_1_naming_the_file_and_the_json_path() {
    let dir = scratch(
        "patch-error",
        &[
            ("pod.yaml", POD.as_bytes()),
            ("ok.yaml", b"spec: {hostname: h}\n"),
            ("bad.yaml", b"spec:\n  containers:\n  - name: primary\n  - image: nameless\n"),
            ("order.json", br#"{"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}], "containers": [{"name": "a"}, {"name": "b"}]}}"#),
            ("atomic.yaml", b"spec:\n  tolerations:\n  - {key: gpu, $patch: delete}\n"),
        ],
    );
    let output = skiff(&["patch", "pod.yaml", "ok.yaml", "bad.yaml"], &dir, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing printed on error");
    assert_eq!(
        stderr(&output).trim(),
        "error: bad.yaml: at $.spec.containers[1]: this element has no merge key `name`"
    );
    let output = skiff(&["patch", "pod.yaml", "order.json"], &dir, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains(r#"order.json: at $.spec["$setElementOrder/containers"]"#), "{}", stderr(&output));
    let output = skiff(&["patch", "pod.yaml", "atomic.yaml"], &dir, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("atomic.yaml: at $.spec.tolerations[0]: `$patch` inside `tolerations`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn inputs_that_cannot_be_patched_exit_1() {
    let dir = scratch(
        "input-errors",
        &[
            ("pod.yaml", POD.as_bytes()),
            ("syntax.yaml", b"spec:\n  containers: [a, b\n  x: y\n"),
            ("deployment.yaml", b"apiVersion: apps/v1\nkind: Deployment\nspec: {}\n"),
            ("kindless.yaml", b"apiVersion: v1\nspec: {}\n"),
            ("list.yaml", b"- spec: {}\n"),
            ("empty.yaml", b""),
            ("binary.yaml", b"spec: \xff\xfe\n"),
            ("two.yaml", b"spec: {}\n---\nspec: {}\n"),
            ("bad.json", b"{\"spec\": }"),
            ("twice.json", b"{\"spec\": {\"hostname\": \"a\",\n  \"hostname\": \"b\"}}"),
            ("twice-braced.yaml", b"{\"spec\": {\"hostname\": \"a\", \"hostname\": \"b\"}}"),
            ("twice.yaml", b"spec:\n  hostname: a\n  hostname: b\n"),
            ("deep.yaml", format!("spec: {}1{}\n", "[".repeat(70), "]".repeat(70)).as_bytes()),
            ("aliases.yaml", ALIAS_BOMB.as_bytes()),
            ("directive-base.yaml", b"kind: Pod\nspec:\n  containers:\n  - {name: a, image: a, $patch: replace}\n"),
            ("foo-base.json", br#"{"kind": "Pod", "metadata": {"$foo": 1}, "spec": {}}"#),
            ("unknown-top.yaml", b"spce: {hostname: h}\n"),
            (
                "unknown-deep.yaml",
                b"spec:\n  containers:\n  - name: primary\n    imagePullPolicyy: Always\n    envv: []\n",
            ),
        ],
    );
    let cases = [
        (vec!["pod.yaml", "syntax.yaml"], "syntax.yaml: illegal placement of ':' indicator at line 3, column 4"),
        (
            vec!["deployment.yaml", "pod.yaml"],
            "deployment.yaml: `skiff patch` works on a Pod, a PodTemplate or a bare `{metadata, spec}`; this is a Deployment",
        ),
        (
            vec!["kindless.yaml", "pod.yaml"],
            "kindless.yaml: a document without `kind` must be a bare `{metadata, spec}`; it has `apiVersion`",
        ),
        (vec!["pod.yaml", "list.yaml"], "list.yaml: expected an object, found a list"),
        (vec!["pod.yaml", "empty.yaml"], "empty.yaml: the file holds no document"),
        (vec!["pod.yaml", "binary.yaml"], "binary.yaml: not UTF-8 text (first bad byte at offset 6)"),
        (vec!["pod.yaml", "two.yaml"], "two.yaml: "),
        (vec!["pod.yaml", "bad.json"], "bad.json: expected value at line 1 column 10"),
        // Duplicate keys are refused in JSON as in YAML (kubectl's strict decoder), with the place.
        (vec!["pod.yaml", "twice.json"], "twice.json: duplicate key `hostname` at line 2 column 12"),
        (
            vec!["pod.yaml", "twice-braced.yaml"],
            "twice-braced.yaml: the key `hostname` is written twice in one mapping at line 1",
        ),
        (
            vec!["pod.yaml", "twice.yaml"],
            "twice.yaml: the key `hostname` is written twice in one mapping at line 3, column 3",
        ),
        (
            vec!["pod.yaml", "deep.yaml"],
            "deep.yaml: the document is too large or too complex to read: it nests deeper than 64 levels at line 1",
        ),
        (vec!["pod.yaml", "aliases.yaml"], "aliases.yaml: the document is too large or too complex to read"),
        // Directives belong in patches; in the document patched they would reach the output.
        (
            vec!["directive-base.yaml", "pod.yaml"],
            "directive-base.yaml: at $.spec.containers[0][\"$patch\"]: a patch directive in the document to patch",
        ),
        (
            vec!["foo-base.json", "pod.yaml"],
            "foo-base.json: at $.metadata[\"$foo\"]: a patch directive in the document to patch",
        ),
        // Strict field validation: an unknown field is refused, not merged into the Pod.
        (
            vec!["pod.yaml", "unknown-top.yaml"],
            "unknown-top.yaml: at $.spce: unknown field `spce` in a Pod (did you mean `spec`?)",
        ),
        (
            vec!["pod.yaml", "unknown-deep.yaml"],
            "unknown-deep.yaml: at $.spec.containers[0].imagePullPolicyy: unknown field `imagePullPolicyy` in Container (did you mean `imagePullPolicy`?) (and 1 more)",
        ),
    ];
    for (files, message) in cases {
        let mut args = vec!["patch"];
        args.extend(&files);
        let output = skiff(&args, &dir, None);
        assert_eq!(output.status.code(), Some(1), "{files:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(message), "{files:?}: expected {message:?} in {}", stderr(&output));
        assert!(output.stdout.is_empty());
        for internal in ["DuplicateKeyPolicy", "Options", "budget", "Depth {"] {
            assert!(!stderr(&output).contains(internal), "{files:?}: the reader's internals in {}", stderr(&output));
        }
    }
}

/// Aliases expanding to a billion nodes: the reader stops it, and says so in a user's words.
const ALIAS_BOMB: &str = "a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
";

#[test]
fn io_and_usage_errors_exit_2() {
    let dir = scratch("usage", &[("pod.yaml", POD.as_bytes())]);
    for args in [
        vec!["patch", "missing.yaml", "pod.yaml"],
        vec!["patch", "pod.yaml", "missing.yaml"],
        vec!["patch", "pod.yaml"],
        vec!["patch", "pod.yaml", "pod.yaml", "--format", "toml"],
    ] {
        let output = skiff(&args, &dir, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
    }
    let output = skiff(&["patch", "missing.yaml", "pod.yaml"], &dir, None);
    assert!(stderr(&output).contains("cannot read `missing.yaml`"), "{}", stderr(&output));
}

/// Strings that a YAML 1.1 reader (PyYAML, go-yaml v2, kubectl) takes for booleans, numbers,
/// nulls or dates unless they are quoted.
const TRICKY: &[&str] = &[
    "on",
    "off",
    "yes",
    "no",
    "y",
    "n",
    "Yes",
    "NO",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "0777",
    "0o17",
    "0x1F",
    "1e3",
    "1_000",
    "+1",
    "-1",
    ".5",
    "1.",
    ".inf",
    "-.Inf",
    ".NaN",
    "12:30",
    "2026-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "",
    " padded",
    "#comment",
    "- dash",
    "a: b",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick",
    "<<",
];

#[test]
fn yaml_output_keeps_yaml_1_1_look_alikes_quoted() {
    let labels: serde_json::Map<String, Value> =
        TRICKY.iter().enumerate().map(|(i, s)| (format!("k{i}"), json!(s))).collect();
    let base = json!({"metadata": {"annotations": labels}, "spec": {"containers": [{"name": "app", "args": TRICKY}]}});
    let dir = scratch("yaml11", &[("base.json", base.to_string().as_bytes()), ("empty.json", b"{}")]);
    let output = skiff(&["patch", "base.json", "empty.json"], &dir, None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let yaml = stdout(&output);
    // Every tricky value is written quoted.
    for (i, value) in TRICKY.iter().enumerate() {
        let line = yaml
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("k{i}:")))
            .unwrap_or_else(|| panic!("no k{i} in\n{yaml}"));
        let written = line.split_once(": ").map_or("", |(_, v)| v.trim());
        assert!(written.starts_with('"') || written.starts_with('\''), "{value:?} is written unquoted as {written:?}");
    }
    // And a YAML 1.1 reader gets the same strings back, where one is installed.
    let python = Command::new("python3").args(["-c", "import yaml"]).output();
    if python.is_ok_and(|o| o.status.success()) {
        let script = "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(sys.stdin.read())))";
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child.stdin.take().expect("stdin").write_all(yaml.as_bytes()).expect("write");
        let read = child.wait_with_output().expect("python3 finishes");
        assert!(read.status.success(), "PyYAML could not read:\n{yaml}");
        let back: Value = serde_json::from_slice(&read.stdout).expect("JSON from python");
        assert_eq!(back, base, "PyYAML reads the output differently");
    } else {
        eprintln!("note: python3 with PyYAML not found; checked the quoting only");
    }
}

#[test]
fn yaml_input_is_read_as_kubectl_reads_it() {
    // kubectl's YAML 1.1 reader takes `on` for true and `0777` for 511; so does skiff patch.
    let base = "metadata:\n  annotations: {a: on, b: 0777, c: '0777', d: 1e3}\nspec: {}\n";
    let dir = scratch("yaml-in", &[("base.yaml", base.as_bytes()), ("empty.yaml", b"{}\n")]);
    let result = json_out(&skiff(&["patch", "base.yaml", "empty.yaml", "--format", "json"], &dir, None));
    assert_eq!(result["metadata"]["annotations"], json!({"a": true, "b": 511, "c": "0777", "d": 1000.0}));
}

//! Real-world pods (issue 16): written in skiff and read from their YAML with `from`, they build
//! the same Pod, with every element of every list (`tests/fidelity/`: CoreDNS, and a pod with
//! most of what the Kubernetes documentation shows; the manifests stage validates them with
//! kubernetes-validate too).

mod common;

use common::{repo, scratch, skiff, stderr, stdout};
use serde_json::Value;

fn pods(dir: &std::path::Path) -> Vec<Value> {
    let output = skiff(&["build", "--format", "json", "."], dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let list: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    list["items"].as_array().expect("items").clone()
}

fn ports(pod: &Value) -> Vec<(i64, String)> {
    pod["spec"]["containers"][0]["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .map(|p| (p["containerPort"].as_i64().unwrap(), p["protocol"].as_str().unwrap_or("TCP").to_owned()))
        .collect()
}

/// Each workspace of `tests/fidelity/` builds a pod twice, written in skiff and read from its
/// YAML: the two Pods are the same but for the node's and task's names.
#[test]
fn every_fidelity_pod_is_the_same_written_in_skiff_or_read_from_yaml() {
    let mut compared = 0;
    for entry in std::fs::read_dir(repo().join("tests/fidelity")).unwrap() {
        let dir = entry.unwrap().path();
        let items = pods(&dir);
        assert_eq!(items.len(), 2, "{}", dir.display());
        assert_eq!(items[0]["spec"], items[1]["spec"], "{}: the skiff pod and the YAML pod differ", dir.display());
        let meta = |i: usize, part: &str| {
            let mut map = items[i]["metadata"][part].as_object().cloned().unwrap_or_default();
            map.retain(|key, _| !key.starts_with("skiff.dev/"));
            map
        };
        assert_eq!(meta(0, "labels"), meta(1, "labels"), "{}", dir.display());
        assert_eq!(meta(0, "annotations"), meta(1, "annotations"), "{}", dir.display());
        compared += 1;
    }
    assert!(compared >= 2, "only {compared} fidelity workspaces");
}

#[test]
fn coredns_written_in_skiff_and_read_from_yaml_is_one_pod_with_all_its_ports() {
    let items = pods(&repo().join("tests/fidelity/coredns"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["spec"], items[1]["spec"], "the skiff pod and the YAML pod differ");
    let expected = [(53, "UDP".to_owned()), (53, "TCP".to_owned()), (9153, "TCP".to_owned())];
    assert_eq!(ports(&items[0]), expected);
    assert_eq!(ports(&items[1]), expected);
}

#[test]
fn a_port_number_with_two_protocols_survives_every_operator() {
    let dir = scratch(
        "fidelity-ports",
        &[(
            "w.skiff",
            br#"
pod_template udp {
  containers["primary"] { ports += [{ containerPort: 53, protocol: "UDP" }] }
}
task dns() {
  image: "coredns:1"
  ports: [{ containerPort: 53, protocol: "TCP", name: "dns-tcp" }]
  pod_template: udp
}
task replaced() {
  image: "coredns:1"
  replace ports: [{ containerPort: 53, protocol: "UDP" }, { containerPort: 53 }]
}
workflow w() {
  let appended = dns()
  let replaced_ = replaced()
  let overridden = dns()
    override ports += [{ containerPort: 9153, name: "metrics" }]
}
"#,
        )],
    );
    let items = pods(&dir);
    assert_eq!(ports(&items[0]), [(53, "UDP".to_owned()), (53, "TCP".to_owned())]);
    assert_eq!(ports(&items[1]), [(53, "UDP".to_owned()), (53, "TCP".to_owned())]);
    assert_eq!(ports(&items[2]), [(53, "UDP".to_owned()), (53, "TCP".to_owned()), (9153, "TCP".to_owned())]);

    // The same port twice is still refused, where it is written.
    std::fs::write(
        dir.join("w.skiff"),
        "task t() {\n  image: \"x:1\"\n  ports: [{ containerPort: 53 }, { containerPort: 53, protocol: \"TCP\" }]\n}\n",
    )
    .unwrap();
    let output = skiff(&["check", "--message-format", "json", "."], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("\"code\":\"duplicate-merge-key\""), "{}", stdout(&output));
}

#[test]
fn a_swapped_template_takes_its_labels_with_it_and_explain_says_so() {
    let dir = scratch(
        "fidelity-swap",
        &[(
            "w.skiff",
            br#"
pod_template a {
  metadata { labels { team: "ml" } }
  nodeSelector { pool: "gpu" }
}
pod_template b {
  nodeSelector { pool: "cpu" }
}
task t() {
  image: "x:1"
  pod_template: a
}
workflow w() {
  let n = t()
    override replace pod_template: b
}
"#,
        )],
    );
    let items = pods(&dir);
    assert!(items[0]["metadata"]["labels"].get("team").is_none(), "{}", items[0]);
    let output = skiff(&["explain", "w.n", ".", "--color", "never"], &dir);
    let text = stdout(&output);
    assert!(text.contains("#   `metadata.labels.team`: removed `ml`"), "{text}");
    assert!(text.contains("#   `nodeSelector.pool`: `gpu` → `cpu`"), "{text}");
}

#[test]
fn braces_that_are_not_skiffs_reach_the_container_and_quoted_ones_are_text() {
    let dir = scratch(
        "fidelity-braces",
        &[(
            "w.skiff",
            br#"
task flyte_style(epochs: int) {
  image: "ghcr.io/acme/raw-container:1"
  args: ["--input", "{{.input}}", "--out", "{{.outputPrefix}}", "--epochs", "{{inputs.epochs}}"]
}
task literal() {
  image: "bitnami/kubectl:1.31"
  args: ["get", "pods", "-o", "go-template={{.metadata.name}}", "{{\"{{\"}}inputs.x}}"]
}
workflow w() {
  let a = flyte_style(epochs: 3)
  let b = literal()
}
"#,
        )],
    );
    let items = pods(&dir);
    let args = |i: usize| items[i]["spec"]["containers"][0]["args"].clone();
    assert_eq!(
        args(0),
        serde_json::json!(["--input", "{{.input}}", "--out", "{{.outputPrefix}}", "--epochs", "$(SKIFF_INPUT_EPOCHS)"])
    );
    assert_eq!(args(1), serde_json::json!(["get", "pods", "-o", "go-template={{.metadata.name}}", "{{inputs.x}}"]));
    // Argo passes unknown braces through; text it reads as its own variable is refused at build.
    let output = skiff(&["build", "--target", "argo", "--workflow", "w", "."], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    assert!(stderr(&output).contains("w.b: `container.args[4]` holds \"{{inputs.x}}\""), "{}", stderr(&output));
}

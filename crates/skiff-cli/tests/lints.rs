//! Policy lints through the binary, and the CI formats (`--message-format sarif` and `github`):
//! each lint at the line that wrote its value, in its own file; levels from `skiff.toml`; the
//! exit codes. (The SARIF log is also checked by Microsoft's validator in the `sarif` stage of
//! `cargo xtask test`.)

mod common;

use common::{scratch, skiff};
use serde_json::Value;
use std::path::PathBuf;

/// A `hostNetwork` written in a template, a privileged container set by one call's override,
/// a `hostPath` volume read from a YAML template: three lints in two files.
const MAIN: &str = r#"pod_template agent from "cluster/agent.yaml"

pod_template node_local {
  hostNetwork: true
}

task probe() {
  image: "ghcr.io/acme/probe:1.0"
  pod_template: node_local
}

task scan() {
  image: "ghcr.io/acme/scan:2.0"
  pod_template: agent
}

task train() {
  image: "ghcr.io/acme/train:1.4"
}

workflow nightly() {
  let a = probe()
  let b = train()
    override securityContext { privileged: true }
  let c = train()
  let d = scan()
}
"#;

const AGENT: &str = "spec:\n  volumes:\n  - name: root\n    hostPath:\n      path: /\n";

fn workspace(name: &str, config: Option<&str>) -> PathBuf {
    let mut files: Vec<(&str, &[u8])> = vec![("main.skiff", MAIN.as_bytes()), ("cluster/agent.yaml", AGENT.as_bytes())];
    if let Some(config) = config {
        files.push(("skiff.toml", config.as_bytes()));
    }
    scratch(name, &files)
}

/// (file, line, column, code) of every JSON diagnostic.
fn located(stdout: &[u8]) -> Vec<(String, u64, u64, String)> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).expect("JSON line"))
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_owned(),
                d["line"].as_u64().expect("line"),
                d["column"].as_u64().expect("column"),
                d["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

#[test]
fn each_lint_is_reported_at_the_line_that_wrote_its_value() {
    let dir = workspace("lints-located", None);
    let output = skiff(&["check", "--message-format", "json", "."], &dir);
    // Lints are warnings: the check passes.
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(
        located(&output.stdout),
        [
            ("main.skiff".to_owned(), 4, 16, "host-network".to_owned()),
            ("main.skiff".to_owned(), 24, 44, "privileged-container".to_owned()),
            ("cluster/agent.yaml".to_owned(), 5, 13, "host-path".to_owned()),
        ]
    );
}

#[test]
fn deny_in_skiff_toml_fails_the_check_and_the_build() {
    let dir = workspace("lints-deny", Some("[lints]\n\"host-path\" = \"deny\"\n\"host-network\" = \"allow\"\n"));
    let output = skiff(&["check", "--message-format", "json", "."], &dir);
    assert_eq!(output.status.code(), Some(1));
    let codes: Vec<String> = located(&output.stdout).into_iter().map(|d| d.3).collect();
    assert_eq!(codes, ["privileged-container", "host-path"]);
    let build = skiff(&["build", "."], &dir);
    assert_eq!(build.status.code(), Some(1));
    assert!(build.stdout.is_empty(), "nothing is built");
    // `--deny warnings` makes the remaining warning fail too; without the deny, it passes.
    let dir = workspace("lints-deny-warnings", Some("[lints]\n\"host-path\" = \"allow\"\n"));
    assert_eq!(skiff(&["check", "."], &dir).status.code(), Some(0));
    assert_eq!(skiff(&["check", "--deny", "warnings", "."], &dir).status.code(), Some(1));
}

#[test]
fn github_annotations_are_one_escaped_command_per_diagnostic() {
    let dir = workspace("lints-github", None);
    let output = skiff(&["check", "--message-format", "github", "."], &dir);
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with(
            "::warning file=main.skiff,line=4,col=16,endLine=4,endColumn=20,title=host-network::`hostNetwork: true` gives"
        ),
        "{}",
        lines[0]
    );
    // The help is on a second line of the message: escaped, so the command stays one line.
    assert!(lines[0].contains("%0Ahelp: "), "{}", lines[0]);
    assert!(lines[2].starts_with("::warning file=cluster/agent.yaml,line=5,col=13,"), "{}", lines[2]);
    // An error, and a message with a `%` and a `,` in a property (the file name).
    let dir = scratch(
        "lints-github-escapes",
        &[("50%,a.skiff", "task t() {\n  image: \"x:1\"\n  imagee: \"y\"\n}\n".as_bytes())],
    );
    let output = skiff(&["check", "--message-format", "github", "."], &dir);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(stdout.starts_with("::error file=50%25%2Ca.skiff,line=3,col=3,"), "{stdout}");
    assert!(stdout.contains(",title=unknown-field::"), "{stdout}");
}

#[test]
fn sarif_has_rules_results_regions_and_fixes() {
    let dir = workspace("lints-sarif", None);
    let output = skiff(&["check", "--message-format", "sarif", "."], &dir);
    assert_eq!(output.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 3);
    let privileged = &results[1];
    assert_eq!(privileged["ruleId"], "privileged-container");
    assert_eq!(privileged["level"], "warning");
    let rule = &rules[privileged["ruleIndex"].as_u64().expect("index") as usize];
    assert_eq!(rule["id"], "privileged-container");
    assert!(rule["helpUri"].as_str().expect("help").ends_with("docs/diagnostics.md#privileged-container"));
    let location = &privileged["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "main.skiff");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(
        location["region"],
        serde_json::json!({"startLine": 24, "startColumn": 44, "endLine": 24, "endColumn": 48})
    );
    let replacement = &privileged["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "false");
    let yaml = &results[2]["locations"][0]["physicalLocation"];
    assert_eq!(yaml["artifactLocation"]["uri"], "cluster/agent.yaml");
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().expect("base");
    assert!(base.starts_with("file:///") && base.ends_with("/lints-sarif/"), "{base}");
    // `build` writes the log on stderr, stdout holding the manifests, and nothing else there.
    let build = skiff(&["build", "--message-format", "sarif", "."], &dir);
    assert_eq!(build.status.code(), Some(0));
    let log: Value = serde_json::from_slice(&build.stderr).expect("stderr is one JSON document");
    assert_eq!(log["runs"][0]["results"].as_array().map(Vec::len), Some(3));
    assert!(String::from_utf8_lossy(&build.stdout).contains("kind: Pod"));
}

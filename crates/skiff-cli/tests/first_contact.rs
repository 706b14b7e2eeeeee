//! What a new user meets before writing a line: `skiff init`, shell completions, the manual
//! page, `--version`, and the JSON Schema of `skiff.toml`.

mod common;

use common::{repo, scratch, skiff, stderr, stdout};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file below `dir` with its bytes: what "changes nothing" is checked against.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let key = path.strip_prefix(dir).expect("below").to_string_lossy().into_owned();
                files.insert(key, std::fs::read(&path).expect("read"));
            }
        }
    }
    files
}

#[test]
fn init_makes_a_workspace_that_checks_builds_explains_and_is_formatted() {
    let parent = scratch("init-fresh", &[]);
    std::fs::create_dir_all(&parent).expect("mkdir");
    let output = skiff(&["init", "demo"], &parent);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "created demo/skiff.toml\ncreated demo/lib/platform.skiff\ncreated demo/workflow.skiff\n\
         next: cd demo && skiff check && skiff build && skiff explain hello.big\n"
    );
    let dir = parent.join("demo");
    assert_eq!(contents(&dir).len(), 3);

    let check = skiff(&["check"], &dir);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stderr(&check).contains("no problems"), "{}", stderr(&check));

    let build = skiff(&["build", "--format", "json"], &dir);
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    let list: serde_json::Value = serde_json::from_str(&stdout(&build)).expect("a JSON List");
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|p| p["metadata"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["hello-data", "hello-small", "hello-big"]);
    // The default template of skiff.toml and the task's template both reach the pods.
    let big = &list["items"][2];
    assert_eq!(big["metadata"]["labels"]["team"], "my-team");
    assert_eq!(big["spec"]["nodeSelector"]["gpu-type"], "nvidia-a100");
    assert_eq!(big["spec"]["containers"][0]["resources"]["limits"]["memory"], "32Gi");

    let explain = skiff(&["explain", "hello.big", "--color", "never"], &dir);
    assert_eq!(explain.status.code(), Some(0), "{}", stderr(&explain));
    assert!(stdout(&explain).contains("override resources (workflow.skiff:"), "{}", stdout(&explain));

    let fmt = skiff(&["fmt", "--check", "."], &dir);
    assert_eq!(fmt.status.code(), Some(0), "the files skiff init writes are formatted: {}", stdout(&fmt));
}

#[test]
fn init_in_the_current_directory_when_it_holds_only_version_control() {
    let dir = scratch("init-git", &[(".git/HEAD", b"ref: refs/heads/main\n")]);
    let output = skiff(&["init"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).ends_with("next: skiff check && skiff build && skiff explain hello.big\n"));
    assert!(dir.join("skiff.toml").is_file() && dir.join("lib/platform.skiff").is_file());
}

#[test]
fn init_refuses_a_directory_that_is_not_empty_and_changes_nothing() {
    for (name, files) in [
        ("init-taken-config", vec![("skiff.toml", &b"[defaults]\nnamespace = \"mine\"\n"[..])]),
        ("init-taken-other", vec![("notes.txt", &b"my notes"[..]), ("lib/keep.skiff", &b"// mine\n"[..])]),
    ] {
        let dir = scratch(name, &files);
        let before = contents(&dir);
        let output = skiff(&["init"], &dir);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stdout(&output));
        assert!(stderr(&output).contains("is not empty"), "{name}: {}", stderr(&output));
        assert!(stdout(&output).is_empty());
        assert_eq!(contents(&dir), before, "{name}: skiff init changed the directory");
    }
}

#[test]
fn completions_for_every_shell_and_bash_reads_its_script() {
    let dir = scratch("completions", &[]);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = skiff(&["completions", shell], &dir);
        assert_eq!(output.status.code(), Some(0), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for subcommand in ["check", "build", "explain", "init", "completions"] {
            assert!(script.contains(subcommand), "{shell}: no `{subcommand}` in the script");
        }
    }
    let script = dir.join("skiff.bash");
    std::fs::write(&script, skiff(&["completions", "bash"], &dir).stdout).expect("write");
    let syntax = Command::new("bash").arg("-n").arg(&script).output().expect("bash runs");
    assert!(syntax.status.success(), "bash -n: {}", String::from_utf8_lossy(&syntax.stderr));
    // An unknown shell is a usage error.
    assert_eq!(skiff(&["completions", "tcsh"], &dir).status.code(), Some(2));
}

#[test]
fn the_manual_page_names_every_command() {
    let output = skiff(&["man"], &repo());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.starts_with(".ie") || page.contains(".TH skiff"), "not roff: {}", &page[..page.len().min(200)]);
    for subcommand in ["check", "build", "explain", "patch", "fmt", "lsp", "init", "completions"] {
        assert!(page.contains(subcommand), "the manual page does not name `{subcommand}`");
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let output = skiff(&["--version"], &repo());
    let version = stdout(&output);
    let head = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).current_dir(repo()).output();
    let expected = match head {
        Ok(head) if head.status.success() => String::from_utf8_lossy(&head.stdout).trim().to_string(),
        _ => "unknown".to_string(),
    };
    assert_eq!(version.trim(), format!("skiff {} ({expected})", env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_committed_config_schema_is_the_one_skiff_derives() {
    let output = skiff(&["schema"], &repo());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let committed = repo().join("editors/vscode/schemas/skiff.toml.json");
    if std::env::var_os("SKIFF_BLESS").is_some() {
        std::fs::write(&committed, &output.stdout).expect("write the schema");
    }
    let text = std::fs::read_to_string(&committed).unwrap_or_default();
    assert_eq!(
        text,
        stdout(&output),
        "editors/vscode/schemas/skiff.toml.json is not what `skiff schema` prints; review the \
         change and write it with SKIFF_BLESS=1 cargo nextest run -p skiff-cli --test first_contact"
    );
    let schema: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let defaults = &schema["$defs"]["RawDefaults"]["properties"];
    for key in ["pod_template", "namespace"] {
        assert!(defaults[key]["description"].is_string(), "`{key}` has no description: {schema}");
    }
    assert_eq!(schema["additionalProperties"], false, "a misspelled table must not pass: {schema}");
}

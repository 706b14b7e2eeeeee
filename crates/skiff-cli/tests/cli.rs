//! End-to-end tests of the `skiff` binary: exit codes, JSON lines, several files, bad input.

mod common;

use common::{repo, scratch, skiff};
use serde_json::Value;
use std::process::Output;

fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .expect("UTF-8 stdout")
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}")))
        .collect()
}

#[test]
fn examples_check_clean() {
    let output = skiff(&["check", "examples"], &repo());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no problems"), "{stderr}");
}

#[test]
fn three_unrelated_errors_give_three_json_lines_on_three_lines() {
    let text = "task a() {\n  image: \"x\" \"y\"\n}\n\npod_template p {\n  nodeSelector: { \"k\" \"v\" }\n}\n\nworkflow w() {\n  let x = a(1)\n  return x\n}\n";
    let dir = scratch("three", &[("bad.skiff", text.as_bytes())]);
    let output = skiff(&["check", "--message-format", "json", "bad.skiff"], &dir);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    let located: Vec<(u64, &str)> =
        lines.iter().map(|d| (d["line"].as_u64().expect("line"), d["code"].as_str().expect("code"))).collect();
    assert_eq!(located, [(2, "missing-separator"), (6, "unexpected-token"), (10, "positional-argument")]);
    for d in &lines {
        for key in ["severity", "code", "message", "file", "line", "column", "end_line", "end_column"] {
            assert!(d.get(key).is_some(), "missing {key} in {d}");
        }
        assert_eq!(d["file"], "bad.skiff");
        assert_eq!(d["severity"], "error");
    }
    // The missing separator comes with a machine-applicable fix: insert a comma after "x".
    let fix = &lines[0]["fix"];
    assert_eq!(fix["edits"][0]["text"], ",");
    assert_eq!((fix["edits"][0]["line"].as_u64(), fix["edits"][0]["column"].as_u64()), (Some(2), Some(13)));
}

#[test]
fn columns_are_characters_and_one_based() {
    // `é` is two bytes: the error on `@` is at character column 48, byte column 49.
    let dir = scratch("columns", &[("c.skiff", "task t() { image: \"x\", workingDir: \"é\", stdin: @ }\n".as_bytes())]);
    let output = skiff(&["check", "--message-format=json", "c.skiff"], &dir);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["column"].as_u64()), (Some(1), Some(48)));
    assert_eq!(lines[0]["end_column"].as_u64(), Some(49));
}

#[test]
fn several_files_in_path_order() {
    let dir = scratch(
        "multi",
        &[
            ("b/second.skiff", b"task t() { image: @ }\n"),
            ("a/first.skiff", b"task t() { image: # }\n"),
            ("a/ok.skiff", b"task ok() { image: \"x\" }\n"),
            ("a/notes.txt", b"not skiff @@@"),
            (".hidden/skipped.skiff", b"@@@"),
        ],
    );
    let output = skiff(&["check", "--message-format", "json"], &dir);
    assert_eq!(output.status.code(), Some(1));
    let files: Vec<String> =
        json_lines(&output).iter().map(|d| d["file"].as_str().expect("file").to_string()).collect();
    assert_eq!(files, ["a/first.skiff", "b/second.skiff"]);
}

#[test]
fn human_output_names_file_line_and_code() {
    let dir = scratch("human", &[("h.skiff", b"task t() {\n  image: @\n}\n")]);
    let output = skiff(&["check", "--color", "never", "h.skiff"], &dir);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("h.skiff:2:10"), "{stderr}");
    assert!(stderr.contains("[invalid-character]"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no escape codes with --color never: {stderr}");
    let colored = skiff(&["check", "--color", "always", "h.skiff"], &dir);
    assert!(String::from_utf8_lossy(&colored.stderr).contains('\u{1b}'));
}

#[test]
fn missing_path_is_a_usage_error() {
    let output = skiff(&["check", "does/not/exist.skiff"], &repo());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does/not/exist.skiff") && stderr.contains("no such file"), "{stderr}");
}

#[test]
fn bad_flag_is_a_usage_error() {
    let output = skiff(&["check", "--message-format", "xml"], &repo());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_a_diagnostic_not_a_crash() {
    let dir =
        scratch("utf8", &[("bin.skiff", b"task t() {\xff\xfe}\n"), ("ok.skiff", b"task ok() { image: \"x\" }\n")]);
    let output = skiff(&["check", "--message-format", "json", "."], &dir);
    assert_eq!(output.status.code(), Some(1));
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["code"], "invalid-utf8");
    assert!(lines[0]["message"].as_str().expect("message").contains("offset 10"));
}

#[test]
fn empty_file_is_clean() {
    let dir = scratch("empty", &[("empty.skiff", b"")]);
    assert_eq!(skiff(&["check", "empty.skiff"], &dir).status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn symlink_loop_does_not_hang() {
    let dir = scratch("symlinks", &[("ok.skiff", b"task ok() { image: \"x\" }\n")]);
    std::os::unix::fs::symlink(&dir, dir.join("loop")).expect("symlink");
    let output = skiff(&["check", "."], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = scratch(
        "warnings",
        &[
            ("main.skiff", b"import \"lib.skiff\" as lib\n\ntask t() { image: \"x\" }\n"),
            ("lib.skiff", b"pod_template gpu { hostNetwork: false }\n"),
        ],
    );
    let output = skiff(&["check", "--message-format", "json", "."], &dir);
    assert_eq!(output.status.code(), Some(0), "a warning alone passes");
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0]["severity"].as_str(), lines[0]["code"].as_str()), (Some("warning"), Some("unused-import")));
    let denied = skiff(&["check", "--deny", "warnings", "."], &dir);
    assert_eq!(denied.status.code(), Some(1), "--deny warnings fails on a warning");
}

#[test]
fn imports_are_loaded_from_disk_when_checking_one_file() {
    let dir = scratch(
        "imports",
        &[
            ("skiff.toml", b"[defaults]\n"),
            (
                "flows/main.skiff",
                b"import \"../lib/gpu.skiff\" as gpu\n\ntask t() {\n  image: \"x\"\n  pod_template: gpu.v10\n}\n",
            ),
            ("lib/gpu.skiff", b"pod_template v100 { hostNetwork: false }\n"),
        ],
    );
    // Checking one file below the root still resolves an import that climbs to a sibling dir.
    let output = skiff(&["check", "--message-format", "json", "flows/main.skiff"], &dir);
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["code"], "unknown-name");
    assert_eq!(lines[0]["help"], "did you mean `v100`?");
    assert_eq!(lines[0]["file"], "flows/main.skiff");
}

//! `skiff fmt` end to end: in-place rewrite, `--check`, stdin, refusals, exit codes, and the
//! meaning kept: the same diagnostic codes from `skiff check` before and after formatting.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn skiff(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skiff")).args(args).current_dir(dir).output().expect("skiff runs")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// A fresh directory under the target dir holding the given files.
fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fmt").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const MESSY: &str = "task t(a:int) { image:\"x\", resources: { limits: { memory: 8Gi } } }\n";
const TIDY: &str = "task t(a: int) {\n  image: \"x\"\n  resources { limits { memory: 8Gi } }\n}\n";
const BROKEN: &str = "task t() {\n  image: \"x\" \"y\"\n}\n";

#[test]
fn check_lists_what_would_change_and_changes_nothing() {
    let dir = scratch("check", &[("a.skiff", MESSY), ("sub/b.skiff", TIDY), ("sub/notes.txt", MESSY)]);
    let output = skiff(&["fmt", "--check", "."], &dir);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(stdout(&output), "a.skiff\n");
    assert_eq!(std::fs::read_to_string(dir.join("a.skiff")).expect("read"), MESSY);

    let output = skiff(&["fmt", "--check", "sub/b.skiff"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
}

#[test]
fn files_and_directories_are_rewritten_in_place() {
    let dir = scratch("write", &[("a.skiff", MESSY), ("sub/b.skiff", MESSY), ("sub/notes.txt", MESSY)]);
    let output = skiff(&["fmt"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(dir.join("a.skiff")).expect("read"), TIDY);
    assert_eq!(std::fs::read_to_string(dir.join("sub/b.skiff")).expect("read"), TIDY);
    assert_eq!(std::fs::read_to_string(dir.join("sub/notes.txt")).expect("read"), MESSY, "not a skiff file");
    let output = skiff(&["fmt", "--check", "a.skiff", "sub"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skiff"))
        .args(["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("skiff runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), MESSY.as_bytes()).expect("write stdin");
    let output = child.wait_with_output().expect("skiff ends");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), TIDY);
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_alone() {
    let dir = scratch("broken", &[("bad.skiff", BROKEN), ("good.skiff", MESSY)]);
    let output = skiff(&["fmt", "--color", "never", "."], &dir);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("missing-separator") && err.contains("bad.skiff"), "{err}");
    assert!(err.contains("not formatted"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("bad.skiff")).expect("read"), BROKEN);
    assert_eq!(std::fs::read_to_string(dir.join("good.skiff")).expect("read"), TIDY, "the other files still are");
}

#[test]
fn usage_and_io_errors_exit_2() {
    let dir = scratch("usage", &[("a.skiff", TIDY)]);
    let output = skiff(&["fmt", "missing.skiff"], &dir);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing.skiff"), "{}", stderr(&output));
    let output = skiff(&["fmt", "-", "a.skiff"], &dir);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn invalid_utf8_is_refused() {
    let dir = scratch("utf8", &[]);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("bin.skiff"), b"task t() {\xff}\n").expect("write");
    let output = skiff(&["fmt", "bin.skiff"], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.join("bin.skiff")).expect("read"), b"task t() {\xff}\n");
}

#[test]
fn the_examples_are_formatted() {
    let output = skiff(&["fmt", "--check", "examples"], &repo());
    assert_eq!(output.status.code(), Some(0), "not formatted: {}{}", stdout(&output), stderr(&output));
}

/// (file, code) of every diagnostic `skiff check` reports for `args`, sorted.
fn codes(args: &[&str], dir: &Path) -> Vec<(String, String)> {
    let mut all = vec!["check", "--message-format", "json"];
    all.extend(args);
    let output = skiff(&all, dir);
    let mut codes: Vec<(String, String)> = stdout(&output)
        .lines()
        .map(|line| {
            let d: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}"));
            (d["file"].as_str().unwrap_or_default().to_string(), d["code"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    codes.sort();
    codes
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy");
        }
    }
}

#[test]
fn formatting_keeps_the_diagnostics() {
    let root = repo();
    let dir = scratch("meaning", &[]);
    copy_dir(&root.join("examples"), &dir.join("examples"));
    copy_dir(&root.join("crates/skiff-sema/tests/diagnostics"), &dir.join("diagnostics"));
    copy_dir(&root.join("crates/skiff-syntax/tests/fixtures"), &dir.join("syntax"));
    copy_dir(&root.join("crates/skiff-fmt/tests/fixtures"), &dir.join("fmt"));
    let mut files: Vec<PathBuf> = Vec::new();
    for sub in ["diagnostics", "syntax/ok", "syntax/err", "fmt"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "skiff") {
                files.push(path.strip_prefix(&dir).expect("inside").to_path_buf());
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "fixtures found: {files:?}");

    let before_examples = codes(&["examples"], &dir);
    let before: Vec<_> = files.iter().map(|f| codes(&[f.to_str().expect("UTF-8")], &dir)).collect();
    let output = skiff(&["fmt", "examples", "diagnostics", "syntax", "fmt"], &dir);
    // Files with syntax errors are refused (exit 1); the others are rewritten.
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", stderr(&output));
    let output = skiff(&["fmt", "--check", "examples", "fmt"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    assert_eq!(codes(&["examples"], &dir), before_examples);
    let mut changed = 0;
    for (file, before) in files.iter().zip(before) {
        let text = std::fs::read_to_string(dir.join(file)).expect("read");
        let original = std::fs::read_to_string(root.join(match file.strip_prefix("diagnostics") {
            Ok(rest) => Path::new("crates/skiff-sema/tests/diagnostics").join(rest),
            Err(_) => match file.strip_prefix("syntax") {
                Ok(rest) => Path::new("crates/skiff-syntax/tests/fixtures").join(rest),
                Err(_) => Path::new("crates/skiff-fmt/tests/fixtures").join(file.strip_prefix("fmt").expect("fmt")),
            },
        }))
        .expect("read original");
        changed += usize::from(text != original);
        assert_eq!(codes(&[file.to_str().expect("UTF-8")], &dir), before, "{}: diagnostics changed", file.display());
    }
    assert!(changed > 10, "formatting changed only {changed} files: the test proves little");
}

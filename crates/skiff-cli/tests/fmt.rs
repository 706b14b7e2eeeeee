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

/// The examples made messy in ways that keep their meaning: odd indentation, `key: { }` for
/// `key { }`, quoted keys that need no quotes.
fn messy(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if indent == 0 || body.starts_with("//") || body.starts_with("override") || body.starts_with("let") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let mut body = body.to_string();
        let name_end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(body.len());
        if name_end > 0 && body[name_end..].starts_with(':') {
            body = format!("\"{}\"{}", &body[..name_end], &body[name_end..]);
        } else if name_end > 0 && body[name_end..].starts_with(" {") {
            body = format!("{}: {}", &body[..name_end], &body[name_end + 1..]);
        }
        out.push_str(&"\t ".repeat(indent));
        out.push_str(&body);
        out.push('\n');
    }
    out
}

#[test]
fn formatting_keeps_the_build_output() {
    let root = repo();
    let dir = scratch("build", &[]);
    copy_dir(&root.join("examples"), &dir.join("tidy"));
    copy_dir(&root.join("examples"), &dir.join("messy"));
    let mut paths = Vec::new();
    let mut stack = vec![dir.join("messy")];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "skiff") {
                paths.push(path);
            }
        }
    }
    assert!(paths.len() >= 4);
    let mut changed = 0;
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("read");
        let mess = messy(&text);
        changed += usize::from(mess != text);
        std::fs::write(path, mess).expect("write");
    }
    assert!(changed >= 3, "the messifier changed only {changed} files");

    let build = |which: &str, example: &str| {
        let output = skiff(&["build", &format!("{which}/{example}")], &dir);
        assert_eq!(output.status.code(), Some(0), "{which}/{example}: {}", stderr(&output));
        stdout(&output)
    };
    for example in ["seed", "pipeline"] {
        let tidy = build("tidy", example);
        assert!(tidy.contains("kind: Pod"), "{tidy}");
        assert_eq!(build("messy", example), tidy, "{example}: the messy copy means the same");
        let output = skiff(&["fmt", &format!("messy/{example}")], &dir);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(build("messy", example), tidy, "{example}: build(fmt(x)) == build(x)");
    }
    // Formatting the messy copy gives back the examples exactly.
    for path in &paths {
        let tidy = dir.join("tidy").join(path.strip_prefix(dir.join("messy")).expect("inside"));
        assert_eq!(
            std::fs::read_to_string(path).expect("read"),
            std::fs::read_to_string(&tidy).expect("read"),
            "{}",
            path.display()
        );
    }
}

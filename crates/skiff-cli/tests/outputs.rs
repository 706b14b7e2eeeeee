//! Closed and full outputs, and files that cannot be written whole, on the real thing: pipes
//! whose reader goes away, `/dev/full`, a file-size limit set with `ulimit -f`. No write ever
//! panics (exit 101), a lost report is exit 2, a reader that stops early leaves the status the
//! input earned, and `fmt` never leaves a file half-written (docs/cli.md, "Exit codes").

mod common;

use common::{scratch, skiff, stderr};
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// One task with `n` bare names in its `env`: `n` errors, each a JSON line of about 300 bytes.
fn many_errors(n: usize) -> String {
    let env: Vec<String> = (0..n).map(|i| format!("A{i}: x{i}")).collect();
    format!("task t() -> File {{\n  image: \"ghcr.io/a/b:1\"\n  env {{ {} }}\n}}\n", env.join(", "))
}

/// Runs `skiff ARGS` in `dir` with `stream` ("stdout" or "stderr") on a pipe whose reader reads
/// one line and goes away, as `| head -1` does; the status and the line read.
fn head_1(args: &[&str], dir: &Path, stream: &str) -> (ExitStatus, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_skiff"));
    command.args(args).current_dir(dir).stdin(Stdio::null());
    let mut child = if stream == "stdout" {
        command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap()
    } else {
        command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap()
    };
    let pipe: Box<dyn std::io::Read> = if stream == "stdout" {
        Box::new(child.stdout.take().unwrap())
    } else {
        Box::new(child.stderr.take().unwrap())
    };
    let mut line = String::new();
    BufReader::new(pipe).read_line(&mut line).unwrap();
    // The reader is gone here: the rest of the output meets a closed pipe.
    (child.wait().unwrap(), line)
}

/// Runs `skiff ARGS` in `dir` with stdout or stderr on `/dev/full`.
fn to_dev_full(args: &[&str], dir: &Path, stream: &str) -> std::process::Output {
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_skiff"));
    command.args(args).current_dir(dir);
    if stream == "stdout" {
        command.stdout(full()).stderr(Stdio::piped());
    } else {
        command.stdout(Stdio::piped()).stderr(full());
    }
    command.output().unwrap()
}

#[test]
fn a_reader_that_stops_early_leaves_the_status_of_the_input() {
    let errors = many_errors(400);
    let dir = scratch("outputs-head", &[("skiff.toml", b""), ("f.skiff", errors.as_bytes())]);
    // JSON lines on stdout: 400 errors (far more than a pipe holds), one read.
    let (status, line) = head_1(&["check", "--message-format", "json", "f.skiff"], &dir, "stdout");
    assert_eq!(status.code(), Some(1), "the file has errors");
    assert!(line.contains("\"bare-name\""), "{line}");
    // Human reports on stderr (`2>&1 | head -1`).
    let (status, _) = head_1(&["check", "--color", "never", "f.skiff"], &dir, "stderr");
    assert_eq!(status.code(), Some(1));
    // SARIF and GitHub annotations alike.
    for format in ["sarif", "github"] {
        let (status, _) = head_1(&["check", "--message-format", format, "f.skiff"], &dir, "stdout");
        assert_eq!(status.code(), Some(1), "{format}");
    }
}

#[test]
fn a_build_into_a_closed_pipe_ends_quietly() {
    // 300 pods: far more YAML than a pipe holds.
    let lets: String = (0..300).map(|i| format!("  let a{i} = t()\n")).collect();
    let text = format!("task t() -> File {{\n  image: \"a:1\"\n}}\n\nworkflow w() -> File {{\n{lets}  return a0\n}}\n");
    let dir = scratch("outputs-build-head", &[("skiff.toml", b""), ("w.skiff", text.as_bytes())]);
    let (status, line) = head_1(&["build", "w.skiff"], &dir, "stdout");
    assert_eq!(status.code(), Some(0), "the build itself succeeded");
    assert_eq!(line, "apiVersion: v1\n");
    let (status, _) = head_1(&["build", "--format", "json", "w.skiff"], &dir, "stdout");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn fmt_check_into_a_closed_pipe_does_not_panic() {
    // 400 unformatted files with long names: the list is larger than a pipe holds.
    let long = "n".repeat(200);
    let names: Vec<String> = (0..400).map(|i| format!("{long}{i}.skiff")).collect();
    let mut files: Vec<(&str, &[u8])> = vec![("skiff.toml", b"")];
    files.extend(names.iter().map(|n| (n.as_str(), b"task t() -> File {image: \"a:1\"}\n".as_slice())));
    let dir = scratch("outputs-fmt-head", &files);
    let (status, line) = head_1(&["fmt", "--check", "."], &dir, "stdout");
    assert_eq!(status.code(), Some(1), "files would change");
    assert!(line.starts_with(&long), "{line}");
    let full = to_dev_full(&["fmt", "--check", "."], &dir, "stdout");
    assert_eq!(full.status.code(), Some(2), "{}", stderr(&full));
    assert!(stderr(&full).contains("cannot write to stdout"), "{}", stderr(&full));
}

const OK: &[u8] = b"task t() -> File {\n  image: \"a:1\"\n}\n\nworkflow w() -> File {\n  let a = t()\n  return a\n}\n";

#[test]
fn a_full_output_is_exit_2_never_a_panic() {
    let errors = many_errors(50);
    let dir = scratch("outputs-full", &[("skiff.toml", b""), ("f.skiff", errors.as_bytes()), ("ok.skiff", OK)]);
    let cases: [(&[&str], &str); 7] = [
        (&["check", "f.skiff"], "stderr"),
        (&["check", "ok.skiff"], "stderr"),
        (&["check", "--message-format", "json", "f.skiff"], "stdout"),
        (&["build", "f.skiff"], "stderr"),
        (&["build", "ok.skiff"], "stdout"),
        (&["check", "--bogus"], "stderr"),
        (&["--help"], "stdout"),
    ];
    for (args, stream) in cases {
        let output = to_dev_full(args, &dir, stream);
        assert_eq!(output.status.code(), Some(2), "{args:?} with {stream} full: {}", stderr(&output));
        assert!(!stderr(&output).contains("panicked"), "{args:?}: {}", stderr(&output));
    }
    // stdout full, stderr fine: said on stderr.
    let output = to_dev_full(&["completions", "bash"], &dir, "stdout");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot write to stdout"), "{}", stderr(&output));
}

/// A file of about 1.3 MB that `fmt` changes.
fn big_unformatted() -> String {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("task t{i}()   ->   File {{image: \"ghcr.io/acme/train:1.{i}\"   }}\n"));
    }
    text
}

/// `ulimit -f 64` (64 blocks of 1 KiB: 65,536 bytes) stops the write of the formatted file: the
/// original is left byte for byte, no temporary file stays behind, exit 2. With or without
/// SIGXFSZ ignored by the shell (skiff ignores it itself, so the write fails with EFBIG).
#[test]
fn fmt_past_a_file_size_limit_leaves_the_original_whole() {
    let big = big_unformatted();
    assert!(big.len() > 1_000_000);
    let dir = scratch("outputs-ulimit", &[("skiff.toml", b""), ("big.skiff", big.as_bytes())]);
    let skiff_bin = env!("CARGO_BIN_EXE_skiff");
    for trap in ["trap '' XFSZ; ", ""] {
        let script = format!("{trap}ulimit -f 64; exec \"$0\" fmt big.skiff");
        let output = Command::new("sh").args(["-c", &script, skiff_bin]).current_dir(&dir).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{trap:?}: {}", stderr(&output));
        assert!(stderr(&output).contains("cannot write `big.skiff`"), "{}", stderr(&output));
        assert!(std::fs::read(dir.join("big.skiff")).unwrap() == big.as_bytes(), "the original is intact");
        let mut left: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        left.sort();
        assert_eq!(left, ["big.skiff", "skiff.toml"], "no temporary file is left");
    }
}

/// A successful `fmt` keeps the file's mode, and a link stays a link to the file it formats.
#[test]
fn fmt_keeps_the_mode_and_links() {
    let text = "task t()   ->   File {image: \"a:1\"}\n";
    let dir =
        scratch("outputs-mode", &[("skiff.toml", b""), ("a.skiff", text.as_bytes()), ("real.skiff", text.as_bytes())]);
    std::fs::set_permissions(dir.join("a.skiff"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink("real.skiff", dir.join("link.skiff")).unwrap();
    let output = skiff(&["fmt", "a.skiff", "link.skiff"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let formatted = std::fs::read_to_string(dir.join("a.skiff")).unwrap();
    assert_ne!(formatted, text);
    let mode = std::fs::metadata(dir.join("a.skiff")).unwrap().permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert!(std::fs::symlink_metadata(dir.join("link.skiff")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(dir.join("real.skiff")).unwrap(), formatted);
    assert_eq!(skiff(&["fmt", "--check", "."], &dir).status.code(), Some(0));
}

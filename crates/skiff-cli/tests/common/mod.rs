//! What the end-to-end tests of the `skiff` binary share: running it, and scratch workspaces.
#![allow(dead_code)] // each test file uses its own part

pub mod lsp;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Runs `skiff ARGS` in `dir`.
pub fn skiff(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_skiff")).args(args).current_dir(dir).output().expect("skiff runs")
}

/// Runs `skiff ARGS` in `dir` with `stdin` on its standard input.
pub fn skiff_with_stdin(args: &[&str], dir: &Path, stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skiff"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("skiff runs");
    if let Some(bytes) = stdin {
        // A command that fails before reading stdin closes it: not an error of the test.
        if let Err(error) = child.stdin.take().expect("stdin").write_all(bytes) {
            assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {error}");
        }
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("skiff finishes")
}

/// The repository root (where `examples/` is).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repo root")
}

/// An empty directory under the target dir, emptied again by the next run (not left behind in
/// the system's temporary directory, one per run, as a name with the process id would be).
pub fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    dir
}

/// A fresh directory under the target dir holding the given files.
pub fn scratch(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = fresh_dir(name);
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    dir
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

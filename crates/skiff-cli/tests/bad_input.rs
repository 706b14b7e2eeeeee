//! Hostile and broken input to the `skiff` binary: each case gives a clear diagnostic (its code,
//! where it points), and the process ends by itself in bounded time and memory.
//!
//! Every run goes through [`bounded`]: the child is killed after a timeout (a hang fails the
//! test instead of blocking it) and its peak resident memory, read from the kernel while it
//! runs, is compared with a generous bound.
//!
//! Covered elsewhere, and not repeated here: 100,000 nested brackets and NUL runs in the parser
//! (`skiff-syntax/tests/no_panic.rs`), an invalid UTF-8 file, an empty file and a directory
//! symlink loop given to `skiff check` (`tests/cli.rs`), the three-file import cycle and the
//! escaping import in the checker (`skiff-sema/tests/diagnostics/`), empty and binary documents
//! for `skiff patch` (`tests/patch.rs`). Here they go through the binary with time and memory
//! bounds, together with what those tests do not reach.
#![cfg(target_os = "linux")]

mod common;

use common::scratch;
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a bounded run gives back.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident set size of the child, in MB.
    peak_mb: u64,
    seconds: f64,
}

impl Run {
    /// The JSON-lines diagnostics on stdout.
    fn diagnostics(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON: {line}: {e}")))
            .collect()
    }
}

/// The peak resident memory of a running process so far (`VmHWM`, in KB), if it still runs.
fn high_water_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `skiff ARGS` in `dir`, kills it after `timeout`, and asserts that it finished in time,
/// was not killed by a signal (a crash), and peaked under `max_mb` of resident memory.
///
/// The peak is the kernel's high-water mark of the child's own memory (`VmHWM` in
/// `/proc/PID/status`), read every 2 ms until it exits. (`getrusage(RUSAGE_CHILDREN)` and
/// `wait4` cannot be used: on Linux a child's `ru_maxrss` counts the memory of the test process
/// it was forked from, before the `exec`.)
fn bounded(args: &[&str], dir: &Path, timeout: Duration, max_mb: u64) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skiff"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("skiff runs");
    let reader = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = reader(Box::new(child.stdout.take().expect("stdout")));
    let err = reader(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let mut peak_kb = 0;
    let mut timed_out = false;
    let status = loop {
        if let Some(kb) = high_water_kb(child.id()) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait for skiff") {
            break status;
        }
        if started.elapsed() > timeout && !timed_out {
            timed_out = true;
            let _ = child.kill();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let run = Run {
        code: status.code(),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
        peak_mb: peak_kb / 1024,
        seconds: started.elapsed().as_secs_f64(),
    };
    assert!(!timed_out, "skiff {args:?} did not finish in {timeout:?}");
    assert!(run.code.is_some(), "skiff {args:?} was killed by a signal ({status}): {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "skiff {args:?} panicked: {}", run.stderr);
    assert!(run.peak_mb <= max_mb, "skiff {args:?} peaked at {} MB (bound {max_mb} MB)", run.peak_mb);
    eprintln!("skiff {args:?}: exit {:?}, {:.2} s, peak {} MB", run.code, run.seconds, run.peak_mb);
    run
}

/// Generous bounds for the debug binary the tests run (the release binary is several times
/// faster): a hang or a runaway allocation fails, a slow machine does not.
const TIMEOUT: Duration = Duration::from_secs(60);
const SMALL_MB: u64 = 200;

fn check_json(dir: &Path, path: &str) -> Run {
    bounded(&["check", "--message-format", "json", path], dir, TIMEOUT, SMALL_MB)
}

/// Line and column (1-based, as the JSON diagnostics give them) and code of each diagnostic.
fn located(run: &Run) -> Vec<(String, u64, u64, String)> {
    run.diagnostics()
        .iter()
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
fn hundred_thousand_nested_brackets() {
    // The bracket past the limit: line 4, after `  a: ` and MAX_NESTING - 1 brackets (the
    // template's own `{` is the first level).
    let column = 5 + skiff_syntax::lexer::MAX_NESTING as u64;
    for (i, open) in ["[", "{", "("].into_iter().enumerate() {
        let close = ["]", "}", ")"][i];
        let balanced = format!(
            "task ok() {{ image: \"x\" }}\n\npod_template t {{\n  a: {}{}\n}}\n",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        let unclosed =
            format!("task ok() {{ image: \"x\" }}\n\npod_template t {{\n  a: {}\n}}\n", open.repeat(100_000));
        let dir = scratch(
            &format!("nested-{i}"),
            &[("deep.skiff", balanced.as_bytes()), ("unclosed.skiff", unclosed.as_bytes())],
        );
        // Balanced: one error, on the bracket that goes past the limit; the rest is swallowed.
        let run = check_json(&dir, "deep.skiff");
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        // (`a` is not a field of a pod template, and `{` is no key of an object: said too.)
        let found = located(&run);
        let deep: Vec<_> = found.iter().filter(|d| d.3 == "nesting-too-deep").collect();
        assert_eq!(deep.len(), 1, "{found:?}");
        assert_eq!((deep[0].1, deep[0].2), (4, column), "{found:?}");
        assert!(found.len() <= 3, "{found:?}");
        // Never closed: the same error, plus one per bracket still open below the limit, no more.
        let run = check_json(&dir, "unclosed.skiff");
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        let found = located(&run);
        let deep: Vec<_> = found.iter().filter(|d| d.3 == "nesting-too-deep").collect();
        assert_eq!(deep.len(), 1, "{found:?}");
        assert_eq!((deep[0].1, deep[0].2), (4, column), "{found:?}");
        assert!(found.len() <= skiff_syntax::lexer::MAX_NESTING + 2, "{} diagnostics", found.len());
        assert!(
            found.iter().all(|d| {
                ["nesting-too-deep", "unclosed-delimiter", "unknown-field", "unexpected-token"].contains(&d.3.as_str())
            }),
            "{found:?}"
        );
        // The formatter refuses the file (exit 1) and leaves it as it was.
        let run = bounded(&["fmt", "deep.skiff"], &dir, TIMEOUT, SMALL_MB);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert_eq!(std::fs::read_to_string(dir.join("deep.skiff")).expect("read"), balanced);
        // A build stops at the error instead of compiling a half-read file.
        let run = bounded(&["build", "deep.skiff"], &dir, TIMEOUT, SMALL_MB);
        assert_eq!(run.code, Some(1), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "nothing built: {}", run.stdout);
    }
}

/// 50 MB in one file, two ways: 655,000 lines of comments, and one string of 50 MB. The error
/// after them is found and located by line and column.
#[test]
fn fifty_megabyte_files() {
    const SIZE: usize = 50 * 1024 * 1024;
    let line = format!("// {}\n", "x".repeat(76));
    let lines = SIZE / line.len();
    let mut comments = String::from("task ok() { image: \"x\" }\n");
    comments.push_str(&line.repeat(lines));
    comments.push_str("task broken() { image: @ }\n");
    let string = format!(
        "pod_template t {{ metadata {{ annotations {{ big: \"{}\" }} }} }}\ntask u() {{ image: @ }}\n",
        "y".repeat(SIZE)
    );
    let dir = scratch("fifty-mb", &[("comments.skiff", comments.as_bytes()), ("string.skiff", string.as_bytes())]);
    drop((comments, string));

    let run = bounded(&["check", "--message-format", "json", "comments.skiff"], &dir, TIMEOUT, 600);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(located(&run), [("comments.skiff".to_owned(), lines as u64 + 2, 24, "invalid-character".to_owned())]);

    let run = bounded(&["check", "--message-format", "json", "string.skiff"], &dir, TIMEOUT, 600);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(located(&run), [("string.skiff".to_owned(), 2, 19, "invalid-character".to_owned())]);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Many items in one file: checking takes time in proportion to the text (it once took n²
/// steps for n items, in three places: duplicate names, doc comments, errors at bad tokens).
/// 10 MB, 62,000 templates with doc comments, and an error at the end.
#[test]
fn ten_megabytes_of_items() {
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!(
            "/// Template {n}.\npod_template t{n} {{\n  nodeSelector {{ pool: \"gpu-{n}\" }}\n  tolerations: \
             [{{ key: \"gpu\", operator: \"Exists\", effect: \"NoSchedule\" }}]\n}}\n\n"
        ));
        n += 1;
    }
    let lines = text.matches('\n').count() as u64;
    text.push_str("task broken() { image: @ }\n");
    let dir = scratch("ten-mb-items", &[("items.skiff", text.as_bytes())]);
    let run = bounded(&["check", "--message-format", "json", "items.skiff"], &dir, TIMEOUT, 1024);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert_eq!(located(&run), [("items.skiff".to_owned(), lines + 1, 24, "invalid-character".to_owned())]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn invalid_utf8_in_an_imported_file() {
    // The importer is fine; the file it imports is not text. The bad file is named, with the
    // offset of its first bad byte, and the reference into it is unknown, not a crash.
    let dir = scratch(
        "utf8-import",
        &[
            ("skiff.toml", b""),
            ("main.skiff", b"import \"lib.skiff\" as lib\n\ntask t() {\n  image: \"x\"\n  pod_template: lib.gpu\n}\n"),
            ("lib.skiff", b"pod_template gpu { nodeSelector { pool: \"\xc3\x28\" } }\n"),
        ],
    );
    let run = check_json(&dir, "main.skiff");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let found = located(&run);
    assert!(found.contains(&("lib.skiff".to_owned(), 1, 1, "invalid-utf8".to_owned())), "{found:?}");
    let bad = run.diagnostics().into_iter().find(|d| d["code"] == "invalid-utf8").expect("invalid-utf8");
    assert!(bad["message"].as_str().expect("message").contains("offset 41"), "{bad}");
    assert!(found.iter().all(|d| d.3 != "unresolved-import"), "the file exists: {found:?}");
}

#[test]
fn empty_file_builds_nothing_and_formats_to_itself() {
    let dir = scratch("empty-file", &[("empty.skiff", b"")]);
    let run = bounded(&["build", "empty.skiff"], &dir, TIMEOUT, SMALL_MB);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "no workflow, no pods: {}", run.stdout);
    let run = bounded(&["fmt", "--check", "empty.skiff"], &dir, TIMEOUT, SMALL_MB);
    assert_eq!(run.code, Some(0), "an empty file is formatted: {}", run.stderr);
    let run = bounded(&["explain", "empty.skiff"], &dir, TIMEOUT, SMALL_MB);
    assert_ne!(run.code, Some(0), "nothing to explain is said, not printed as a success");
    assert!(!run.stderr.trim().is_empty(), "and says why");
}

#[test]
fn file_of_nul_bytes() {
    let dir = scratch("nul-file", &[("nul.skiff", &[0u8; 10_000])]);
    let run = check_json(&dir, "nul.skiff");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let diagnostics = run.diagnostics();
    assert_eq!(diagnostics.len(), 1, "one error for the whole run: {diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "invalid-character");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(1)));
    assert_eq!((d["end_line"].as_u64(), d["end_column"].as_u64()), (Some(1), Some(10_001)), "it spans the run");
    let run = bounded(&["fmt", "nul.skiff"], &dir, TIMEOUT, SMALL_MB);
    assert_eq!(run.code, Some(1), "not formatted: {}", run.stderr);
}

#[test]
fn import_cycle_of_three_files() {
    let dir = scratch(
        "import-cycle",
        &[
            ("skiff.toml", b""),
            ("a.skiff", b"import \"b.skiff\" as b\npod_template base extends b.middle { hostNetwork: false }\n"),
            ("b.skiff", b"import \"c.skiff\" as c\npod_template middle extends c.top { hostNetwork: false }\n"),
            ("c.skiff", b"import \"a.skiff\" as a\npod_template top {}\npod_template other extends a.base {}\n"),
            (
                "main.skiff",
                b"import \"a.skiff\" as a\n\ntask t() {\n  image: \"x\"\n  pod_template: a.base\n}\n\nworkflow w() {\n  let n = t()\n}\n",
            ),
        ],
    );
    // Checking one file loads the others through its imports, and every import of the cycle is
    // reported where it is written (line 1, column 8: the path), with the cycle spelled out.
    let run = check_json(&dir, "main.skiff");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let cycle: Vec<_> = located(&run).into_iter().filter(|d| d.3 == "import-cycle").collect();
    let at = |file: &str| (file.to_owned(), 1, 8, "import-cycle".to_owned());
    assert_eq!(cycle, [at("a.skiff"), at("b.skiff"), at("c.skiff")]);
    let help = run.diagnostics()[0]["help"].as_str().expect("help").to_owned();
    assert!(help.contains("a.skiff") && help.contains("b.skiff") && help.contains("c.skiff"), "{help}");
    // Building and explaining end too, with the errors and no pods.
    let run = bounded(&["build", "."], &dir, TIMEOUT, SMALL_MB);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(run.stderr.contains("import-cycle"), "{}", run.stderr);
    let run = bounded(&["explain", ".", "w.n"], &dir, TIMEOUT, SMALL_MB);
    assert_ne!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn import_escaping_the_workspace_is_not_read() {
    // The file outside exists (with an error of its own): it must be neither read nor checked.
    let base = scratch(
        "escape",
        &[
            ("outside.skiff", b"pod_template gpu { @ }\n"),
            ("ws/skiff.toml", b""),
            (
                "ws/team/main.skiff",
                b"import \"../../outside.skiff\" as o\n\ntask t() {\n  image: \"x\"\n  pod_template: o.gpu\n}\n",
            ),
        ],
    );
    let dir = base.join("ws");
    let run = check_json(&dir, ".");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let found = located(&run);
    assert_eq!(found, [("team/main.skiff".to_owned(), 1, 8, "import-escapes-workspace".to_owned())]);
    assert!(!run.stdout.contains("outside"), "the file outside is not read: {}", run.stdout);
    // An absolute path is refused the same way, never read.
    let absolute = format!("import \"{}\" as o\n", base.join("outside.skiff").display());
    std::fs::write(dir.join("team/main.skiff"), absolute).expect("write");
    let found = located(&check_json(&dir, "."));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2, found[0].3.as_str()), (1, 8, "unresolved-import"), "{found:?}");
}

#[test]
fn symlink_loops_of_files_and_of_imports() {
    let dir = scratch("file-loops", &[("ok.skiff", b"task ok() { image: \"x\" }\n")]);
    // a.skiff → b.skiff → a.skiff: neither can be opened (ELOOP).
    std::os::unix::fs::symlink("b.skiff", dir.join("a.skiff")).expect("symlink");
    std::os::unix::fs::symlink("a.skiff", dir.join("b.skiff")).expect("symlink");
    // A directory that links to its parent, two levels down.
    std::fs::create_dir_all(dir.join("sub/deeper")).expect("mkdir");
    std::os::unix::fs::symlink("../..", dir.join("sub/deeper/up")).expect("symlink");
    // A directory walk does not follow links: the loops are not entered, the real file is checked.
    let run = bounded(&["check", "."], &dir, TIMEOUT, SMALL_MB);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("no problems"), "{}", run.stderr);
    // An import of a file that is a link loop: reported at the import, not followed forever.
    std::fs::write(dir.join("main.skiff"), "import \"a.skiff\" as a\n").expect("write");
    let run = bounded(&["check", "--message-format", "json", "main.skiff"], &dir, TIMEOUT, SMALL_MB);
    assert_ne!(run.code, Some(0), "{}", run.stdout);
    let found = located(&run);
    assert_eq!(found.len(), 1, "{found:?} {}", run.stderr);
    assert_eq!((found[0].0.as_str(), found[0].1, found[0].2), ("main.skiff", 1, 8), "{found:?}");
}

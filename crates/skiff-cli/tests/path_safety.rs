//! What `skiff` reads, on real links, FIFOs and devices: only regular files whose real path is
//! below the real workspace root, at most 64 MiB; nothing else is read, so nothing else is
//! printed, and nothing blocks (issue 18, points 1 and 2). The language server's side is in
//! `tests/lsp.rs` (`hostile_files_never_wedge_the_server`).
#![cfg(target_os = "linux")]

mod common;

use common::scratch;
use serde_json::Value;
use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// In every file outside the workspace and in the environment: must never be printed.
const SECRET: &str = "SKIFF_SECRET_9f2c1e";

/// Generous for the debug binary; a blocked read fails the test instead of hanging it.
const TIMEOUT: Duration = Duration::from_secs(30);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self, stream: &str) -> Vec<Value> {
        stream.lines().filter(|l| l.starts_with('{')).map(|l| serde_json::from_str(l).expect("JSON line")).collect()
    }
}

/// `skiff ARGS` in `dir` with the secret in its environment, killed after [`TIMEOUT`].
fn run(args: &[&str], dir: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skiff"))
        .args(args)
        .current_dir(dir)
        .env("SKIFF_TEST_TOKEN", SECRET)
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
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            panic!("skiff {args:?} blocked for {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Run { code: status.code(), stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    assert!(!run.stderr.contains("panicked"), "skiff {args:?} panicked: {}", run.stderr);
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "skiff {args:?} printed the secret:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

const POD_TEMPLATE: &str = "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: private\ntemplate:\n  spec:\n    nodeSelector:\n      token: SKIFF_SECRET_9f2c1e\n";

/// A workspace whose links lead out of it: to a skiff file, to a template, to the process's
/// environment, each holding the secret.
fn linked_out(name: &str) -> std::path::PathBuf {
    let base = scratch(
        name,
        &[
            ("outside/secret.skiff", format!("task leaked() {{ image: \"{SECRET}\" }}\n{SECRET} @@\n").as_bytes()),
            ("outside/private.yaml", POD_TEMPLATE.as_bytes()),
            ("outside/shadow.yaml", format!("root:{SECRET}:19000:0:99999:7:::\n").as_bytes()),
            ("ws/skiff.toml", b"[defaults]\npod_template = \"cluster/default.yaml\"\n"),
            (
                "ws/main.skiff",
                b"import \"env.skiff\" as env\nimport \"environ.skiff\" as environ\n\
                  pod_template private from \"private.yaml\"\npod_template shadow from \"shadow.yaml\"\n\n\
                  task t() {\n  image: \"x\"\n  pod_template: private\n}\n\nworkflow w() {\n  let n = t()\n}\n",
            ),
        ],
    );
    let ws = base.join("ws");
    symlink(base.join("outside/secret.skiff"), ws.join("env.skiff")).unwrap();
    symlink("/proc/self/environ", ws.join("environ.skiff")).unwrap();
    symlink("../outside/private.yaml", ws.join("private.yaml")).unwrap();
    symlink(base.join("outside/shadow.yaml"), ws.join("shadow.yaml")).unwrap();
    std::fs::create_dir_all(ws.join("cluster")).unwrap();
    symlink("../../outside/private.yaml", ws.join("cluster/default.yaml")).unwrap();
    ws
}

#[test]
fn links_out_of_the_workspace_are_refused_and_never_quoted() {
    let ws = linked_out("links-out");
    let check = run(&["check", "--message-format", "json", "."], &ws);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let found: Vec<(String, u64, u64, String, String)> = check
        .json(&check.stdout)
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (s("file"), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap(), s("code"), s("message"))
        })
        .collect();
    let at = |file: &str, line, column, code: &str, path: &str| {
        (
            file.to_owned(),
            line,
            column,
            code.to_owned(),
            format!("`{path}` is not read: it is a link to a file outside the workspace"),
        )
    };
    let escapes = "import-escapes-workspace";
    // Each at the path that names it; the unused-import warnings of the two imports follow them.
    let wanted = [
        at("skiff.toml", 2, 16, "invalid-config", "cluster/default.yaml"),
        at("main.skiff", 1, 8, escapes, "env.skiff"),
        at("main.skiff", 2, 8, escapes, "environ.skiff"),
        at("main.skiff", 3, 27, escapes, "private.yaml"),
        at("main.skiff", 4, 26, escapes, "shadow.yaml"),
    ];
    let errors: Vec<_> = found.iter().filter(|d| d.3 != "unused-import").cloned().collect();
    assert_eq!(errors, wanted, "{}", check.stdout);

    // The same in human output, in `build` (no Pod made, so the template outside is not in one),
    // and when the link is named on the command line.
    let human = run(&["check", "--color", "never", "."], &ws);
    assert_eq!(human.code, Some(1));
    assert!(human.stderr.contains("is a link to a file outside the workspace"), "{}", human.stderr);
    for format in ["yaml", "json"] {
        let build = run(&["build", "--format", format, "."], &ws);
        assert_eq!(build.code, Some(1), "{}", build.stderr);
        assert!(build.stdout.is_empty(), "nothing built: {}", build.stdout);
    }
    let build = run(&["build", "--message-format", "json", "."], &ws);
    assert_eq!(build.code, Some(1));
    assert!(!build.json(&build.stderr).is_empty(), "{}", build.stderr);
    for name in ["env.skiff", "environ.skiff"] {
        let named = run(&["check", name], &ws);
        assert_eq!(named.code, Some(2), "{}", named.stderr);
        assert!(named.stderr.contains("is a link to a file outside the workspace"), "{}", named.stderr);
    }
}

#[test]
fn a_from_template_linked_out_is_not_compiled_into_the_pod() {
    let ws = linked_out("template-out");
    std::fs::write(ws.join("skiff.toml"), "").unwrap();
    std::fs::write(
        ws.join("main.skiff"),
        "pod_template private from \"private.yaml\"\n\ntask t() {\n  image: \"x\"\n  pod_template: private\n}\n\nworkflow w() {\n  let n = t()\n}\n",
    )
    .unwrap();
    let build = run(&["build", "--message-format", "json", "main.skiff"], &ws);
    assert_eq!(build.code, Some(1), "{}", build.stderr);
    assert!(build.stdout.is_empty(), "no Pod: {}", build.stdout);
    let codes: Vec<String> = build.json(&build.stderr).iter().map(|d| d["code"].as_str().unwrap().to_owned()).collect();
    assert_eq!(codes, ["import-escapes-workspace"]);
    // The same file copied in (a regular file inside) is compiled: the refusal was the link.
    std::fs::remove_file(ws.join("private.yaml")).unwrap();
    std::fs::write(ws.join("private.yaml"), POD_TEMPLATE.replace(SECRET, "inside")).unwrap();
    let build = run(&["build", "main.skiff"], &ws);
    assert_eq!(build.code, Some(0), "{}", build.stderr);
    assert!(build.stdout.contains("token: inside"), "{}", build.stdout);
}

#[test]
fn fifos_devices_and_huge_files_are_refused_without_blocking() {
    let ws = scratch(
        "fifos",
        &[(
            "main.skiff",
            b"import \"pipe.skiff\" as pipe\nimport \"zero.skiff\" as zero\nimport \"huge.skiff\" as huge\n\
              pod_template p from \"pipe.yaml\"\n",
        )],
    );
    mkfifo(&ws.join("pipe.skiff"));
    mkfifo(&ws.join("pipe.yaml"));
    symlink("/dev/zero", ws.join("zero.skiff")).unwrap();
    // Sparse: 64 MiB and one byte, without writing them.
    let huge = std::fs::File::create(ws.join("huge.skiff")).unwrap();
    huge.set_len(64 * 1024 * 1024 + 1).unwrap();

    // The imports are refused, each at its path, saying why.
    let check = run(&["check", "--message-format", "json", "main.skiff"], &ws);
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    let found: Vec<(u64, String, String)> = check
        .json(&check.stdout)
        .iter()
        .filter(|d| d["code"] != "unused-import")
        .map(|d| {
            (d["line"].as_u64().unwrap(), d["code"].as_str().unwrap().into(), d["message"].as_str().unwrap().into())
        })
        .collect();
    let wanted = [
        (1, "unresolved-import", "`pipe.skiff` is not read: it is a named pipe (FIFO), not a regular file"),
        (2, "import-escapes-workspace", "`zero.skiff` is not read: it is a link to a file outside the workspace"),
        (
            3,
            "unresolved-import",
            "`huge.skiff` is not read: it is 67108865 bytes, more than the 64 MiB skiff reads: split it into files that import each other",
        ),
        (4, "missing-file", "`pipe.yaml` is not read: it is a named pipe (FIFO), not a regular file"),
    ];
    let wanted: Vec<(u64, String, String)> =
        wanted.iter().map(|(l, c, m)| (*l, c.to_string(), m.to_string())).collect();
    assert_eq!(found, wanted, "{}", check.stdout);

    // Named on the command line: exit 2 with the reason, for every command that reads files.
    for args in [
        &["check", "pipe.skiff"][..],
        &["build", "pipe.skiff"],
        &["explain", "w.n", "pipe.skiff"],
        &["fmt", "pipe.skiff"],
        &["fmt", "--check", "pipe.skiff"],
    ] {
        let named = run(args, &ws);
        assert_eq!(named.code, Some(2), "{args:?}: {}", named.stderr);
        assert!(named.stderr.contains("named pipe (FIFO)"), "{args:?}: {}", named.stderr);
    }
    let named = run(&["fmt", "huge.skiff"], &ws);
    assert_eq!(named.code, Some(2), "{}", named.stderr);
    assert!(named.stderr.contains("more than the 64 MiB skiff reads: split it into files"), "{}", named.stderr);
    // A directory walk by `fmt` skips what is not a regular file.
    let walked = run(&["fmt", "--check", "."], &ws);
    assert_eq!(walked.code, Some(2), "the huge file is refused: {}", walked.stderr);
    assert!(!walked.stderr.contains("pipe.skiff"), "{}", walked.stderr);
}

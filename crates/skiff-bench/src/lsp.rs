//! `skiff-bench lsp`: the language server measured from outside, as an editor sees it. Starts
//! `skiff lsp` (the `skiff` binary next to this one, or `--skiff PATH`), speaks JSON-RPC on its
//! pipes, and times: cold start to first diagnostics, an edit in a 10,000-line file to its fresh
//! diagnostics, hover on an override and on a Kubernetes field, completion; then the memory of
//! the server, and of a server holding a 100,000-line workspace.

use crate::generate;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(skiff: &Path) -> Server {
        let mut child = Command::new(skiff)
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {} lsp: {e}", skiff.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let Ok(message) = serde_json::from_slice(&body) else { return };
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Server { child, stdin, messages, next_id: 0 }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to the server");
        self.stdin.flush().expect("flush to the server");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn next(&mut self) -> Value {
        self.messages.recv_timeout(Duration::from_secs(60)).expect("the server answers within a minute")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.next();
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
        }
    }

    /// Waits for the diagnostics of `uri` at `version`; returns how many there are.
    fn diagnostics(&mut self, uri: &str, version: i64) -> usize {
        loop {
            let m = self.next();
            if m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
            {
                return m["params"]["diagnostics"].as_array().map_or(0, Vec::len);
            }
        }
    }

    fn rss_mb(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
                .map_or(0, |kb| kb / 1024)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn initialize(server: &mut Server, root: &Path) {
    let response = server.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(root), "workspaceFolders": [{"uri": uri(root), "name": "bench"}], "capabilities": {}}),
    );
    assert!(response.get("error").is_none(), "initialize failed: {response}");
    server.notify("initialized", json!({}));
}

fn open(server: &mut Server, uri: &str, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "skiff", "version": 1, "text": text}}),
    );
}

/// One file of about `lines` lines: module 0 stays a file of its own (the others import it),
/// modules 1.. are concatenated under one import.
fn big_file(lines: usize) -> (String, String) {
    let modules = lines.div_ceil(1000).max(1);
    let mut text = String::from("import \"module_0.skiff\" as base\n\n");
    for m in 1..=modules {
        let module = generate::module(m, false);
        text.push_str(module.trim_start_matches("import \"module_0.skiff\" as base\n\n"));
    }
    (generate::module(0, false), text)
}

/// The 0-based (line, UTF-16 column) of the `nth` occurrence of `needle` (the text is ASCII).
fn position(text: &str, needle: &str, nth: usize) -> Value {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("{needle} in the text")).0;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": column})
}

fn percentiles(samples: &mut [f64]) -> String {
    samples.sort_by(f64::total_cmp);
    let at = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
    format!("p50 {:.2} ms, p95 {:.2} ms (n={})", at(0.5) * 1e3, at(0.95) * 1e3, samples.len())
}

fn timed(samples: &mut Vec<f64>, f: impl FnOnce()) {
    let started = Instant::now();
    f();
    samples.push(started.elapsed().as_secs_f64());
}

pub fn run(lines: usize, workspace_lines: usize, runs: usize, skiff: Option<PathBuf>) {
    let skiff = skiff.unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("the path of this program");
        exe.with_file_name("skiff")
    });
    let dir = std::env::temp_dir().join(format!("skiff-bench-lsp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch directory");
    let dir = dir.canonicalize().expect("the scratch directory");
    let (module_0, text) = big_file(lines);
    std::fs::write(dir.join("module_0.skiff"), &module_0).expect("write module_0");
    std::fs::write(dir.join("big.skiff"), &text).expect("write big.skiff");
    let big = uri(&dir.join("big.skiff"));
    let total = text.lines().count();

    // The same edit in process, without the protocol: where the time of an edit goes.
    let mut parse_times = Vec::new();
    for _ in 0..runs.min(20) {
        timed(&mut parse_times, || {
            skiff_syntax::parse(&text);
        });
    }
    let mut workspace = skiff_sema::Workspace::new(skiff_sema::RootDatabase::new());
    workspace.set_file("module_0.skiff", module_0.clone());
    let file = workspace.set_file("big.skiff", text.clone());
    assert!(skiff_sema::file_diagnostics(&workspace.db, file).is_empty());
    let mut in_process = Vec::new();
    for i in 0..runs {
        let edited = text.replacen(
            "ghcr.io/acme/train:1",
            if i % 2 == 0 { "ghcr.io/acme/train:9" } else { "ghcr.io/acme/train:8" },
            1,
        );
        timed(&mut in_process, || {
            workspace.set_file("big.skiff", edited);
            skiff_sema::file_diagnostics(&workspace.db, file);
        });
    }
    drop(workspace);
    println!(
        "in process: parse {}; edit -> diagnostics {}",
        percentiles(&mut parse_times),
        percentiles(&mut in_process)
    );

    // Cold start: process start, initialize, open, first diagnostics.
    let started = Instant::now();
    let mut server = Server::start(&skiff);
    initialize(&mut server, &dir);
    open(&mut server, &big, &text);
    let first = server.diagnostics(&big, 1);
    let cold = started.elapsed().as_secs_f64();
    assert_eq!(first, 0, "the generated file checks clean");
    println!("file: {total} lines, {:.2} MB", text.len() as f64 / 1e6);
    println!("cold start to first diagnostics: {:.0} ms", cold * 1e3);

    // Edit → diagnostics: change one character in a task body in the middle of the file, and
    // wait for the diagnostics of that version.
    let middle =
        position(&text, "image: \"ghcr.io/acme/train:", text.matches("image: \"ghcr.io/acme/train:").count() / 2);
    let column = middle["character"].as_u64().unwrap_or(0) + "image: \"ghcr.io/acme/train:".len() as u64;
    let at = json!({"line": middle["line"], "character": column});
    let mut edits = Vec::new();
    // Version 1 is the text opened; each edit is the next one.
    for (i, version) in (0..runs).zip(2..) {
        let digit = if i % 2 == 0 { "9" } else { "1" };
        let change =
            json!({"range": {"start": at, "end": {"line": at["line"], "character": column + 1}}, "text": digit});
        timed(&mut edits, || {
            server.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": big, "version": version}, "contentChanges": [change]}),
            );
            server.diagnostics(&big, version);
        });
    }
    println!("edit -> diagnostics: {}", percentiles(&mut edits));

    let mut time_request = |method: &str, params: Value| {
        let mut samples = Vec::new();
        for _ in 0..runs {
            timed(&mut samples, || {
                let response = server.request(method, params.clone());
                assert!(response.get("error").is_none(), "{method} failed: {response}");
                assert!(!response["result"].is_null(), "{method} answered nothing");
            });
        }
        percentiles(&mut samples)
    };
    let doc = json!({"uri": big});
    let nth = text.matches("override pod_template {").count() / 2;
    let over = position(&text, "override pod_template {", nth);
    println!(
        "hover on an override (merged pod + diff): {}",
        time_request("textDocument/hover", json!({"textDocument": doc, "position": over}))
    );
    let field = position(&text, "securityContext", text.matches("securityContext").count() / 2);
    println!(
        "hover on a Kubernetes field: {}",
        time_request("textDocument/hover", json!({"textDocument": doc, "position": field}))
    );
    let key = position(&text, "priorityClassName", text.matches("priorityClassName").count() / 2);
    println!(
        "completion of a field name: {}",
        time_request("textDocument/completion", json!({"textDocument": doc, "position": key}))
    );
    let (rss, peak) = server.rss_mb();
    println!("server memory: {rss} MB resident, {peak} MB peak");
    server.stop();

    // Memory with a large workspace held: every file read at start, all item trees built.
    let ws = dir.join("workspace");
    std::fs::create_dir_all(&ws).expect("create the workspace directory");
    let files = generate::workspace(workspace_lines);
    let ws_lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    for (name, text) in &files {
        std::fs::write(ws.join(name), text).expect("write a generated file");
    }
    let started = Instant::now();
    let mut server = Server::start(&skiff);
    initialize(&mut server, &ws);
    let (name, text) = &files[files.len() / 2];
    let one = uri(&ws.join(name));
    open(&mut server, &one, text);
    server.diagnostics(&one, 1);
    let first = started.elapsed().as_secs_f64();
    let symbols = server.request("workspace/symbol", json!({"query": "flow_"}));
    let found = symbols["result"].as_array().map_or(0, Vec::len);
    let (rss, peak) = server.rss_mb();
    println!(
        "workspace of {} files, {ws_lines} lines: first diagnostics {:.0} ms; after workspace symbols ({found} found): {rss} MB resident, {peak} MB peak",
        files.len(),
        first * 1e3
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}

//! The language server over the real protocol: `skiff lsp` as a child process, JSON-RPC on its
//! stdin and stdout, the way an editor talks to it.

mod common;

use common::lsp::{Server, TIMEOUT, initialize, open, position, uri};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const MAIN: &str = r#"// Façade ☕: the seed, with text that is not ASCII (𝔊 is two UTF-16 units).
import "lib/gpu.skiff" as gpu

/// Trains a model on one data frame.
task train_model(data: DataFrame, epochs: int = 10) -> File {
  image: "ghcr.io/acme/train:1.4"
  env { GREETING: "héllo 𝔊", MODE: "fast" }
  resources { requests { cpu: 2, memory: 8Gi } limits { "nvidia.com/gpu": 1 } }
  pod_template: gpu.v100
}

workflow my_workflow(data1: DataFrame, data2: DataFrame) -> File {
  let m1 = train_model(data: data1)
  let m2 = train_model(data: data2)
    override pod_template {
      nodeSelector { "gpu-type": "nvidia-a100" }
    }
    override resources { limits { memory: 32Gi } }
  return m2
}
"#;

const GPU: &str = r#"/// Placement on the V100 pool.
pod_template v100 {
  nodeSelector { "gpu-type": "nvidia-tesla-v100" }
}
"#;

fn workspace(name: &str) -> PathBuf {
    let dir = common::fresh_dir(&format!("skiff-lsp-test-{name}"));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("skiff.toml"), "").unwrap();
    std::fs::write(dir.join("train.skiff"), MAIN).unwrap();
    std::fs::write(dir.join("lib/gpu.skiff"), GPU).unwrap();
    dir.canonicalize().unwrap()
}

#[test]
fn a_session_like_an_editor_has() {
    let root = workspace("session");
    let main = uri(&root.join("train.skiff"));
    let mut server = Server::start();
    let capabilities = initialize(&mut server, &root);
    assert_eq!(capabilities["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(capabilities["capabilities"]["positionEncoding"], "utf-16");

    open(&mut server, &main, MAIN);
    assert_eq!(server.diagnostics(&main, 1), Vec::<Value>::new(), "the seed checks clean");

    // An edit after non-ASCII text on its line: `"fast"` becomes a bare name.
    let start = position(MAIN, "\"fast\"", 0);
    let end = position(MAIN, "\"fast\"", 6);
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main, "version": 2},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": "fast"}],
        }),
    );
    let diagnostics = server.diagnostics(&main, 2);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "bare-name");
    assert_eq!(diagnostics[0]["range"]["start"], start, "the range is in UTF-16 units");
    let edited = MAIN.replace("\"fast\"", "fast");

    // The quick fix quotes it again.
    let actions = server.result(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main}, "range": diagnostics[0]["range"], "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "write \"fast\"");
    assert_eq!(actions[0]["edit"]["changes"][&main][0]["newText"], "\"fast\"");

    // Hover on an override: the merged pod, and what the overrides changed.
    let hover = server.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": main}, "position": position(&edited, "override pod_template", 2)}),
    );
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("The pod of `my_workflow.m2`"), "{text}");
    assert!(text.contains("memory: 32Gi"), "{text}");
    assert!(text.contains("- `nodeSelector.gpu-type`: `nvidia-tesla-v100` → `nvidia-a100`"), "{text}");

    // Hover on a Kubernetes field and on a unit literal.
    let hover = server.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": main}, "position": position(&edited, "nodeSelector {", 3)}),
    );
    assert!(hover["contents"]["value"].as_str().unwrap().starts_with("**nodeSelector**: `map[string]string`"));
    let hover = server
        .result("textDocument/hover", json!({"textDocument": {"uri": main}, "position": position(&edited, "8Gi", 1)}));
    assert_eq!(hover["contents"]["value"], "`8Gi` = 8589934592 bytes");

    // Completion of `nodeSel` in an override, with the range it replaces.
    let typing = edited.replace("      nodeSelector {", "      nodeSel\n      nodeSelector {");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 3}, "contentChanges": [{"text": typing}]}),
    );
    let completion = server.result(
        "textDocument/completion",
        json!({"textDocument": {"uri": main}, "position": position(&typing, "nodeSel\n", 7)}),
    );
    let items = completion.as_array().unwrap();
    let item = items.iter().find(|i| i["label"] == "nodeSelector").expect("nodeSelector is offered");
    assert_eq!(item["detail"], "map[string]string");
    assert_eq!(item["textEdit"]["range"]["start"], position(&typing, "nodeSel\n", 0));
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 4}, "contentChanges": [{"text": edited}]}),
    );

    // Go to the template in the other file.
    let definition = server.result(
        "textDocument/definition",
        json!({"textDocument": {"uri": main}, "position": position(&edited, "gpu.v100", 5)}),
    );
    assert_eq!(definition[0]["uri"], uri(&root.join("lib/gpu.skiff")));
    assert_eq!(definition[0]["range"]["start"], json!({"line": 1, "character": 13}));

    // Rename the task: its definition and both calls.
    let edit = server.result(
        "textDocument/rename",
        json!({"textDocument": {"uri": main}, "position": position(&edited, "train_model(data: data1", 2), "newName": "fit"}),
    );
    let edits = edit["changes"][&main].as_array().unwrap();
    assert_eq!(edits.len(), 3, "{edit:#}");
    assert!(edits.iter().all(|e| e["newText"] == "fit"));
    let refused = server.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": main}, "position": position(&edited, "train_model(data: data1", 2), "newName": "not a name"}),
    );
    assert!(refused["error"]["message"].as_str().unwrap().contains("not a name"), "{refused}");

    // Formatting answers edits (the seed is already in the canonical layout but for the edit).
    let formatting = server.result(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(formatting.is_array(), "{formatting}");

    // Bad input is answered, not fatal.
    let unknown = server.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere/x.skiff"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(unknown, Value::Null);
    let far = server.result(
        "textDocument/hover",
        json!({"textDocument": {"uri": main}, "position": {"line": 9999, "character": 9999}}),
    );
    assert_eq!(far, Value::Null);
    let garbage = server.request("textDocument/hover", json!({"nonsense": true}));
    assert!(garbage.get("error").is_some());
    let unknown_method = server.request("skiff/noSuchMethod", json!({}));
    assert!(unknown_method.get("error").is_some());
    server.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": main, "version": 5},
            "contentChanges": [{"range": {"start": {"line": 500, "character": 3}, "end": {"line": 2, "character": 0}}, "text": "}}}"}],
        }),
    );
    server.diagnostics(&main, 5);

    // Still answering.
    let symbols = server.result("workspace/symbol", json!({"query": "v100"}));
    assert_eq!(symbols[0]["name"], "v100");

    server.result("shutdown", Value::Null);
    server.notify("exit", Value::Null);
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(started.elapsed() < TIMEOUT, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn files_not_open_are_read_from_disk_and_watched() {
    let root = workspace("watched");
    let main = uri(&root.join("train.skiff"));
    let mut server = Server::start();
    initialize(&mut server, &root);
    // The template in lib/gpu.skiff is known without the editor opening it.
    open(&mut server, &main, MAIN);
    assert_eq!(server.diagnostics(&main, 1), Vec::<Value>::new());

    // lib/gpu.skiff changes on disk: the template is renamed, so the reference breaks.
    std::fs::write(root.join("lib/gpu.skiff"), GPU.replace("v100", "a100")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("lib/gpu.skiff")), "type": 2}]}),
    );
    let diagnostics = server.diagnostics(&main, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "unknown-name");

    // A new file appears.
    std::fs::write(root.join("lib/extra.skiff"), "pod_template spot {}\n").unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("lib/extra.skiff")), "type": 1}]}),
    );
    let symbols = server.result("workspace/symbol", json!({"query": "spot"}));
    assert_eq!(symbols[0]["location"]["uri"], uri(&root.join("lib/extra.skiff")));
    let _ = std::fs::remove_dir_all(&root);
}

/// Issue 18: an open file that imports a FIFO, a link to `/dev/zero` and a link out of the
/// workspace, and takes a template `from` a FIFO, still gets its diagnostics (each import
/// refused, saying why, without the content of the file outside), and the server answers the
/// next request at once; a watched-file event for a FIFO does not block it either.
#[cfg(target_os = "linux")]
#[test]
fn hostile_files_never_wedge_the_server() {
    let root = workspace("hostile");
    let outside = root.with_extension("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.skiff"), "SKIFF_SECRET_77 @@\n").unwrap();
    for fifo in ["pipe.skiff", "pipe.yaml"] {
        let made = std::process::Command::new("mkfifo").arg(root.join(fifo)).status().expect("mkfifo");
        assert!(made.success());
    }
    std::os::unix::fs::symlink("/dev/zero", root.join("zero.skiff")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.skiff"), root.join("secret.skiff")).unwrap();
    let text = "import \"pipe.skiff\" as pipe\nimport \"zero.skiff\" as zero\nimport \"secret.skiff\" as secret\n\
                pod_template p from \"pipe.yaml\"\n";
    let main = uri(&root.join("main.skiff"));
    let mut server = Server::start();
    initialize(&mut server, &root);
    open(&mut server, &main, text);
    let started = Instant::now();
    let diagnostics = server.diagnostics(&main, 1);
    let said: Vec<(u64, &str)> = diagnostics
        .iter()
        .filter(|d| d["code"] != "unused-import")
        .map(|d| (d["range"]["start"]["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    let reason = |line: u64, path: &str, why: &str| (line, format!("`{path}` is not read: {why}"));
    let fifo = "it is a named pipe (FIFO), not a regular file";
    let out = "it is a link to a file outside the workspace";
    let wanted = [
        reason(0, "pipe.skiff", fifo),
        reason(1, "zero.skiff", out),
        reason(2, "secret.skiff", out),
        reason(3, "pipe.yaml", fifo),
    ];
    let said: Vec<(u64, String)> =
        said.iter().map(|(line, message)| (*line, message.split("\nhelp:").next().unwrap().to_string())).collect();
    assert_eq!(said, wanted);
    assert!(!serde_json::to_string(&diagnostics).unwrap().contains("SKIFF_SECRET_77"));
    // A FIFO reported as changed on disk: read by the rules too, never blocking the writer.
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("pipe.skiff")), "type": 2}]}),
    );
    let asked = Instant::now();
    let symbols = server.result("workspace/symbol", json!({"query": "v100"}));
    assert!(asked.elapsed() < Duration::from_secs(5), "answered in {:?}", asked.elapsed());
    assert_eq!(symbols[0]["name"], "v100");
    eprintln!("diagnostics in {:?}, the next answer in {:?}", started.elapsed(), asked.elapsed());
    server.shut_down();
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&outside);
}

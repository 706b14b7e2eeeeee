//! The live view of an effective pod through the real protocol (`skiff lsp` as a child process):
//! `skiff/effectivePod` answers what `skiff explain` prints, byte for byte, and follows edits; a
//! lens above each `let` resolves to the pod in one line and the command that opens it; the
//! paths of `import` and `from` link to their files; and a YAML template changed on disk
//! re-checks the files that use it.

mod common;

use common::lsp::{Server, initialize, open, position, uri};
use common::skiff;
use serde_json::{Value, json};
use std::path::PathBuf;

const MAIN: &str = include_str!("../../../examples/seed/train.skiff");
const GPU: &str = include_str!("../../../examples/seed/lib/gpu.skiff");
const SPOT: &str = "spec:\n  restartPolicy: Never\n  tolerations:\n  - {key: spot, operator: Exists}\n";

/// The seed, with its V100 template extending one read from YAML.
fn workspace(name: &str) -> PathBuf {
    let dir = common::fresh_dir(&format!("skiff-lsp-preview-{name}"));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("skiff.toml"), "").unwrap();
    std::fs::write(dir.join("train.skiff"), MAIN).unwrap();
    let gpu = GPU.replace("pod_template v100 {", "pod_template v100 extends spot {")
        + "\npod_template spot from \"spot.yaml\"\n";
    std::fs::write(dir.join("lib/gpu.skiff"), gpu).unwrap();
    std::fs::write(dir.join("lib/spot.yaml"), SPOT).unwrap();
    dir.canonicalize().unwrap()
}

fn pod_at(server: &mut Server, file: &str, text: &str, needle: &str) -> Value {
    server.result("skiff/effectivePod", json!({"textDocument": {"uri": file}, "position": position(text, needle, 1)}))
}

#[test]
fn the_effective_pod_view_lenses_and_links() {
    let root = workspace("view");
    let main = uri(&root.join("train.skiff"));
    let mut server = Server::start();
    let capabilities = initialize(&mut server, &root);
    assert_eq!(capabilities["capabilities"]["codeLensProvider"]["resolveProvider"], true);
    assert!(capabilities["capabilities"]["documentLinkProvider"].is_object());
    assert_eq!(capabilities["capabilities"]["experimental"]["effectivePod"], true);
    open(&mut server, &main, MAIN);
    assert_eq!(server.diagnostics(&main, 1), Vec::<Value>::new());

    // The node under the cursor (here on its override): what `skiff explain` prints.
    let pod = pod_at(&mut server, &main, MAIN, "memory: 32Gi");
    let explained = skiff(&["explain", "my_workflow.m2", "."], &root);
    assert!(explained.status.success(), "{}", String::from_utf8_lossy(&explained.stderr));
    assert_eq!(pod["text"], String::from_utf8(explained.stdout).unwrap(), "the view is `skiff explain`");
    assert_eq!(pod["node"], "my_workflow.m2");
    assert_eq!(pod["task"], "train_model");
    assert_eq!(pod["uri"], "skiff-pod:/my_workflow.m2.yaml");
    assert_eq!(pod["summary"], "gpu-type=nvidia-a100 · 1 GPU · 32Gi memory · train:1.4");
    assert_eq!(pod["location"]["uri"], main);
    assert_eq!(pod["location"]["range"]["start"], position(MAIN, "let m2", 0));
    // The same node by its `skiff-pod:` document, and by name; nothing outside a `let`.
    let by_uri = server.result("skiff/effectivePod", json!({"textDocument": {"uri": pod["uri"]}}));
    assert_eq!(by_uri, pod);
    assert_eq!(server.result("skiff/effectivePod", json!({"node": "my_workflow.m2"})), pod);
    assert_eq!(pod_at(&mut server, &main, MAIN, "task train_model"), Value::Null);
    assert_eq!(server.result("skiff/effectivePod", json!({"node": "my_workflow.nope"})), Value::Null);
    assert!(server.request("skiff/effectivePod", json!({})).get("error").is_some());

    // As the user types: the override's memory changes, and so does the view.
    let edited = MAIN.replace("memory: 32Gi", "memory: 64Gi");
    server.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    server.diagnostics(&main, 2);
    let pod = pod_at(&mut server, &main, &edited, "memory: 64Gi");
    let text = pod["text"].as_str().unwrap();
    assert!(text.contains("memory: 64Gi                     # override resources (train.skiff:19)"), "{text}");

    // A lens above each `let`, resolved to the pod in one line and the command that opens it.
    let lenses = server.result("textDocument/codeLens", json!({"textDocument": {"uri": main}}));
    let lenses = lenses.as_array().unwrap();
    assert_eq!(lenses.len(), 2, "{lenses:#?}");
    assert_eq!(lenses[0]["range"]["start"], position(&edited, "let m1", 0));
    assert_eq!(lenses[1]["range"]["end"], position(&edited, "let m2", 6));
    let titles: Vec<Value> = lenses
        .iter()
        .map(|lens| {
            let resolved = server.result("codeLens/resolve", lens.clone());
            assert_eq!(resolved["command"]["command"], "skiff.showEffectivePod");
            assert_eq!(
                resolved["command"]["arguments"][0]["uri"],
                format!("skiff-pod:/{}.yaml", lens["data"]["node"].as_str().unwrap())
            );
            resolved["command"]["title"].clone()
        })
        .collect();
    assert_eq!(
        titles,
        [
            "pod: gpu-type=nvidia-tesla-v100 · 1 GPU · no memory limit · train:1.4",
            "pod: gpu-type=nvidia-a100 · 1 GPU · 64Gi memory · train:1.4"
        ]
    );
    let stranger = json!({"range": lenses[0]["range"], "data": {"something": "else"}});
    assert!(server.request("codeLens/resolve", stranger).get("error").is_some());

    // The import's path links to its file; so does a template's `from` path.
    let links = server.result("textDocument/documentLink", json!({"textDocument": {"uri": main}}));
    assert_eq!(links[0]["target"], uri(&root.join("lib/gpu.skiff")), "{links}");
    assert_eq!(links[0]["range"]["start"], position(&edited, "\"lib/gpu.skiff\"", 0));
    let gpu = uri(&root.join("lib/gpu.skiff"));
    let links = server.result("textDocument/documentLink", json!({"textDocument": {"uri": gpu}}));
    assert_eq!(links[0]["target"], uri(&root.join("lib/spot.yaml")), "{links}");

    // The YAML template changes on disk: the pods that use it follow, and the file that reads it
    // is checked again.
    let gpu_text = std::fs::read_to_string(root.join("lib/gpu.skiff")).unwrap();
    open(&mut server, &gpu, &gpu_text);
    assert_eq!(server.diagnostics(&gpu, 1), Vec::<Value>::new());
    let m1 = server.result("skiff/effectivePod", json!({"node": "my_workflow.m1"}));
    assert!(m1["text"].as_str().unwrap().contains("restartPolicy: Never"), "{m1}");
    let spot = root.join("lib/spot.yaml");
    std::fs::write(&spot, SPOT.replace("Never", "OnFailure")).unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&spot), "type": 2}]}));
    server.diagnostics(&gpu, 1);
    let m1 = server.result("skiff/effectivePod", json!({"node": "my_workflow.m1"}));
    let text = m1["text"].as_str().unwrap();
    assert!(text.contains("restartPolicy: OnFailure                     # template spot (lib/spot.yaml:2)"), "{text}");
    std::fs::write(&spot, "spec:\n  restartPolicy: [unclosed\n").unwrap();
    server.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&spot), "type": 2}]}));
    let diagnostics = server.diagnostics(&gpu, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "invalid-template-file");
    assert_eq!(diagnostics[0]["range"]["start"], position(&gpu_text, "\"spot.yaml\"", 0));

    server.shut_down();
    let _ = std::fs::remove_dir_all(&root);
}

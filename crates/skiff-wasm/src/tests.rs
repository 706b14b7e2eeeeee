//! The calls the page makes, natively: the same code the module runs.

use super::*;

const SEED: &str = include_str!("../../../examples/seed/train.skiff");
const GPU: &str = include_str!("../../../examples/seed/lib/gpu.skiff");

fn seeded() -> Playground {
    let mut playground = Playground::new();
    for (path, text) in [("train.skiff", SEED), ("lib/gpu.skiff", GPU), ("skiff.toml", "")] {
        let call = json!({"method": "setFile", "path": path, "text": text}).to_string();
        assert_eq!(playground.handle_json(&call), r#"{"ok":null}"#);
    }
    playground
}

fn call(playground: &mut Playground, call: Value) -> Value {
    let answer: Value = serde_json::from_str(&playground.handle_json(&call.to_string())).unwrap();
    answer
}

#[test]
fn diagnostics_as_the_text_changes() {
    let mut playground = seeded();
    assert_eq!(call(&mut playground, json!({"method": "diagnostics"})), json!({"ok": []}));
    let broken = format!("// é𝔊\n{}", SEED.replacen("nodeSelector", "nodeSelektor", 1));
    call(&mut playground, json!({"method": "setFile", "path": "train.skiff", "text": broken}));
    let answer = call(&mut playground, json!({"method": "diagnostics"}));
    let found = answer["ok"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{answer}");
    assert_eq!(found[0]["code"], "unknown-field");
    assert_eq!(found[0]["path"], "train.skiff");
    // In UTF-16 units (`é` is 2 bytes and 1 unit, `𝔊` 4 bytes and 2 units, and so on).
    let at = broken.find("nodeSelektor").unwrap();
    assert_eq!(found[0]["from"], broken[..at].encode_utf16().count());
    assert!(broken[..at].encode_utf16().count() < at);
    assert!(found[0]["message"].as_str().unwrap().contains("nodeSelektor"));
}

#[test]
fn hover_and_the_effective_pod() {
    let mut playground = seeded();
    let offset = SEED.find("override pod_template").unwrap() + 2;
    let hover = call(&mut playground, json!({"method": "hover", "path": "train.skiff", "offset": offset}));
    let markdown = hover["ok"]["markdown"].as_str().unwrap();
    assert!(markdown.contains("The pod of `my_workflow.m2`"), "{markdown}");
    assert!(markdown.contains("# override pod_template (train.skiff:16)"), "{markdown}");
    let pod = call(&mut playground, json!({"method": "effectivePod", "path": "train.skiff", "offset": offset}));
    assert_eq!(pod["ok"]["node"], "my_workflow.m2");
    assert!(pod["ok"]["text"].as_str().unwrap().starts_with("# my_workflow.m2: task train_model\nspec:\n"));
    let nothing = call(&mut playground, json!({"method": "hover", "path": "nowhere.skiff", "offset": 3}));
    assert_eq!(nothing, json!({"ok": null}));
}

#[test]
fn a_build_for_each_target() {
    let mut playground = seeded();
    let pods = call(&mut playground, json!({"method": "build", "target": "pods"}));
    let pods = pods["ok"].as_str().unwrap();
    assert_eq!(pods.matches("kind: Pod\n").count(), 2, "{pods}");
    assert_eq!(pods.matches("---\n").count(), 1);
    let argo = call(&mut playground, json!({"method": "build", "target": "argo"}));
    assert!(argo["ok"].as_str().unwrap().contains("kind: WorkflowTemplate\n"), "{argo}");
    let templates = call(&mut playground, json!({"method": "build", "target": "podtemplates"}));
    assert!(templates["ok"].as_str().unwrap().contains("kind: PodTemplate\n"), "{templates}");
    let unknown = call(&mut playground, json!({"method": "build", "target": "helm"}));
    assert!(unknown["error"].as_str().unwrap().contains("no target `helm`"));

    // A workspace with an error builds nothing, and says why.
    let broken = SEED.replacen("\"Never\"", "Never", 1).replacen("image: \"", "image: 5 // \"", 1);
    call(&mut playground, json!({"method": "setFile", "path": "train.skiff", "text": broken}));
    let refused = call(&mut playground, json!({"method": "build", "target": "pods"}));
    assert!(refused["error"].as_str().unwrap().ends_with(": fix them to build"), "{refused}");
}

#[test]
fn bad_calls_are_answered() {
    let mut playground = Playground::new();
    assert!(playground.handle_json("not json").contains("\"error\""));
    assert!(playground.handle_json(r#"{"method":"explode"}"#).contains("\"error\""));
    assert_eq!(playground.handle_json(r#"{"method":"removeFile","path":"a.skiff"}"#), r#"{"ok":null}"#);
}

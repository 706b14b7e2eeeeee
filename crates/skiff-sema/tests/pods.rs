//! Effective pods written as data: each `pods/*.skiff` fixture (files split as in
//! `diagnostics.rs`) is a workspace; the `.out` file beside it holds, for every node of every
//! workflow, the merged pod as `skiff explain` shows it, each value with its origin, and the
//! errors if the pod could not be made. Review changes, then accept them with
//! `UPDATE_EXPECT=1 cargo test -p skiff-sema --test pods`.

mod common;

use common::fixtures;
use skiff_sema::compile::{self, BuildOptions};
use skiff_sema::explain::{NodeId, explain_lines, explain_node, render_plain};
use skiff_sema::{Workspace, fixture};
use std::fmt::Write;

#[test]
fn every_node_merges_as_its_fixture_says() {
    let fixtures = fixtures("pods");
    assert!(fixtures.len() >= 3);
    for fixture in fixtures {
        let files = fixture::split(&std::fs::read_to_string(&fixture).expect("UTF-8 fixture"));
        let workspace = Workspace::from_fixture(&files);
        let diagnostics = workspace.diagnostics();
        let db = &workspace.db;
        let mut rendered = String::new();
        for d in &diagnostics {
            let _ = writeln!(rendered, "diagnostic {}: [{}] {}", d.path, d.diagnostic.code, d.diagnostic.message);
        }
        for workflow in compile::workflows(db) {
            for (index, binding) in compile::bindings(db, workflow).iter().enumerate() {
                let _ = writeln!(rendered, "== {}.{}", workflow.name(db), binding.name.text);
                let node = NodeId { workflow, binding: index as u32 };
                let explained = explain_node(db, node).expect("a node that calls a task");
                rendered.push_str(&render_plain(&explain_lines(db, &explained)));
                for error in explained.errors() {
                    let _ = writeln!(rendered, "error[{}] {}", error.code, error.message);
                }
            }
        }
        expect_test::expect_file![fixture.with_extension("out")].assert_eq(&rendered);
        if diagnostics.iter().all(|d| d.diagnostic.severity != skiff_sema::Severity::Error) {
            let pods = compile::build(db, &BuildOptions::default()).expect("a clean workspace builds");
            assert!(!pods.is_empty());
        }
    }
}

/// A node is found by its name and by a position in its `let`, and explained once: the pod
/// holds what the compiler adds for `retries` and `timeout`, and the changes are the overrides'.
#[test]
fn a_node_is_found_by_name_or_position_and_explained_once() {
    use skiff_k8s::merge::ChangeKind;
    use skiff_sema::explain::{NodeNameError, node_at, node_by_name};
    let text = "task t() {\n  image: \"i\"\n  retries: 2\n}\n\nworkflow w() {\n  let a = t()\n  let b = t()\n    override timeout: 1m\n}\n";
    let mut workspace = Workspace::new(skiff_sema::RootDatabase::new());
    workspace.set_file("main.skiff", text.to_owned());
    let db = &workspace.db;
    let b = node_by_name(db, "w.b").expect("w.b is a node");
    let file = workspace.files().into_iter().find(|(p, _)| p == "main.skiff").map(|(_, f)| f).expect("the file");
    assert_eq!(node_at(db, file, text.find("timeout").unwrap() as u32), Some(b));
    assert_eq!(node_at(db, file, text.find("let a").unwrap() as u32), node_by_name(db, "w.a").ok());
    assert_eq!(node_at(db, file, text.find("image").unwrap() as u32), None, "a task is not a node");
    assert!(matches!(node_by_name(db, "w.c"), Err(NodeNameError::NoBinding { .. })));
    assert_eq!(node_by_name(db, "v.a").unwrap_err().to_string(), "no workflow named `v`; did you mean `w`?");
    assert!(matches!(node_by_name(db, "wa"), Err(NodeNameError::NotANodeName { .. })));

    let explained = explain_node(db, b).expect("b calls a task");
    let shown = render_plain(&explain_lines(db, &explained));
    assert!(shown.starts_with("metadata:\n  annotations: {skiff.dev/retries: \"2\"}"), "{shown}");
    assert!(
        shown.contains("activeDeadlineSeconds: 60") && shown.contains("# override timeout (main.skiff:9)"),
        "{shown}"
    );
    let changes = explained.changes();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].path, "spec.activeDeadlineSeconds");
    assert!(matches!(&changes[0].kind, ChangeKind::Added { new, .. } if new == "60"));
    let a = explain_node(db, node_by_name(db, "w.a").unwrap()).unwrap();
    assert!(a.changes().is_empty() && a.errors().is_empty());
}

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

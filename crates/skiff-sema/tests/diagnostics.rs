//! One fixture per semantic diagnostic, written as data.
//!
//! Each `diagnostics/*.skiff` fixture may hold several files, each starting with a line
//! `//- path` (rust-analyzer's fixture convention); a YAML data file is written the same way
//! with `#- path`, and is checked too. Lines that must carry a diagnostic say so in a comment
//! (`#~` in YAML and TOML): `//~ code` for this
//! line, `//~^ code` for the line above. The rendered diagnostics (code, line, message, help,
//! fix) are compared with the `.out` file beside the fixture; review changes, then accept them
//! with `UPDATE_EXPECT=1 cargo test -p skiff-sema --test diagnostics`.

mod common;

use common::fixtures;
use skiff_sema::fixture;
use skiff_sema::{RootDatabase, Severity, Workspace};
use skiff_syntax::LineIndex;
use std::fmt::Write;
use std::path::Path;

fn annotations(text: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~").or_else(|| line.find("#~")) else { continue };
        let rest = line[at..].trim_start_matches(['/', '#', '~']);
        let (line_no, codes) = match line[at..].trim_start_matches(['/', '#']).strip_prefix("~^") {
            Some(codes) => (i, codes),
            None => (i + 1, rest),
        };
        for code in codes.split_whitespace() {
            expected.push((line_no, code.to_string()));
        }
    }
    expected.sort();
    expected
}

#[test]
fn every_fixture_reports_what_it_annotates() {
    let fixtures = fixtures("diagnostics");
    assert!(fixtures.len() >= skiff_sema::codes::ALL.len(), "one fixture per code at least");
    let mut covered = std::collections::BTreeSet::new();
    for fixture in fixtures {
        let files = fixture::split(&std::fs::read_to_string(&fixture).expect("UTF-8 fixture"));
        let workspace = Workspace::from_fixture(&files);
        let diagnostics = workspace.diagnostics();
        let mut rendered = String::new();
        for file in files.iter() {
            let index = LineIndex::new(&file.text);
            let mut actual: Vec<(usize, String)> = diagnostics
                .iter()
                .filter(|d| d.path == file.path)
                .map(|d| (index.line(d.diagnostic.span.start) + 1, d.diagnostic.code.to_string()))
                .collect();
            actual.sort();
            assert_eq!(
                actual,
                annotations(&file.text),
                "{}: {} diagnostics differ from the annotations",
                fixture.display(),
                file.path
            );
            for d in diagnostics.iter().filter(|d| d.path == file.path) {
                let d = &d.diagnostic;
                covered.insert(d.code);
                let severity = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                let line = index.line(d.span.start) + 1;
                let _ = writeln!(rendered, "{}:{line}: {severity}[{}] {}", file.path, d.code, d.message);
                for label in &d.labels {
                    let where_ =
                        label.file.clone().unwrap_or_else(|| format!("line {}", index.line(label.span.start) + 1));
                    let _ = writeln!(rendered, "  label ({where_}): {}", label.message);
                }
                if let Some(help) = &d.help {
                    let _ = writeln!(rendered, "  help: {help}");
                }
                if let Some(fix) = &d.fix {
                    for edit in &fix.edits {
                        let old = &file.text[edit.span.range()];
                        let _ = writeln!(rendered, "  fix ({}): {old:?} -> {:?}", fix.message, edit.text);
                    }
                }
            }
        }
        expect_test::expect_file![fixture.with_extension("out")].assert_eq(&rendered);
    }
    let missing: Vec<&&str> = skiff_sema::codes::ALL.iter().filter(|c| !covered.contains(**c)).collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}

#[test]
fn examples_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut workspace = Workspace::new(RootDatabase::new());
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("examples") {
            let path = entry.expect("entry").path();
            let key = path.strip_prefix(&root).expect("below root").to_string_lossy().replace('\\', "/");
            if path.is_dir() {
                stack.push(path);
            } else if key.ends_with(".skiff") {
                workspace.set_file(&key, std::fs::read_to_string(&path).expect("UTF-8"));
            } else if key.ends_with(".yaml") {
                workspace.set_data_file(&key, std::fs::read_to_string(&path).expect("UTF-8"));
            }
        }
    }
    assert!(workspace.files().len() >= 4);
    let diagnostics = workspace.diagnostics();
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
}

#[test]
fn every_code_is_documented() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let undocumented: Vec<&str> = skiff_syntax::error::codes::ALL
        .iter()
        .chain(skiff_sema::codes::ALL)
        .chain(skiff_k8s::codes::ALL)
        .copied()
        .filter(|code| !doc.contains(&format!("| `{code}` |")))
        .collect();
    assert!(undocumented.is_empty(), "codes missing from docs/diagnostics.md: {undocumented:?}");
    // Each lint has a section of its own (why it matters, how to fix it): its help URI.
    let undocumented: Vec<&str> =
        skiff_k8s::policy::codes::ALL.iter().copied().filter(|code| !doc.contains(&format!("### `{code}`"))).collect();
    assert!(undocumented.is_empty(), "lints without a section in docs/diagnostics.md: {undocumented:?}");
}

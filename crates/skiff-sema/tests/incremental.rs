//! Incrementality, proven by counting what salsa executes (`WillExecute` events).
//!
//! The promises: editing inside one task's body re-runs only the checks of that task; a blank
//! line or a comment at the top of a file re-runs no semantic check; editing an imported file
//! re-checks only its importers.

use skiff_sema::items::{ItemId, file_items};
use skiff_sema::{ExecutionLog, RootDatabase, Workspace};
use std::collections::BTreeSet;

const LIB: &str = r#"/// The GPU pool.
pod_template gpu {
  nodeSelector { "gpu-type": "nvidia-a100" }
}
"#;

const MAIN: &str = r#"import "lib.skiff" as lib

task train(data: DataFrame) -> File {
  image: "ghcr.io/acme/train:1.4"
  pod_template: lib.gpu
}

task report(model: File) -> File {
  image: "ghcr.io/acme/report:1.0"
}

workflow nightly(data: DataFrame) -> File {
  let model = train(data: data)
  let summary = report(model: model)
  return summary
}
"#;

const OTHER: &str = r#"task clean(raw: File) -> DataFrame {
  image: "ghcr.io/acme/clean:2.0"
}

workflow cleanup(raw: File) -> DataFrame {
  let cleaned = clean(raw: raw)
  return cleaned
}
"#;

struct Fixture {
    workspace: Workspace,
    log: ExecutionLog,
}

impl Fixture {
    fn new() -> Fixture {
        let (db, log) = RootDatabase::with_execution_log();
        let mut workspace = Workspace::new(db);
        workspace.set_file("lib.skiff", LIB.to_string());
        workspace.set_file("main.skiff", MAIN.to_string());
        workspace.set_file("other.skiff", OTHER.to_string());
        let fixture = Fixture { workspace, log };
        let diagnostics = fixture.workspace.diagnostics();
        assert!(diagnostics.is_empty(), "the fixture checks clean: {diagnostics:#?}");
        fixture
    }

    /// `file:item` for every item of the workspace, by the salsa id that the log prints.
    fn item_names(&self) -> Vec<(String, String)> {
        let db = &self.workspace.db;
        let mut names = Vec::new();
        for (path, file) in self.workspace.files() {
            for item in file_items(db, file) {
                let id: &ItemId = item;
                names.push((format!("{:?}", salsa::plumbing::AsId::as_id(id)), format!("{path}:{}", id.name(db))));
            }
        }
        names
    }

    /// Changes a file, re-checks everything, and returns which items' checks re-ran.
    fn rechecked_after(&mut self, path: &str, text: &str) -> BTreeSet<String> {
        self.reran_after("check_item", path, text)
    }

    /// Changes a file, re-checks everything, and returns the items for which `query` re-ran.
    fn reran_after(&mut self, query: &str, path: &str, text: &str) -> BTreeSet<String> {
        self.log.lock().unwrap().clear();
        self.workspace.set_file(path, text.to_string());
        let _ = self.workspace.diagnostics();
        let log = self.log.lock().unwrap().clone();
        let names = self.item_names();
        log.iter()
            .filter_map(|entry| {
                entry
                    .strip_prefix(query)
                    .and_then(|rest| rest.strip_prefix('('))
                    .and_then(|rest| rest.strip_suffix(')'))
            })
            .map(|id| {
                names.iter().find(|(known, _)| known == id).map_or_else(|| format!("unknown {id}"), |(_, n)| n.clone())
            })
            .collect()
    }
}

#[test]
fn the_log_names_item_checks() {
    let mut fixture = Fixture::new();
    // A change that re-checks one item shows it by name (guards the parsing of the log).
    let rechecked = fixture.rechecked_after("main.skiff", &MAIN.replace("report:1.0", "report:1.1"));
    assert_eq!(rechecked, BTreeSet::from(["main.skiff:report".to_string()]));
}

#[test]
fn editing_a_task_body_rechecks_only_that_task() {
    let mut fixture = Fixture::new();
    let edited = MAIN.replace("train:1.4", "train:1.5");
    assert_eq!(fixture.rechecked_after("main.skiff", &edited), BTreeSet::from(["main.skiff:train".to_string()]));
    // A new field in the body, too.
    let edited = edited.replace("  pod_template: lib.gpu\n", "  pod_template: lib.gpu\n  workingDir: \"/w\"\n");
    assert_eq!(fixture.rechecked_after("main.skiff", &edited), BTreeSet::from(["main.skiff:train".to_string()]));
}

#[test]
fn editing_a_task_body_remerges_the_pods_of_its_callers_only() {
    let mut fixture = Fixture::new();
    // A call with an override has a pod of its own, merged on its task's.
    let main =
        MAIN.replace("  let model = train(data: data)\n", "  let model = train(data: data)\n    override retries: 1\n");
    fixture.reran_after("pod_checks", "main.skiff", &main);
    let edited = main.replace("train:1.4", "train:1.5");
    let remerged = fixture.reran_after("pod_checks", "main.skiff", &edited);
    assert_eq!(remerged, BTreeSet::from(["main.skiff:nightly".to_string(), "main.skiff:train".to_string()]));
    // `cleanup` calls `clean` without overrides: its node's pod is the task's, checked once.
    let edited_other = OTHER.replace("clean:2.0", "clean:2.1");
    let remerged = fixture.reran_after("pod_checks", "other.skiff", &edited_other);
    assert_eq!(remerged, BTreeSet::from(["other.skiff:clean".to_string()]));
    // A comment above everything moves every item and re-merges nothing.
    let remerged = fixture.reran_after("pod_checks", "main.skiff", &format!("// moved\n{edited}"));
    assert_eq!(remerged, BTreeSet::new());
}

#[test]
fn blank_lines_and_comments_at_the_top_recheck_nothing() {
    let mut fixture = Fixture::new();
    assert_eq!(fixture.rechecked_after("main.skiff", &format!("\n{MAIN}")), BTreeSet::new());
    assert_eq!(fixture.rechecked_after("main.skiff", &format!("// a comment\n\n{MAIN}")), BTreeSet::new());
    // Diagnostics still land on the right lines after the shift.
    let broken = format!("// a comment\n\n{}", MAIN.replace("report(model: model)", "report(modle: model)"));
    fixture.workspace.set_file("main.skiff", broken.clone());
    let diagnostics = fixture.workspace.diagnostics();
    let line_of = |offset: u32| broken[..offset as usize].matches('\n').count() + 1;
    let located: Vec<(usize, &str)> =
        diagnostics.iter().map(|d| (line_of(d.diagnostic.span.start), d.diagnostic.code)).collect();
    assert!(located.contains(&(16, "unknown-argument")), "{located:?}");
}

#[test]
fn editing_an_imported_file_rechecks_only_its_importers() {
    let mut fixture = Fixture::new();
    // A body edit in the imported file changes no signature: only the template is re-checked.
    let body_edit = LIB.replace("nvidia-a100", "nvidia-h100");
    assert_eq!(fixture.rechecked_after("lib.skiff", &body_edit), BTreeSet::from(["lib.skiff:gpu".to_string()]));
    // A new item changes what the file offers: its importers are re-checked, other files not.
    let new_item = format!("{body_edit}\npod_template cpu {{\n  nodeSelector {{ pool: \"cpu\" }}\n}}\n");
    let rechecked = fixture.rechecked_after("lib.skiff", &new_item);
    assert!(rechecked.contains("lib.skiff:cpu"), "{rechecked:?}");
    assert!(rechecked.iter().any(|name| name.starts_with("main.skiff:")), "importers re-checked: {rechecked:?}");
    assert!(!rechecked.iter().any(|name| name.starts_with("other.skiff:")), "non-importers untouched: {rechecked:?}");
}

/// A file of many items: `count` documented tasks and a workflow calling each.
fn many_items(count: usize) -> String {
    let mut text = String::from("// Many tasks.\n\n");
    for i in 0..count {
        text.push_str(&format!(
            "/// Task {i}.\ntask t{i}(data: DataFrame) -> File {{\n  image: \"ghcr.io/acme/t{i}:1.0\"\n}}\n\n"
        ));
        text.push_str(&format!(
            "workflow w{i}(data: DataFrame) -> File {{\n  let out = t{i}(data: data)\n  return out\n}}\n\n"
        ));
    }
    text
}

impl Fixture {
    /// How many times `query` ran for any argument after changing a file and re-checking.
    fn runs_after(&mut self, query: &str, path: &str, text: &str) -> usize {
        self.log.lock().unwrap().clear();
        self.workspace.set_file(path, text.to_string());
        let _ = self.workspace.diagnostics();
        let prefix = format!("{query}(");
        self.log.lock().unwrap().iter().filter(|entry| entry.starts_with(&prefix)).count()
    }
}

#[test]
fn editing_one_item_of_many_parses_only_its_chunk() {
    let mut fixture = Fixture::new();
    let text = many_items(40);
    fixture.workspace.set_file("many.skiff", text.clone());
    assert!(fixture.workspace.diagnostics().is_empty());
    let edited = text.replace("t17:1.0", "t17:1.1");
    assert_eq!(fixture.runs_after("parse_chunk", "many.skiff", &edited), 1);
    let edited = edited.replace("t17:1.1", "t17:1.2");
    assert_eq!(fixture.rechecked_after("many.skiff", &edited), BTreeSet::from(["many.skiff:t17".to_string()]));
    // A doc comment is part of its item's chunk: only that chunk is parsed again.
    let edited = edited.replace("/// Task 3.\n", "/// Task three.\n");
    assert_eq!(fixture.runs_after("parse_chunk", "many.skiff", &edited), 1);
    // An edit that breaks the item is still confined to it.
    let broken = edited.replace("  let out = t5(data: data)\n", "  let out = t5(data: \n");
    assert_eq!(fixture.runs_after("parse_chunk", "many.skiff", &broken), 1);
    let codes: Vec<&str> = fixture.workspace.diagnostics().iter().map(|d| d.diagnostic.code).collect();
    assert!(!codes.is_empty(), "the broken call is reported");
}

#[test]
fn a_blank_line_at_the_top_parses_at_most_the_first_chunk_and_rechecks_nothing() {
    let mut fixture = Fixture::new();
    let text = many_items(10);
    fixture.workspace.set_file("many.skiff", text.clone());
    let _ = fixture.workspace.diagnostics();
    let moved = format!("\n{text}");
    assert!(fixture.runs_after("parse_chunk", "many.skiff", &moved) <= 1);
    let moved = format!("\n{moved}");
    assert_eq!(fixture.rechecked_after("many.skiff", &moved), BTreeSet::new());
    let moved = format!("\n{moved}");
    assert_eq!(fixture.rechecked_after("many.skiff", &moved), BTreeSet::new());
    // In a file whose first line is an item, the blank line is a chunk of its own.
    assert!(fixture.runs_after("parse_chunk", "main.skiff", &format!("\n{MAIN}")) <= 1);
    assert_eq!(fixture.rechecked_after("main.skiff", &format!("\n\n{MAIN}")), BTreeSet::new());
}

/// Edits of a file: (where, as a fraction of the text, how many bytes to remove, what to insert).
fn apply(text: &str, (at, remove, insert): &(f64, usize, &str)) -> String {
    let mut start = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + remove).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{insert}{}", &text[..start], &text[end..])
}

const INSERTS: &[&str] = &[
    "",
    "\n",
    "}",
    "{",
    "/// doc\n",
    "// note\n",
    "task extra(x: Int) -> File {\n  image: \"e\"\n}\n",
    "workflow ",
    "  let y = t1(data: data)\n",
    "image: \"x\"\n",
    "t2",
    "(",
    "\"",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]

    /// However a file got to its text, one edit at a time, its diagnostics are those of a fresh
    /// database given that text: memoized chunks and backdated items never leave stale results.
    #[test]
    fn diagnostics_after_edits_equal_a_fresh_check(
        edits in proptest::collection::vec((0.0..1.0f64, 0..40usize, 0..INSERTS.len()), 1..12),
    ) {
        let mut fixture = Fixture::new();
        let mut text = many_items(4);
        fixture.workspace.set_file("many.skiff", text.clone());
        let _ = fixture.workspace.diagnostics();
        for (at, remove, insert) in edits {
            text = apply(&text, &(at, remove, INSERTS[insert]));
            fixture.workspace.set_file("many.skiff", text.clone());
            let incremental = fixture.workspace.diagnostics();
            let mut fresh = Workspace::new(RootDatabase::new());
            fresh.set_file("lib.skiff", LIB.to_string());
            fresh.set_file("main.skiff", MAIN.to_string());
            fresh.set_file("other.skiff", OTHER.to_string());
            fresh.set_file("many.skiff", text.clone());
            proptest::prop_assert_eq!(incremental, fresh.diagnostics(), "after edits to {:?}", text);
            // The IDE's whole-file parse is the syntax crate's.
            let file = fixture.workspace.file("many.skiff").expect("set above");
            proptest::prop_assert_eq!(skiff_sema::parse(&fixture.workspace.db, file), &skiff_syntax::parse(&text));
        }
    }
}

#[test]
fn a_lint_in_an_imported_template_follows_its_line_and_merges_nothing_again() {
    let mut fixture = Fixture::new();
    let lib = LIB.replace("  nodeSelector", "  hostNetwork: true\n  nodeSelector");
    fixture.workspace.set_file("lib.skiff", lib.clone());
    let lints = |fixture: &Fixture| -> Vec<(String, usize)> {
        fixture
            .workspace
            .diagnostics()
            .iter()
            .map(|d| {
                let text = fixture.workspace.file(&d.path).unwrap().text(&fixture.workspace.db).clone();
                (d.path.clone(), text[..d.diagnostic.span.start as usize].matches('\n').count() + 1)
            })
            .collect()
    };
    // Reported once, in the template's file, though a task's pod is where it was found.
    assert_eq!(lints(&fixture), [("lib.skiff".to_string(), 3)]);
    // Lines above it move it; no pod is merged again, and no lint is gathered again.
    let moved = format!("// moved\n\n{lib}");
    assert_eq!(fixture.runs_after("pod_checks", "lib.skiff", &moved), 0);
    assert_eq!(fixture.runs_after("lints_by_file", "lib.skiff", &format!("// again\n{moved}")), 0);
    assert_eq!(lints(&fixture), [("lib.skiff".to_string(), 6)]);
    // (The log does see it run when a lint changes.)
    let changed = format!("// again\n{moved}").replace("hostNetwork", "hostPID");
    assert_eq!(fixture.runs_after("lints_by_file", "lib.skiff", &changed), 1);
}

#[test]
fn extends_cycles_are_found_again_only_when_an_extends_changes() {
    let mut fixture = Fixture::new();
    let lib = format!("{LIB}\npod_template big extends gpu {{\n  nodeSelector {{ size: \"big\" }}\n}}\n");
    let runs = |fixture: &mut Fixture, text: &str| {
        fixture.log.lock().unwrap().clear();
        fixture.workspace.set_file("lib.skiff", text.to_string());
        let diagnostics = fixture.workspace.diagnostics();
        let runs = fixture.log.lock().unwrap().iter().filter(|e| e.starts_with("extends_cycles(")).count();
        (runs, diagnostics.len())
    };
    assert_eq!(runs(&mut fixture, &lib), (1, 0), "a new `extends` is looked at");
    // An edit inside a body leaves every `extends` as it was: the walk does not run again.
    assert_eq!(runs(&mut fixture, &lib.replace("\"big\"", "\"bigger\"")), (0, 0));
    // Closing a loop runs it, and the loop is reported once.
    let looped = lib.replace("pod_template gpu {", "pod_template gpu extends big {");
    assert_eq!(runs(&mut fixture, &looped), (1, 1));
}

//! Formatting keeps what the checker says: the same diagnostics (code and message) before and
//! after, over the fixtures and generated files (full of unknown names, wrong kinds and bad
//! values, so the checker has much to say).

mod generate;

use proptest::prelude::*;
use skiff_sema::{RootDatabase, Workspace};
use std::path::Path;

/// Every diagnostic for these files, checked together, as (file, code, message), sorted.
fn codes(files: &[(String, String)]) -> Vec<(String, &'static str, String)> {
    let mut workspace = Workspace::new(RootDatabase::new());
    for (path, text) in files {
        workspace.set_file(path, text.clone());
    }
    let mut codes: Vec<(String, &'static str, String)> =
        workspace.diagnostics().into_iter().map(|d| (d.path, d.diagnostic.code, d.diagnostic.message)).collect();
    codes.sort();
    codes
}

fn formatted(files: &[(String, String)]) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(path, text)| {
            let out = skiff_fmt::format(text).unwrap_or_else(|e| panic!("{path}: {e}\n{text}"));
            (path.clone(), out)
        })
        .collect()
}

fn read_dir(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            read_dir(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "skiff") {
            let key = path.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
            files.push((key, std::fs::read_to_string(&path).expect("UTF-8")));
        }
    }
}

#[test]
fn the_fixtures_keep_their_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    read_dir(&root.join("tests/fixtures"), &root.join("tests/fixtures"), &mut files);
    read_dir(
        &root.join("../skiff-syntax/tests/fixtures/ok"),
        &root.join("../skiff-syntax/tests/fixtures/ok"),
        &mut files,
    );
    files.sort();
    let mut said = 0;
    for file in &files {
        let before = codes(std::slice::from_ref(file));
        said += before.len();
        assert_eq!(codes(&formatted(std::slice::from_ref(file))), before, "{}", file.0);
    }
    assert!(said > 10, "the fixtures should give the checker something to say ({said} diagnostics)");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_keep_their_diagnostics(seed in any::<u64>()) {
        let files = vec![("main.skiff".to_string(), generate::Gen::new(seed).file())];
        let before = codes(&files);
        prop_assert_eq!(codes(&formatted(&files)), before, "seed {}\n{}", seed, files[0].1);
    }
}

#[test]
fn generated_files_give_the_checker_much_to_say() {
    let said: usize =
        (0..50).map(|seed| codes(&[("main.skiff".to_string(), generate::Gen::new(seed).file())]).len()).sum();
    assert!(said > 100, "{said} diagnostics over 50 generated files");
}

//! Fixtures written as data, shared by the test files: several files in one text, each
//! starting with a line `//- path` (rust-analyzer's convention), or `#- path` for a YAML data
//! file (`#- skiff.toml` is the project configuration).

use skiff_sema::{RootDatabase, Workspace};
use std::path::{Path, PathBuf};

/// The `*.skiff` fixtures of `tests/NAME`, in path order.
pub fn fixtures(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(name);
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "skiff"))
        .collect();
    fixtures.sort();
    fixtures
}

pub struct FixtureFile {
    pub path: String,
    pub text: String,
    pub data: bool,
}

pub fn split_fixture(text: &str) -> Vec<FixtureFile> {
    let mut files: Vec<FixtureFile> = Vec::new();
    for line in text.split_inclusive('\n') {
        let marker =
            line.strip_prefix("//- ").map(|p| (p, false)).or_else(|| line.strip_prefix("#- ").map(|p| (p, true)));
        match marker {
            Some((path, data)) => files.push(FixtureFile { path: path.trim().to_string(), text: String::new(), data }),
            None => files.last_mut().expect("a fixture starts with `//- path`").text.push_str(line),
        }
    }
    files
}

/// A workspace holding the fixture's files.
pub fn workspace_of(files: &[FixtureFile]) -> Workspace {
    let mut workspace = Workspace::new(RootDatabase::new());
    for file in files {
        if file.path == "skiff.toml" {
            workspace.set_config(file.text.clone());
        } else if file.data {
            workspace.set_data_file(&file.path, file.text.clone());
        } else {
            workspace.set_file(&file.path, file.text.clone());
        }
    }
    workspace
}

//! Several files in one text: the format of the test fixtures (of the checker and of the IDE
//! features), the fuzz inputs, and a bug report pasted whole. A line `//- path` or `#- path`
//! starts a file (rust-analyzer's convention; `#` for files whose comments start so: YAML and
//! `skiff.toml`). Text before the first marker is `main.skiff`, unless it is blank.
//!
//! A fixture is a file system in memory ([`MemFs`]), loaded by the same [`Loader`] as a folder
//! on disk: `.skiff` files are sources, `skiff.toml` the configuration, and a file read by
//! `pod_template NAME from "..."` a template, as in `skiff check` of that folder.

use crate::db::RootDatabase;
use crate::load::{LoadReport, Loader, MemFs};
use crate::workspace::Workspace;
use std::path::Path;

/// One file of a fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixtureFile {
    /// The workspace path, with `/`.
    pub path: String,
    pub text: String,
}

/// The files of a fixture, in order. A marker whose path is not one a workspace could hold
/// (absolute, empty segments, `.` or `..`, odd characters, 100 characters or more) is plain text
/// of the file before it, so any text reads as some workspace.
pub fn split(text: &str) -> Vec<FixtureFile> {
    let mut files = vec![FixtureFile { path: "main.skiff".into(), text: String::new() }];
    for line in text.split_inclusive('\n') {
        let marker = line.strip_prefix("//- ").or_else(|| line.strip_prefix("#- ")).map(str::trim);
        match marker {
            Some(path) if is_workspace_path(path) => files.push(FixtureFile { path: path.into(), text: String::new() }),
            _ => files.last_mut().expect("main.skiff is first").text.push_str(line),
        }
    }
    // A fixture that starts with a marker has no `main.skiff`.
    if files.len() > 1 && files[0].text.trim().is_empty() {
        files.remove(0);
    }
    files
}

fn is_workspace_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() < 100
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(&b))
        && path.split('/').all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// The files as a file system (a later file of the same path replaces an earlier one).
pub fn file_system(files: &[FixtureFile]) -> MemFs {
    let mut fs = MemFs::new();
    for file in files {
        fs.insert(&file.path, file.text.as_bytes());
    }
    fs
}

impl Workspace {
    /// A workspace holding the fixture's files, loaded as a folder on disk would be.
    pub fn from_fixture(files: &[FixtureFile]) -> Workspace {
        let mut workspace = Workspace::new(RootDatabase::new());
        workspace.load_fixture(files);
        workspace
    }

    /// Loads the fixture's files into this workspace (over its own database).
    pub fn load_fixture(&mut self, files: &[FixtureFile]) {
        let loader = Loader::new(file_system(files), Path::new("/")).expect("a MemFs has a root");
        loader.load_folder(self, &mut LoadReport::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_start_files_and_odd_paths_are_text() {
        let files = split(
            "pod_template t from \"t.yaml\"\n//- lib/b.skiff\ntask b {}\n#- t.yaml\nx: 1\n//- ../up.skiff\n#- skiff.toml\n",
        );
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["main.skiff", "lib/b.skiff", "t.yaml", "skiff.toml"]);
        assert_eq!(files[2].text, "x: 1\n//- ../up.skiff\n");
        assert_eq!(split("//- a.skiff\ntask a {}\n").len(), 1, "no empty main.skiff");
        assert_eq!(split("\n  \n//- a.skiff\ntask a {}\n").len(), 1, "no blank main.skiff");
        let workspace = Workspace::from_fixture(&files);
        assert!(workspace.file("lib/b.skiff").is_some() && workspace.file("t.yaml").is_some());
        assert!(workspace.file("skiff.toml").is_some());
    }
}

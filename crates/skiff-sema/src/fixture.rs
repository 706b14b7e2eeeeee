//! Several files in one text: the format of the test fixtures, the fuzz inputs, and a bug
//! report pasted whole. A line `//- path` starts a skiff file, `#- path` a data (YAML) file, and
//! `#- skiff.toml` the project configuration (rust-analyzer's convention, with `#` for files
//! whose comments start so). Text before the first marker is `main.skiff`.
//!
//! This module is for reading that format into a [`Workspace`]; front ends that read files from
//! disk set each file through the workspace directly.

use crate::db::RootDatabase;
use crate::workspace::{CONFIG_PATH, Workspace};

/// One file of a fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixtureFile {
    /// The workspace path, with `/`.
    pub path: String,
    pub text: String,
    /// A YAML data file (or the configuration), not a skiff source.
    pub data: bool,
}

/// The files of a fixture, in order. A marker whose path is not one a workspace could hold
/// (absolute, empty segments, `.` or `..`, odd characters, 100 characters or more) is plain text
/// of the file before it, so any text reads as some workspace.
pub fn split(text: &str) -> Vec<FixtureFile> {
    let mut files = vec![FixtureFile { path: "main.skiff".into(), text: String::new(), data: false }];
    for line in text.split_inclusive('\n') {
        let marker =
            line.strip_prefix("//- ").map(|p| (p, false)).or_else(|| line.strip_prefix("#- ").map(|p| (p, true)));
        match marker.map(|(path, data)| (path.trim(), data)) {
            Some((path, data)) if is_workspace_path(path) => {
                files.push(FixtureFile { path: path.into(), text: String::new(), data })
            }
            _ => files.last_mut().expect("main.skiff is first").text.push_str(line),
        }
    }
    // A fixture that starts with a marker has no `main.skiff`.
    if files.len() > 1 && files[0].text.is_empty() {
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

impl Workspace {
    /// A workspace holding the files (a later file of the same path replaces an earlier one, as
    /// a second `set_file` does).
    pub fn from_fixture(files: &[FixtureFile]) -> Workspace {
        let mut workspace = Workspace::new(RootDatabase::new());
        for file in files {
            if file.path == CONFIG_PATH {
                workspace.set_config(file.text.clone());
            } else if file.data {
                workspace.set_data_file(&file.path, file.text.clone());
            } else {
                workspace.set_file(&file.path, file.text.clone());
            }
        }
        workspace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_start_files_and_odd_paths_are_text() {
        let files = split("task a {}\n//- lib/b.skiff\ntask b {}\n#- t.yaml\nx: 1\n//- ../up.skiff\n#- skiff.toml\n");
        let paths: Vec<(&str, bool)> = files.iter().map(|f| (f.path.as_str(), f.data)).collect();
        assert_eq!(paths, [("main.skiff", false), ("lib/b.skiff", false), ("t.yaml", true), ("skiff.toml", true)]);
        assert_eq!(files[2].text, "x: 1\n//- ../up.skiff\n");
        assert_eq!(split("//- a.skiff\ntask a {}\n").len(), 1, "no empty main.skiff");
        let workspace = Workspace::from_fixture(&files);
        assert!(workspace.file("lib/b.skiff").is_some() && workspace.file("t.yaml").is_some());
        assert!(workspace.file("skiff.toml").is_some());
    }
}

//! Finding, reading and naming the files a command works on.

use skiff_disk::DiskFs;
use skiff_sema::load::Loader;
use skiff_sema::{Diagnostic, FileDiagnostic, RootDatabase, Span, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of one command, read into a workspace.
pub struct Loaded {
    pub workspace: Workspace,
    /// Workspace path → the path to show the user (as they would type it).
    pub display: BTreeMap<String, String>,
    /// Files that exist but are not text: reported as diagnostics, not parsed.
    pub not_utf8: Vec<(String, usize)>,
    /// The workspace root, absolute: what workspace paths are relative to (SARIF's base).
    pub root: PathBuf,
}

impl Loaded {
    pub fn display_path<'a>(&'a self, path: &'a str) -> &'a str {
        self.display.get(path).map_or(path, String::as_str)
    }

    pub fn text(&self, path: &str) -> &str {
        self.workspace.file(path).map_or("", |file| &**file.text(&self.workspace.db))
    }

    pub fn unreadable_diagnostics(&self) -> Vec<FileDiagnostic> {
        self.not_utf8
            .iter()
            .map(|(path, offset)| FileDiagnostic {
                path: path.clone(),
                diagnostic: Diagnostic::new(
                    "invalid-utf8",
                    Span::empty(0),
                    format!("this file is not valid UTF-8 (first bad byte at offset {offset})"),
                )
                .with_help("skiff files are UTF-8 text; re-save the file as UTF-8"),
            })
            .collect()
    }
}

/// Reads every file named, and every `*.skiff` file below every directory named, in path
/// order, then the files they import and the YAML templates they read, transitively (by
/// `skiff_sema::load`, on the disk). A path named that does not exist, cannot be read or is
/// refused (a FIFO, a device, a link out of the workspace) is an error for the whole command.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let loader = Loader::for_paths(DiskFs, &paths)?;
    let mut workspace = Workspace::new(RootDatabase::for_one_run());
    let report = loader.load_paths(&mut workspace, &paths)?;
    let root = std::fs::canonicalize(loader.root()).unwrap_or_else(|_| loader.root().to_path_buf());
    let mut loaded = Loaded { workspace, display: BTreeMap::new(), not_utf8: Vec::new(), root };
    for (key, file) in report.files {
        let shown = if file.referenced { display(&relative_to_cwd(&file.path)) } else { display(&file.path) };
        loaded.display.insert(key.clone(), shown);
        if let Some(offset) = file.invalid_utf8_at {
            loaded.not_utf8.push((key, offset));
        }
    }
    Ok(loaded)
}

fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
    match cwd {
        Some(cwd) => path.strip_prefix(&cwd).map_or(path.to_path_buf(), Path::to_path_buf),
        None => path.to_path_buf(),
    }
}

/// The path as the user would type it: with `/` separators and no `./` prefix.
pub(crate) fn display(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    text.to_string()
}

//! Finding, reading and naming the files a command works on.

use skiff_sema::{Diagnostic, FileDiagnostic, RootDatabase, SourceFile, Span, Workspace};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of one command, read into a workspace.
pub struct Loaded {
    pub workspace: Workspace,
    /// Workspace path → the path to show the user (as they would type it).
    pub display: BTreeMap<String, String>,
    /// Files that exist but are not text: reported as diagnostics, not parsed.
    pub not_utf8: Vec<(String, usize)>,
}

impl Loaded {
    pub fn display_path<'a>(&'a self, path: &'a str) -> &'a str {
        self.display.get(path).map_or(path, String::as_str)
    }

    pub fn text(&self, path: &str) -> &str {
        self.workspace.file(path).map_or("", |file| file.text(&self.workspace.db).as_str())
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
/// order, then the files they import and the YAML templates they read, transitively. A path
/// that does not exist or cannot be read is an error for the whole command.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let paths = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let mut found: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for path in &paths {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        if meta.is_dir() {
            for file in skiff_files_below(path)? {
                found.insert(file, ());
            }
        } else {
            found.insert(path.clone(), ());
        }
    }
    let root = workspace_root(&paths)?;
    let mut loaded =
        Loaded { workspace: Workspace::new(RootDatabase::new()), display: BTreeMap::new(), not_utf8: Vec::new() };
    let mut pending = Vec::new();
    for path in found.into_keys() {
        let key = workspace_key(&root, &path)?;
        loaded.display.insert(key.clone(), display(&path));
        if let Some(file) = loaded.read(&path, &key, false)? {
            pending.push(file);
        }
    }
    let config_path = root.join("skiff.toml");
    let mut wanted: Vec<(String, bool)> = Vec::new();
    if config_path.is_file() {
        let text = std::fs::read_to_string(&config_path)
            .map_err(|e| format!("cannot read `{}`: {}", config_path.display(), io_reason(&e)))?;
        loaded.workspace.set_config(text);
        loaded.display.insert("skiff.toml".into(), display(&relative_to_cwd(&config_path)));
        wanted = loaded.workspace.config_paths();
    }
    // Imports and templates named by loaded files (and by skiff.toml), when they exist on disk
    // inside the root; the checker reports the ones that do not.
    loop {
        let paths = if !wanted.is_empty() {
            std::mem::take(&mut wanted)
        } else if !pending.is_empty() {
            // A batch at a time: the files are parsed on every core.
            loaded.workspace.referenced_paths_of(&std::mem::take(&mut pending))
        } else {
            break;
        };
        for (key, data) in paths {
            if loaded.workspace.file(&key).is_some() {
                continue;
            }
            let path = root.join(&key);
            if !path.is_file() {
                continue;
            }
            loaded.display.insert(key.clone(), display(&relative_to_cwd(&path)));
            if let Some(file) = loaded.read(&path, &key, data)?
                && !data
            {
                pending.push(file);
            }
        }
    }
    Ok(loaded)
}

impl Loaded {
    fn read(&mut self, path: &Path, key: &str, data: bool) -> Result<Option<SourceFile>, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                // Keep the file known (empty) so that it is listed in order, and say why.
                self.not_utf8.push((key.to_string(), error.utf8_error().valid_up_to()));
                String::new()
            }
        };
        Ok(Some(if data { self.workspace.set_data_file(key, text) } else { self.workspace.set_file(key, text) }))
    }
}

/// The nearest ancestor of the paths with a `skiff.toml`; else the directory given (for a
/// file, its directory; for several paths, their deepest common directory).
fn workspace_root(paths: &[PathBuf]) -> Result<PathBuf, String> {
    let mut dirs = Vec::new();
    for path in paths {
        let absolute =
            std::fs::canonicalize(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        let dir =
            if absolute.is_dir() { absolute } else { absolute.parent().map(Path::to_path_buf).unwrap_or(absolute) };
        dirs.push(dir);
    }
    let mut common = dirs[0].clone();
    for dir in &dirs[1..] {
        while !dir.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    let with_config = common.ancestors().find(|dir| dir.join("skiff.toml").is_file());
    Ok(with_config.map_or(common.clone(), Path::to_path_buf))
}

fn relative_to_cwd(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|d| std::fs::canonicalize(d).ok());
    match cwd {
        Some(cwd) => path.strip_prefix(&cwd).map_or(path.to_path_buf(), Path::to_path_buf),
        None => path.to_path_buf(),
    }
}

pub(crate) fn skiff_files_below(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_entry(|entry| {
        // Hidden directories and build output are never part of a workspace.
        let name = entry.file_name().to_string_lossy();
        entry.depth() == 0
            || !(entry.file_type().is_dir() && (name.starts_with('.') || name == "target" || name == "node_modules"))
    });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map(|p| p.display().to_string()).unwrap_or_default();
            match e.io_error() {
                Some(io) => format!("cannot read `{path}`: {}", io_reason(io)),
                None => format!("cannot walk `{path}`: {e}"),
            }
        })?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "skiff") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

/// The path relative to the workspace root, with `/` separators: stable across platforms and
/// however the user spelled the path.
fn workspace_key(root: &Path, path: &Path) -> Result<String, String> {
    let absolute =
        std::fs::canonicalize(path).map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
    let relative = absolute.strip_prefix(root).unwrap_or(&absolute);
    Ok(relative.to_string_lossy().replace('\\', "/"))
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

pub(crate) fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

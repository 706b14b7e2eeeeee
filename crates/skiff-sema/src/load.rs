//! Loading a workspace, written once for every front end: finding its root, walking its
//! directories, reading `skiff.toml`, and chasing the files that sources import and the YAML
//! templates they read. In the style of typst's `World` and rust-analyzer's `load-cargo`: the
//! policy lives here, the IO behind the [`FileSystem`] trait. The CLI and the language server
//! give it the disk (`skiff-disk`); fixtures, fuzz inputs and tests give it a [`MemFs`].
//!
//! What is read is decided here, before a byte is read: a path is resolved to its real path
//! (every link followed), and refused unless it is a regular file below the real workspace root
//! and at most [`MAX_FILE_BYTES`] long. A refused file named by an import, a `from` template or
//! `skiff.toml` is remembered in the workspace ([`Workspace::set_refused`]) so that the checker
//! says why at the path that names it; its content is never read, so never quoted.
//!
//! It is not for watching files or holding editor buffers: the server decides when to load.

use crate::codes;
use crate::db::SourceFile;
use crate::workspace::{CONFIG_PATH, Workspace};
use skiff_syntax::{Diagnostic, Span};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// The largest file skiff reads, 64 MiB: far above any real source or template (the largest
/// generated workspace of BENCHMARKS.md is 11 MB in 276 files), far below what would exhaust
/// memory once parsed (about 40 bytes a byte of source).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What is at a path, not following a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    fn describe(self) -> &'static str {
        match self {
            FileKind::File => "a regular file",
            FileKind::Dir => "a directory",
            FileKind::Symlink => "a symbolic link",
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::Socket => "a socket",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Other => "not a regular file",
        }
    }
}

/// The file system a workspace is loaded from. Implementations do the IO and nothing else.
pub trait FileSystem {
    /// The absolute path with every link followed: where the bytes really are.
    fn real_path(&self, path: &Path) -> io::Result<PathBuf>;
    /// The kind and length of what is at `path`, not following a final link.
    fn metadata(&self, path: &Path) -> io::Result<(FileKind, u64)>;
    /// A directory's entries: names and kinds, links not followed.
    fn read_dir(&self, path: &Path) -> io::Result<Vec<(OsString, FileKind)>>;
    /// The bytes of the regular file at `path`, never more than `limit`. Anything else is an
    /// error, found without blocking: the loader checks first, but the file may have changed
    /// since (a FIFO opened for reading waits for a writer; `/dev/zero` never ends).
    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>>;
}

/// Why a file that exists was not read. Its content is never part of the reason.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// Its real path (through a link) is outside the workspace root.
    Outside,
    /// Not a regular file (a FIFO, a device, a directory...).
    Kind(FileKind),
    /// Longer than [`MAX_FILE_BYTES`].
    TooLarge(u64),
    /// The system refused (permission, a link loop...).
    Unreadable(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Outside => write!(f, "it is a link to a file outside the workspace"),
            Refusal::Kind(kind) => write!(f, "it is {}, not a regular file", kind.describe()),
            Refusal::TooLarge(len) => {
                let limit = MAX_FILE_BYTES >> 20;
                write!(
                    f,
                    "it is {len} bytes, more than the {limit} MiB skiff reads: split it into files that import each other"
                )
            }
            Refusal::Unreadable(reason) => write!(f, "it cannot be read: {reason}"),
        }
    }
}

/// The words for an IO error, without the OS's error number.
pub fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_lowercase()
        }
    }
}

/// How a loaded file is held by the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    Source,
    /// A YAML template read by `from "..."` or by `skiff.toml`.
    Data,
    Config,
}

/// One file the loader put into the workspace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedFile {
    /// The path it was read at, as named (a path given or walked) or as the root joined with its
    /// workspace path (a referenced file).
    pub path: PathBuf,
    /// Found through a reference (an import, a template, `skiff.toml`), not named or walked.
    pub referenced: bool,
    /// Not UTF-8: held empty, with the offset of the first bad byte.
    pub invalid_utf8_at: Option<usize>,
}

/// What a load did: every file read, by workspace path.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub files: BTreeMap<String, LoadedFile>,
}

/// A workspace's root on one file system, and the rules for reading below it.
pub struct Loader<F> {
    pub fs: F,
    /// As given: workspace paths are relative to it, and files are read at `root/key`.
    root: PathBuf,
    /// Its real path: every file read must really be below it.
    real_root: PathBuf,
}

impl<F: FileSystem> Loader<F> {
    pub fn new(fs: F, root: &Path) -> io::Result<Self> {
        let real_root = fs.real_path(root)?;
        Ok(Loader { fs, root: root.to_path_buf(), real_root })
    }

    /// The workspace root found from the paths a command names: the nearest ancestor of their
    /// deepest common directory with a `skiff.toml` in it, else that directory. A file's own
    /// name is not resolved (it may be a link out, refused when it is read).
    pub fn for_paths(fs: F, paths: &[PathBuf]) -> Result<Self, String> {
        let mut dirs = Vec::new();
        for path in paths {
            let (kind, _) = fs.real_path(path).and_then(|real| fs.metadata(&real)).map_err(|e| cannot(path, &e))?;
            let dir = if kind == FileKind::Dir {
                path.clone()
            } else {
                path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
            };
            dirs.push(fs.real_path(&dir).map_err(|e| cannot(&dir, &e))?);
        }
        let mut common = dirs.first().cloned().unwrap_or_else(|| PathBuf::from("/"));
        for dir in dirs.iter().skip(1) {
            while !dir.starts_with(&common) && common.pop() {}
        }
        let is_config = |dir: &Path| {
            let config = dir.join(CONFIG_PATH);
            fs.real_path(&config).and_then(|real| fs.metadata(&real)).is_ok_and(|(kind, _)| kind == FileKind::File)
        };
        let root = common.ancestors().find(|dir| is_config(dir)).map_or(common.clone(), Path::to_path_buf);
        Ok(Loader { fs, real_root: root.clone(), root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file of a workspace path is read.
    pub fn path_of(&self, key: &str) -> PathBuf {
        self.root.join(key)
    }

    /// The workspace path of a file: its directory's real path below the root, and its name.
    pub fn key_of(&self, path: &Path) -> Result<String, String> {
        let name = path.file_name().ok_or_else(|| format!("`{}` names no file", path.display()))?;
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = self.fs.real_path(parent).map_err(|e| cannot(parent, &e))?;
        let relative = dir.join(name);
        let relative = relative.strip_prefix(&self.real_root).unwrap_or(&relative);
        Ok(slashes(relative))
    }

    /// Every `*.skiff` regular file below `dir`, with its workspace path, sorted by path.
    /// Hidden directories, `target` and `node_modules` are skipped; links are not followed
    /// (a link loop cannot trap the walk, and a link out is not walked into).
    pub fn walk(&self, dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
        let real = self.fs.real_path(dir).map_err(|e| cannot(dir, &e))?;
        let base = real.strip_prefix(&self.real_root).map(slashes).unwrap_or_default();
        let mut out = Vec::new();
        let mut stack = vec![(dir.to_path_buf(), base)];
        while let Some((dir, key)) = stack.pop() {
            let mut entries = self.fs.read_dir(&dir).map_err(|e| cannot(&dir, &e))?;
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            // Directories pushed in reverse, so that they are walked in name order.
            for (name, kind) in entries.into_iter().rev() {
                let text = name.to_string_lossy();
                let child_key = if key.is_empty() { text.to_string() } else { format!("{key}/{text}") };
                match kind {
                    FileKind::Dir if !(text.starts_with('.') || text == "target" || text == "node_modules") => {
                        stack.push((dir.join(&name), child_key))
                    }
                    FileKind::File if text.ends_with(".skiff") => out.push((dir.join(&name), child_key)),
                    _ => {}
                }
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// The bytes of a file, if it is one skiff may read: `Ok(None)` when nothing is there.
    pub fn read(&self, path: &Path) -> Result<Option<Vec<u8>>, Refusal> {
        let real = match self.fs.real_path(path) {
            Ok(real) => real,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(Refusal::Unreadable(io_reason(&error))),
        };
        if !real.starts_with(&self.real_root) {
            return Err(Refusal::Outside);
        }
        let (kind, len) = self.fs.metadata(&real).map_err(|e| Refusal::Unreadable(io_reason(&e)))?;
        if kind != FileKind::File {
            return Err(Refusal::Kind(kind));
        }
        if len > MAX_FILE_BYTES {
            return Err(Refusal::TooLarge(len));
        }
        self.fs.read(&real, MAX_FILE_BYTES).map(Some).map_err(|e| Refusal::Unreadable(io_reason(&e)))
    }

    /// Reads a file into the workspace as `role`: `Ok(None)` when nothing is there.
    pub fn load(
        &self,
        workspace: &mut Workspace,
        report: &mut LoadReport,
        path: &Path,
        key: &str,
        role: FileRole,
        referenced: bool,
    ) -> Result<Option<SourceFile>, Refusal> {
        let Some(bytes) = self.read(path)? else { return Ok(None) };
        let (text, invalid_utf8_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            // Kept known (empty), so that it is listed in order, and said why by the front end.
            Err(error) => (String::new(), Some(error.utf8_error().valid_up_to())),
        };
        let file = match role {
            FileRole::Source => workspace.set_file(key, text),
            FileRole::Data => workspace.set_data_file(key, text),
            FileRole::Config => workspace.set_config(text),
        };
        report.files.insert(key.to_string(), LoadedFile { path: path.to_path_buf(), referenced, invalid_utf8_at });
        Ok(Some(file))
    }

    /// The files that `sources` import and read, and those `skiff.toml` names, transitively,
    /// unless the workspace knows them already. A refused one is remembered for the checker; a
    /// missing one is left to the checker too.
    pub fn load_referenced(&self, workspace: &mut Workspace, report: &mut LoadReport, sources: Vec<SourceFile>) {
        let mut wanted: Vec<(String, bool)> = workspace.config_paths();
        let mut pending = sources;
        let mut tried = BTreeSet::new();
        loop {
            let paths = if !wanted.is_empty() {
                std::mem::take(&mut wanted)
            } else if !pending.is_empty() {
                // A batch at a time: the files are parsed on every core.
                workspace.referenced_paths_of(&std::mem::take(&mut pending))
            } else {
                break;
            };
            for (key, data) in paths {
                if workspace.file(&key).is_some() || !tried.insert(key.clone()) {
                    continue;
                }
                let role = if data { FileRole::Data } else { FileRole::Source };
                match self.load(workspace, report, &self.path_of(&key), &key, role, true) {
                    Ok(loaded) => {
                        workspace.set_refused(&key, None);
                        if let Some(file) = loaded
                            && !data
                        {
                            pending.push(file);
                        }
                    }
                    Err(refusal) => workspace.set_refused(&key, Some(refusal)),
                }
            }
        }
    }

    /// `skiff.toml` at the root, if there is one to read.
    pub fn load_config(&self, workspace: &mut Workspace, report: &mut LoadReport) -> Result<(), String> {
        let path = self.path_of(CONFIG_PATH);
        match self.load(workspace, report, &path, CONFIG_PATH, FileRole::Config, true) {
            Ok(_) => Ok(()),
            Err(refusal) => Err(format!("`{}` is not read: {refusal}", path.display())),
        }
    }

    /// Every `.skiff` file below the root not known yet, `skiff.toml`, and what they refer to:
    /// what an editor session starts from, and what a fixture is. Problems are returned, not
    /// fatal: whatever could be read is loaded.
    pub fn load_folder(&self, workspace: &mut Workspace, report: &mut LoadReport) -> Vec<String> {
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        match self.walk(&self.root) {
            Ok(found) => {
                for (path, key) in found {
                    if workspace.file(&key).is_some() {
                        continue;
                    }
                    match self.load(workspace, report, &path, &key, FileRole::Source, false) {
                        Ok(file) => sources.extend(file),
                        Err(refusal) => problems.push(format!("`{}` is not read: {refusal}", path.display())),
                    }
                }
            }
            Err(problem) => problems.push(problem),
        }
        if workspace.file(CONFIG_PATH).is_none()
            && let Err(problem) = self.load_config(workspace, report)
        {
            problems.push(problem);
        }
        self.load_referenced(workspace, report, sources);
        problems
    }

    /// What a command works on: every file named, every `*.skiff` file below every directory
    /// named, `skiff.toml`, then what they refer to. A path named that cannot be read, or is
    /// refused, is an error for the whole command.
    pub fn load_paths(&self, workspace: &mut Workspace, paths: &[PathBuf]) -> Result<LoadReport, String> {
        let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
        for path in paths {
            let real = self.fs.real_path(path).map_err(|e| cannot(path, &e))?;
            let (kind, _) = self.fs.metadata(&real).map_err(|e| cannot(path, &e))?;
            if kind == FileKind::Dir {
                for (file, key) in self.walk(path)? {
                    found.entry(key).or_insert(file);
                }
            } else {
                found.entry(self.key_of(path)?).or_insert_with(|| path.clone());
            }
        }
        let mut report = LoadReport::default();
        let mut sources = Vec::new();
        for (key, path) in found {
            match self.load(workspace, &mut report, &path, &key, FileRole::Source, false) {
                Ok(Some(file)) => sources.push(file),
                Ok(None) => return Err(format!("cannot read `{}`: no such file or directory", path.display())),
                Err(refusal) => return Err(format!("`{}` is not read: {refusal}", path.display())),
            }
        }
        self.load_config(workspace, &mut report)?;
        self.load_referenced(workspace, &mut report, sources);
        Ok(report)
    }
}

/// What the checker says at a path that names a refused file: `code` unless the file is a link
/// out of the workspace (then `import-escapes-workspace`, as for a path with `..` that leaves it).
pub(crate) fn refused_diagnostic(key: &str, refusal: &Refusal, span: Span, code: &'static str) -> Diagnostic {
    let code = if *refusal == Refusal::Outside { codes::IMPORT_ESCAPES_WORKSPACE } else { code };
    Diagnostic::new(code, span, format!("`{key}` is not read: {refusal}"))
        .with_help("skiff reads only regular files inside the workspace root (the directory with `skiff.toml`)")
}

fn cannot(path: &Path, error: &io::Error) -> String {
    format!("cannot read `{}`: {}", path.display(), io_reason(error))
}

/// A relative path with `/` separators: workspace paths are the same on every platform.
fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// Files in memory, below `/`: the file system of fixtures, fuzz inputs and tests. Directories
/// are implied by the files in them; there are no links.
#[derive(Clone, Debug, Default)]
pub struct MemFs {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemFs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a file; `path` is relative to `/`.
    pub fn insert(&mut self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files.insert(Path::new("/").join(path), bytes.into());
    }

    fn absolute(path: &Path) -> PathBuf {
        let mut out = PathBuf::from("/");
        for component in path.components() {
            match component {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::Normal(name) => out.push(name),
                _ => {}
            }
        }
        out
    }

    fn is_dir(&self, path: &Path) -> bool {
        path == Path::new("/")
            || self.files.range(path.to_path_buf()..).next().is_some_and(|(p, _)| p.starts_with(path) && p != path)
    }
}

fn not_found() -> io::Error {
    io::Error::new(io::ErrorKind::NotFound, "no such file or directory")
}

impl FileSystem for MemFs {
    fn real_path(&self, path: &Path) -> io::Result<PathBuf> {
        let path = Self::absolute(path);
        if self.files.contains_key(&path) || self.is_dir(&path) { Ok(path) } else { Err(not_found()) }
    }

    fn metadata(&self, path: &Path) -> io::Result<(FileKind, u64)> {
        let path = Self::absolute(path);
        match self.files.get(&path) {
            Some(bytes) => Ok((FileKind::File, bytes.len() as u64)),
            None if self.is_dir(&path) => Ok((FileKind::Dir, 0)),
            None => Err(not_found()),
        }
    }

    fn read_dir(&self, path: &Path) -> io::Result<Vec<(OsString, FileKind)>> {
        let path = Self::absolute(path);
        let mut entries = BTreeMap::new();
        for file in self.files.keys().filter(|p| p.starts_with(&path)) {
            let mut rest = file.strip_prefix(&path).expect("below").components();
            if let Some(first) = rest.next() {
                let kind = if rest.next().is_some() { FileKind::Dir } else { FileKind::File };
                entries.insert(first.as_os_str().to_os_string(), kind);
            }
        }
        Ok(entries.into_iter().collect())
    }

    fn read(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let bytes = self.files.get(&Self::absolute(path)).ok_or_else(not_found)?;
        if bytes.len() as u64 > limit {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "the file is too large"));
        }
        Ok(bytes.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::RootDatabase;

    fn fs(files: &[(&str, &str)]) -> MemFs {
        let mut fs = MemFs::new();
        for (path, text) in files {
            fs.insert(path, *text);
        }
        fs
    }

    #[test]
    fn a_folder_is_its_skiff_files_config_and_what_they_refer_to() {
        let fs = fs(&[
            ("ws/skiff.toml", "[defaults]\npod_template = \"cluster/default.yaml\"\n"),
            ("ws/main.skiff", "import \"lib/a.skiff\" as a\npod_template t from \"t.yaml\"\n"),
            ("ws/lib/a.skiff", ""),
            ("ws/.hidden/b.skiff", ""),
            ("ws/target/c.skiff", ""),
            ("ws/t.yaml", "x: 1\n"),
            ("ws/cluster/default.yaml", "y: 1\n"),
            ("ws/unreferenced.yaml", ""),
            ("outside.skiff", ""),
        ]);
        let loader = Loader::new(fs, Path::new("/ws")).unwrap();
        let mut workspace = Workspace::new(RootDatabase::new());
        let mut report = LoadReport::default();
        assert!(loader.load_folder(&mut workspace, &mut report).is_empty());
        let keys: Vec<&str> = report.files.keys().map(String::as_str).collect();
        assert_eq!(keys, ["cluster/default.yaml", "lib/a.skiff", "main.skiff", "skiff.toml", "t.yaml"]);
        assert!(report.files["t.yaml"].referenced && !report.files["main.skiff"].referenced);
        assert_eq!(workspace.files().len(), 2);
    }

    #[test]
    fn paths_named_find_the_root_with_skiff_toml_and_files_are_bounded() {
        let fs = fs(&[("ws/skiff.toml", ""), ("ws/flows/main.skiff", "import \"../lib.skiff\" as l\n")]);
        let loader = Loader::for_paths(fs, &[PathBuf::from("/ws/flows/main.skiff")]).unwrap();
        assert_eq!(loader.root(), Path::new("/ws"));
        let mut workspace = Workspace::new(RootDatabase::new());
        let report = loader.load_paths(&mut workspace, &[PathBuf::from("/ws/flows/main.skiff")]).unwrap();
        assert_eq!(report.files.keys().collect::<Vec<_>>(), ["flows/main.skiff", "skiff.toml"]);
        let mut big = MemFs::new();
        big.insert("big.skiff", vec![b' '; MAX_FILE_BYTES as usize + 1]);
        let loader = Loader::new(big, Path::new("/")).unwrap();
        assert_eq!(loader.read(Path::new("/big.skiff")), Err(Refusal::TooLarge(MAX_FILE_BYTES + 1)));
    }
}

//! The one writer: a thread that owns the [`AnalysisHost`] and applies every change in the
//! order the client sent it, reading files that are not open in the editor from disk through
//! the workspace loader of `skiff_sema::load` (the rules of `skiff check`: below the root,
//! regular files only, 64 MiB at most, never blocking on a FIFO).
//!
//! Handlers send [`Task`]s through one channel before any `.await`, so `didChange`s cannot
//! overtake each other. A read asks the same channel for a [`Snapshot`], which therefore sees
//! every change sent before it. Setting an input cancels every outstanding snapshot and waits
//! until they are dropped: snapshots live only inside the blocking task that answers one request.

use crate::from_proto;
use crate::lines::LineIndex;
use skiff_disk::DiskFs;
use skiff_ide::load::{FileRole, LoadReport, Loader};
use skiff_ide::{Analysis, AnalysisHost};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use tokio::sync::oneshot;
use tower_lsp_server::ls_types as lsp;

/// The workspace path used for `skiff.toml` at the root.
const CONFIG: &str = "skiff.toml";

/// What the server knows of each file: its URI, its line index, and its version when it is
/// open in the editor (the editor's text then wins over the disk's).
#[derive(Clone, Debug)]
pub struct FileEntry {
    pub uri: lsp::Uri,
    pub index: Arc<LineIndex>,
    pub version: Option<i32>,
}

/// Files by workspace path, and the root they are relative to.
#[derive(Clone, Debug, Default)]
pub struct Vfs {
    pub root: PathBuf,
    pub files: HashMap<String, FileEntry>,
}

impl Vfs {
    /// The workspace path of a `file:` URI: relative to the root with `/`, or (outside the root)
    /// the absolute path without its leading `/`.
    pub fn key(&self, uri: &lsp::Uri) -> Option<String> {
        let path = uri.to_file_path()?;
        Some(self.key_of_path(&path))
    }

    fn key_of_path(&self, path: &Path) -> String {
        let relative = path.strip_prefix(&self.root).unwrap_or(path);
        let text = relative.to_string_lossy().replace('\\', "/");
        text.trim_start_matches('/').to_string()
    }

    fn path_of(&self, key: &str) -> PathBuf {
        self.files
            .get(key)
            .and_then(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .unwrap_or_else(|| self.root.join(key))
    }

    pub fn entry(&self, key: &str) -> Option<&FileEntry> {
        self.files.get(key)
    }

    /// The URI and line index of a workspace path, for answers that point into other files.
    pub fn locate(&self, key: &str) -> Option<(lsp::Uri, Arc<LineIndex>)> {
        self.files.get(key).map(|f| (f.uri.clone(), f.index.clone()))
    }

    pub fn open_files(&self) -> impl Iterator<Item = (&String, &FileEntry)> {
        self.files.iter().filter(|(_, f)| f.version.is_some())
    }
}

/// A consistent view for one request: the database snapshot and the files it was made from.
pub struct Snapshot {
    pub analysis: Analysis,
    pub vfs: Arc<Vfs>,
}

pub enum Task {
    /// The workspace folders: read every skiff file below them.
    Init {
        root: Option<PathBuf>,
    },
    Open {
        uri: lsp::Uri,
        text: String,
        version: i32,
    },
    Change {
        uri: lsp::Uri,
        version: i32,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    },
    Close {
        uri: lsp::Uri,
    },
    Watched {
        events: Vec<lsp::FileEvent>,
    },
    Snapshot(oneshot::Sender<Snapshot>),
}

/// Called after each batch of changes with a fresh snapshot and the batch's generation.
pub type OnChange = Box<dyn Fn(Snapshot, u64) + Send>;

pub struct Writer {
    host: AnalysisHost,
    vfs: Arc<Vfs>,
    /// Reads files below the workspace root from disk; none without a root (then only the
    /// editor's open files are known).
    loader: Option<Loader<DiskFs>>,
    generation: Arc<AtomicU64>,
    on_change: OnChange,
}

impl Writer {
    /// Starts the writer thread; the returned sender is the one ordered channel.
    pub fn spawn(generation: Arc<AtomicU64>, on_change: OnChange) -> mpsc::Sender<Task> {
        let (tx, rx) = mpsc::channel();
        let writer =
            Writer { host: AnalysisHost::new(), vfs: Arc::new(Vfs::default()), loader: None, generation, on_change };
        std::thread::Builder::new()
            .name("skiff-lsp-writer".into())
            .spawn(move || writer.run(rx))
            .expect("spawn the writer thread");
        tx
    }

    fn run(mut self, rx: mpsc::Receiver<Task>) {
        while let Ok(first) = rx.recv() {
            // Everything already queued is applied before diagnostics are computed once.
            let mut dirty = false;
            let mut next = Some(first);
            while let Some(task) = next {
                // A change may panic only through a bug; the server must keep running.
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.apply(task)));
                match outcome {
                    Ok(changed) => dirty |= changed,
                    Err(_) => log!("skiff lsp: a change could not be applied (a bug); continuing"),
                }
                next = rx.try_recv().ok();
            }
            if dirty {
                let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
                (self.on_change)(self.snapshot(), generation);
            }
        }
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot { analysis: self.host.analysis(), vfs: self.vfs.clone() }
    }

    /// Applies one task; whether files changed.
    fn apply(&mut self, task: Task) -> bool {
        match task {
            Task::Snapshot(reply) => {
                let _ = reply.send(self.snapshot());
                false
            }
            Task::Init { root } => {
                if let Some(root) = root {
                    Arc::make_mut(&mut self.vfs).root = root.clone();
                    match Loader::new(DiskFs, &root) {
                        Ok(loader) => {
                            let mut report = LoadReport::default();
                            for problem in loader.load_folder(self.host.workspace_mut(), &mut report) {
                                log!("skiff lsp: {problem}");
                            }
                            self.loader = Some(loader);
                            self.register(report);
                        }
                        Err(error) => log!("skiff lsp: cannot read the workspace `{}`: {error}", root.display()),
                    }
                }
                true
            }
            Task::Open { uri, text, version } => {
                let Some(key) = self.vfs.key(&uri) else { return false };
                self.set(&key, uri, text, Some(version));
                self.load_referenced(&key);
                true
            }
            Task::Change { uri, version, changes } => {
                let Some(key) = self.vfs.key(&uri) else { return false };
                let Some(mut text) = self.host.text(&key) else { return false };
                for change in &changes {
                    from_proto::apply_change(&mut text, change);
                }
                self.set(&key, uri, text, Some(version));
                self.load_referenced(&key);
                true
            }
            Task::Close { uri } => {
                let Some(key) = self.vfs.key(&uri) else { return false };
                // Back to what is on disk (the editor may close without saving).
                let path = self.vfs.path_of(&key);
                if !self.read(&key, &path) {
                    self.remove(&key);
                }
                true
            }
            Task::Watched { events } => {
                let mut changed = false;
                for event in events {
                    let Some(key) = self.vfs.key(&event.uri) else { continue };
                    if self.vfs.entry(&key).is_some_and(|f| f.version.is_some()) {
                        continue; // open in the editor: its text wins
                    }
                    changed = true;
                    if event.typ == lsp::FileChangeType::DELETED {
                        self.remove(&key);
                    } else if let Some(path) = event.uri.to_file_path()
                        && self.read(&key, &path)
                    {
                        self.load_referenced(&key);
                    }
                }
                changed
            }
        }
    }

    fn set(&mut self, key: &str, uri: lsp::Uri, text: String, version: Option<i32>) {
        let index = LineIndex::new(&text);
        if key == CONFIG {
            self.host.set_config(text);
        } else if key.ends_with(".skiff") {
            self.host.set_file(key, text);
        } else {
            self.host.set_data_file(key, text);
        }
        Arc::make_mut(&mut self.vfs).files.insert(key.to_string(), FileEntry { uri, index, version });
    }

    fn remove(&mut self, key: &str) {
        if key.ends_with(".skiff") {
            self.host.remove_file(key);
        } else {
            // Data files and `skiff.toml` cannot be removed from the database: empty them.
            self.set_from_disk_or_empty(key);
            return;
        }
        Arc::make_mut(&mut self.vfs).files.remove(key);
    }

    fn set_from_disk_or_empty(&mut self, key: &str) {
        if let Some(entry) = self.vfs.entry(key).cloned() {
            self.set(key, entry.uri, String::new(), None);
        }
    }

    /// Reads from disk a file the editor does not have open, by the loader's rules (below the
    /// root, a regular file, bounded); whether it was read.
    fn read(&mut self, key: &str, path: &Path) -> bool {
        let Some(loader) = &self.loader else { return false };
        let role = if key == CONFIG {
            FileRole::Config
        } else if key.ends_with(".skiff") {
            FileRole::Source
        } else {
            FileRole::Data
        };
        let mut report = LoadReport::default();
        let read = loader.load(self.host.workspace_mut(), &mut report, path, key, role, false);
        self.register(report);
        matches!(read, Ok(Some(_)))
    }

    /// The files a file imports or reads, from disk, transitively, when not known yet.
    fn load_referenced(&mut self, key: &str) {
        let Some(loader) = &self.loader else { return };
        let Some(file) = self.host.workspace_mut().file(key) else { return };
        let mut report = LoadReport::default();
        let sources = if key.ends_with(".skiff") { vec![file] } else { Vec::new() };
        loader.load_referenced(self.host.workspace_mut(), &mut report, sources);
        self.register(report);
    }

    /// Entries for the files the loader read (not open in the editor).
    fn register(&mut self, report: LoadReport) {
        for (key, file) in report.files {
            let Some(uri) = lsp::Uri::from_file_path(&file.path) else { continue };
            let index = LineIndex::new(&self.host.text(&key).unwrap_or_default());
            Arc::make_mut(&mut self.vfs).files.insert(key, FileEntry { uri, index, version: None });
        }
    }
}

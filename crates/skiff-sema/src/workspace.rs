//! The set of files one command or one editor session works on.

use crate::check::{check_item, pod_diagnostics};
use crate::config::project_config;
use crate::db::{Db, RootDatabase, SourceFile, file_chunks, parse_chunk};
use crate::diagnostics::{file_diagnostics, own_diagnostics};
use crate::items::{Signature, file_items, item_tree};
use crate::load::Refusal;
use crate::resolve::resolve_import_path;
use salsa::Setter;
use skiff_syntax::Diagnostic;

/// The workspace path of the project file.
pub const CONFIG_PATH: &str = "skiff.toml";

/// A diagnostic and the file it is reported in.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDiagnostic {
    pub path: String,
    pub diagnostic: Diagnostic,
}

/// The files of a workspace, by workspace path, over one database. Front ends set texts here;
/// queries read them through [`SourceFile`] inputs.
#[derive(Default)]
pub struct Workspace {
    pub db: RootDatabase,
}

impl Workspace {
    pub fn new(db: RootDatabase) -> Self {
        Workspace { db }
    }

    /// Adds a `.skiff` file, or changes its text (a no-op when the text is the same, so
    /// nothing downstream is invalidated).
    pub fn set_file(&mut self, path: &str, text: String) -> SourceFile {
        self.set(path, text, false)
    }

    /// Adds or changes a data file (a YAML template read by `pod_template NAME from "..."`).
    pub fn set_data_file(&mut self, path: &str, text: String) -> SourceFile {
        self.set(path, text, true)
    }

    fn set(&mut self, path: &str, text: String, data: bool) -> SourceFile {
        let files = self.db.files();
        let existing = if data { files.data_files(&self.db) } else { files.skiff_files(&self.db) }.get(path).copied();
        if let Some(file) = existing {
            if **file.text(&self.db) != *text {
                file.set_text(&mut self.db).to(text.into());
            }
            return file;
        }
        let file = SourceFile::new(&self.db, path.to_string(), text.into());
        let mut map = if data { files.data_files(&self.db) } else { files.skiff_files(&self.db) }.clone();
        map.insert(path.to_string(), file);
        if data {
            files.set_data_files(&mut self.db).to(map);
        } else {
            files.set_skiff_files(&mut self.db).to(map);
        }
        file
    }

    /// Sets `skiff.toml` (kept apart from `.skiff` and data files).
    pub fn set_config(&mut self, text: String) -> SourceFile {
        let files = self.db.files();
        if let Some(file) = files.config(&self.db) {
            if **file.text(&self.db) != *text {
                file.set_text(&mut self.db).to(text.into());
            }
            return file;
        }
        let file = SourceFile::new(&self.db, CONFIG_PATH.to_string(), text.into());
        files.set_config(&mut self.db).to(Some(file));
        file
    }

    /// The files `skiff.toml` names, for front ends that load files on demand.
    pub fn config_paths(&self) -> Vec<(String, bool)> {
        let Some(file) = self.db.files().config(&self.db) else { return Vec::new() };
        let text = file.text(&self.db);
        // Read leniently: the checked reading reports problems once all files are loaded.
        let Ok(value) = text.parse::<toml::Table>() else { return Vec::new() };
        let Some(template) = value.get("defaults").and_then(|d| d.get("pod_template")).and_then(|t| t.as_str()) else {
            return Vec::new();
        };
        let template = template.trim_start_matches("./");
        if template.ends_with(".yaml") || template.ends_with(".yml") {
            vec![(template.to_string(), true)]
        } else {
            template.rsplit_once(':').map(|(path, _)| vec![(path.to_string(), false)]).unwrap_or_default()
        }
    }

    /// Remembers that the file at `path` exists but was not read, and why; `None` forgets it.
    pub fn set_refused(&mut self, path: &str, refusal: Option<Refusal>) {
        let files = self.db.files();
        let known = files.refused(&self.db).get(path);
        if known == refusal.as_ref() {
            return;
        }
        let mut map = files.refused(&self.db).clone();
        match refusal {
            Some(refusal) => map.insert(path.to_string(), refusal),
            None => map.remove(path),
        };
        files.set_refused(&mut self.db).to(map);
    }

    pub fn remove_file(&mut self, path: &str) {
        let files = self.db.files();
        let mut map = files.skiff_files(&self.db).clone();
        if map.remove(path).is_some() {
            files.set_skiff_files(&mut self.db).to(map);
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        let files = self.db.files();
        if path == CONFIG_PATH {
            return files.config(&self.db);
        }
        files.skiff_files(&self.db).get(path).or_else(|| files.data_files(&self.db).get(path)).copied()
    }

    /// The `.skiff` files, in path order.
    pub fn files(&self) -> Vec<(String, SourceFile)> {
        self.db.files().skiff_files(&self.db).iter().map(|(p, f)| (p.clone(), *f)).collect()
    }

    /// The workspace paths a file refers to (imports and YAML templates) that resolve inside the
    /// workspace, for front ends that load files on demand: `(path, is_data_file)`.
    pub fn referenced_paths(&self, file: SourceFile) -> Vec<(String, bool)> {
        referenced_paths(&self.db, file)
    }

    /// [`Self::referenced_paths`] of many files, in their order; large batches are parsed on
    /// every core (finding what a file refers to is parsing it).
    pub fn referenced_paths_of(&self, files: &[SourceFile]) -> Vec<(String, bool)> {
        let threads = threads_for(&self.db, files.iter().copied());
        parse_chunks_of(&self.db, files, threads);
        parallel_map(&self.db, files, threads, |db, file| referenced_paths(db, *file)).concat()
    }

    /// Every diagnostic of `skiff.toml`, of every `.skiff` file (files in path order, each file's
    /// in source order), then of every YAML template (its own problems, and the lints of the
    /// values it wrote). A large workspace is checked on every core: each thread reads its own
    /// handle on the same database, and salsa runs each query once however many threads ask for it.
    pub fn diagnostics(&self) -> Vec<FileDiagnostic> {
        let mut out: Vec<FileDiagnostic> = project_config(&self.db)
            .1
            .iter()
            .map(|d| FileDiagnostic { path: CONFIG_PATH.to_string(), diagnostic: d.clone() })
            .collect();
        let files = self.files();
        let threads = threads_for(&self.db, files.iter().map(|(_, file)| *file));
        // The work is spread by chunk and by item, not by file, so that one large file is
        // checked on every core as many small ones are. Every chunk is parsed first (the loader
        // has parsed most already), then every file's item tree is read off the parses
        // (checking an item reads the items of the files it names, and a thread that needs an
        // item tree another thread is building waits for it).
        let sources: Vec<SourceFile> = files.iter().map(|(_, file)| *file).collect();
        parse_chunks_of(&self.db, &sources, threads);
        parallel_map(&self.db, &files, threads, |db, (_, file)| {
            item_tree(db, *file);
        });
        // Then every item's checks and merged pods, before any file gathers the lints of every
        // pod (a template's line is linted through the tasks that use it): else the first file
        // to gather would merge them all on one thread.
        let items: Vec<(SourceFile, usize)> =
            files.iter().flat_map(|(_, file)| (0..file_items(&self.db, *file).len()).map(|i| (*file, i))).collect();
        parallel_map(&self.db, &items, threads, |db, (file, i)| {
            let item = file_items(db, *file)[*i];
            check_item(db, item);
            pod_diagnostics(db, item);
        });
        parallel_map(&self.db, &files, threads, |db, (_, file)| {
            own_diagnostics(db, *file);
        });
        // Adding the lints is cheap: one thread.
        let per_file: Vec<Vec<Diagnostic>> =
            files.iter().map(|(_, file)| file_diagnostics(&self.db, *file).clone()).collect();
        for ((path, _), diagnostics) in files.iter().zip(per_file) {
            out.extend(diagnostics.into_iter().map(|diagnostic| FileDiagnostic { path: path.clone(), diagnostic }));
        }
        // YAML templates are read only when a file or skiff.toml names them: each is checked.
        for (path, file) in self.db.files().data_files(&self.db) {
            let diagnostics = crate::diagnostics::data_file_diagnostics(&self.db, *file);
            out.extend(diagnostics.iter().map(|d| FileDiagnostic { path: path.clone(), diagnostic: d.clone() }));
        }
        out
    }
}

fn referenced_paths(db: &dyn Db, file: SourceFile) -> Vec<(String, bool)> {
    let importer = file.path(db);
    item_tree(db, file)
        .items
        .iter()
        .filter_map(|item| match &item.signature {
            Signature::Import { path } => Some((path.as_str(), false)),
            Signature::Template { from_file: Some(path), .. } => Some((path.as_str(), true)),
            _ => None,
        })
        .filter_map(|(path, data)| resolve_import_path(importer, path).ok().map(|key| (key, data)))
        .collect()
}

/// Parses every chunk of `files` on up to `threads` threads, so that one large file is parsed
/// on every core.
fn parse_chunks_of(db: &RootDatabase, files: &[SourceFile], threads: usize) {
    let chunks: Vec<(SourceFile, usize)> =
        files.iter().flat_map(|file| (0..file_chunks(db, *file).len()).map(|i| (*file, i))).collect();
    parallel_map(db, &chunks, threads, |db, (file, i)| {
        parse_chunk(db, file_chunks(db, *file)[*i].0);
    });
}

/// Source text a thread should have to check, at least: checking runs at about 8 MB/s a core
/// (BENCHMARKS.md), so 64 KB is some 8 ms of work against a thread's start of some 50 µs. What
/// counts is the text, not the files: 11 files of 50 KB are worth two threads.
const BYTES_PER_THREAD: usize = 64 * 1024;

/// How many threads the text of `files` is worth, up to one a core.
fn threads_for(db: &RootDatabase, files: impl Iterator<Item = SourceFile>) -> usize {
    let bytes: usize = files.map(|file| file.text(db).len()).sum();
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(bytes / BYTES_PER_THREAD).max(1)
}

/// `f` over `items`, results in the items' order, on up to `threads` threads (never more than
/// items); each thread works on its own handle of `db`.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    db: &RootDatabase,
    items: &[T],
    threads: usize,
    f: impl Fn(&RootDatabase, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        return items.iter().map(|item| f(db, item)).collect();
    }
    let f = &f;
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|worker| {
                let db = db.clone();
                scope.spawn(move || {
                    // Interleaved, so that large and small files spread evenly.
                    (worker..items.len()).step_by(threads).map(|i| (i, f(&db, &items[i]))).collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            for (i, result) in worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)) {
                results[i] = Some(result);
            }
        }
    });
    results.into_iter().map(|r| r.expect("every item was mapped")).collect()
}

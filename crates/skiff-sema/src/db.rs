//! The database, its inputs, and parsing.
//!
//! A file is parsed chunk by chunk ([`file_chunks`], [`parse_chunk`]), never as a whole for
//! checking: a chunk is keyed by its text, so after an edit every chunk but the edited one is
//! found already parsed, and nothing that reads an unchanged item runs again. [`parse`] puts the
//! chunks together for the readers that want the whole file with absolute spans.

use skiff_syntax::{ItemKeyword, Parse};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One source file: its workspace-relative path (with `/`) and its text. Also used for the
/// YAML files that `pod_template NAME from "..."` reads.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// The files one command or editor session works on, by workspace path. Imports resolve
/// against `skiff_files`; YAML templates against `data_files`.
#[salsa::input(debug)]
pub struct Files {
    #[returns(ref)]
    pub skiff_files: BTreeMap<String, SourceFile>,
    #[returns(ref)]
    pub data_files: BTreeMap<String, SourceFile>,
    /// `skiff.toml` at the workspace root, if there is one.
    #[returns(copy)]
    pub config: Option<SourceFile>,
    /// Files that exist but were not read, and why (see [`crate::load`]): the checker says so
    /// where they are named.
    #[returns(ref)]
    pub refused: BTreeMap<String, crate::load::Refusal>,
}

#[salsa::db]
pub trait Db: salsa::Database {
    /// The workspace's file set (one per database).
    fn files(&self) -> Files;
}

/// Query names in execution order, recorded by [`RootDatabase::with_execution_log`].
pub type ExecutionLog = Arc<Mutex<Vec<String>>>;

#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    files: Option<Files>,
}

impl Default for RootDatabase {
    fn default() -> Self {
        Self::from_storage(salsa::Storage::default())
    }
}

impl RootDatabase {
    pub fn new() -> Self {
        Self::default()
    }

    fn from_storage(storage: salsa::Storage<Self>) -> Self {
        let mut db = RootDatabase { storage, files: None };
        db.files = Some(Files::new(&db, BTreeMap::new(), BTreeMap::new(), None, BTreeMap::new()));
        db
    }

    /// A database that records every query it executes, as `query_name(argument)`, in order:
    /// `WillExecute` events are the ground truth of what re-ran, for tests of incrementality.
    pub fn with_execution_log() -> (Self, ExecutionLog) {
        let log = ExecutionLog::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{database_key:?}"));
            }
        })));
        (Self::from_storage(storage), log)
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {
    fn files(&self) -> Files {
        self.files.expect("set at construction")
    }
}

/// One chunk of a file (see [`skiff_syntax::chunks`]: an item with its doc lines, or the text
/// before the first item) by content: its text and the keyword of the item after it. The same
/// text in the same place of any file, before or after an edit, is the same key, so its parse
/// is found, not redone.
#[salsa::interned(debug)]
pub struct ChunkKey<'db> {
    #[returns(ref)]
    pub text: String,
    #[returns(copy)]
    pub next: Option<ItemKeyword>,
}

/// The file's chunks in order, each with its offset in the file. Re-runs after every edit to
/// the file; it only scans lines and interns texts (an unchanged chunk gets its old key).
#[salsa::tracked(returns(ref))]
pub fn file_chunks<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<(ChunkKey<'db>, u32)> {
    let text = file.text(db);
    skiff_syntax::chunks(text)
        .into_iter()
        .map(|chunk| (ChunkKey::new(db, &text[chunk.span.range()], chunk.next), chunk.span.start))
        .collect()
}

/// One chunk's tree, comments and syntax errors, spans relative to the chunk. Memoized by
/// content: after an edit, only the chunk the edit is in is parsed again.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse_chunk<'db>(db: &'db dyn Db, chunk: ChunkKey<'db>) -> Parse {
    skiff_syntax::parse_chunk(chunk.text(db), chunk.next(db))
}

/// The syntax tree, comments and syntax errors of one file, with spans in the file, assembled
/// from its chunks. For the IDE and the formatter, which work on whole files: checking reads
/// items one at a time ([`crate::items::item_ast`]) and never asks for this. Not compared
/// (`no_eq`): after an edit the spans differ anyway.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parse {
    let mut out = Parse::default();
    for &(chunk, offset) in file_chunks(db, file) {
        out.append(parse_chunk(db, chunk).clone(), offset);
    }
    out
}

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
    /// Shared with the chunks cut from it in a batch run (see [`ChunkText`]).
    #[returns(ref)]
    pub text: Arc<str>,
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

    /// Whether a chunk's key shares its file's text rather than copying its own (see
    /// [`ChunkText`]). Fixed when the database is made, so no query depends on it changing.
    fn shares_chunk_texts(&self) -> bool {
        false
    }
}

/// Query names in execution order, recorded by [`RootDatabase::with_execution_log`].
pub type ExecutionLog = Arc<Mutex<Vec<String>>>;

#[salsa::db]
#[derive(Clone)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
    files: Option<Files>,
    shares_chunk_texts: bool,
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

    /// A database for one run over texts that are not edited afterwards (`skiff check`,
    /// `build`): each chunk's key points into its file's text instead of holding a copy, which
    /// saves as much memory as the sources take. Not for an editor: there every edit would
    /// keep a whole text alive for the one chunk keyed into it.
    pub fn for_one_run() -> Self {
        RootDatabase { shares_chunk_texts: true, ..Self::default() }
    }

    fn from_storage(storage: salsa::Storage<Self>) -> Self {
        let mut db = RootDatabase { storage, files: None, shares_chunk_texts: false };
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

    fn shares_chunk_texts(&self) -> bool {
        self.shares_chunk_texts
    }
}

/// One chunk of a file (see [`skiff_syntax::chunks`]: an item with its doc lines, or the text
/// before the first item) by content: its text and the keyword of the item after it. The same
/// text in the same place of any file, before or after an edit, is the same key, so its parse
/// is found, not redone.
#[salsa::interned(debug)]
pub struct ChunkKey<'db> {
    #[returns(ref)]
    pub text: ChunkText,
    #[returns(copy)]
    pub next: Option<ItemKeyword>,
}

/// The text of a chunk: a range of its file's text, or a copy of its own (see
/// [`Db::shares_chunk_texts`]). Hashed and compared as the text alone, however it is held.
#[derive(Clone)]
pub struct ChunkText {
    text: Arc<str>,
    start: u32,
    end: u32,
}

impl ChunkText {
    pub fn as_str(&self) -> &str {
        &self.text[self.start as usize..self.end as usize]
    }
}

impl std::ops::Deref for ChunkText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for ChunkText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ChunkText {}

impl std::hash::Hash for ChunkText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Debug for ChunkText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// A chunk's place in its file, to look its key up without copying its text first.
#[derive(Clone, Copy)]
struct ChunkSlice<'a> {
    file: &'a Arc<str>,
    start: u32,
    end: u32,
    share: bool,
}

impl ChunkSlice<'_> {
    fn as_str(&self) -> &str {
        &self.file[self.start as usize..self.end as usize]
    }
}

impl std::hash::Hash for ChunkSlice<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl<'a> salsa::HashEqLike<ChunkSlice<'a>> for ChunkText {
    fn eq(&self, data: &ChunkSlice<'a>) -> bool {
        self.as_str() == data.as_str()
    }
}

impl salsa::Lookup<ChunkText> for ChunkSlice<'_> {
    fn into_owned(self) -> ChunkText {
        if self.share {
            ChunkText { text: self.file.clone(), start: self.start, end: self.end }
        } else {
            ChunkText { text: Arc::from(self.as_str()), start: 0, end: self.end - self.start }
        }
    }
}

/// The file's chunks in order, each with its offset in the file. Re-runs after every edit to
/// the file; it only scans lines and interns texts (an unchanged chunk gets its old key).
#[salsa::tracked(returns(ref))]
pub fn file_chunks<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<(ChunkKey<'db>, u32)> {
    let text = file.text(db);
    let share = db.shares_chunk_texts();
    skiff_syntax::chunks(text)
        .into_iter()
        .map(|chunk| {
            let slice = ChunkSlice { file: text, start: chunk.span.start, end: chunk.span.end, share };
            (ChunkKey::new(db, slice, chunk.next), chunk.span.start)
        })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    const TEXT: &str = "pod_template a { nodeSelector { pool: \"x\" } }\n\ntask t() { image: \"busybox\" }\n";

    fn chunk_texts(db: &RootDatabase, file: SourceFile) -> Vec<ChunkText> {
        file_chunks(db, file).iter().map(|(key, _)| key.text(db).clone()).collect()
    }

    #[test]
    fn a_run_shares_its_files_text_and_an_editor_copies_it() {
        let mut run = Workspace::new(RootDatabase::for_one_run());
        let file = run.set_file("a.skiff", TEXT.to_string());
        let shared = chunk_texts(&run.db, file);
        assert_eq!(shared.len(), 2);
        assert!(shared.iter().all(|chunk| Arc::ptr_eq(&chunk.text, file.text(&run.db))));

        let mut editor = Workspace::new(RootDatabase::new());
        let file = editor.set_file("a.skiff", TEXT.to_string());
        let copied = chunk_texts(&editor.db, file);
        assert!(copied.iter().all(|chunk| !Arc::ptr_eq(&chunk.text, file.text(&editor.db))));
        assert!(copied.iter().all(|chunk| chunk.text.len() == chunk.as_str().len()), "a copy holds its chunk alone");

        // Held either way, the same text is the same key: equal, and hashed alike.
        assert_eq!(shared, copied);
        let hash = |chunk: &ChunkText| std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, chunk);
        assert_eq!(shared.iter().map(hash).collect::<Vec<_>>(), copied.iter().map(hash).collect::<Vec<_>>());
        assert_eq!(copied[1].as_str(), "task t() { image: \"busybox\" }\n");
    }

    #[test]
    fn a_chunk_unchanged_by_an_edit_keeps_its_key_when_texts_are_shared() {
        let mut run = Workspace::new(RootDatabase::for_one_run());
        let file = run.set_file("a.skiff", TEXT.to_string());
        let before: Vec<_> =
            file_chunks(&run.db, file).iter().map(|(key, _)| salsa::plumbing::AsId::as_id(key)).collect();
        run.set_file("a.skiff", TEXT.replace("busybox", "alpine"));
        let after: Vec<_> =
            file_chunks(&run.db, file).iter().map(|(key, _)| salsa::plumbing::AsId::as_id(key)).collect();
        assert_eq!(before[0], after[0]);
        assert_ne!(before[1], after[1]);
    }
}

//! skiff's editor features as plain data: hover, completion, go to definition, references,
//! rename, symbols, semantic tokens, signature help, code actions, inlay hints, formatting,
//! document links, and the effective pod of a workflow node (a view and a lens per `let`).
//!
//! This crate is the API boundary between skiff's semantics and any editor front end. Every
//! answer is a plain struct with public fields, positions are byte offsets into the file's text,
//! files are named by their workspace path, and every query reads the salsa database of
//! `skiff-sema` (what you see is what the compiler computes). Salsa's cancellation becomes a
//! `Result` here ([`Cancellable`]): an edit that arrives while a query runs makes it return
//! `Err(Cancelled)` instead of unwinding into the front end.
//!
//! It is not for protocols: no JSON, no LSP types, no UTF-16, no IO, no threads. `skiff-lsp`
//! translates these answers to the Language Server Protocol and owns the files on disk.
//!
//! The model is rust-analyzer's: one [`AnalysisHost`] owns the database and applies changes;
//! [`AnalysisHost::analysis`] hands out an [`Analysis`], a snapshot that may move to another
//! thread and answer queries there. A change on the host cancels every outstanding snapshot
//! and waits until they are dropped, so a snapshot must never outlive the work it was made for.

mod code_actions;
mod completion;
mod defs;
mod diagnostics;
mod document_links;
mod effective_pod;
#[cfg(test)]
mod fixture;
mod formatting;
mod goto_definition;
mod hover;
mod inlay_hints;
mod locate;
mod references;
mod rename;
mod render;
mod semantic_tokens;
mod signature_help;
mod symbols;

use skiff_sema::{Db, RootDatabase, SourceFile, Workspace};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;

pub use code_actions::CodeAction;
pub use completion::{CompletionItem, CompletionKind};
pub use defs::{NavTarget, SymbolKind};
pub use document_links::DocumentLink;
pub use effective_pod::{EffectivePod, PodLens};
pub use hover::Hover;
pub use inlay_hints::{InlayHint, InlayKind};
pub use rename::RenameError;
pub use salsa::{CancellationToken, Cancelled};
pub use semantic_tokens::{SemanticToken, TokenKind, TokenModifier};
pub use signature_help::SignatureHelp;
/// The workspace loader, for front ends that read files (they give it a file system).
pub use skiff_sema::load;
pub use skiff_sema::{Diagnostic, Fix, Label, Severity, Span, TextEdit};
pub use symbols::Symbol;

/// The result of a query that an edit may cancel.
pub type Cancellable<T> = Result<T, Cancelled>;

/// A cursor: a byte offset into the file at a workspace path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FilePosition {
    pub path: String,
    pub offset: u32,
}

impl FilePosition {
    pub fn new(path: impl Into<String>, offset: u32) -> Self {
        FilePosition { path: path.into(), offset }
    }
}

/// A range in a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRange {
    pub path: String,
    pub span: Span,
}

/// Edits to several files, by workspace path; each file's edits are sorted and do not overlap.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceChange {
    pub edits: BTreeMap<String, Vec<TextEdit>>,
}

/// Owns the database and applies changes to it. Every change cancels the outstanding
/// [`Analysis`] snapshots and blocks until they are dropped.
#[derive(Default)]
pub struct AnalysisHost {
    workspace: Workspace,
}

impl AnalysisHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// A host over a given database (tests use one that logs executions).
    pub fn with_database(db: RootDatabase) -> Self {
        AnalysisHost { workspace: Workspace::new(db) }
    }

    /// A snapshot for queries, cheap to make; drop it as soon as its answer is ready.
    pub fn analysis(&self) -> Analysis {
        Analysis { db: self.workspace.db.clone() }
    }

    /// The workspace, for the loader (`skiff_sema::load`), which sets many files at once.
    pub fn workspace_mut(&mut self) -> &mut Workspace {
        &mut self.workspace
    }

    /// Adds a `.skiff` file or changes its text (no-op when the text is unchanged).
    pub fn set_file(&mut self, path: &str, text: String) {
        self.workspace.set_file(path, text);
    }

    /// Adds or changes a data file (a YAML template read by `pod_template NAME from "..."`).
    pub fn set_data_file(&mut self, path: &str, text: String) {
        self.workspace.set_data_file(path, text);
    }

    /// Sets `skiff.toml`.
    pub fn set_config(&mut self, text: String) {
        self.workspace.set_config(text);
    }

    pub fn remove_file(&mut self, path: &str) {
        self.workspace.remove_file(path);
    }

    /// Whether a file (of any kind) is known at this path.
    pub fn contains(&self, path: &str) -> bool {
        self.workspace.file(path).is_some()
    }

    /// The text of a known file.
    pub fn text(&self, path: &str) -> Option<String> {
        self.workspace.file(path).map(|file| file.text(&self.workspace.db).to_string())
    }

    /// The workspace paths a file imports or reads (`(path, is_data_file)`), for front ends that
    /// load files on demand.
    pub fn referenced_paths(&self, path: &str) -> Vec<(String, bool)> {
        let Some(file) = self.workspace.file(path) else { return Vec::new() };
        let mut paths = self.workspace.referenced_paths(file);
        if path.ends_with(".skiff") {
            paths.extend(self.workspace.config_paths());
        }
        paths
    }

    /// The `.skiff` files known, in path order.
    pub fn skiff_paths(&self) -> Vec<String> {
        self.workspace.files().into_iter().map(|(path, _)| path).collect()
    }

    /// The raw database, for tests and benchmarks that need to look inside.
    pub fn database(&self) -> &RootDatabase {
        &self.workspace.db
    }
}

/// A snapshot of the database that answers queries. Each query returns `Err(Cancelled)` when
/// the host applied a change meanwhile.
#[derive(Clone)]
pub struct Analysis {
    db: RootDatabase,
}

impl Analysis {
    fn with_db<T>(&self, f: impl FnOnce(&dyn Db) -> T) -> Cancellable<T> {
        let db: &dyn Db = &self.db;
        Cancelled::catch(AssertUnwindSafe(|| f(db)))
    }

    /// A token that cancels the queries of this snapshot alone (for a client's `$/cancelRequest`).
    pub fn cancellation_token(&self) -> CancellationToken {
        salsa::Database::cancellation_token(&self.db)
    }

    /// The text of a file, if it is known.
    pub fn file_text(&self, path: &str) -> Cancellable<Option<String>> {
        self.with_db(|db| file(db, path).map(|f| f.text(db).to_string()))
    }

    /// Every diagnostic of one file (`.skiff` files and `skiff.toml`), in source order.
    pub fn diagnostics(&self, path: &str) -> Cancellable<Vec<Diagnostic>> {
        self.with_db(|db| diagnostics::diagnostics(db, path))
    }

    pub fn hover(&self, position: &FilePosition) -> Cancellable<Option<Hover>> {
        self.with_db(|db| hover::hover(db, position))
    }

    pub fn completion(&self, position: &FilePosition) -> Cancellable<Vec<CompletionItem>> {
        self.with_db(|db| completion::completion(db, position))
    }

    pub fn goto_definition(&self, position: &FilePosition) -> Cancellable<Vec<NavTarget>> {
        self.with_db(|db| goto_definition::goto_definition(db, position))
    }

    /// Every place that names what is under the cursor; with the declaration when asked.
    pub fn references(&self, position: &FilePosition, include_declaration: bool) -> Cancellable<Vec<FileRange>> {
        self.with_db(|db| references::references(db, position, include_declaration))
    }

    /// The span of the name that a rename at this position would change.
    pub fn prepare_rename(&self, position: &FilePosition) -> Cancellable<Result<FileRange, RenameError>> {
        self.with_db(|db| rename::prepare_rename(db, position))
    }

    pub fn rename(&self, position: &FilePosition, new_name: &str) -> Cancellable<Result<SourceChange, RenameError>> {
        self.with_db(|db| rename::rename(db, position, new_name))
    }

    pub fn document_symbols(&self, path: &str) -> Cancellable<Vec<Symbol>> {
        self.with_db(|db| symbols::document_symbols(db, path))
    }

    /// Items of every file whose name contains `query` (case-insensitive).
    pub fn workspace_symbols(&self, query: &str) -> Cancellable<Vec<NavTarget>> {
        self.with_db(|db| symbols::workspace_symbols(db, query))
    }

    pub fn semantic_tokens(&self, path: &str) -> Cancellable<Vec<SemanticToken>> {
        self.with_db(|db| semantic_tokens::semantic_tokens(db, path))
    }

    pub fn signature_help(&self, position: &FilePosition) -> Cancellable<Option<SignatureHelp>> {
        self.with_db(|db| signature_help::signature_help(db, position))
    }

    /// The fixes of the diagnostics that overlap `range`.
    pub fn code_actions(&self, range: &FileRange) -> Cancellable<Vec<CodeAction>> {
        self.with_db(|db| code_actions::code_actions(db, range))
    }

    /// The edits that give the file its canonical layout; `None` when it has syntax errors.
    pub fn format(&self, path: &str) -> Cancellable<Option<Vec<TextEdit>>> {
        self.with_db(|db| formatting::format(db, path))
    }

    pub fn inlay_hints(&self, range: &FileRange) -> Cancellable<Vec<InlayHint>> {
        self.with_db(|db| inlay_hints::inlay_hints(db, range))
    }

    /// The effective pod of the node whose `let` holds the cursor, as `skiff explain` prints it.
    pub fn effective_pod_at(&self, position: &FilePosition) -> Cancellable<Option<EffectivePod>> {
        self.with_db(|db| effective_pod::at(db, &position.path, position.offset))
    }

    /// The effective pod of the node named `workflow.binding`.
    pub fn effective_pod(&self, node: &str) -> Cancellable<Option<EffectivePod>> {
        self.with_db(|db| effective_pod::named(db, node))
    }

    /// A lens above each `let` of the file (its summary comes from [`Self::effective_pod`], when
    /// the editor shows it).
    pub fn pod_lenses(&self, path: &str) -> Cancellable<Vec<PodLens>> {
        self.with_db(|db| effective_pod::lenses(db, path))
    }

    /// The paths of `import`s and `from` templates that name a known file.
    pub fn document_links(&self, path: &str) -> Cancellable<Vec<DocumentLink>> {
        self.with_db(|db| document_links::document_links(db, path))
    }
}

/// The `.skiff` file at a workspace path.
fn file(db: &dyn Db, path: &str) -> Option<SourceFile> {
    db.files().skiff_files(db).get(path).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, mpsc};
    use std::time::{Duration, Instant};

    const SEED: &str = include_str!("../../../examples/seed/train.skiff");
    const GPU: &str = include_str!("../../../examples/seed/lib/gpu.skiff");

    /// Every feature at every offset of the seed, whole and cut short at many places: no panic,
    /// whatever the text (`catch_unwind` in the server is the last resort, not the plan).
    #[test]
    fn every_feature_anywhere_in_broken_text() {
        let cuts: Vec<usize> =
            (0..SEED.len()).step_by(23).chain([SEED.len()]).filter(|c| SEED.is_char_boundary(*c)).collect();
        for cut in cuts {
            let mut host = AnalysisHost::new();
            host.set_file("lib/gpu.skiff", GPU.to_string());
            let text = format!("{}{}", &SEED[..cut], &SEED[cut..].replacen(['}', ')', '"', ']'], "", 1));
            host.set_file("train.skiff", text.clone());
            let analysis = host.analysis();
            let path = "train.skiff";
            analysis.diagnostics(path).unwrap();
            analysis.document_symbols(path).unwrap();
            analysis.semantic_tokens(path).unwrap();
            let whole = FileRange { path: path.into(), span: Span::new(0, text.len() as u32 + 10) };
            analysis.inlay_hints(&whole).unwrap();
            analysis.code_actions(&whole).unwrap();
            analysis.document_links(path).unwrap();
            for lens in analysis.pod_lenses(path).unwrap() {
                analysis.effective_pod(&lens.node).unwrap();
            }
            for offset in (0..=text.len() as u32 + 2).step_by(3) {
                let at = FilePosition::new(path, offset);
                analysis.hover(&at).unwrap();
                analysis.completion(&at).unwrap();
                analysis.goto_definition(&at).unwrap();
                analysis.references(&at, true).unwrap();
                analysis.signature_help(&at).unwrap();
                let _ = analysis.rename(&at, "renamed").unwrap();
                analysis.effective_pod_at(&at).unwrap();
            }
        }
        let analysis = AnalysisHost::new().analysis();
        assert_eq!(analysis.hover(&FilePosition::new("missing.skiff", 5)).unwrap(), None);
    }

    /// A snapshot that is still working when the host applies a change is cancelled: its query
    /// returns `Err(Cancelled)`, and the change goes through once the snapshot is dropped.
    #[test]
    fn a_change_cancels_a_running_analysis() {
        let mut host = AnalysisHost::new();
        host.set_file("lib/gpu.skiff", GPU.to_string());
        host.set_file("train.skiff", SEED.to_string());
        let analysis = host.analysis();
        let runs = Arc::new(AtomicUsize::new(0));
        let (done_tx, done_rx) = mpsc::channel();
        let counter = runs.clone();
        // The reader keeps asking until it is cancelled (or gives up after a while, which fails).
        let reader = std::thread::spawn(move || {
            let started = Instant::now();
            loop {
                match analysis.diagnostics("train.skiff") {
                    Ok(_) => {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(cancelled) => {
                        let _ = done_tx.send(Some(cancelled.to_string()));
                        return;
                    }
                }
                if started.elapsed() > Duration::from_secs(20) {
                    let _ = done_tx.send(None);
                    return;
                }
            }
        });
        while runs.load(Ordering::SeqCst) == 0 {
            std::thread::yield_now();
        }
        host.set_file("train.skiff", SEED.replace("epochs: int = 10", "epochs: int = 11"));
        let outcome = done_rx.recv().unwrap();
        reader.join().unwrap();
        assert_eq!(outcome.as_deref(), Some("cancelled because of pending write"));
        assert!(host.text("train.skiff").unwrap().contains("= 11"));
    }

    /// `$/cancelRequest`: a token cancels one snapshot's work without any change.
    #[test]
    fn a_token_cancels_one_snapshot() {
        let mut host = AnalysisHost::new();
        host.set_file("train.skiff", SEED.to_string());
        let analysis = host.analysis();
        analysis.cancellation_token().cancel();
        assert!(analysis.diagnostics("train.skiff").is_err());
        assert!(host.analysis().diagnostics("train.skiff").is_ok(), "other snapshots are not affected");
    }
}

//! The database, its inputs and the per-file queries.

use skiff_syntax::{Diagnostic, Parse};
use std::sync::{Arc, Mutex};

/// One source file: its workspace-relative path (with `/`) and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

#[salsa::db]
pub trait Db: salsa::Database {}

/// Callback invoked for every salsa event; tests use it to count executions.
pub type EventSink = Arc<Mutex<Vec<String>>>;

#[salsa::db]
#[derive(Clone, Default)]
pub struct RootDatabase {
    storage: salsa::Storage<Self>,
}

impl RootDatabase {
    pub fn new() -> Self {
        Self::default()
    }

    /// A database that records the name of every query it executes, in order (for tests of
    /// incrementality: `WillExecute` events are the ground truth of what re-ran).
    pub fn with_execution_log() -> (Self, EventSink) {
        let log: EventSink = Arc::default();
        let sink = log.clone();
        let storage = salsa::Storage::new(Some(Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{database_key:?}"));
            }
        })));
        (RootDatabase { storage }, log)
    }
}

#[salsa::db]
impl salsa::Database for RootDatabase {}

#[salsa::db]
impl Db for RootDatabase {}

/// The syntax tree, comments and syntax errors of one file.
#[salsa::tracked(returns(ref), no_eq)]
pub fn parse(db: &dyn Db, file: SourceFile) -> Parse {
    skiff_syntax::parse(file.text(db))
}

/// The syntax errors alone: a firewall, so that readers of diagnostics do not re-run when an
/// edit changes the tree but not its errors.
#[salsa::tracked(returns(ref))]
pub fn parse_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    parse(db, file).errors.clone()
}

/// Every diagnostic of one file, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = parse_diagnostics(db, file).clone();
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    diagnostics
}

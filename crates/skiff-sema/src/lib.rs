//! skiff's semantic core: the salsa database, its inputs, and the queries that turn source
//! files into diagnostics (and, as the compiler grows, into effective pods and manifests).
//!
//! This crate is for meaning computed incrementally. It does no IO: the CLI and the language
//! server read files and set [`SourceFile`] inputs. It is not for presentation: diagnostics are
//! plain values with byte spans; rendering them (ariadne, JSON, LSP) happens in the front ends.

mod db;
mod workspace;

pub use db::{Db, RootDatabase, SourceFile, file_diagnostics, parse, parse_diagnostics};
pub use skiff_syntax::{Diagnostic, Fix, Label, Severity, Span, TextEdit};
pub use workspace::{FileDiagnostic, Workspace};

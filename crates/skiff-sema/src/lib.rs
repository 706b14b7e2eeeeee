//! skiff's semantic core: the salsa database, its inputs, and the queries that turn source
//! files into diagnostics (and, as the compiler grows, into effective pods and manifests).
//!
//! This crate is for meaning computed incrementally: items and their identities, name
//! resolution across files, type checking, and the Kubernetes checks of `skiff-k8s` applied to
//! each body. It does no IO: the CLI and the language server read files and set
//! [`SourceFile`] inputs through [`Workspace`]. It is not for presentation: diagnostics are
//! plain values with byte spans; rendering them (ariadne, JSON, LSP) happens in front ends.
//!
//! Incrementality rests on one rule: what a semantic query compares holds no positions. See
//! [`items`] for how items get identities and relative trees.

mod check;
pub mod codes;
pub mod compile;
mod config;
mod db;
mod diagnostics;
pub mod explain;
pub mod fixture;
pub mod items;
pub mod pod;
mod resolve;
pub mod types;
mod workspace;

pub use check::{ItemDiagnostic, TASK_SKIFF_FIELDS, check_item, item_references, pod_diagnostics};
pub use config::{DefaultTemplate, ProjectConfig, config_json_schema, project_config};
pub use db::{ChunkKey, Db, ExecutionLog, Files, RootDatabase, SourceFile, file_chunks, parse, parse_chunk};
pub use diagnostics::{file_diagnostics, parse_diagnostics};
pub use resolve::{Resolution, import_cycles, resolve_import_path, resolve_path};
pub use skiff_syntax::{Diagnostic, Fix, Label, Severity, Span, TextEdit};
pub use workspace::{FileDiagnostic, Workspace};

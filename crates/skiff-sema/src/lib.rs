//! skiff's semantic core: the salsa database, its inputs, and the queries that turn source
//! files into diagnostics (and, as the compiler grows, into effective pods and manifests).
//!
//! This crate is for meaning computed incrementally: items and their identities, name
//! resolution across files, type checking, and Kubernetes bodies written in skiff ([`body`]:
//! checking them against the schema and the value rules of `skiff-k8s`, and lowering them to
//! merge patches). `skiff-k8s` knows Kubernetes and no skiff syntax; this crate maps its
//! findings' origins back to spans. It does no IO: [`load`] decides what to read and how (the
//! workspace root, the walk, `skiff.toml`, imports and templates, which paths are safe to read)
//! over a [`load::FileSystem`] that the front ends implement on the disk (`skiff-disk`). It is
//! not for presentation: diagnostics are plain values with byte spans; rendering them
//! (ariadne, JSON, LSP) happens in front ends.
//!
//! Incrementality rests on one rule: what a semantic query compares holds no positions. See
//! [`items`] for how items get identities and relative trees.
//!
//! Each concept of the language is written once: skiff's own task fields (`pod_template`,
//! `primary_container`, `retries`, `timeout`) are the table of [`task_fields`], read by the
//! checker, the pod builder, the compiler and the editor; `{{inputs.x}}` placeholders are found
//! by [`inputs`]; the checks of each kind of item are in `check/`. The compiler ([`compile`]) makes
//! Pods and `PodTemplate`s; [`argo`] makes Argo Workflows objects from the same node pods.

pub mod argo;
pub mod body;
mod check;
pub mod codes;
pub mod compile;
mod config;
mod db;
mod diagnostics;
pub mod explain;
pub mod extends;
pub mod fixture;
pub mod inputs;
pub mod items;
pub mod lints;
pub mod load;
pub mod pod;
mod resolve;
pub mod task_fields;
pub mod types;
mod workspace;

pub use check::{ItemDiagnostic, PodChecks, check_item, item_references, pod_checks, pod_diagnostics};
pub use config::{DefaultTemplate, ProjectConfig, config_json_schema, project_config};
pub use db::{ChunkKey, Db, ExecutionLog, Files, RootDatabase, SourceFile, file_chunks, parse, parse_chunk};
pub use diagnostics::{data_file_diagnostics, file_diagnostics, parse_diagnostics};
pub use resolve::{Resolution, import_cycles, resolve_import_path, resolve_path};
pub use skiff_syntax::{Diagnostic, Fix, Label, Severity, Span, TextEdit};
pub use workspace::{FileDiagnostic, Workspace};

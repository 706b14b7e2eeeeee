//! The diagnostics of one file: a `.skiff` file's, or `skiff.toml`'s.

use skiff_sema::{Db, Diagnostic, file_diagnostics, project_config};

pub(crate) fn diagnostics(db: &dyn Db, path: &str) -> Vec<Diagnostic> {
    if path == "skiff.toml" {
        return project_config(db).1.clone();
    }
    match crate::file(db, path) {
        Some(file) => file_diagnostics(db, file).clone(),
        None => Vec::new(),
    }
}

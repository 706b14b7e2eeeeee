//! The diagnostics of one file: a `.skiff` file's, `skiff.toml`'s, or a YAML template's (the
//! lints of the values it wrote).

use skiff_sema::{Db, Diagnostic, data_file_diagnostics, file_diagnostics, project_config};

pub(crate) fn diagnostics(db: &dyn Db, path: &str) -> Vec<Diagnostic> {
    if path == "skiff.toml" {
        return project_config(db).1.clone();
    }
    if let Some(file) = crate::file(db, path) {
        return file_diagnostics(db, file).clone();
    }
    match db.files().data_files(db).get(path) {
        Some(file) => data_file_diagnostics(db, *file).clone(),
        None => Vec::new(),
    }
}

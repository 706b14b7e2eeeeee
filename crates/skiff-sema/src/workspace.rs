//! The set of files one command or one editor session works on.

use crate::db::{RootDatabase, SourceFile, file_diagnostics};
use skiff_syntax::Diagnostic;
use std::collections::BTreeMap;

/// A diagnostic and the file it is reported in.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDiagnostic {
    pub path: String,
    pub diagnostic: Diagnostic,
}

/// The files of a workspace, by workspace-relative path, over one database. Front ends set
/// texts here; queries read them through [`SourceFile`] inputs.
#[derive(Default)]
pub struct Workspace {
    pub db: RootDatabase,
    files: BTreeMap<String, SourceFile>,
}

impl Workspace {
    pub fn new(db: RootDatabase) -> Self {
        Workspace { db, files: BTreeMap::new() }
    }

    /// Adds the file, or changes its text when it exists (a no-op when the text is the same,
    /// so nothing downstream is invalidated).
    pub fn set_file(&mut self, path: &str, text: String) -> SourceFile {
        use salsa::Setter;
        match self.files.get(path) {
            Some(&file) => {
                if file.text(&self.db) != &text {
                    file.set_text(&mut self.db).to(text);
                }
                file
            }
            None => {
                let file = SourceFile::new(&self.db, path.to_string(), text);
                self.files.insert(path.to_string(), file);
                file
            }
        }
    }

    pub fn file(&self, path: &str) -> Option<SourceFile> {
        self.files.get(path).copied()
    }

    /// Files in path order.
    pub fn files(&self) -> impl Iterator<Item = (&str, SourceFile)> {
        self.files.iter().map(|(path, file)| (path.as_str(), *file))
    }

    /// Every diagnostic of every file, files in path order, each file's in source order.
    pub fn diagnostics(&self) -> Vec<FileDiagnostic> {
        self.files()
            .flat_map(|(path, file)| {
                file_diagnostics(&self.db, file)
                    .iter()
                    .map(move |diagnostic| FileDiagnostic { path: path.to_string(), diagnostic: diagnostic.clone() })
            })
            .collect()
    }
}

//! Imports: the path resolves to a file of the workspace, stays inside it and is not part of a
//! cycle; the alias is used. What an item refers to ([`item_references`]) is collected here.

use super::{Checker, Sink};
use crate::codes;
use crate::db::Db;
use crate::items::{ItemId, file_items, item_ast};
use crate::load::refused_diagnostic;
use crate::resolve::{ImportPathError, import_cycles, import_target, resolve_import_path};
use skiff_k8s::names::suggest;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Fix, Span};
use std::collections::BTreeSet;

/// The first segment of every name an item refers to (for unused imports).
#[salsa::tracked(returns(ref))]
pub fn item_references<'db>(db: &'db dyn Db, item: ItemId<'db>) -> BTreeSet<SmolStr> {
    let mut names = BTreeSet::new();
    if let Some(ast) = item_ast(db, item) {
        let mut add = |p: &Path| {
            if let Some(first) = p.segments.first() {
                names.insert(first.text.clone());
            }
        };
        match &ast.kind {
            ItemKind::Template(t) => {
                if let Some(e) = &t.extends {
                    add(e);
                }
                if let TemplateBody::Block(b) = &t.body {
                    visit_refs_block(b, &mut add);
                }
            }
            ItemKind::Task(t) => visit_refs_block(&t.body, &mut add),
            ItemKind::Workflow(w) => {
                for stmt in &w.body {
                    if let Stmt::Let(binding) = stmt {
                        add(&binding.call.callee);
                        for o in &binding.overrides {
                            visit_refs_field(&o.field, &mut add);
                        }
                    }
                }
            }
            ItemKind::Import(_) | ItemKind::Error => {}
        }
    }
    names
}

fn visit_refs_block(block: &Block, f: &mut impl FnMut(&Path)) {
    for field in &block.fields {
        visit_refs_field(field, f);
    }
}

fn visit_refs_field(field: &Field, f: &mut impl FnMut(&Path)) {
    if let Some(value) = field.op.value() {
        visit_refs_value(value, f);
    }
}

pub(super) fn visit_refs_value(value: &Value, f: &mut impl FnMut(&Path)) {
    match &value.kind {
        ValueKind::Ref(p) => f(p),
        ValueKind::Object(b) => visit_refs_block(b, f),
        ValueKind::List(items) => items.iter().for_each(|v| visit_refs_value(v, f)),
        _ => {}
    }
}

impl<'db> Checker<'db> {
    pub(super) fn import(&self, import: &Import, item_span: Span, sink: &mut Sink<'db>) {
        let db = self.db;
        let span = import.path.span;
        match resolve_import_path(self.file.path(db), &import.path.value) {
            Err(ImportPathError::Absolute) => {
                sink.push(
                    Diagnostic::new(codes::UNRESOLVED_IMPORT, span, "import paths are relative to the importing file")
                        .with_help("write the path from this file's directory, as in `lib/gpu.skiff`"),
                );
                return;
            }
            Err(ImportPathError::EscapesWorkspace) => {
                sink.push(
                    Diagnostic::new(codes::IMPORT_ESCAPES_WORKSPACE, span, "this import leaves the workspace")
                        .with_help("imports stay inside the workspace root (the directory with `skiff.toml`)"),
                );
                return;
            }
            Ok(key) => {
                let Some(target) = import_target(db, self.file, &import.path.value) else {
                    if let Some(refusal) = db.files().refused(db).get(&key) {
                        sink.push(refused_diagnostic(&key, refusal, span, codes::UNRESOLVED_IMPORT));
                        return;
                    }
                    let known: Vec<&str> = db.files().skiff_files(db).keys().map(String::as_str).collect();
                    let mut diagnostic =
                        Diagnostic::new(codes::UNRESOLVED_IMPORT, span, format!("no file `{key}` in the workspace"));
                    let near = suggest(&key, known.iter().copied());
                    if let Some(near) = near.and_then(|n| relative_path(self.file.path(db), n)) {
                        diagnostic = diagnostic.with_help(format!("did you mean \"{near}\"?")).with_fix(Fix::replace(
                            format!("import \"{near}\""),
                            span,
                            format!("\"{near}\""),
                        ));
                    }
                    sink.push(diagnostic);
                    return;
                };
                if let Some(cycle) = import_cycles(db).get(self.file.path(db))
                    && cycle.contains(&target)
                {
                    let names: Vec<&str> = cycle.iter().map(|f| f.path(db).as_str()).collect();
                    sink.push(
                        Diagnostic::new(codes::IMPORT_CYCLE, span, "this import is part of an import cycle")
                            .with_help(format!("the cycle: {}", names.join(" → "))),
                    );
                }
            }
        }
        let Some(alias) = &import.alias else { return };
        let used = file_items(db, self.file).iter().any(|i| item_references(db, *i).contains(&alias.text));
        if !used {
            sink.push(
                Diagnostic::warning(
                    codes::UNUSED_IMPORT,
                    alias.span,
                    format!("`{}` is imported but never used", alias.text),
                )
                .with_fix(Fix::replace("remove the import", item_span, "")),
            );
        }
    }
}

/// `target` written relative to `importer`'s directory, when it is below it.
fn relative_path(importer: &str, target: &str) -> Option<String> {
    let dir = importer.rsplit_once('/').map_or("", |(d, _)| d);
    if dir.is_empty() {
        return Some(target.to_string());
    }
    target.strip_prefix(&format!("{dir}/")).map(str::to_string)
}

//! Names: an item name defined twice in a file, a workflow name used twice in the workspace, and
//! a reference that must name an item of a given kind.

use super::{Checker, Sink};
use crate::codes;
use crate::db::Db;
use crate::items::{ItemId, ItemTag, file_items};
use crate::resolve::{Resolution, ScopeEntry, file_scope, resolve_path};
use skiff_k8s::names::suggest;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Fix, Span};
use std::collections::BTreeMap;

/// Every workflow of the workspace by name, files in path order: the one input of the
/// workspace-wide uniqueness check, equal (and so backdated) unless a workflow is added,
/// removed or renamed.
#[salsa::tracked(returns(ref))]
pub fn workflow_definitions<'db>(db: &'db dyn Db) -> BTreeMap<String, Vec<ItemId<'db>>> {
    let mut out: BTreeMap<String, Vec<ItemId<'db>>> = BTreeMap::new();
    for file in db.files().skiff_files(db).values() {
        for item in file_items(db, *file) {
            if item.tag(db) == ItemTag::Workflow {
                out.entry(item.name(db).to_string()).or_default().push(*item);
            }
        }
    }
    out
}

fn name_span(ast_kind: &ItemKind, fallback: Span) -> Span {
    match ast_kind {
        ItemKind::Import(i) => i.alias.as_ref().map_or(i.path.span, |a| a.span),
        ItemKind::Template(t) => t.name.span,
        ItemKind::Task(t) => t.name.span,
        ItemKind::Workflow(w) => w.name.span,
        ItemKind::Error => fallback,
    }
}

pub(super) fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(name, candidates).map(str::to_string)
}

impl<'db> Checker<'db> {
    /// A name defined twice in one file; a workflow name used twice in the workspace.
    pub(super) fn duplicates(&self, ast: &Item, sink: &mut Sink<'db>) {
        let db = self.db;
        let name = self.item.name(db);
        let span = name_span(&ast.kind, ast.span);
        // The file's scope holds the first definition of every name: a lookup, not a scan of the
        // file's items (which made checking a file of n items take n² steps).
        let first = match file_scope(db, self.file).get(name.as_str()) {
            Some(ScopeEntry::Item(item) | ScopeEntry::Import { item, .. }) => Some(*item),
            None => None,
        };
        if let Some(first) = first.filter(|f| *f != self.item) {
            let what = first.tag(db).describe();
            sink.push_related(
                Diagnostic::new(codes::DUPLICATE_DEFINITION, span, format!("`{name}` is defined twice in this file")),
                first,
                Span::empty(0),
                format!("first defined here, as a {what}"),
            );
            return;
        }
        if self.item.tag(db) == ItemTag::Workflow {
            let earlier = workflow_definitions(db).get(name.as_str()).and_then(|defs| defs.first()).copied();
            if let Some(earlier) = earlier.filter(|e| *e != self.item && e.file(db) != self.file) {
                sink.push_related(
                    Diagnostic::new(
                        codes::DUPLICATE_WORKFLOW,
                        span,
                        format!("workflow `{name}` is also defined in {}", earlier.file(db).path(db)),
                    )
                    .with_help("workflow names are unique across the files compiled together: they name the pods"),
                    earlier,
                    Span::empty(0),
                    "the other definition",
                );
            }
        }
    }

    /// Resolves a reference that must name an item of `tag`.
    pub(super) fn expect_item(&self, path: &Path, tag: ItemTag, sink: &mut Sink<'db>) -> Option<ItemId<'db>> {
        let db = self.db;
        let segments: Vec<SmolStr> = path.segments.iter().map(|s| s.text.clone()).collect();
        match resolve_path(db, self.file, &segments) {
            Resolution::Item(found) if found.tag(db) == tag => return Some(found),
            Resolution::Item(found) => sink.push_related(
                Diagnostic::new(
                    codes::WRONG_ITEM_KIND,
                    path.span,
                    format!("`{}` is a {}, not a {}", path.to_dotted(), found.tag(db).describe(), tag.describe()),
                ),
                found,
                Span::empty(0),
                "defined here",
            ),
            Resolution::Import(_) => sink.push(Diagnostic::new(
                codes::WRONG_ITEM_KIND,
                path.span,
                format!(
                    "`{}` is an imported file: name one of its items, as in `{}.name`",
                    path.to_dotted(),
                    path.to_dotted()
                ),
            )),
            Resolution::Unknown { at, candidates } => {
                let segment = &path.segments[at];
                let fitting: Vec<&str> = candidates.iter().map(SmolStr::as_str).collect();
                let mut diagnostic = Diagnostic::new(
                    codes::UNKNOWN_NAME,
                    segment.span,
                    format!("no {} named `{}`", if at == 0 { "item or import" } else { "item" }, segment.text),
                );
                if let Some(near) = did_you_mean(&segment.text, fitting) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?")).with_fix(Fix::replace(
                        format!("use `{near}`"),
                        segment.span,
                        near,
                    ));
                }
                sink.push(diagnostic);
            }
            Resolution::BrokenImport => {}
            Resolution::TooLong { at } => sink.push(Diagnostic::new(
                codes::UNKNOWN_NAME,
                path.segments[at].span,
                format!(
                    "`{}` has no members",
                    path.segments[..at].iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(".")
                ),
            )),
        }
        None
    }
}

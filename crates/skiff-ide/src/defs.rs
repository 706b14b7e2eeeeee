//! What a name under the cursor stands for, where that is defined, and every place that names
//! it: the shared core of go to definition, references, rename, symbols and hover. The
//! features depend on this module (and on `locate` and `render`), never on each other.

use crate::locate::{self, Hit, ItemAt, Located, RefRole};
use crate::{FileRange, file};
use skiff_sema::items::{ItemId, ItemTag, file_items, item_tree};
use skiff_sema::{Db, Resolution, SourceFile, parse, resolve_path};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

/// What a definition is, for outlines and jump targets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Import,
    Template,
    Task,
    Workflow,
    Parameter,
    Binding,
    /// A field of a body (`nodeSelector`, `resources`).
    Field,
    File,
}

impl SymbolKind {
    pub(crate) fn of_tag(tag: ItemTag) -> SymbolKind {
        match tag {
            ItemTag::Import => SymbolKind::Import,
            ItemTag::Template => SymbolKind::Template,
            ItemTag::Task => SymbolKind::Task,
            ItemTag::Workflow => SymbolKind::Workflow,
        }
    }
}

/// A place to jump to: the whole definition and the name within it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    pub path: String,
    /// The whole definition (an item from its keyword to its end).
    pub full_span: Span,
    /// The name, where the cursor lands.
    pub focus_span: Span,
    pub name: String,
    pub kind: SymbolKind,
}

/// Something with a name that can be defined and referred to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Def<'db> {
    /// A template, task, workflow, or an import (named by its alias).
    Item(ItemId<'db>),
    /// A parameter of a task or workflow.
    Param { item: ItemId<'db>, name: SmolStr },
    /// A `let` binding of a workflow.
    Binding { item: ItemId<'db>, name: SmolStr },
    /// A file, named by an import's path.
    File(SourceFile),
}

/// The definition under the cursor, and the span of the name the cursor is on.
pub(crate) fn def_at<'db>(db: &'db dyn Db, path: &str, offset: u32) -> Option<(Def<'db>, Span)> {
    let file = file(db, path)?;
    let parsed = parse(db, file);
    let located = locate::locate(&parsed.file, file.text(db), offset)?;
    def_of(db, file, &located)
}

pub(crate) fn def_of<'db>(db: &'db dyn Db, file: SourceFile, located: &Located<'_>) -> Option<(Def<'db>, Span)> {
    let item = located.item;
    let id = item.id(db, file)?;
    match &located.hit {
        Hit::ItemName => Some((Def::Item(id), item.ast.name().map_or(item.ast.span, |n| n.span))),
        Hit::ImportPath(lit) => {
            let target = skiff_sema::resolve_import_path(file.path(db), &lit.value).ok()?;
            db.files().skiff_files(db).get(&target).map(|f| (Def::File(*f), lit.span))
        }
        Hit::Param(param) => Some((Def::Param { item: id, name: param.name.text.clone() }, param.name.span)),
        Hit::Binding(binding) => Some((Def::Binding { item: id, name: binding.name.text.clone() }, binding.name.span)),
        Hit::ItemRef { path, segment, .. } => {
            let segments: Vec<SmolStr> = path.segments[..=*segment].iter().map(|s| s.text.clone()).collect();
            let span = path.segments[*segment].span;
            match resolve_path(db, file, &segments) {
                Resolution::Item(found) | Resolution::Import(found) => Some((Def::Item(found), span)),
                _ => None,
            }
        }
        Hit::LocalRef(path) => {
            let name = &path.segments.first()?.text;
            let span = path.segments[0].span;
            local_def(item, id, name, span.start).map(|def| (def, span))
        }
        Hit::ArgName { binding, arg } => {
            let task = callee(db, file, &binding.call)?;
            Some((Def::Param { item: task, name: arg.name.text.clone() }, arg.name.span))
        }
        Hit::Placeholder { name, span } => Some((Def::Param { item: id, name: SmolStr::from(*name) }, *span)),
        Hit::Override { .. } | Hit::FieldKey { .. } | Hit::FieldValue { .. } | Hit::Literal(_) => None,
    }
}

/// What a bare name in a workflow stands for at `at`: the last binding of that name defined
/// before it, else a parameter.
fn local_def<'db>(item: ItemAt<'_>, id: ItemId<'db>, name: &str, at: u32) -> Option<Def<'db>> {
    let ItemKind::Workflow(workflow) = &item.ast.kind else { return None };
    let bound = workflow.body.iter().any(|s| matches!(s, Stmt::Let(b) if b.name.text == name && b.span.start < at));
    if bound {
        return Some(Def::Binding { item: id, name: name.into() });
    }
    workflow.params.iter().any(|p| p.name.text == name).then(|| Def::Param { item: id, name: name.into() })
}

/// The task a call names, if it resolves to one.
pub(crate) fn callee<'db>(db: &'db dyn Db, file: SourceFile, call: &Call) -> Option<ItemId<'db>> {
    let segments: Vec<SmolStr> = call.callee.segments.iter().map(|s| s.text.clone()).collect();
    match resolve_path(db, file, &segments) {
        Resolution::Item(task) if task.tag(db) == ItemTag::Task => Some(task),
        _ => None,
    }
}

/// The syntax of an item with absolute spans, and its file's text.
pub(crate) fn item_syntax<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Option<&'db Item> {
    let file = item.file(db);
    let index = file_items(db, file).iter().position(|i| *i == item)?;
    locate::items(&parse(db, file).file).nth(index).map(|i| i.ast)
}

/// Where a definition is: the whole span and the name's span.
pub(crate) fn definition_range(db: &dyn Db, def: &Def<'_>) -> Option<(FileRange, Span)> {
    match def {
        Def::Item(item) => {
            let ast = item_syntax(db, *item)?;
            let path = item.file(db).path(db).clone();
            let name = match &ast.kind {
                ItemKind::Import(import) => import.alias.as_ref().map_or(import.path.span, |a| a.span),
                _ => ast.name()?.span,
            };
            Some((FileRange { path, span: ast.span }, name))
        }
        Def::Param { item, name } => {
            let ast = item_syntax(db, *item)?;
            let params = match &ast.kind {
                ItemKind::Task(t) => &t.params,
                ItemKind::Workflow(w) => &w.params,
                _ => return None,
            };
            let param = params.iter().find(|p| &p.name.text == name)?;
            Some((FileRange { path: item.file(db).path(db).clone(), span: param.span }, param.name.span))
        }
        Def::Binding { item, name } => {
            let ast = item_syntax(db, *item)?;
            let ItemKind::Workflow(workflow) = &ast.kind else { return None };
            let binding = workflow.body.iter().find_map(|s| match s {
                Stmt::Let(b) if &b.name.text == name => Some(b),
                _ => None,
            })?;
            Some((FileRange { path: item.file(db).path(db).clone(), span: binding.span }, binding.name.span))
        }
        Def::File(file) => Some((FileRange { path: file.path(db).clone(), span: Span::empty(0) }, Span::empty(0))),
    }
}

/// Every span that names `def`, declaration excluded, files in path order.
pub(crate) fn references(db: &dyn Db, def: &Def<'_>) -> Vec<FileRange> {
    let mut out = Vec::new();
    match def {
        Def::Item(target) => {
            let files: Vec<SourceFile> = if target.tag(db) == ItemTag::Import {
                vec![target.file(db)]
            } else {
                db.files().skiff_files(db).values().copied().filter(|f| may_refer_to(db, *f, *target)).collect()
            };
            for file in files {
                let path = file.path(db);
                for_each_item_ref(&parse(db, file).file, &mut |p, _| {
                    for end in 0..p.segments.len() {
                        let segments: Vec<SmolStr> = p.segments[..=end].iter().map(|s| s.text.clone()).collect();
                        let found = match resolve_path(db, file, &segments) {
                            Resolution::Item(found) | Resolution::Import(found) => found,
                            _ => break,
                        };
                        if found == *target {
                            out.push(FileRange { path: path.clone(), span: p.segments[end].span });
                        }
                    }
                });
            }
        }
        Def::Param { item, name } => {
            let file = item.file(db);
            let Some(ast) = item_syntax(db, *item) else { return out };
            let path = file.path(db).clone();
            match &ast.kind {
                ItemKind::Workflow(workflow) => {
                    for span in local_uses(workflow, name, |at| {
                        !workflow
                            .body
                            .iter()
                            .any(|s| matches!(s, Stmt::Let(b) if &b.name.text == name && b.span.start < at))
                    }) {
                        out.push(FileRange { path: path.clone(), span });
                    }
                }
                ItemKind::Task(task) => {
                    let text = file.text(db);
                    skiff_sema::inputs::visit_strings(&task.body, &mut |_, span| {
                        for (found, at) in locate::placeholders(text, span) {
                            if found == name.as_str() {
                                out.push(FileRange { path: path.clone(), span: at });
                            }
                        }
                    });
                    // Argument names at every call of this task.
                    for other in db.files().skiff_files(db).values().copied().filter(|f| may_refer_to(db, *f, *item)) {
                        let other_path = other.path(db);
                        for call in calls(&parse(db, other).file) {
                            if callee(db, other, call) != Some(*item) {
                                continue;
                            }
                            for arg in call.args.iter().filter(|a| &a.name.text == name) {
                                out.push(FileRange { path: other_path.clone(), span: arg.name.span });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        Def::Binding { item, name } => {
            let Some(ast) = item_syntax(db, *item) else { return out };
            let ItemKind::Workflow(workflow) = &ast.kind else { return out };
            let path = item.file(db).path(db).clone();
            let first = workflow.body.iter().find_map(|s| match s {
                Stmt::Let(b) if &b.name.text == name => Some(b.span.start),
                _ => None,
            });
            for span in local_uses(workflow, name, |at| first.is_some_and(|f| f < at)) {
                out.push(FileRange { path: path.clone(), span });
            }
        }
        Def::File(target) => {
            for file in db.files().skiff_files(db).values().copied() {
                let importer = file.path(db);
                for item in locate::items(&parse(db, file).file) {
                    if let ItemKind::Import(import) = &item.ast.kind
                        && skiff_sema::resolve_import_path(importer, &import.path.value).ok().as_deref()
                            == Some(target.path(db).as_str())
                    {
                        out.push(FileRange { path: importer.clone(), span: import.path.span });
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `file` can name `target` at all: its own file, or a file that imports target's.
fn may_refer_to(db: &dyn Db, file: SourceFile, target: ItemId<'_>) -> bool {
    file == target.file(db) || imported_files(db, file).contains(&target.file(db))
}

/// Uses of a bare name in a workflow's arguments and return, where `counts(offset)` says the
/// use at that offset means this definition.
fn local_uses(workflow: &Workflow, name: &str, counts: impl Fn(u32) -> bool) -> Vec<Span> {
    let mut out = Vec::new();
    let mut visit = |value: &Value| {
        visit_refs(value, &mut |p: &Path| {
            if p.segments.len() == 1 && p.segments[0].text == name && counts(p.span.start) {
                out.push(p.segments[0].span);
            }
        })
    };
    for stmt in &workflow.body {
        match stmt {
            Stmt::Let(binding) => binding.call.args.iter().for_each(|a| visit(&a.value)),
            Stmt::Return(ret) => visit(&ret.value),
            Stmt::Error(_) => {}
        }
    }
    out
}

fn visit_refs(value: &Value, f: &mut impl FnMut(&Path)) {
    match &value.kind {
        ValueKind::Ref(p) => f(p),
        ValueKind::List(items) => items.iter().for_each(|v| visit_refs(v, f)),
        ValueKind::Object(block) => block.fields.iter().filter_map(|fl| fl.op.value()).for_each(|v| visit_refs(v, f)),
        _ => {}
    }
}

/// Every call of a file's workflows.
pub(crate) fn calls(file: &locate::SourceFile_) -> impl Iterator<Item = &Call> {
    file.items
        .iter()
        .flat_map(|item| match &item.kind {
            ItemKind::Workflow(w) => w.body.as_slice(),
            _ => &[],
        })
        .filter_map(|s| match s {
            Stmt::Let(b) => Some(&b.call),
            _ => None,
        })
}

/// Calls `f` on every path of a file that names an item: callees, `extends`, and
/// `pod_template: name` in task bodies and overrides.
pub(crate) fn for_each_item_ref<'a>(file: &'a locate::SourceFile_, f: &mut impl FnMut(&'a Path, RefRole)) {
    for item in &file.items {
        match &item.kind {
            ItemKind::Template(t) => {
                if let Some(e) = &t.extends {
                    f(e, RefRole::Template);
                }
            }
            ItemKind::Task(t) => {
                for field in &t.body.fields {
                    if field.key.name.text == "pod_template"
                        && let Some(Value { kind: ValueKind::Ref(p), .. }) = field.op.value()
                    {
                        f(p, RefRole::Template);
                    }
                }
            }
            ItemKind::Workflow(w) => {
                for stmt in &w.body {
                    let Stmt::Let(binding) = stmt else { continue };
                    f(&binding.call.callee, RefRole::Callee);
                    for clause in &binding.overrides {
                        if clause.field.key.name.text == "pod_template"
                            && let Some(Value { kind: ValueKind::Ref(p), .. }) = clause.field.op.value()
                        {
                            f(p, RefRole::Template);
                        }
                    }
                }
            }
            ItemKind::Import(_) | ItemKind::Error => {}
        }
    }
}

/// The names of items a file's scope offers, for completion: (name, tag) of its own items and
/// import aliases.
pub(crate) fn scope_items<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<ItemId<'db>> {
    file_items(db, file).iter().copied().filter(|i| i.ordinal(db) == 0).collect()
}

/// The files a file imports that exist in the workspace.
pub(crate) fn imported_files(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    item_tree(db, file)
        .items
        .iter()
        .filter_map(|s| match &s.signature {
            skiff_sema::items::Signature::Import { path } => {
                let key = skiff_sema::resolve_import_path(file.path(db), path).ok()?;
                db.files().skiff_files(db).get(&key).copied()
            }
            _ => None,
        })
        .collect()
}

/// The items of the file an import alias names.
pub(crate) fn alias_target(db: &dyn Db, file: SourceFile, alias: &str) -> Option<SourceFile> {
    let import = item_tree(db, file).items.iter().find(|s| s.tag == ItemTag::Import && s.name == alias)?;
    match &import.signature {
        skiff_sema::items::Signature::Import { path } => {
            let key = skiff_sema::resolve_import_path(file.path(db), path).ok()?;
            db.files().skiff_files(db).get(&key).copied()
        }
        _ => None,
    }
}

pub(crate) fn nav_target(db: &dyn Db, def: &Def<'_>) -> Option<NavTarget> {
    let (range, focus) = definition_range(db, def)?;
    let (name, kind) = match def {
        Def::Item(item) => (item.name(db).to_string(), SymbolKind::of_tag(item.tag(db))),
        Def::Param { name, .. } => (name.to_string(), SymbolKind::Parameter),
        Def::Binding { name, .. } => (name.to_string(), SymbolKind::Binding),
        Def::File(file) => (file.path(db).clone(), SymbolKind::File),
    };
    Some(NavTarget { path: range.path, full_span: range.span, focus_span: focus, name, kind })
}

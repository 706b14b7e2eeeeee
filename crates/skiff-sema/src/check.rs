//! Per-item checks. Each works on one item's relative syntax tree and on position-free
//! summaries of the items it refers to, so it re-runs only when one of those changes.

use crate::codes;
use crate::db::{Db, SourceFile};
use crate::items::{ItemId, ItemTag, Signature, file_items, item_ast};
use crate::load::refused_diagnostic;
use crate::resolve::{
    ImportPathError, Resolution, ScopeEntry, file_scope, import_cycles, import_target, resolve_import_path,
    resolve_path,
};
use crate::types::{Ty, literal_fits, literal_type, type_errors};
use skiff_k8s::BodyShape;
use skiff_k8s::names::suggest;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Fix, Span};
use std::collections::{BTreeMap, BTreeSet};

/// A diagnostic of one item, spans relative to the item's chunk; `related` points into other
/// items (possibly in other files), resolved to absolute positions when a file is assembled.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct ItemDiagnostic<'db> {
    pub diagnostic: Diagnostic,
    pub related: Vec<Related<'db>>,
}

/// A place in another item that explains a diagnostic ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct Related<'db> {
    pub item: ItemId<'db>,
    /// Relative to `item`'s start.
    pub span: Span,
    pub message: String,
}

/// skiff's own fields in a task body, beside the container's.
pub const TASK_SKIFF_FIELDS: &[&str] = &["pod_template", "primary_container", "retries", "timeout"];

struct Sink<'db> {
    out: Vec<ItemDiagnostic<'db>>,
}

impl<'db> Sink<'db> {
    fn push(&mut self, diagnostic: Diagnostic) {
        self.out.push(ItemDiagnostic { diagnostic, related: Vec::new() });
    }

    fn push_related(&mut self, diagnostic: Diagnostic, item: ItemId<'db>, span: Span, message: impl Into<String>) {
        self.out.push(ItemDiagnostic { diagnostic, related: vec![Related { item, span, message: message.into() }] });
    }
}

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

fn visit_refs_value(value: &Value, f: &mut impl FnMut(&Path)) {
    match &value.kind {
        ValueKind::Ref(p) => f(p),
        ValueKind::Object(b) => visit_refs_block(b, f),
        ValueKind::List(items) => items.iter().for_each(|v| visit_refs_value(v, f)),
        _ => {}
    }
}

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

/// Every diagnostic of one item.
#[salsa::tracked(returns(ref))]
pub fn check_item<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Vec<ItemDiagnostic<'db>> {
    let Some(ast) = item_ast(db, item) else { return Vec::new() };
    let mut sink = Sink { out: Vec::new() };
    let checker = Checker { db, item, file: item.file(db) };
    checker.duplicates(ast, &mut sink);
    match &ast.kind {
        ItemKind::Import(import) => checker.import(import, ast.span, &mut sink),
        ItemKind::Template(template) => checker.template(template, &mut sink),
        ItemKind::Task(task) => checker.task(task, &mut sink),
        ItemKind::Workflow(workflow) => checker.workflow(workflow, &mut sink),
        ItemKind::Error => {}
    }
    sink.out
}

/// What only the merged pods of an item show (a task's pod, each node's pod of a workflow): a
/// template container that matches nothing, a layer the merge refuses, a request above a limit
/// set in another layer. Apart from [`check_item`] because it reads other items' bodies: an
/// edit to a task re-runs this for the workflows that call it, and their other checks stay.
#[salsa::tracked(returns(ref))]
pub fn pod_diagnostics<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Vec<ItemDiagnostic<'db>> {
    let Some(ast) = item_ast(db, item) else { return Vec::new() };
    let mut sink = Sink { out: Vec::new() };
    let checker = Checker { db, item, file: item.file(db) };
    match &ast.kind {
        ItemKind::Task(task) => checker.task_pod(task, &mut sink),
        ItemKind::Workflow(workflow) => checker.node_pods(workflow, &mut sink),
        ItemKind::Import(_) | ItemKind::Template(_) | ItemKind::Error => {}
    }
    sink.out
}

struct Checker<'db> {
    db: &'db dyn Db,
    item: ItemId<'db>,
    file: SourceFile,
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

fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    suggest(name, candidates).map(str::to_string)
}

impl<'db> Checker<'db> {
    /// A name defined twice in one file; a workflow name used twice in the workspace.
    fn duplicates(&self, ast: &Item, sink: &mut Sink<'db>) {
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

    fn import(&self, import: &Import, item_span: Span, sink: &mut Sink<'db>) {
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

    /// Resolves a reference that must name an item of `tag`.
    fn expect_item(&self, path: &Path, tag: ItemTag, sink: &mut Sink<'db>) -> Option<ItemId<'db>> {
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

    fn template(&self, template: &Template, sink: &mut Sink<'db>) {
        if let Some(extends) = &template.extends
            && let Some(parent) = self.expect_item(extends, ItemTag::Template, sink)
            && let Some(cycle) = self.extends_cycle(parent)
        {
            sink.push(
                Diagnostic::new(codes::EXTENDS_CYCLE, extends.span, "this `extends` chain comes back to this template")
                    .with_help(format!("the chain: {}", cycle.join(" → "))),
            );
        }
        match &template.body {
            TemplateBody::Block(block) => {
                self.k8s(skiff_k8s::check_body(block, BodyShape::PodTemplate, &[]), sink);
                self.bare_names(block, &[], sink);
            }
            TemplateBody::File(path) => self.data_file(path, sink),
        }
    }

    /// Follows `extends` from `start`; the chain's names if it reaches this item again.
    fn extends_cycle(&self, start: ItemId<'db>) -> Option<Vec<String>> {
        let db = self.db;
        let mut seen = vec![self.item];
        let mut current = start;
        for _ in 0..1000 {
            if current == self.item {
                let mut names: Vec<String> = seen.iter().map(|i| i.name(db).to_string()).collect();
                names.push(self.item.name(db).to_string());
                return Some(names);
            }
            if seen.contains(&current) {
                return None; // a loop that does not include this item: reported on its members
            }
            seen.push(current);
            let Some(Signature::Template { extends: Some(parent), .. }) = current.summary(db).map(|s| &s.signature)
            else {
                return None;
            };
            match resolve_path(db, current.file(db), parent) {
                Resolution::Item(next) if next.tag(db) == ItemTag::Template => current = next,
                _ => return None,
            }
        }
        None
    }

    fn data_file(&self, path: &StrLit, sink: &mut Sink<'db>) {
        let db = self.db;
        match resolve_import_path(self.file.path(db), &path.value) {
            Ok(key) if let Some(file) = db.files().data_files(db).get(&key) => {
                if let Err((message, span)) = crate::pod::yaml_template(file.text(db)) {
                    let line = span.map(|s| skiff_syntax::LineIndex::new(file.text(db)).line(s.start) + 1);
                    let place = line.map_or(key.clone(), |line| format!("{key}:{line}"));
                    sink.push(Diagnostic::new(codes::INVALID_TEMPLATE_FILE, path.span, format!("{place}: {message}")));
                }
            }
            Ok(key) => sink.push(match db.files().refused(db).get(&key) {
                Some(refusal) => refused_diagnostic(&key, refusal, path.span, codes::MISSING_FILE),
                None => Diagnostic::new(codes::MISSING_FILE, path.span, format!("no file `{key}` in the workspace")),
            }),
            Err(ImportPathError::EscapesWorkspace) => {
                sink.push(Diagnostic::new(codes::IMPORT_ESCAPES_WORKSPACE, path.span, "this path leaves the workspace"))
            }
            Err(ImportPathError::Absolute) => sink.push(Diagnostic::new(
                codes::MISSING_FILE,
                path.span,
                "template files are named relative to this file",
            )),
        }
    }

    fn k8s(&self, diagnostics: Vec<Diagnostic>, sink: &mut Sink<'db>) {
        for diagnostic in diagnostics {
            sink.push(diagnostic);
        }
    }

    /// A bare name in a Kubernetes value (`operator: Exists`) is a reference that cannot
    /// resolve: Kubernetes values are literals. The fix quotes it. `skip` lists top-level keys
    /// whose values are references (`pod_template: gpu.v100`).
    fn bare_names(&self, block: &Block, skip: &[&str], sink: &mut Sink<'db>) {
        for field in &block.fields {
            if skip.contains(&field.key.name.text.as_str()) {
                continue;
            }
            if let Some(value) = field.op.value() {
                visit_refs_value(value, &mut |p: &Path| {
                    let text = p.to_dotted();
                    sink.push(
                        Diagnostic::new(
                            codes::BARE_NAME,
                            p.span,
                            format!("`{text}` is a name, but Kubernetes values are literals"),
                        )
                        .with_help("quote it to make it a string")
                        .with_fix(Fix::replace(
                            format!("write \"{text}\""),
                            p.span,
                            format!("\"{text}\""),
                        )),
                    );
                });
            }
        }
    }

    fn params(&self, params: &[Param], sink: &mut Sink<'db>) {
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for param in params {
            if let Some(first) = seen.insert(&param.name.text, param.name.span) {
                sink.push(
                    Diagnostic::new(
                        codes::DUPLICATE_PARAMETER,
                        param.name.span,
                        format!("parameter `{}` is declared twice", param.name.text),
                    )
                    .with_label(first, "first declared here"),
                );
            }
            self.types(&param.ty, sink);
            let ty = Ty::from_syntax(&param.ty);
            if let Some(default) = &param.default {
                if let ValueKind::Ref(p) = &default.kind {
                    sink.push(Diagnostic::new(codes::BARE_NAME, p.span, "a default is a literal value, not a name"));
                } else if !literal_fits(default, &ty) {
                    let found = literal_type(default).map_or("this value".to_string(), |t| format!("`{t}`"));
                    sink.push(Diagnostic::new(
                        codes::TYPE_MISMATCH,
                        default.span,
                        format!("the default of `{}` must be of type `{ty}`, found {found}", param.name.text),
                    ));
                }
            }
        }
    }

    fn types(&self, ty: &TypeExpr, sink: &mut Sink<'db>) {
        let mut problems = Vec::new();
        type_errors(ty, &mut problems);
        for (span, message, suggestion) in problems {
            let mut diagnostic = Diagnostic::new(codes::UNKNOWN_TYPE, span, message);
            if let Some(s) = suggestion {
                diagnostic = diagnostic.with_help(format!("did you mean `{s}`?")).with_fix(Fix::replace(
                    format!("use `{s}`"),
                    span,
                    s,
                ));
            }
            sink.push(diagnostic);
        }
    }

    fn task(&self, task: &Task, sink: &mut Sink<'db>) {
        self.params(&task.params, sink);
        if let Some(output) = &task.output {
            self.types(output, sink);
        }
        self.k8s(skiff_k8s::check_body(&task.body, BodyShape::Container, TASK_SKIFF_FIELDS), sink);
        self.bare_names(&task.body, &["pod_template"], sink);
        for field in &task.body.fields {
            self.skiff_field(field, sink);
        }
        let params: Vec<&str> = task.params.iter().map(|p| p.name.text.as_str()).collect();
        visit_strings(&task.body, &mut |text, span| self.placeholders(text, span, &params, sink));
    }

    /// What only the merged pod shows: a template container that matches nothing, a layer the
    /// merge refuses, requests above limits across layers.
    fn task_pod(&self, task: &Task, sink: &mut Sink<'db>) {
        let at = task.body.fields.iter().find(|f| f.key.name.text == "pod_template").map_or(task.name.span, |f| f.span);
        for error in &crate::pod::task_pod(self.db, self.item).errors {
            self.pod_error(error, at, sink);
        }
    }

    /// The same for every node, leaving out what its task already reports.
    fn node_pods(&self, workflow: &Workflow, sink: &mut Sink<'db>) {
        let db = self.db;
        let lets = workflow.body.iter().filter_map(|s| match s {
            Stmt::Let(binding) => Some(binding),
            _ => None,
        });
        for (index, binding) in lets.enumerate() {
            // Without overrides a node's pod is its task's, whose errors the task reports.
            if binding.overrides.is_empty() {
                continue;
            }
            let Some(pod) = crate::pod::node_pod(db, self.item, index as u32) else { continue };
            let task_errors = crate::pod::node_task(db, self.item, index as u32)
                .map(|(task, _)| &crate::pod::task_pod(db, task).errors);
            for error in &pod.errors {
                if task_errors.is_some_and(|known| known.contains(error)) {
                    continue;
                }
                self.pod_error(error, binding.call.span, sink);
            }
        }
    }

    /// A pod error, on its own text when it is in this item, else on `at` with a label there.
    fn pod_error(&self, error: &crate::pod::PodError<'db>, at: Span, sink: &mut Sink<'db>) {
        use crate::pod::Place;
        let mut diagnostic = Diagnostic::new(error.code, at, error.message.clone());
        if let Some(help) = &error.help {
            diagnostic = diagnostic.with_help(help.clone());
        }
        match error.origin.place {
            Place::Item { item, span } if item == self.item => {
                diagnostic.span = span;
                sink.push(diagnostic);
            }
            Place::Item { item, span } => sink.push_related(diagnostic, item, span, "from here"),
            Place::Data { file, span } => {
                let line = skiff_syntax::LineIndex::new(file.text(self.db)).line(span.start) + 1;
                diagnostic.message = format!("{} ({}:{line})", diagnostic.message, file.path(self.db));
                sink.push(diagnostic);
            }
            Place::Builtin => sink.push(diagnostic),
        }
    }

    /// `pod_template`, `primary_container`, `retries` and `timeout`, in a task body or an override.
    fn skiff_field(&self, field: &Field, sink: &mut Sink<'db>) {
        let key = field.key.name.text.as_str();
        if !TASK_SKIFF_FIELDS.contains(&key) {
            return;
        }
        let Some(value) = field.op.value() else {
            if matches!(field.op, FieldOp::Delete) && key == "pod_template" {
                return;
            }
            sink.push(Diagnostic::new(
                codes::INVALID_SKIFF_FIELD,
                field.key.span,
                format!("`{key}` cannot be deleted"),
            ));
            return;
        };
        if matches!(field.op, FieldOp::Append(_)) || field.key.index.is_some() {
            sink.push(Diagnostic::new(codes::INVALID_SKIFF_FIELD, field.key.span, format!("`{key}` is not a list")));
            return;
        }
        match (key, &value.kind) {
            ("pod_template", ValueKind::Ref(path)) => {
                self.expect_item(path, ItemTag::Template, sink);
            }
            ("pod_template", ValueKind::Object(block)) => {
                self.k8s(skiff_k8s::check_body(block, BodyShape::PodTemplate, &[]), sink);
                self.bare_names(block, &[], sink);
            }
            ("pod_template", _) => sink.push(Diagnostic::new(
                codes::INVALID_SKIFF_FIELD,
                value.span,
                "`pod_template` is a template name or a block `{ ... }`",
            )),
            ("primary_container", ValueKind::Str(name)) => {
                if let Err(reason) = skiff_k8s::names::check_dns1123_label(name) {
                    let fixed = skiff_k8s::names::to_dns1123_label(name);
                    sink.push(
                        Diagnostic::new(
                            codes::INVALID_SKIFF_FIELD,
                            value.span,
                            format!("`{name}` is not a container name: {reason}"),
                        )
                        .with_fix(Fix::replace(
                            format!("use \"{fixed}\""),
                            value.span,
                            format!("\"{fixed}\""),
                        )),
                    );
                }
            }
            ("primary_container", _) => {
                sink.push(Diagnostic::new(codes::INVALID_SKIFF_FIELD, value.span, "`primary_container` is a string"))
            }
            ("retries", ValueKind::Int(n)) if (0..=100).contains(n) => {}
            ("retries", _) => sink.push(Diagnostic::new(
                codes::INVALID_SKIFF_FIELD,
                value.span,
                "`retries` is a whole number from 0 to 100",
            )),
            ("timeout", _) => {
                let mut diagnostics = Vec::new();
                skiff_k8s::check_duration(value, &mut diagnostics);
                self.k8s(diagnostics, sink);
            }
            _ => {}
        }
    }

    /// `{{inputs.x}}` must name a parameter of the task.
    fn placeholders(&self, text: &str, span: Span, params: &[&str], sink: &mut Sink<'db>) {
        let mut rest = text;
        while let Some(open) = rest.find("{{") {
            let after = &rest[open + 2..];
            let Some(close) = after.find("}}") else { break };
            let inner = after[..close].trim();
            match inner.strip_prefix("inputs.") {
                Some(name) if params.contains(&name) => {}
                Some(name) => {
                    let mut diagnostic = Diagnostic::new(
                        codes::UNKNOWN_INPUT,
                        span,
                        format!("`{{{{inputs.{name}}}}}` names no parameter of this task"),
                    );
                    if let Some(near) = did_you_mean(name, params.iter().copied()) {
                        diagnostic = diagnostic.with_help(format!("did you mean `inputs.{near}`?"));
                    } else if params.is_empty() {
                        diagnostic = diagnostic.with_help("this task has no parameters");
                    }
                    sink.push(diagnostic);
                }
                None => sink.push(
                    Diagnostic::new(
                        codes::UNKNOWN_INPUT,
                        span,
                        format!("`{{{{{inner}}}}}` is not a placeholder skiff knows"),
                    )
                    .with_help("placeholders are `{{inputs.NAME}}`"),
                ),
            }
            rest = &after[close + 2..];
        }
    }

    fn workflow(&self, workflow: &Workflow, sink: &mut Sink<'db>) {
        self.params(&workflow.params, sink);
        if let Some(output) = &workflow.output {
            self.types(output, sink);
        }
        let param_types: BTreeMap<&str, (Ty, Span)> =
            workflow.params.iter().map(|p| (p.name.text.as_str(), (Ty::from_syntax(&p.ty), p.name.span))).collect();
        // Every binding, with its type once known, and where it is defined (for "used before").
        let all_bindings: BTreeMap<&str, Span> = workflow
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::Let(b) => Some((b.name.text.as_str(), b.name.span)),
                _ => None,
            })
            .rev()
            .collect();
        let mut bound: BTreeMap<&str, (Ty, Span)> = BTreeMap::new();
        let mut returned: Option<Span> = None;
        for stmt in &workflow.body {
            match stmt {
                Stmt::Let(binding) => {
                    let name = binding.name.text.as_str();
                    if let Some((_, first)) = bound.get(name).or_else(|| param_types.get(name)) {
                        sink.push(
                            Diagnostic::new(
                                codes::DUPLICATE_BINDING,
                                binding.name.span,
                                format!("`{name}` is already defined"),
                            )
                            .with_label(*first, "first defined here"),
                        );
                    }
                    let output = self.call(&binding.call, &param_types, &bound, &all_bindings, sink);
                    for o in &binding.overrides {
                        self.override_clause(o, sink);
                    }
                    bound.entry(name).or_insert((output, binding.name.span));
                }
                Stmt::Return(ret) => {
                    if let Some(first) = returned {
                        sink.push(
                            Diagnostic::new(codes::DUPLICATE_RETURN, ret.span, "a workflow returns once")
                                .with_label(first, "first return"),
                        );
                        continue;
                    }
                    returned = Some(ret.span);
                    let expected = workflow.output.as_ref().map_or(Ty::Unit, Ty::from_syntax);
                    let actual = self.value_type(&ret.value, &param_types, &bound, &all_bindings, sink);
                    if let Some(actual) = actual
                        && !actual.fits(&expected)
                    {
                        sink.push(Diagnostic::new(
                            codes::TYPE_MISMATCH,
                            ret.value.span,
                            format!("this workflow returns `{expected}`, found `{actual}`"),
                        ));
                    }
                }
                Stmt::Error(_) => {}
            }
        }
        let expected = workflow.output.as_ref().map_or(Ty::Unit, Ty::from_syntax);
        if returned.is_none() && !matches!(expected, Ty::Unit | Ty::Unknown) {
            let at = workflow.body_span.end.saturating_sub(1);
            sink.push(
                Diagnostic::new(
                    codes::MISSING_RETURN,
                    workflow.name.span,
                    format!("workflow `{}` declares `-> {expected}` but returns nothing", workflow.name.text),
                )
                .with_help("end the body with `return BINDING`")
                .with_label(Span::empty(at), "a `return` belongs here"),
            );
        }
    }

    /// Checks a call; returns the task's output type.
    fn call(
        &self,
        call: &Call,
        params: &BTreeMap<&str, (Ty, Span)>,
        bound: &BTreeMap<&str, (Ty, Span)>,
        all: &BTreeMap<&str, Span>,
        sink: &mut Sink<'db>,
    ) -> Ty {
        let db = self.db;
        let Some(task) = self.expect_item(&call.callee, ItemTag::Task, sink) else {
            for arg in &call.args {
                self.value_type(&arg.value, params, bound, all, sink);
            }
            return Ty::Unknown;
        };
        let Some(Signature::Task(signature)) = task.summary(db).map(|s| &s.signature) else { return Ty::Unknown };
        let mut given: BTreeMap<&str, Span> = BTreeMap::new();
        for arg in &call.args {
            let name = arg.name.text.as_str();
            if let Some(first) = given.insert(name, arg.name.span) {
                sink.push(
                    Diagnostic::new(codes::DUPLICATE_ARGUMENT, arg.name.span, format!("`{name}` is passed twice"))
                        .with_label(first, "first passed here"),
                );
            }
            let actual = self.value_type(&arg.value, params, bound, all, sink);
            let Some(param) = signature.params.iter().find(|p| p.name == name) else {
                let mut diagnostic = Diagnostic::new(
                    codes::UNKNOWN_ARGUMENT,
                    arg.name.span,
                    format!("task `{}` has no parameter `{name}`", task.name(db)),
                );
                if let Some(near) = did_you_mean(name, signature.params.iter().map(|p| p.name.as_str())) {
                    diagnostic = diagnostic.with_help(format!("did you mean `{near}`?")).with_fix(Fix::replace(
                        format!("use `{near}`"),
                        arg.name.span,
                        near,
                    ));
                }
                sink.push(diagnostic);
                continue;
            };
            let fits = match &actual {
                Some(actual) => actual.fits(&param.ty),
                None => literal_fits(&arg.value, &param.ty),
            };
            if !fits {
                let found =
                    actual.or_else(|| literal_type(&arg.value)).map_or("this value".into(), |t| format!("`{t}`"));
                sink.push(Diagnostic::new(
                    codes::TYPE_MISMATCH,
                    arg.value.span,
                    format!("`{name}` expects `{}`, found {found}", param.ty),
                ));
            }
        }
        let missing: Vec<&str> = signature
            .params
            .iter()
            .filter(|p| !p.optional && !given.contains_key(p.name.as_str()))
            .map(|p| p.name.as_str())
            .collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            let mut diagnostic = Diagnostic::new(
                codes::MISSING_ARGUMENT,
                call.callee.span,
                format!("task `{}` needs {list}", task.name(db)),
            );
            // When names in scope match the missing parameters, pass them.
            let in_scope = |m: &str| params.contains_key(m) || bound.contains_key(m);
            if missing.iter().all(|m| in_scope(m)) {
                let text: String = missing.iter().map(|m| format!("{m}: {m}")).collect::<Vec<_>>().join(", ");
                let at = call.span.end - 1;
                let text = if call.args.is_empty() { text } else { format!(", {text}") };
                diagnostic = diagnostic.with_fix(Fix::insert(format!("pass {list}"), at, text));
            }
            sink.push(diagnostic);
        }
        signature.output.clone()
    }

    /// The type of an argument or return value: a literal's, or a parameter's or binding's.
    fn value_type(
        &self,
        value: &Value,
        params: &BTreeMap<&str, (Ty, Span)>,
        bound: &BTreeMap<&str, (Ty, Span)>,
        all: &BTreeMap<&str, Span>,
        sink: &mut Sink<'db>,
    ) -> Option<Ty> {
        let ValueKind::Ref(path) = &value.kind else {
            if let ValueKind::List(items) = &value.kind {
                for item in items {
                    self.value_type(item, params, bound, all, sink);
                }
            }
            return None;
        };
        let first = &path.segments[0];
        let name = first.text.as_str();
        if path.segments.len() > 1 {
            sink.push(Diagnostic::new(
                codes::UNKNOWN_NAME,
                path.span,
                format!("`{}`: outputs have no members", path.to_dotted()),
            ));
            return Some(Ty::Unknown);
        }
        if let Some((ty, _)) = bound.get(name).or_else(|| params.get(name)) {
            return Some(ty.clone());
        }
        if let Some(defined) = all.get(name) {
            sink.push(
                Diagnostic::new(
                    codes::USED_BEFORE_DEFINED,
                    first.span,
                    format!("`{name}` is used before it is defined"),
                )
                .with_label(*defined, "defined here")
                .with_help("move this call below the binding it reads"),
            );
            return Some(Ty::Unknown);
        }
        let candidates: Vec<&str> = params.keys().chain(bound.keys()).copied().collect();
        let mut diagnostic =
            Diagnostic::new(codes::UNKNOWN_NAME, first.span, format!("no parameter or binding named `{name}`"));
        if let Some(near) = did_you_mean(name, candidates) {
            diagnostic = diagnostic.with_help(format!("did you mean `{near}`?")).with_fix(Fix::replace(
                format!("use `{near}`"),
                first.span,
                near,
            ));
        } else {
            diagnostic = diagnostic.with_help(format!("if `{name}` is text, quote it: \"{name}\""));
        }
        sink.push(diagnostic);
        Some(Ty::Unknown)
    }

    fn override_clause(&self, clause: &Override, sink: &mut Sink<'db>) {
        let field = &clause.field;
        let key = field.key.name.text.as_str();
        if TASK_SKIFF_FIELDS.contains(&key) {
            if key == "primary_container" {
                sink.push(
                    Diagnostic::new(
                        codes::INVALID_OVERRIDE,
                        field.key.span,
                        "the primary container cannot be renamed at a call",
                    )
                    .with_help("override its fields instead, as in `override image: \"...\"`"),
                );
                return;
            }
            if key == "pod_template" && matches!(field.op, FieldOp::Delete | FieldOp::Append(_)) {
                sink.push(
                    Diagnostic::new(codes::INVALID_OVERRIDE, field.key.span, "`pod_template` is overridden with `:`, a block, or `replace`")
                        .with_help("`override pod_template { ... }` patches the pod; `override replace pod_template: other` swaps the task's template"),
                );
                return;
            }
            self.skiff_field(field, sink);
            return;
        }
        let container_fields = skiff_k8s::fields_at(BodyShape::Container, &[]);
        if container_fields.iter().any(|f| f.name == key) {
            self.k8s(skiff_k8s::check_field(field, BodyShape::Container), sink);
            let block = Block { fields: vec![field.clone()], span: field.span };
            self.bare_names(&block, &[], sink);
            return;
        }
        if skiff_k8s::describe(BodyShape::PodTemplate, &[key]).is_some() {
            sink.push(
                Diagnostic::new(
                    codes::INVALID_OVERRIDE,
                    field.key.span,
                    format!("`{key}` is a pod field, not a container field"),
                )
                .with_help(format!("override it inside the pod: `override pod_template {{ {key} ... }}`")),
            );
            return;
        }
        let candidates: Vec<&str> =
            container_fields.iter().map(|f| f.name.as_str()).chain(TASK_SKIFF_FIELDS.iter().copied()).collect();
        let mut diagnostic = Diagnostic::new(
            codes::INVALID_OVERRIDE,
            field.key.span,
            format!("`{key}` is not something a call can override"),
        )
        .with_help("a call overrides `pod_template`, `retries`, `timeout`, or a field of the task's container");
        if let Some(near) = did_you_mean(key, candidates) {
            diagnostic = diagnostic.with_help(format!("did you mean `{near}`?")).with_fix(Fix::replace(
                format!("use `{near}`"),
                field.key.name.span,
                near,
            ));
        }
        sink.push(diagnostic);
    }
}

/// Calls `f` on every string literal in a block, with its span.
fn visit_strings(block: &Block, f: &mut impl FnMut(&str, Span)) {
    fn value(v: &Value, f: &mut impl FnMut(&str, Span)) {
        match &v.kind {
            ValueKind::Str(s) => f(s, v.span),
            ValueKind::Object(b) => visit_strings(b, f),
            ValueKind::List(items) => items.iter().for_each(|i| value(i, f)),
            _ => {}
        }
    }
    for field in &block.fields {
        if let Some(v) = field.op.value() {
            value(v, f);
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

//! Per-item checks. Each works on one item's relative syntax tree and on position-free
//! summaries of the items it refers to, so it re-runs only when one of those changes.
//!
//! [`check_item`] runs the checks of one item: [`names`] for every item (a name defined twice, a
//! reference that must name an item), then the checks of its kind ([`imports`], [`templates`],
//! [`task`], [`workflow`]). [`pod_checks`] reports what only a merged pod shows ([`pods`]), and
//! its lints.
//! The checks of skiff's own task fields are in [`crate::task_fields`], the Kubernetes checks of a
//! body in `skiff_k8s`.

mod imports;
mod names;
mod pods;
mod task;
mod templates;
mod workflow;

use crate::codes;
use crate::db::{Db, SourceFile};
use crate::items::{ItemId, item_ast};
use crate::lints::Lint;
use crate::types::{Ty, literal_fits, literal_type, type_errors};
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Fix, Span};
use std::collections::BTreeMap;

pub use imports::item_references;

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

/// What the merged pods of an item show: its diagnostics, and the lints of its pods.
#[derive(Clone, Debug, Default, PartialEq, Eq, salsa::SalsaValue)]
pub struct PodChecks<'db> {
    pub diagnostics: Vec<ItemDiagnostic<'db>>,
    /// Placed by their origins, which may be in other items and files
    /// ([`crate::lints::lints_by_file`] gathers them).
    pub lints: Vec<Lint<'db>>,
}

/// What only the merged pods of an item show (a task's pod, each node's pod of a workflow): a
/// template container that matches nothing, a layer the merge refuses, a request above a limit
/// set in another layer; and the policy lints of those pods, in the same pass. Apart from
/// [`check_item`] because it reads other items' bodies: an edit to a task re-runs this for the
/// workflows that call it, and their other checks stay.
#[salsa::tracked(returns(ref))]
pub fn pod_checks<'db>(db: &'db dyn Db, item: ItemId<'db>) -> PodChecks<'db> {
    let Some(ast) = item_ast(db, item) else { return PodChecks::default() };
    let mut sink = Sink { out: Vec::new() };
    let mut lints = Vec::new();
    let checker = Checker { db, item, file: item.file(db) };
    match &ast.kind {
        ItemKind::Task(task) => checker.task_pod(task, &mut sink, &mut lints),
        ItemKind::Workflow(workflow) => checker.node_pods(workflow, &mut sink, &mut lints),
        ItemKind::Import(_) | ItemKind::Template(_) | ItemKind::Error => {}
    }
    PodChecks { diagnostics: sink.out, lints }
}

/// The diagnostics of [`pod_checks`].
pub fn pod_diagnostics<'db>(db: &'db dyn Db, item: ItemId<'db>) -> &'db [ItemDiagnostic<'db>] {
    &pod_checks(db, item).diagnostics
}

struct Checker<'db> {
    db: &'db dyn Db,
    item: ItemId<'db>,
    file: SourceFile,
}

impl<'db> Checker<'db> {
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
                imports::visit_refs_value(value, &mut |p: &Path| {
                    let text = p.to_dotted();
                    // Quoting a parameter's name would make it that text: never offer a fix that
                    // changes what was meant.
                    if let [name] = p.segments.as_slice()
                        && let Some(what) = self.value_name(&name.text)
                    {
                        sink.push(
                            Diagnostic::new(
                                codes::BARE_NAME,
                                p.span,
                                format!("`{text}` is {what}, but a pod field is fixed when the workflow is compiled"),
                            )
                            .with_help(
                                "values reach the container through `{{inputs.NAME}}` in a task's `command`, `args` \
                                 or `env`; write a literal here (quoted, for the text itself)",
                            ),
                        );
                        return;
                    }
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

    /// What a name stands for where this item may use it as a value, if anything: a parameter
    /// of the task or workflow, or a workflow's binding.
    fn value_name(&self, name: &str) -> Option<&'static str> {
        match item_ast(self.db, self.item).map(|i| &i.kind) {
            Some(ItemKind::Task(task)) => {
                task.params.iter().any(|p| p.name.text == name).then_some("a parameter of the task")
            }
            Some(ItemKind::Workflow(workflow)) => {
                if workflow.params.iter().any(|p| p.name.text == name) {
                    Some("a parameter of the workflow")
                } else {
                    workflow.lets().any(|l| l.name.text == name).then_some("a node of the workflow")
                }
            }
            _ => None,
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
}

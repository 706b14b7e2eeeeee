//! What only a merged pod shows (a task's pod, each node's pod of a workflow), reported on the
//! item's own text or, when another item or a YAML file causes it, with a pointer there.

use super::{Checker, ItemDiagnostic, Related, Sink};
use crate::lints::{Lint, pod_lints};
use crate::pod::{Place, PodError, node_pod, node_task, task_pod};
use crate::task_fields::TaskField;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Span};

impl<'db> Checker<'db> {
    /// What only the merged pod shows: a template container that matches nothing, a layer the
    /// merge refuses, requests above limits across layers.
    pub(super) fn task_pod(&self, task: &Task, sink: &mut Sink<'db>, lints: &mut Vec<Lint<'db>>) {
        let template = task.body.fields.iter().find(|f| f.key.name.text == TaskField::PodTemplate.name());
        let at = template.map_or(task.name.span, |f| f.span);
        let pod = task_pod(self.db, self.item);
        for error in &pod.errors {
            self.pod_error(error, at, sink);
        }
        // The pod of every call without overrides: linted once, here.
        if let Some(tree) = &pod.tree {
            lints.extend(pod_lints(self.db, &tree.0, Place::Item { item: self.item, span: task.name.span }));
        }
    }

    /// The same for every node, leaving out what its task already reports; the lints of each
    /// node's pod in the same pass, leaving out its task's.
    pub(super) fn node_pods(&self, workflow: &Workflow, sink: &mut Sink<'db>, lints: &mut Vec<Lint<'db>>) {
        let db = self.db;
        for (index, binding) in workflow.lets().enumerate() {
            // Without overrides a node's pod is its task's, whose errors the task reports.
            if binding.overrides.is_empty() {
                continue;
            }
            let Some(pod) = node_pod(db, self.item, index as u32) else { continue };
            let task_errors = node_task(db, self.item, index as u32).map(|(task, _)| &task_pod(db, task).errors);
            for error in &pod.errors {
                if task_errors.is_some_and(|known| known.contains(error)) {
                    continue;
                }
                self.pod_error(error, binding.call.span, sink);
            }
            let Some(tree) = &pod.tree else { continue };
            let task_lints = node_task(db, self.item, index as u32).map(|(task, _)| &super::pod_checks(db, task).lints);
            let fallback = Place::Item { item: self.item, span: binding.call.span };
            for lint in pod_lints(self.db, &tree.0, fallback) {
                let known = task_lints.is_some_and(|known| {
                    known.iter().any(|k| k.code == lint.code && k.origin.place() == lint.origin.place())
                });
                if !known {
                    lints.push(lint);
                }
            }
        }
    }

    /// A pod error, on its own text when it is in this item, else on `at` with a label there;
    /// its second place, if any, as another label.
    fn pod_error(&self, error: &PodError<'db>, at: Span, sink: &mut Sink<'db>) {
        let mut diagnostic = Diagnostic::new(error.code, at, error.message.clone());
        if let Some(help) = &error.help {
            diagnostic = diagnostic.with_help(help.clone());
        }
        let mut related = Vec::new();
        match error.origin.place() {
            Place::Item { item, span } if item == self.item => diagnostic.span = span,
            Place::Item { item, span } => related.push(Related { item, span, message: "from here".into() }),
            Place::Data { file, span } => {
                diagnostic.message = format!("{} ({})", diagnostic.message, self.data_place(file, span));
            }
            Place::Builtin => {}
        }
        if let Some((origin, what)) = &error.also {
            match origin.place() {
                Place::Item { item, span } if item == self.item => {
                    diagnostic = diagnostic.with_label(span, what.clone())
                }
                Place::Item { item, span } => related.push(Related { item, span, message: what.clone() }),
                Place::Data { file, span } => {
                    let place = self.data_place(file, span);
                    diagnostic.message = format!("{} ({what}: {place})", diagnostic.message);
                }
                Place::Builtin => {}
            }
        }
        sink.out.push(ItemDiagnostic { diagnostic, related });
    }

    /// `file.yaml:12`: a place in a YAML template.
    fn data_place(&self, file: crate::db::SourceFile, span: Span) -> String {
        let line = skiff_syntax::LineIndex::new(file.text(self.db)).line(span.start) + 1;
        format!("{}:{line}", file.path(self.db))
    }
}

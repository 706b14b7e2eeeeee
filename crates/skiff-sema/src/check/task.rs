//! Tasks: the signature, the body's container fields (the Kubernetes checks) and skiff's own
//! fields ([`crate::task_fields`]), and `{{inputs.x}}` placeholders naming parameters
//! (`{{outputs.path}}` in a task with an output).

use super::names::did_you_mean;
use super::{Checker, Sink};
use crate::codes;
use crate::inputs::placeholders;
use crate::items::ItemTag;
use crate::task_fields::{TaskField, TemplateValue};
use skiff_k8s::BodyShape;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Span};

impl<'db> Checker<'db> {
    pub(super) fn task(&self, task: &Task, sink: &mut Sink<'db>) {
        self.params(&task.params, sink);
        if let Some(output) = &task.output {
            self.types(output, sink);
        }
        self.k8s(crate::body::check_body(&task.body, BodyShape::Container, &TaskField::NAMES), sink);
        // `pod_template: gpu.v100` is a reference; every other value is a literal.
        self.bare_names(&task.body, &[TaskField::PodTemplate.name()], sink);
        for field in &task.body.fields {
            self.skiff_field(field, sink);
        }
        let params: Vec<&str> = task.params.iter().map(|p| p.name.text.as_str()).collect();
        let has_output =
            task.output.as_ref().is_some_and(|ty| crate::types::Ty::from_syntax(ty) != crate::types::Ty::Unit);
        // Where each string lands in the pod: the body is the primary container, an inline
        // `pod_template` the pod spec.
        for field in &task.body.fields {
            let Some(value) = field.op.value() else { continue };
            let name = field.key.name.text.as_str();
            let mut path = match name == TaskField::PodTemplate.name() {
                true => vec!["spec"],
                false => vec!["spec", "containers", name],
            };
            crate::inputs::visit_value_at(value, &mut path, &mut |at, text, span| {
                // `env { NAME: "value" }` is `env: [{ name: "NAME", value: "value" }]`.
                let env_sugar = at.len() == 4 && at[..3] == ["spec", "containers", "env"];
                if crate::inputs::is_substituted(at) || env_sugar {
                    self.placeholders(text, span, &params, has_output, sink);
                } else {
                    let shown = at.strip_prefix(&["spec", "containers"]).or(at.strip_prefix(&["spec"])).unwrap_or(at);
                    self.unsubstituted(text, span, &shown.join("."), &params, sink);
                }
            });
        }
        // `env { "{{inputs.x}}": ... }`: a variable's name is never substituted.
        self.env_names(&task.body, &params, sink);
    }

    /// The names of `env { NAME: ... }` anywhere in a body (the task's container, its inline
    /// template's containers): strings the walk of values does not see.
    fn env_names(&self, block: &Block, params: &[&str], sink: &mut Sink<'db>) {
        for field in &block.fields {
            let Some(value) = field.op.value() else { continue };
            match &value.kind {
                ValueKind::Object(inner) if field.key.name.text == "env" => {
                    for variable in &inner.fields {
                        self.unsubstituted(&variable.key.name.text, variable.key.name.span, "env.name", params, sink);
                    }
                }
                ValueKind::Object(inner) => self.env_names(inner, params, sink),
                ValueKind::List(items) => {
                    for item in items {
                        if let ValueKind::Object(inner) = &item.kind {
                            self.env_names(inner, params, sink);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// One of skiff's own fields, in a task body or an override: its value on its own, then a
    /// template's name resolved or its block checked against the schema.
    pub(super) fn skiff_field(&self, field: &Field, sink: &mut Sink<'db>) {
        let Some(task_field) = TaskField::named(&field.key.name.text) else { return };
        let mut diagnostics = Vec::new();
        match task_field.check(field, &mut diagnostics) {
            Some(TemplateValue::Name(path)) => {
                self.expect_item(path, ItemTag::Template, sink);
            }
            Some(TemplateValue::Block(block)) => {
                self.k8s(crate::body::check_body(block, BodyShape::PodTemplate, &[]), sink);
                self.bare_names(block, &[], sink);
            }
            None => {}
        }
        self.k8s(diagnostics, sink);
    }

    /// A placeholder in a field where nothing renders it: it would reach the pod as written.
    /// Whatever reads as skiff's (`{{inputs.x}}`, `{{outputs.path}}`, and the misspellings
    /// `{{input.x}}`, `{{x}}` for a parameter `x`) is reported; other braces are text.
    fn unsubstituted(&self, text: &str, span: Span, field: &str, params: &[&str], sink: &mut Sink<'db>) {
        if let Some(placeholder) = placeholders(text).find(|p| p.literal().is_none() && p.is_skiff(params)) {
            sink.push(
                Diagnostic::new(
                    codes::PLACEHOLDER_NOT_SUBSTITUTED,
                    span,
                    format!("`{{{{{}}}}}` is not substituted in `{field}`", placeholder.inner),
                )
                .with_help(
                    "placeholders are substituted in `command`, `args` and `env` values; pass the value through one of those",
                ),
            );
        }
    }

    /// `{{inputs.x}}` must name a parameter of the task.
    fn placeholders(&self, text: &str, span: Span, params: &[&str], has_output: bool, sink: &mut Sink<'db>) {
        for placeholder in placeholders(text) {
            if placeholder.literal().is_some() || !placeholder.is_skiff(params) {
                continue;
            }
            if placeholder.is_output_path() {
                if !has_output {
                    sink.push(
                        Diagnostic::new(
                            codes::UNKNOWN_INPUT,
                            span,
                            "`{{outputs.path}}`: this task has no output to write",
                        )
                        .with_help("declare the output after the parameters: `task NAME(...) -> File { ... }`"),
                    );
                }
                continue;
            }
            match placeholder.input() {
                Some((name, _)) if params.contains(&name) => {}
                Some((name, _)) => {
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
                        format!("`{{{{{}}}}}` is not a placeholder skiff knows", placeholder.inner),
                    )
                    .with_help(crate::inputs::PLACEHOLDER_HELP),
                ),
            }
        }
    }
}

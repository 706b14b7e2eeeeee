//! Workflows: parameters, bindings defined once and before use, calls that pass each parameter
//! of the task once with a value of its type, overrides a call may make, and one `return` of the
//! declared type.

use super::names::did_you_mean;
use super::{Checker, Sink};
use crate::codes;
use crate::items::{ItemTag, Signature};
use crate::task_fields::{self, TaskField};
use crate::types::{Ty, literal_fits, literal_type};
use skiff_k8s::BodyShape;
use skiff_syntax::ast::*;
use skiff_syntax::{Diagnostic, Fix, Span};
use std::collections::BTreeMap;

impl<'db> Checker<'db> {
    pub(super) fn workflow(&self, workflow: &Workflow, sink: &mut Sink<'db>) {
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
        if let Some(task_field) = TaskField::named(key) {
            match task_field.check_at_call(field) {
                Some(diagnostic) => sink.push(diagnostic),
                None => self.skiff_field(field, sink),
            }
            return;
        }
        let container_fields = skiff_k8s::fields_at(BodyShape::Container, &[]);
        if container_fields.iter().any(|f| f.name == key) {
            self.k8s(crate::body::check_field(field, BodyShape::Container), sink);
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
        let candidates: Vec<&str> = container_fields.iter().map(|f| f.name.as_str()).chain(TaskField::NAMES).collect();
        let mut diagnostic = Diagnostic::new(
            codes::INVALID_OVERRIDE,
            field.key.span,
            format!("`{key}` is not something a call can override"),
        )
        .with_help(format!("a call overrides {}", task_fields::overridable_list()));
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

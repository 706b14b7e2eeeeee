//! skiff's own fields of a task body: `pod_template`, `primary_container`, `retries` and
//! `timeout`, written beside the primary container's Kubernetes fields.
//!
//! Everything about them is here: the table (the name, the type and text users see in hover
//! and completion, whether a call may override the field), the check of a written value, and
//! what a value does: to the effective pod ([`apply`], [`primary_container`]; `pod_template` is a
//! layer, merged by [`crate::pod`]) and to the Pod the compiler writes ([`write_tree`], into the
//! tree `explain` shows too). The checker, the pod builder, the compiler and the editor read
//! this module; none of them names a field by its text.

use skiff_k8s::merge::{Node, Value as TreeValue};
use skiff_syntax::ast::{Block, Field, FieldOp, Path, SmolStr, Value, ValueKind};
use skiff_syntax::{Diagnostic, Fix, Span};

use crate::codes;
use crate::pod::{EffectivePod, Origin, Tree};

/// One of skiff's own task fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TaskField {
    PodTemplate,
    PrimaryContainer,
    Retries,
    Timeout,
}

/// A row of the table.
struct Row {
    name: &'static str,
    /// The type as users read it (hover, completion).
    ty: &'static str,
    /// The hover text (Markdown).
    doc: &'static str,
    /// Why a call's `override` may not write the field (message, help); `None` if it may.
    not_at_call: Option<(&'static str, &'static str)>,
}

/// The table, in the order of [`TaskField::ALL`].
const TABLE: [Row; 4] = [
    Row {
        name: "pod_template",
        ty: "template name or block",
        doc: "The pod template this task runs with: a name (`gpu.v100`) or an inline block of `PodSpec` fields. \
              It is layer 3 of the effective pod, under the task's own container fields and the call's overrides.",
        not_at_call: None,
    },
    Row {
        name: "primary_container",
        ty: "string",
        doc: "The name of the container the task's fields describe (default `primary`).",
        not_at_call: Some((
            "the primary container cannot be renamed at a call",
            "override its fields instead, as in `override image: \"...\"`",
        )),
    },
    Row {
        name: "retries",
        ty: "int (0 to 100)",
        doc: "How many times the engine that runs the pod retries it (the `skiff.dev/retries` annotation).",
        not_at_call: None,
    },
    Row {
        name: "timeout",
        ty: "duration",
        doc: "How long the pod may run, as `30s`, `2h` or `1h30m`: compiled to `activeDeadlineSeconds`.",
        not_at_call: None,
    },
];

/// The container name used when a task does not set `primary_container`.
pub const DEFAULT_PRIMARY: &str = "primary";

/// The annotation `retries` becomes, read by the engine that runs the pods.
pub const RETRIES_ANNOTATION: &str = "skiff.dev/retries";

impl TaskField {
    /// Every task field, in the order editors list them.
    pub const ALL: [TaskField; 4] =
        [TaskField::PodTemplate, TaskField::PrimaryContainer, TaskField::Retries, TaskField::Timeout];

    /// Every task field's name: the keys of a task body that are not container fields.
    pub const NAMES: [&'static str; 4] = [TABLE[0].name, TABLE[1].name, TABLE[2].name, TABLE[3].name];

    /// The task field called `name`.
    pub fn named(name: &str) -> Option<TaskField> {
        TaskField::ALL.into_iter().find(|f| f.name() == name)
    }

    fn row(self) -> &'static Row {
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.row().name
    }

    /// The type as users read it: `int (0 to 100)`, `duration`, ...
    pub fn ty(self) -> &'static str {
        self.row().ty
    }

    /// What the field means, in Markdown (the hover text).
    pub fn doc(self) -> &'static str {
        self.row().doc
    }

    /// Whether a call's `override` may write this field.
    pub fn overridable(self) -> bool {
        self.row().not_at_call.is_none()
    }

    /// Checks a written field (in a task body or an override) on its own: whether it may be
    /// deleted or appended to, and its value's form and range. A `pod_template` value is
    /// returned for the checker, which resolves a name and checks a block against the schema.
    pub(crate) fn check<'a>(self, field: &'a Field, out: &mut Vec<Diagnostic>) -> Option<TemplateValue<'a>> {
        let key = self.name();
        let Some(value) = field.op.value() else {
            // A task may drop the template it would inherit; the other fields have nothing to drop.
            if matches!(field.op, FieldOp::Delete) && self == TaskField::PodTemplate {
                return None;
            }
            out.push(Diagnostic::new(codes::INVALID_SKIFF_FIELD, field.key.span, format!("`{key}` cannot be deleted")));
            return None;
        };
        if matches!(field.op, FieldOp::Append(_)) || field.key.index.is_some() {
            out.push(Diagnostic::new(codes::INVALID_SKIFF_FIELD, field.key.span, format!("`{key}` is not a list")));
            return None;
        }
        match (self, &value.kind) {
            (TaskField::PodTemplate, ValueKind::Ref(path)) => return Some(TemplateValue::Name(path)),
            (TaskField::PodTemplate, ValueKind::Object(block)) => return Some(TemplateValue::Block(block)),
            (TaskField::PodTemplate, _) => out.push(Diagnostic::new(
                codes::INVALID_SKIFF_FIELD,
                value.span,
                "`pod_template` is a template name or a block `{ ... }`",
            )),
            (TaskField::PrimaryContainer, ValueKind::Str(name)) => {
                if let Err(reason) = skiff_k8s::names::check_dns1123_label(name) {
                    let fixed = skiff_k8s::names::to_dns1123_label(name);
                    out.push(
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
            (TaskField::PrimaryContainer, _) => {
                out.push(Diagnostic::new(codes::INVALID_SKIFF_FIELD, value.span, "`primary_container` is a string"))
            }
            (TaskField::Retries, ValueKind::Int(n)) if (0..=100).contains(n) => {}
            (TaskField::Retries, _) => out.push(Diagnostic::new(
                codes::INVALID_SKIFF_FIELD,
                value.span,
                "`retries` is a whole number from 0 to 100",
            )),
            (TaskField::Timeout, _) => {
                if let Some(duration) = crate::body::check_duration(value, out) {
                    out.extend(timeout_out_of_range(duration, value));
                }
            }
        }
        None
    }

    /// Why a call's `override` may not write this field as it is written, if it may not.
    pub(crate) fn check_at_call(self, field: &Field) -> Option<Diagnostic> {
        if let Some((message, help)) = self.row().not_at_call {
            return Some(Diagnostic::new(codes::INVALID_OVERRIDE, field.key.span, message).with_help(help));
        }
        if self == TaskField::PodTemplate && matches!(field.op, FieldOp::Delete | FieldOp::Append(_)) {
            return Some(
                Diagnostic::new(
                    codes::INVALID_OVERRIDE,
                    field.key.span,
                    "`pod_template` is overridden with `:`, a block, or `replace`",
                )
                .with_help(
                    "`override pod_template { ... }` patches the pod; `override replace pod_template: other` swaps \
                     the task's template",
                ),
            );
        }
        None
    }
}

/// A `pod_template` value, for the checks that need the workspace or the schema.
pub(crate) enum TemplateValue<'a> {
    /// `pod_template: gpu.v100`: must name a template.
    Name(&'a Path),
    /// `pod_template { ... }`: a `PodTemplateSpec` body.
    Block(&'a Block),
}

/// What a call can override, for the help of a key it cannot: `` `pod_template`, `retries`,
/// `timeout`, or a field of the task's container ``.
pub(crate) fn overridable_list() -> String {
    let names: Vec<String> =
        TaskField::ALL.iter().filter(|f| f.overridable()).map(|f| format!("`{}`", f.name())).collect();
    format!("{}, or a field of the task's container", names.join(", "))
}

/// The field of a task body that counts: the last one written under that name.
pub(crate) fn last(body: &Block, field: TaskField) -> Option<&Field> {
    body.fields.iter().rev().find(|f| f.key.name.text == field.name() && f.key.index.is_none())
}

/// The name of a task's primary container: its `primary_container`, when that is a container
/// name (anything else is reported by the checks), else [`DEFAULT_PRIMARY`].
pub(crate) fn primary_container(body: Option<&Block>) -> SmolStr {
    match body.and_then(|b| last(b, TaskField::PrimaryContainer)).and_then(|f| f.op.value()).map(|v| &v.kind) {
        Some(ValueKind::Str(name)) if skiff_k8s::names::is_dns1123_label(name) => SmolStr::new(name),
        _ => SmolStr::new_static(DEFAULT_PRIMARY),
    }
}

/// Sets `retries` or `timeout` (in whole seconds, rounded up) on the pod, with where it was
/// written: the last one written wins. A value that does not read is left out (the checks
/// report it); the other fields are not values beside the tree.
pub(crate) fn apply<'db>(pod: &mut EffectivePod<'db>, field: &Field, at: &mut impl FnMut(Span) -> Origin<'db>) {
    let Some(value) = field.op.value() else { return };
    match (TaskField::named(&field.key.name.text), &value.kind) {
        (Some(TaskField::Retries), ValueKind::Int(n)) => pod.retries = Some((*n, at(value.span))),
        (Some(TaskField::Timeout), _) => {
            let mut ignored = Vec::new();
            if let Some(duration) = crate::body::check_duration(value, &mut ignored)
                && timeout_out_of_range(duration, value).is_none()
            {
                pod.timeout = Some((duration.seconds_ceil(), at(value.span)));
            }
        }
        _ => {}
    }
}

/// A `timeout` that `activeDeadlineSeconds` cannot hold: the API server takes a whole number of
/// seconds from 1 up, so a negative or zero timeout would be refused, and one under a second
/// would silently become a whole second.
fn timeout_out_of_range(duration: skiff_k8s::Duration, value: &Value) -> Option<Diagnostic> {
    const SECOND: i64 = 1_000_000_000;
    let text = match &value.kind {
        ValueKind::Unit(text) | ValueKind::Str(text) => text.as_str(),
        _ => return None,
    };
    let written = |text: &str| match &value.kind {
        ValueKind::Str(_) => skiff_syntax::literal::quote(text),
        _ => text.to_owned(),
    };
    let nanos = duration.nanos();
    if nanos >= SECOND {
        return None;
    }
    let diagnostic = |message: String| Diagnostic::new(codes::INVALID_SKIFF_FIELD, value.span, message);
    Some(if nanos < 0 {
        let positive = text.trim_start_matches('-');
        diagnostic(format!("`timeout` must be positive; `{text}` is negative"))
            .with_help("it becomes `activeDeadlineSeconds`, which the API server takes from 1 second up")
            .with_fix(Fix::replace(format!("use `{positive}`"), value.span, written(positive)))
    } else if nanos == 0 {
        diagnostic(format!("`timeout` must be at least 1s; `{text}` is zero"))
            .with_help("it becomes `activeDeadlineSeconds`, which the API server takes from 1 second up; remove `timeout` for no deadline")
    } else {
        diagnostic(format!("`timeout` must be at least 1s; `{text}` is under a second"))
            .with_help("it becomes `activeDeadlineSeconds`, a whole number of seconds: this would be 1 second")
            .with_fix(Fix::replace("use `1s`", value.span, written("1s")))
    })
}

/// What the compiler makes of `retries` and `timeout`: the annotation [`RETRIES_ANNOTATION`] and
/// `spec.activeDeadlineSeconds`, written into the pod's tree with where each was set (over what a
/// template set), so that the pod `skiff build` prints and the one `skiff explain` and hover
/// show are one tree.
pub(crate) fn write_tree<'db>(
    retries: Option<(i64, Origin<'db>)>,
    timeout: Option<(i64, Origin<'db>)>,
    tree: &mut Tree<'db>,
) {
    if retries.is_none() && timeout.is_none() {
        return;
    }
    let Some(root) = tree.value.map_mut() else { return };
    if let Some((retries, origin)) = retries {
        let metadata = root.entry(SmolStr::new_static("metadata")).or_insert_with(|| Node::map(origin));
        if let Some(metadata) = metadata.value.map_mut() {
            let annotations = metadata.entry(SmolStr::new_static("annotations")).or_insert_with(|| Node::map(origin));
            if let Some(annotations) = annotations.value.map_mut() {
                annotations.insert(SmolStr::new_static(RETRIES_ANNOTATION), Node::string(retries.to_string(), origin));
            }
        }
    }
    if let Some((seconds, origin)) = timeout
        && let Some(spec) = root.get_mut("spec").and_then(|s| s.value.map_mut())
    {
        spec.insert(SmolStr::new_static("activeDeadlineSeconds"), Node::new(TreeValue::Int(seconds), origin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_complete_and_in_order() {
        let mut names = std::collections::BTreeSet::new();
        for (i, field) in TaskField::ALL.into_iter().enumerate() {
            assert_eq!(field as usize, i, "ALL is in the order of the enum and the table");
            assert_eq!(TaskField::NAMES[i], field.name());
            assert_eq!(TaskField::named(field.name()), Some(field));
            assert!(names.insert(field.name()), "{} twice", field.name());
            assert!(!field.ty().is_empty() && !field.doc().is_empty(), "{} has a type and docs", field.name());
            assert!(field.doc().ends_with('.'), "{}: the doc is a sentence", field.name());
        }
        assert_eq!(TaskField::named("image"), None);
        assert_eq!(overridable_list(), "`pod_template`, `retries`, `timeout`, or a field of the task's container");
    }

    /// The language reference lists every field with the type users see.
    #[test]
    fn the_language_reference_lists_every_field() {
        let reference = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/language.md"))
            .expect("docs/language.md");
        for field in TaskField::ALL {
            let row = format!("| `{}` | {} |", field.name(), field.ty());
            assert!(reference.contains(&row), "docs/language.md has no row `{row}`");
        }
    }
}

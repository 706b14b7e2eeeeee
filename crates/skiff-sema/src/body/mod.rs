//! Kubernetes bodies written in skiff: a pod template, a task's container fields, an override.
//!
//! Two walks of a body's syntax live here: [`check_body`] checks it against the Kubernetes
//! schema (the shape of every value, keyed lists, skiff's operators, and the value rules of
//! [`skiff_k8s::rules`], whose findings become diagnostics with spans and fixes), and
//! [`lower_body`] turns it into the strategic-merge patch the merge engine applies. A body is a
//! patch, not a whole object: nothing is reported missing except the merge key of a keyed-list
//! element. A YAML pod template is read as a body ([`yaml_body`]) to get the same checks. References (`gpu.v100`, a parameter) are resolved and checked elsewhere; values the
//! parser could not read were already reported.
//!
//! What Kubernetes allows is not decided here: the schema and the rules are `skiff-k8s`'s.

mod check;
mod lower;
mod values;
mod yaml;

#[cfg(test)]
mod tests;

use skiff_k8s::Duration;
use skiff_k8s::rules::{self, Finding, Replacement};
use skiff_syntax::ast::{Value, ValueKind};
use skiff_syntax::literal::{key_text, quote};
use skiff_syntax::{Diagnostic, Fix, Span};

pub use check::{check_body, check_field};
pub use lower::{lower_body, lower_fields};
pub use yaml::yaml_body;

/// How the text a finding is about was written, so its fix is written the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Written {
    /// A string literal: the replacement is quoted.
    Quoted,
    /// A unit literal or a number: the replacement is written bare.
    Bare,
    /// A key: bare when it is an identifier.
    Key,
}

impl Written {
    pub(crate) fn of(kind: &ValueKind) -> Written {
        if matches!(kind, ValueKind::Str(_)) { Written::Quoted } else { Written::Bare }
    }

    fn text(self, text: &str) -> String {
        match self {
            Written::Quoted => quote(text),
            Written::Bare => text.to_owned(),
            Written::Key => key_text(text),
        }
    }
}

/// The diagnostic for a finding about text at its origin.
pub(crate) fn diagnostic(finding: Finding<Span>, written: Written) -> Diagnostic {
    let Finding { code, warning, origin, message, help, labels, fix } = finding;
    let mut diagnostic =
        if warning { Diagnostic::warning(code, origin, message) } else { Diagnostic::new(code, origin, message) };
    for (span, label) in labels {
        diagnostic = diagnostic.with_label(span, label);
    }
    if let Some(help) = help {
        diagnostic = diagnostic.with_help(help);
    }
    if let Some(fix) = fix {
        let text = match &fix.replacement {
            Replacement::Text(text) => written.text(text),
            Replacement::Remove => String::new(),
        };
        diagnostic = diagnostic.with_fix(Fix::replace(fix.message, origin, text));
    }
    diagnostic
}

/// Checks a skiff value used as a duration (skiff's `timeout`): a unit literal or a string in
/// duration syntax. Returns the duration when the value is one; pushes a diagnostic at the value
/// (with a fix when one is clear) when it is not. References and unreadable values are checked
/// elsewhere: `None`, and nothing pushed.
pub fn check_duration(value: &Value, diagnostics: &mut Vec<Diagnostic>) -> Option<Duration> {
    let finding = match &value.kind {
        ValueKind::Ref(_) | ValueKind::Error => return None,
        ValueKind::Unit(text) | ValueKind::Str(text) => match rules::duration(text, value.span) {
            Ok(duration) => return Some(duration),
            Err(finding) => finding,
        },
        ValueKind::Int(n) => rules::duration_without_unit(*n, value.span),
        other => {
            let message =
                format!("expected a duration such as `30s` or `1h30m`, found {}", values::describe_value(other));
            diagnostics.push(Diagnostic::new(skiff_k8s::codes::INVALID_DURATION, value.span, message));
            return None;
        }
    };
    diagnostics.push(diagnostic(finding, Written::of(&value.kind)));
    None
}

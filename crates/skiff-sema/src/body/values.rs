//! The check of one value by the kind its position wants: a string, an integer, a quantity, an
//! object, a list (`env { ... }` sugar included); the value rules themselves are Kubernetes's
//! ([`skiff_k8s::rules`]).

use skiff_k8s::codes;
use skiff_k8s::duration::parse_duration;
use skiff_k8s::quantity::Quantity;
use skiff_k8s::rules;
use skiff_k8s::schema::{Kind, TypeId};
use skiff_k8s::schema_docs::Scope;
use skiff_syntax::ast::{Value, ValueKind};
use skiff_syntax::literal::quote;
use skiff_syntax::{Diagnostic, Fix, Span, TextEdit};

use super::Written;
use super::check::{Checker, Slot, What};

impl Checker {
    pub(super) fn value(&mut self, value: &Value, slot: Slot<'_>) {
        match &value.kind {
            ValueKind::Ref(_) | ValueKind::Error => return,
            ValueKind::Null => {
                if let What::Element(_) = slot.what {
                    self.wrong_kind(value, slot, None);
                }
                return; // `key: null` deletes the key below
            }
            _ => {}
        }
        let s = self.s;
        match s.kind(slot.ty) {
            Kind::Any => {}
            Kind::Object { .. } => match &value.kind {
                ValueKind::Object(block) => self.object_fields(&block.fields, Scope::Type(slot.ty), &[]),
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Map { values } => match &value.kind {
                ValueKind::Object(block) => self.map_fields(block, slot, *values),
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Array { items } => match &value.kind {
                ValueKind::List(elements) => {
                    let element_slot =
                        Slot { ty: *items, what: What::Element(slot.field), sugar_key_end: None, ..slot };
                    for element in elements {
                        self.value(element, element_slot);
                    }
                    self.keyed_elements(elements, slot);
                }
                ValueKind::Object(block) if self.is_env_sugar(slot, *items) => self.env_sugar(block, *items),
                _ => {
                    // Checked as the one element it may have been meant as: the fix wraps it in
                    // `[...]` only when that makes it right, and an object's own mistakes are
                    // reported too.
                    let element_slot =
                        Slot { ty: *items, what: What::Element(slot.field), sugar_key_end: None, ..slot };
                    let mut trial = Checker { s: self.s, diagnostics: Vec::new() };
                    trial.value(value, element_slot);
                    let fix = trial.diagnostics.is_empty().then(|| wrap_in_list(value, slot.sugar_key_end));
                    self.wrong_kind(value, slot, fix);
                    if matches!(value.kind, ValueKind::Object(_)) {
                        self.diagnostics.append(&mut trial.diagnostics);
                    }
                }
            },
            Kind::String => match &value.kind {
                ValueKind::Str(text) => self.string_rules(text, value, slot),
                ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Bool(_) | ValueKind::Unit(_) => {
                    let fix = scalar_text(&value.kind).map(|t| Fix::replace("quote it", value.span, quote(&t)));
                    self.wrong_kind(value, slot, fix);
                }
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Integer => match &value.kind {
                ValueKind::Int(n) => self.integer_range(*n, value, slot),
                ValueKind::Str(text) => {
                    let fix = text
                        .trim()
                        .parse::<i64>()
                        .ok()
                        .map(|n| Fix::replace("remove the quotes", value.span, n.to_string()));
                    self.wrong_kind(value, slot, fix);
                }
                ValueKind::Unit(text) => {
                    // `activeDeadlineSeconds: 30m`: a duration where seconds are expected.
                    let seconds = parse_duration(text).ok().filter(|_| slot.field.ends_with("Seconds"));
                    let fix = seconds.map(|d| {
                        let secs = d.seconds_ceil();
                        Fix::replace(format!("write {secs} seconds"), value.span, secs.to_string())
                    });
                    self.wrong_kind(value, slot, fix);
                    if seconds.is_some()
                        && let Some(last) = self.diagnostics.last_mut()
                    {
                        last.help = Some(format!("{} counts seconds as a plain integer", slot.what));
                    }
                }
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Number => match &value.kind {
                ValueKind::Int(_) | ValueKind::Float(_) => {}
                ValueKind::Str(text) => {
                    let fix = text
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(|_| Fix::replace("remove the quotes", value.span, text.trim().to_owned()));
                    self.wrong_kind(value, slot, fix);
                }
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Boolean => match &value.kind {
                ValueKind::Bool(_) => {}
                ValueKind::Str(text) if text == "true" || text == "false" => {
                    let fix = Fix::replace("remove the quotes", value.span, text.clone());
                    self.wrong_kind(value, slot, Some(fix));
                }
                _ => self.wrong_kind(value, slot, None),
            },
            Kind::Quantity => self.quantity(value, slot),
            Kind::IntOrString => match &value.kind {
                ValueKind::Int(n) => self.integer_range(*n, value, slot),
                ValueKind::Str(_) => {}
                ValueKind::Unit(text) => {
                    let fix = Fix::replace("quote it", value.span, quote(text));
                    self.wrong_kind(value, slot, Some(fix));
                }
                _ => self.wrong_kind(value, slot, None),
            },
        }
    }

    /// "an object (Affinity)", "a list ([]Toleration)", "a string", ...
    pub(super) fn expected(&self, ty: TypeId) -> String {
        let name = self.s.type_name(ty);
        match self.s.kind(ty) {
            Kind::Object { .. } => format!("an object ({name})"),
            Kind::Map { .. } => format!("an object ({name})"),
            Kind::Array { .. } => format!("a list ({name})"),
            Kind::String => "a string".to_owned(),
            Kind::Integer => "an integer".to_owned(),
            Kind::Number => "a number".to_owned(),
            Kind::Boolean => "`true` or `false`".to_owned(),
            Kind::Quantity => "a quantity such as `500m`, `2` or `8Gi`".to_owned(),
            Kind::IntOrString => "an integer or a string".to_owned(),
            Kind::Any => "any value".to_owned(),
        }
    }

    pub(super) fn wrong_kind(&mut self, value: &Value, slot: Slot<'_>, fix: Option<Fix>) {
        let message = format!("expected {} for {}, found {}", self.expected(slot.ty), slot.what, found(value));
        let mut diagnostic = Diagnostic::new(codes::WRONG_KIND, value.span, message);
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        self.report(diagnostic);
    }

    fn integer_range(&mut self, n: i64, value: &Value, slot: Slot<'_>) {
        if let Some(finding) = rules::integer(n, slot.ty, slot.what, value.span) {
            self.finding(finding, Written::Bare);
        }
    }

    /// Enum values, DNS-1123 names, environment variable names.
    fn string_rules(&mut self, text: &str, value: &Value, slot: Slot<'_>) {
        let (Some(owner), What::Field(field)) = (slot.owner, slot.what) else { return };
        for finding in rules::string(owner, field, text, value.span) {
            self.finding(finding, Written::Quoted);
        }
        if field == "name" && self.s.info(owner).short_name() == Some("EnvVar") {
            self.reserved_env_name(text, value.span);
        }
    }

    fn quantity(&mut self, value: &Value, slot: Slot<'_>) {
        let (text, quoted) = match &value.kind {
            ValueKind::Int(n) if *n >= 0 => return,
            ValueKind::Int(n) => (n.to_string(), false),
            ValueKind::Float(x) => match Quantity::from_f64(*x) {
                Some(_) => (format!("{x}"), false),
                None => {
                    self.wrong_kind(value, slot, None);
                    return;
                }
            },
            ValueKind::Unit(text) => (text.to_string(), false),
            ValueKind::Str(text) => (text.to_string(), true),
            _ => {
                self.wrong_kind(value, slot, None);
                return;
            }
        };
        let resource = match slot.what {
            What::MapValue { key, .. } => Some(key),
            _ => None,
        };
        if let Some(finding) = rules::quantity(&text, slot.what, resource, value.span) {
            self.finding(finding, if quoted { Written::Quoted } else { Written::Bare });
        }
    }
}

/// The text of a scalar as it would be written inside quotes.
pub(super) fn scalar_text(kind: &ValueKind) -> Option<String> {
    match kind {
        ValueKind::Int(n) => Some(n.to_string()),
        ValueKind::Float(x) => Some(format!("{x}")),
        ValueKind::Bool(b) => Some(b.to_string()),
        ValueKind::Unit(text) => Some(text.to_string()),
        _ => None,
    }
}

/// `[` and `]` around a value (`tolerations { ... }` becomes `tolerations: [{ ... }]`).
fn wrap_in_list(value: &Value, sugar_key_end: Option<u32>) -> Fix {
    let open = match sugar_key_end {
        Some(key_end) => TextEdit { span: Span::new(key_end, value.span.start.max(key_end)), text: ": [".to_owned() },
        None => TextEdit { span: Span::empty(value.span.start), text: "[".to_owned() },
    };
    let close = TextEdit { span: Span::empty(value.span.end), text: "]".to_owned() };
    Fix { message: "make it a list of one element".to_owned(), edits: vec![open, close] }
}

/// How a value is named in messages: "a string", "the unit literal `8Gi`", ...
pub(super) fn found(value: &Value) -> String {
    match &value.kind {
        ValueKind::Unit(text) => format!("the unit literal `{text}`"),
        ValueKind::Int(n) => format!("the integer {n}"),
        other => describe_value(other).to_owned(),
    }
}

/// "a string", "an integer", "an object", ...
pub(crate) fn describe_value(kind: &ValueKind) -> &'static str {
    match kind {
        ValueKind::Str(_) => "a string",
        ValueKind::Int(_) => "an integer",
        ValueKind::Float(_) => "a number",
        ValueKind::Unit(_) => "a unit literal",
        ValueKind::Bool(_) => "a boolean",
        ValueKind::Null => "null",
        ValueKind::Ref(_) => "a reference",
        ValueKind::Object(_) => "an object",
        ValueKind::List(_) => "a list",
        ValueKind::Error => "an unreadable value",
    }
}

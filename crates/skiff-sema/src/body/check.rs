//! The schema check of a body: every field is one the Kubernetes type has, every value has the
//! kind its position wants, keyed-list elements are addressed by their merge key, and skiff's
//! operators (`+=`, `delete`, `[key]`) are used where they mean something. The checks of one
//! value by its kind are in [`super::values`].

use rustc_hash::FxHashMap;
use std::borrow::Cow;

use skiff_k8s::codes;
use skiff_k8s::names;
use skiff_k8s::rules::{self, TolerationValue};
use skiff_k8s::schema::{Field, Kind, Schema, TypeId, schema};
use skiff_k8s::schema_docs::{BodyShape, Scope, lookup};
use skiff_k8s::tables::{self, StringMapRule};
use skiff_syntax::ast::{Block, Field as AstField, FieldOp, Key, Value, ValueKind};
use skiff_syntax::literal::{key_text, quote};
use skiff_syntax::{Diagnostic, Fix, Span};

use super::Written;
use super::values::{found, scalar_text};

/// Checks every field of `body` against `shape`. Top-level fields named in `skiff_fields`
/// (`pod_template`, `retries`, `timeout`, `primary_container` in a task body) belong to skiff and
/// are skipped, not reported.
pub fn check_body(body: &Block, shape: BodyShape, skiff_fields: &[&str]) -> Vec<Diagnostic> {
    let mut checker = Checker { s: schema(), diagnostics: Vec::new() };
    checker.object_fields(&body.fields, Scope::Root(shape), skiff_fields);
    checker.diagnostics
}

/// Checks one field as if it were written at the top level of a body of `within`: an
/// `override resources { ... }` is `check_field(field, BodyShape::Container)`.
pub fn check_field(field: &AstField, within: BodyShape) -> Vec<Diagnostic> {
    let mut checker = Checker { s: schema(), diagnostics: Vec::new() };
    checker.object_fields(std::slice::from_ref(field), Scope::Root(within), &[]);
    checker.diagnostics
}

/// How a value is named in messages.
#[derive(Clone, Copy, Debug)]
pub(super) enum What<'a> {
    Field(&'a str),
    Element(&'a str),
    MapValue { map: &'a str, key: &'a str },
}

impl std::fmt::Display for What<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Field(name) => write!(f, "`{name}`"),
            What::Element(list) => write!(f, "an element of `{list}`"),
            What::MapValue { map, key } => write!(f, "`{key}` in `{map}`"),
        }
    }
}

/// Where a value sits: its expected type, and the field that holds it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Slot<'a> {
    /// The object type whose field holds the value (for the tables); `None` inside maps.
    pub(super) owner: Option<TypeId>,
    /// The name of that field (or of the list or map the value is in).
    pub(super) field: &'a str,
    pub(super) ty: TypeId,
    pub(super) what: What<'a>,
    /// The end of the key when the value was written `key { ... }` (for fixes that add `:`).
    pub(super) sugar_key_end: Option<u32>,
}

pub(super) struct Checker {
    pub(super) s: &'static Schema,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl Checker {
    pub(super) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn object_fields(&mut self, fields: &[AstField], scope: Scope, skip: &[&str]) {
        let mut seen = FxHashMap::default();
        for field in fields {
            if matches!(field.op, FieldOp::Error) {
                continue;
            }
            self.duplicate_key(&mut seen, &field.key);
            let name = field.key.name.text.as_str();
            if skip.contains(&name) {
                continue;
            }
            match lookup(self.s, scope, name) {
                Some((owner, def)) => self.field(field, owner, def),
                None => {
                    // Checked as the field it most likely meant, so its value's mistakes show now.
                    let meant = self.unknown_field(field, scope).and_then(|meant| lookup(self.s, scope, meant));
                    if let Some((owner, def)) = meant {
                        self.field(field, owner, def);
                    }
                }
            }
        }
        self.object_rules(scope.object_type(), fields);
    }

    /// Reports a key written twice in one object.
    fn duplicate_key<'k>(&mut self, seen: &mut FxHashMap<Cow<'k, str>, Span>, key: &'k Key) {
        let Some(identity) = key_identity(key) else { return };
        if let Some(first) = seen.get(&identity) {
            self.report(
                Diagnostic::new(
                    codes::DUPLICATE_KEY,
                    key.span,
                    format!("`{identity}` is written twice in this object"),
                )
                .with_label(*first, "first written here")
                .with_help("write each key once; merge the two into one"),
            );
        } else {
            seen.insert(identity, key.span);
        }
    }

    /// Reports an unknown field; returns the field it most likely meant.
    fn unknown_field(&mut self, field: &AstField, scope: Scope) -> Option<&'static str> {
        let s = self.s;
        let name = field.key.name.text.as_str();
        let span = field.key.name.span;
        let candidates = scope.field_names();
        let message = format!("unknown field `{name}` in {}", scope.name());
        let mut diagnostic = Diagnostic::new(codes::UNKNOWN_FIELD, span, message);
        let camel = names::snake_to_camel(name);
        // A field of the other shape, written in the wrong body, is explained rather than fixed.
        let in_container = s.field(s.container(), &camel).is_some();
        let in_pod = s.field(s.pod_spec(), &camel).is_some() || camel == "metadata";
        let mut suggestion = None;
        if scope == Scope::Root(BodyShape::PodTemplate) && name == "spec" {
            diagnostic = diagnostic
                .with_help("a pod_template body holds the PodSpec fields directly: write them without `spec { ... }`");
        } else if scope == Scope::Root(BodyShape::PodTemplate) && in_container && !in_pod {
            diagnostic = diagnostic.with_help(format!(
                "`{camel}` is a Container field: set it in the task body, or on one container with \
                 `containers[\"primary\"] {{ {camel}: ... }}`"
            ));
        } else if scope == Scope::Root(BodyShape::Container) && in_pod && !in_container {
            diagnostic = diagnostic
                .with_help(format!("`{camel}` is a pod field: set it in the task's `pod_template {{ ... }}`"));
        } else if let Some(meant) = names::suggest(name, candidates) {
            suggestion = Some(meant);
            diagnostic = diagnostic.with_help(format!("did you mean `{meant}`?")).with_fix(Fix::replace(
                format!("rename to `{meant}`"),
                span,
                key_text(meant),
            ));
        }
        self.report(diagnostic);
        suggestion
    }

    fn field(&mut self, field: &AstField, owner: TypeId, def: &'static Field) {
        if let Some(index) = &field.key.index {
            self.indexed_field(field, index, owner, def);
            return;
        }
        let slot = Slot {
            owner: Some(owner),
            field: &def.name,
            ty: def.ty,
            what: What::Field(&def.name),
            sugar_key_end: None,
        };
        match &field.op {
            FieldOp::Set { value, block_sugar } | FieldOp::Replace { value, block_sugar } => {
                let sugar_key_end = block_sugar.then_some(field.key.span.end);
                self.value(value, Slot { sugar_key_end, ..slot });
            }
            FieldOp::Append(value) => {
                if matches!(self.s.kind(def.ty), Kind::Array { .. }) {
                    self.value(value, slot);
                } else {
                    self.append_to_non_list(field, value, &format!("`{}` is {}", def.name, self.expected(def.ty)));
                }
            }
            FieldOp::Delete | FieldOp::Error => {}
        }
    }

    /// `key += value` where `key` is not a list. Offers `:` when the value is not a list itself
    /// (`image += "x"` meant `image: "x"`).
    pub(super) fn append_to_non_list(&mut self, field: &AstField, value: &Value, why: &str) {
        let mut diagnostic =
            Diagnostic::new(codes::APPEND_TO_NON_LIST, field.key.span, format!("`+=` appends to a list, but {why}"));
        if field.key.index.is_none() && !matches!(value.kind, ValueKind::List(_)) {
            let operator = Span::new(field.key.span.end, value.span.start.max(field.key.span.end));
            diagnostic = diagnostic
                .with_help("use `:` to merge the value into the layer below")
                .with_fix(Fix::replace("use `:`", operator, ": "));
        }
        self.report(diagnostic);
    }

    /// `containers["sidecar"] { ... }`, `delete containers["sidecar"]`.
    fn indexed_field(&mut self, field: &AstField, index: &Value, owner: TypeId, def: &'static Field) {
        let s = self.s;
        let list = def.name.as_str();
        let keyed = tables::keyed_list(owner, list).and_then(|k| k.merge_key);
        let (Kind::Array { items }, Some(merge_key)) = (s.kind(def.ty), keyed) else {
            let index_span = Span::new(field.key.name.span.end, field.key.span.end);
            let (message, help) = match s.kind(def.ty) {
                Kind::Array { .. } => (
                    format!(
                        "`{list}` is an atomic list: a patch replaces it whole, so its elements cannot be addressed"
                    ),
                    format!("append with `{list} += [...]`, or replace it with `{list}: [...]`"),
                ),
                Kind::Map { .. } => (
                    format!("`{list}` is a map, not a list"),
                    format!("write its entries as `{list} {{ key: value }}`"),
                ),
                _ => {
                    (format!("`{list}` is not a list"), "only keyed lists such as `containers` take `[key]`".to_owned())
                }
            };
            self.report(Diagnostic::new(codes::INDEX_NOT_KEYED, index_span, message).with_help(help));
            return;
        };
        let items = *items;
        let Some(key_field) = s.field(items, merge_key) else { return };
        self.index_value(index, items, key_field, list, merge_key);
        match &field.op {
            FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => {
                let slot =
                    Slot { owner: Some(owner), field: list, ty: items, what: What::Element(list), sugar_key_end: None };
                if !matches!(value.kind, ValueKind::Null) {
                    self.value(value, slot);
                }
                if let ValueKind::Object(block) = &value.kind {
                    self.merge_key_mismatch(block, index, merge_key);
                }
            }
            FieldOp::Append(value) => {
                self.append_to_non_list(field, value, &format!("`{list}[...]` is one element of `{list}`"));
            }
            FieldOp::Delete | FieldOp::Error => {}
        }
    }

    /// The `[...]` of a keyed-list key: a value of the merge key's type and rules.
    fn index_value(&mut self, index: &Value, items: TypeId, key_field: &'static Field, list: &str, merge_key: &str) {
        let key_kind = self.s.kind(key_field.ty);
        let mismatch = match (&index.kind, key_kind) {
            (ValueKind::Ref(_) | ValueKind::Error, _) => return,
            (ValueKind::Str(_), Kind::String) | (ValueKind::Int(_), Kind::Integer) => None,
            (ValueKind::Str(text), Kind::Integer) => {
                Some(("an integer", text.trim().parse::<i64>().ok().map(|n| (n.to_string(), "remove the quotes"))))
            }
            (ValueKind::Int(n), Kind::String) => Some(("a string", Some((quote(&n.to_string()), "quote it")))),
            (_, Kind::Integer) => Some(("an integer", None)),
            _ => Some(("a string", None)),
        };
        if let Some((expected, fix)) = mismatch {
            let mut diagnostic = Diagnostic::new(
                codes::INDEX_TYPE_MISMATCH,
                index.span,
                format!("elements of `{list}` are keyed by `{merge_key}`, {expected}; found {}", found(index)),
            );
            if let Some((text, message)) = fix {
                diagnostic = diagnostic.with_fix(Fix::replace(message, index.span, text));
            }
            self.report(diagnostic);
            return;
        }
        let slot = Slot {
            owner: Some(items),
            field: &key_field.name,
            ty: key_field.ty,
            what: What::Field(&key_field.name),
            sugar_key_end: None,
        };
        self.value(index, slot);
    }

    /// `containers["a"] { name: "b" }`: the element names itself differently from its address.
    fn merge_key_mismatch(&mut self, block: &Block, index: &Value, merge_key: &str) {
        let Some(addressed) = literal_key(&index.kind) else { return };
        for field in &block.fields {
            if field.key.name.text != merge_key || field.key.index.is_some() {
                continue;
            }
            let Some(value) = field.op.value() else { continue };
            if let Some(written) = literal_key(&value.kind)
                && written != addressed
            {
                self.report(
                    Diagnostic::new(
                        codes::MERGE_KEY_MISMATCH,
                        value.span,
                        format!("this element is addressed as `{addressed}` but its `{merge_key}` is `{written}`"),
                    )
                    .with_label(index.span, "addressed here")
                    .with_help(format!("leave `{merge_key}` out: the address already sets it"))
                    .with_fix(Fix::replace(format!("remove `{merge_key}`"), field.span, "")),
                );
            }
        }
    }

    pub(super) fn map_fields(&mut self, block: &Block, slot: Slot<'_>, values: TypeId) {
        let rule = match (slot.owner, slot.what) {
            (Some(owner), What::Field(field)) => tables::string_map_rule(owner, field),
            _ => None,
        };
        let mut seen = FxHashMap::default();
        for field in &block.fields {
            if matches!(field.op, FieldOp::Error) {
                continue;
            }
            self.duplicate_key(&mut seen, &field.key);
            let key = field.key.name.text.as_str();
            if field.key.index.is_some() {
                let index_span = Span::new(field.key.name.span.end, field.key.span.end);
                self.report(
                    Diagnostic::new(
                        codes::INDEX_NOT_KEYED,
                        index_span,
                        format!("`{key}` in `{}` is a map entry, not a list", slot.field),
                    )
                    .with_help("only keyed lists such as `containers` take `[key]`"),
                );
                continue;
            }
            if let Some(finding) = rule.and_then(|rule| rules::map_key(rule, key, field.key.name.span)) {
                self.finding(finding, Written::Key);
            }
            let entry_slot = Slot {
                owner: None,
                field: slot.field,
                ty: values,
                what: What::MapValue { map: slot.field, key },
                sugar_key_end: None,
            };
            match &field.op {
                FieldOp::Set { value, block_sugar } | FieldOp::Replace { value, block_sugar } => {
                    let sugar_key_end = block_sugar.then_some(field.key.span.end);
                    self.value(value, Slot { sugar_key_end, ..entry_slot });
                    if let (Some(StringMapRule::Labels), ValueKind::Str(text)) = (rule, &value.kind)
                        && let Some(finding) = rules::label_value(text, value.span)
                    {
                        self.finding(finding, Written::Quoted);
                    }
                }
                FieldOp::Append(value) => {
                    if matches!(self.s.kind(values), Kind::Array { .. }) {
                        self.value(value, entry_slot);
                    } else {
                        let why = format!("`{key}` in `{}` is {}", slot.field, self.expected(values));
                        self.append_to_non_list(field, value, &why);
                    }
                }
                FieldOp::Delete | FieldOp::Error => {}
            }
        }
    }

    pub(super) fn finding(&mut self, finding: rules::Finding<Span>, written: Written) {
        self.report(super::diagnostic(finding, written));
    }

    /// `env { KEY: "value" }` for a list of `EnvVar`.
    pub(super) fn is_env_sugar(&self, slot: Slot<'_>, items: TypeId) -> bool {
        let (Some(owner), What::Field(field)) = (slot.owner, slot.what) else { return false };
        self.s.info(items).short_name() == Some("EnvVar")
            && tables::keyed_list(owner, field).and_then(|k| k.merge_key) == Some("name")
    }

    pub(super) fn env_sugar(&mut self, block: &Block, items: TypeId) {
        let mut seen = FxHashMap::default();
        for field in &block.fields {
            if matches!(field.op, FieldOp::Error) {
                continue;
            }
            self.duplicate_key(&mut seen, &field.key);
            let name = field.key.name.text.as_str();
            if field.key.index.is_some() {
                let index_span = Span::new(field.key.name.span.end, field.key.span.end);
                self.report(Diagnostic::new(
                    codes::INDEX_NOT_KEYED,
                    index_span,
                    format!("`{name}` is an environment variable, not a list"),
                ));
                continue;
            }
            if let Some(finding) = rules::env_var_name(name, field.key.name.span) {
                self.finding(finding, Written::Key);
            }
            self.reserved_env_name(name, field.key.name.span);
            let value = match &field.op {
                FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => value,
                FieldOp::Append(value) => {
                    self.append_to_non_list(field, value, &format!("`{name}` is an environment variable"));
                    continue;
                }
                FieldOp::Delete | FieldOp::Error => continue,
            };
            match &value.kind {
                ValueKind::Str(_) | ValueKind::Ref(_) | ValueKind::Null | ValueKind::Error => {}
                // `TOKEN { valueFrom { ... } }`: the variable's other fields.
                ValueKind::Object(inner) => self.object_fields(&inner.fields, Scope::Type(items), &["name"]),
                ValueKind::Int(_) | ValueKind::Float(_) | ValueKind::Bool(_) | ValueKind::Unit(_) => {
                    let fix = scalar_text(&value.kind).map(|t| Fix::replace("quote it", value.span, quote(&t)));
                    let message = format!("environment variables are strings; found {} for `{name}`", found(value));
                    let mut diagnostic = Diagnostic::new(codes::WRONG_KIND, value.span, message);
                    if let Some(fix) = fix {
                        diagnostic = diagnostic.with_fix(fix);
                    }
                    self.report(diagnostic);
                }
                ValueKind::List(_) => {
                    let message = format!("environment variables are strings; found a list for `{name}`");
                    self.report(Diagnostic::new(codes::WRONG_KIND, value.span, message));
                }
            }
        }
    }

    /// `SKIFF_INPUT_...` is how the compiler passes a parameter to the container
    /// (`{{inputs.epochs}}` reads `$(SKIFF_INPUT_EPOCHS)`): a variable of that name set by hand
    /// would silently stand in for the argument, or be overwritten by it, so the prefix is
    /// skiff's, in every layer, whether or not the task has such a parameter today.
    pub(super) fn reserved_env_name(&mut self, name: &str, span: Span) {
        if !name.starts_with(crate::compile::INPUT_ENV_PREFIX) {
            return;
        }
        self.report(
            Diagnostic::new(
                crate::codes::RESERVED_ENV_NAME,
                span,
                format!(
                    "`{}` is reserved: skiff passes a task's parameters as `{}NAME` variables",
                    name.escape_debug(),
                    crate::compile::INPUT_ENV_PREFIX
                ),
            )
            .with_help("rename the variable; to pass a parameter to the container, write `{{inputs.NAME}}` in `command`, `args` or an `env` value"),
        );
    }

    /// Elements of a keyed list written in one list: each needs its merge key, once.
    pub(super) fn keyed_elements(&mut self, elements: &[Value], slot: Slot<'_>) {
        let (Some(owner), What::Field(list)) = (slot.owner, slot.what) else { return };
        let Some(merge_key) = tables::keyed_list(owner, list).and_then(|k| k.merge_key) else { return };
        let mut seen: FxHashMap<String, Span> = FxHashMap::default();
        for element in elements {
            let ValueKind::Object(block) = &element.kind else { continue };
            let key_field = block.fields.iter().rev().find(|f| f.key.name.text == merge_key && f.key.index.is_none());
            let Some(key_field) = key_field else {
                self.report(
                    Diagnostic::new(
                        codes::MISSING_MERGE_KEY,
                        element.span,
                        format!("this element of `{list}` has no `{merge_key}`"),
                    )
                    .with_help(format!("elements of `{list}` are merged by `{merge_key}`: give each one")),
                );
                continue;
            };
            let Some(value) = key_field.op.value() else { continue };
            let Some(mut key) = literal_key(&value.kind) else { continue };
            // `53/UDP` and `53/TCP` are two ports: the API server tells them apart by protocol.
            for (field, default) in tables::identity_fields(merge_key) {
                let written = block.fields.iter().rev().find(|f| f.key.name.text == *field && f.key.index.is_none());
                let identity = written.and_then(|f| f.op.value()).and_then(|v| literal_key(&v.kind));
                key = format!("{key}/{}", identity.as_deref().unwrap_or(default));
            }
            if let Some(first) = seen.get(&key) {
                self.report(
                    Diagnostic::new(
                        codes::DUPLICATE_MERGE_KEY,
                        value.span,
                        format!("two elements of `{list}` have the {merge_key} `{key}`"),
                    )
                    .with_label(*first, "first here")
                    .with_help(format!("elements of `{list}` are merged by `{merge_key}`: each must be unique")),
                );
            } else {
                seen.insert(key, value.span);
            }
        }
    }

    /// Rules across the fields of one object.
    fn object_rules(&mut self, ty: TypeId, fields: &[AstField]) {
        let s = self.s;
        if s.info(ty).short_name() == Some("Toleration") {
            self.toleration(fields);
        }
        let is_quantity_map = |name: &str| {
            s.field(ty, name)
                .is_some_and(|f| matches!(s.kind(f.ty), Kind::Map { values } if s.kind(*values) == &Kind::Quantity))
        };
        if is_quantity_map("requests") && is_quantity_map("limits") {
            self.requests_within_limits(ty, fields);
        }
    }

    fn toleration(&mut self, fields: &[AstField]) {
        let set_value = |name: &str| {
            fields.iter().rev().find(|f| f.key.name.text == name && f.key.index.is_none()).and_then(|f| match &f.op {
                FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => Some((f, value)),
                _ => None,
            })
        };
        let Some((_, operator)) = set_value("operator") else { return };
        let ValueKind::Str(operator_text) = &operator.kind else { return };
        let Some((value_field, value)) = set_value("value") else { return };
        let held = match &value.kind {
            ValueKind::Str(text) => TolerationValue::Text(text),
            ValueKind::Null | ValueKind::Ref(_) | ValueKind::Error => TolerationValue::Unknown,
            _ => TolerationValue::Other,
        };
        if let Some(finding) = rules::toleration(operator_text, held, value_field.span, operator.span) {
            self.finding(finding, Written::Bare);
        }
    }

    /// The rule is Kubernetes's, on the patch this object lowers to: the same rule the merged
    /// pod is checked with.
    fn requests_within_limits(&mut self, ty: TypeId, fields: &[AstField]) {
        let resources = super::lower::lower_object(fields, ty);
        for request in rules::requests_above_limits(&resources) {
            self.finding(request.finding(), Written::Bare);
        }
    }
}

/// The identity of a key for duplicate detection: `name`, `containers["a"]`; `None` when the
/// index is not a literal.
fn key_identity(key: &Key) -> Option<Cow<'_, str>> {
    match key.index.as_deref().map(|v| &v.kind) {
        None => Some(Cow::Borrowed(&key.name.text)),
        Some(ValueKind::Str(s)) => Some(Cow::Owned(format!("{}[{}]", key.name.text, quote(s)))),
        Some(ValueKind::Int(n)) => Some(Cow::Owned(format!("{}[{n}]", key.name.text))),
        Some(_) => None,
    }
}

/// A merge-key value written as a literal, as text.
fn literal_key(kind: &ValueKind) -> Option<String> {
    match kind {
        ValueKind::Str(s) => Some(s.to_string()),
        ValueKind::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

//! Checks a skiff body (a pod template, a task's container, an override) against the Kubernetes
//! schema, and describes the fields of a body for hover and completion.
//!
//! A body is a patch, not a whole object: nothing is reported missing except the merge key of a
//! keyed-list element. References (`gpu.v100`, a parameter) are resolved and checked elsewhere;
//! values the parser could not read were already reported. Every diagnostic has a code from
//! [`crate::codes`], the span of the text at fault, and a fix where one is clear.

use std::borrow::Cow;
use std::collections::HashMap;

use skiff_syntax::ast::{Block, Field as AstField, FieldOp, Key, Value, ValueKind};
use skiff_syntax::{Diagnostic, Fix, Span, TextEdit};

use crate::codes;
use crate::duration::parse_duration;
use crate::names;
use crate::quantity::{Quantity, memory_hint, parse_quantity, suggest_quantity};
use crate::schema::{Field, Kind, Schema, TypeId, schema};
use crate::tables::{self, NameRule, StringMapRule};

/// What the top level of a body holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyShape {
    /// `PodSpec` fields, plus `metadata` as an `ObjectMeta`: a `PodTemplateSpec` whose `spec`
    /// fields are written at the top level (`pod_template` bodies, `override pod_template`).
    PodTemplate,
    /// `Container` fields (task bodies; `override resources { ... }` and the like).
    Container,
}

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

/// What hover and completion show for one field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDoc {
    /// The field's name, or the map key for a map entry (`memory` in `limits`).
    pub name: String,
    /// `PodSpec`, `[]Toleration`, `map[string]string`, `string`, `int32`, `Quantity`.
    pub type_name: String,
    pub description: String,
    pub required: bool,
    /// The allowed values, for enum fields.
    pub enum_values: Option<&'static [&'static str]>,
    /// The merge key when the field is a keyed list (`name` for `containers`).
    pub merge_key: Option<&'static str>,
    pub ty: TypeId,
}

/// The documentation of the field at `path` below a body of `shape`: `["nodeSelector"]`,
/// `["containers", "resources", "limits"]` (lists are stepped through), `["resources", "limits",
/// "memory"]` (a map entry). `None` when the path leads nowhere.
pub fn describe(shape: BodyShape, path: &[&str]) -> Option<FieldDoc> {
    let s = schema();
    let (last, parents) = path.split_last()?;
    let scope = scope_at(shape, parents)?;
    match scope {
        Scope::Root(_) => {
            let (owner, field) = lookup(s, scope, last)?;
            Some(field_doc(s, owner, field))
        }
        Scope::Type(ty) => match s.kind(ty) {
            Kind::Object { .. } => s.field(ty, last).map(|f| field_doc(s, ty, f)),
            Kind::Map { values } => Some(FieldDoc {
                name: (*last).to_owned(),
                type_name: s.type_name(*values),
                description: s.info(*values).description.clone(),
                required: false,
                enum_values: None,
                merge_key: None,
                ty: *values,
            }),
            _ => None,
        },
    }
}

/// The fields that may be written inside the object at `path` (empty path: the top level of the
/// body), sorted by name; for completion. Empty when `path` is not an object with fields.
pub fn fields_at(shape: BodyShape, path: &[&str]) -> Vec<FieldDoc> {
    let s = schema();
    match scope_at(shape, path) {
        Some(Scope::Root(BodyShape::PodTemplate)) => {
            let mut docs: Vec<FieldDoc> =
                s.fields(s.pod_spec()).iter().map(|f| field_doc(s, s.pod_spec(), f)).collect();
            if let Some(meta) = s.field(s.pod_template_spec(), "metadata") {
                docs.push(field_doc(s, s.pod_template_spec(), meta));
            }
            docs.sort_by(|a, b| a.name.cmp(&b.name));
            docs
        }
        Some(Scope::Root(BodyShape::Container)) => {
            s.fields(s.container()).iter().map(|f| field_doc(s, s.container(), f)).collect()
        }
        Some(Scope::Type(ty)) => s.fields(ty).iter().map(|f| field_doc(s, ty, f)).collect(),
        None => Vec::new(),
    }
}

/// The type at `path` below a body of `shape`, stepping through lists; `None` when the path
/// leads nowhere. The empty path is the body's own type (`PodSpec` or `Container`).
pub fn type_at(shape: BodyShape, path: &[&str]) -> Option<TypeId> {
    let s = schema();
    match scope_at(shape, path)? {
        Scope::Root(BodyShape::PodTemplate) => Some(s.pod_spec()),
        Scope::Root(BodyShape::Container) => Some(s.container()),
        Scope::Type(ty) => Some(ty),
    }
}

fn field_doc(s: &Schema, owner: TypeId, field: &Field) -> FieldDoc {
    FieldDoc {
        name: field.name.clone(),
        type_name: s.type_name(field.ty),
        description: field.description.clone(),
        required: field.required,
        enum_values: tables::enum_values(owner, &field.name),
        merge_key: tables::keyed_list(owner, &field.name).and_then(|k| k.merge_key),
        ty: field.ty,
    }
}

/// The scope inside the value at `path`, with lists stepped through.
fn scope_at(shape: BodyShape, path: &[&str]) -> Option<Scope> {
    let s = schema();
    let mut scope = Scope::Root(shape);
    for segment in path {
        let ty = match scope {
            Scope::Root(_) => lookup(s, scope, segment)?.1.ty,
            Scope::Type(ty) => match s.kind(ty) {
                Kind::Object { .. } => s.field(ty, segment)?.ty,
                Kind::Map { values } => *values,
                _ => return None,
            },
        };
        scope = Scope::Type(element_type(s, ty));
    }
    Some(scope)
}

/// The item type of a list (of a list ...), or the type itself.
fn element_type(s: &Schema, mut ty: TypeId) -> TypeId {
    while let Kind::Array { items } = s.kind(ty) {
        ty = *items;
    }
    ty
}

/// Where the fields of a block are looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Root(BodyShape),
    Type(TypeId),
}

/// The owner and definition of field `name` in `scope`.
fn lookup<'s>(s: &'s Schema, scope: Scope, name: &str) -> Option<(TypeId, &'s Field)> {
    let owner = match scope {
        Scope::Root(BodyShape::PodTemplate) if name == "metadata" => s.pod_template_spec(),
        Scope::Root(BodyShape::PodTemplate) => s.pod_spec(),
        Scope::Root(BodyShape::Container) => s.container(),
        Scope::Type(ty) => ty,
    };
    s.field(owner, name).map(|f| (owner, f))
}

/// How a value is named in messages.
#[derive(Clone, Copy, Debug)]
enum What<'a> {
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
struct Slot<'a> {
    /// The object type whose field holds the value (for the tables); `None` inside maps.
    owner: Option<TypeId>,
    /// The name of that field (or of the list or map the value is in).
    field: &'a str,
    ty: TypeId,
    what: What<'a>,
    /// The end of the key when the value was written `key { ... }` (for fixes that add `:`).
    sugar_key_end: Option<u32>,
}

struct Checker {
    s: &'static Schema,
    diagnostics: Vec<Diagnostic>,
}

impl Checker {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn scope_name(&self, scope: Scope) -> String {
        match scope {
            Scope::Root(BodyShape::PodTemplate) => "PodSpec".to_owned(),
            Scope::Root(BodyShape::Container) => "Container".to_owned(),
            Scope::Type(ty) => self.s.type_name(ty),
        }
    }

    fn object_fields(&mut self, fields: &[AstField], scope: Scope, skip: &[&str]) {
        let mut seen = HashMap::new();
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
        let ty = match scope {
            Scope::Root(BodyShape::PodTemplate) => self.s.pod_spec(),
            Scope::Root(BodyShape::Container) => self.s.container(),
            Scope::Type(ty) => ty,
        };
        self.object_rules(ty, fields);
    }

    /// Reports a key written twice in one object.
    fn duplicate_key<'k>(&mut self, seen: &mut HashMap<Cow<'k, str>, Span>, key: &'k Key) {
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
        let mut candidates: Vec<&str> = match scope {
            Scope::Root(BodyShape::PodTemplate) => s.fields(s.pod_spec()).iter().map(|f| f.name.as_str()).collect(),
            Scope::Root(BodyShape::Container) => s.fields(s.container()).iter().map(|f| f.name.as_str()).collect(),
            Scope::Type(ty) => s.fields(ty).iter().map(|f| f.name.as_str()).collect(),
        };
        if scope == Scope::Root(BodyShape::PodTemplate) {
            candidates.push("metadata");
        }
        let message = format!("unknown field `{name}` in {}", self.scope_name(scope));
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
    fn append_to_non_list(&mut self, field: &AstField, value: &Value, why: &str) {
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

    fn value(&mut self, value: &Value, slot: Slot<'_>) {
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
    fn expected(&self, ty: TypeId) -> String {
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

    fn wrong_kind(&mut self, value: &Value, slot: Slot<'_>, fix: Option<Fix>) {
        let message = format!("expected {} for {}, found {}", self.expected(slot.ty), slot.what, found(value));
        let mut diagnostic = Diagnostic::new(codes::WRONG_KIND, value.span, message);
        if let Some(fix) = fix {
            diagnostic = diagnostic.with_fix(fix);
        }
        self.report(diagnostic);
    }

    fn integer_range(&mut self, n: i64, value: &Value, slot: Slot<'_>) {
        let is_int32 = self.s.info(slot.ty).format.as_deref() == Some("int32")
            || matches!(self.s.kind(slot.ty), Kind::IntOrString);
        if is_int32 && i32::try_from(n).is_err() {
            self.report(Diagnostic::new(
                codes::INTEGER_OUT_OF_RANGE,
                value.span,
                format!("{} is a 32-bit integer; {n} is out of range", slot.what),
            ));
        }
    }

    /// Enum values and DNS-1123 names.
    fn string_rules(&mut self, text: &str, value: &Value, slot: Slot<'_>) {
        let (Some(owner), What::Field(field)) = (slot.owner, slot.what) else { return };
        let owner_name = self.s.type_name(owner);
        if let Some(allowed) = tables::enum_values(owner, field)
            && !allowed.contains(&text)
        {
            let listed: Vec<String> =
                allowed.iter().map(|v| if v.is_empty() { "`\"\"`".to_owned() } else { format!("`{v}`") }).collect();
            let mut diagnostic = Diagnostic::new(
                codes::INVALID_ENUM_VALUE,
                value.span,
                format!("`{text}` is not a valid `{field}` of {owner_name}"),
            );
            let suggestion = allowed
                .iter()
                .find(|v| v.eq_ignore_ascii_case(text))
                .copied()
                .or_else(|| names::suggest(text, allowed.iter().copied().filter(|v| !v.is_empty())));
            diagnostic = match suggestion {
                Some(suggestion) => diagnostic
                    .with_help(format!("did you mean `{suggestion}`? (one of {})", listed.join(", ")))
                    .with_fix(Fix::replace(format!("use `{suggestion}`"), value.span, quote(suggestion))),
                None => diagnostic.with_help(format!("expected one of {}", listed.join(", "))),
            };
            self.report(diagnostic);
        }
        if let Some(rule) = tables::name_rule(owner, field) {
            let (check, fixed): (Result<(), String>, String) = match rule {
                NameRule::Dns1123Label => (names::check_dns1123_label(text), names::to_dns1123_label(text)),
                NameRule::Dns1123Subdomain => {
                    (names::check_dns1123_subdomain(text), names::sanitize_dns1123_subdomain(text))
                }
            };
            if let Err(why) = check {
                let rule_name = match rule {
                    NameRule::Dns1123Label => "DNS-1123 label",
                    NameRule::Dns1123Subdomain => "DNS-1123 subdomain",
                };
                let mut diagnostic =
                    Diagnostic::new(codes::INVALID_NAME, value.span, format!("invalid name `{text}`: {why}"))
                        .with_help(format!("Kubernetes requires `{owner_name}.{field}` to be a {rule_name}"));
                let fixed_ok = match rule {
                    NameRule::Dns1123Label => names::is_dns1123_label(&fixed),
                    NameRule::Dns1123Subdomain => names::is_dns1123_subdomain(&fixed),
                };
                if fixed_ok && fixed != text {
                    diagnostic = diagnostic.with_fix(Fix::replace(format!("use `{fixed}`"), value.span, quote(&fixed)));
                }
                self.report(diagnostic);
            }
        }
    }

    fn quantity(&mut self, value: &Value, slot: Slot<'_>) {
        let (text, quoted) = match &value.kind {
            ValueKind::Int(_) => return,
            ValueKind::Float(x) => match Quantity::from_f64(*x) {
                Some(_) => (format!("{x}"), false),
                None => {
                    self.wrong_kind(value, slot, None);
                    return;
                }
            },
            ValueKind::Unit(text) => (text.clone(), false),
            ValueKind::Str(text) => (text.clone(), true),
            _ => {
                self.wrong_kind(value, slot, None);
                return;
            }
        };
        let written = |t: &str| if quoted { quote(t) } else { t.to_owned() };
        match parse_quantity(&text) {
            Ok(_) => {
                let What::MapValue { key, .. } = slot.what else { return };
                if !(key == "memory" || key == "ephemeral-storage" || key.starts_with("hugepages-")) {
                    return;
                }
                if let Some((message, replacement)) = memory_hint(&text) {
                    let mut diagnostic = Diagnostic::warning(codes::SUSPICIOUS_QUANTITY, value.span, message)
                        .with_help(format!("`{key}` is counted in bytes"));
                    if let Some(replacement) = replacement {
                        diagnostic = diagnostic.with_fix(Fix::replace(
                            format!("use `{replacement}`"),
                            value.span,
                            written(&replacement),
                        ));
                    }
                    self.report(diagnostic);
                }
            }
            Err(error) => {
                let mut diagnostic = Diagnostic::new(
                    codes::INVALID_QUANTITY,
                    value.span,
                    format!("invalid quantity `{text}` for {}: {error}", slot.what),
                );
                match suggest_quantity(&text) {
                    Some(suggestion) => {
                        let help = match binary_alternative(&suggestion) {
                            Some(binary) => format!(
                                "did you mean `{suggestion}`? (decimal: `{}` is 10^{}; write `{binary}` for the binary unit)",
                                &suggestion[suggestion.len() - 1..],
                                decimal_power(&suggestion),
                            ),
                            None => format!("did you mean `{suggestion}`?"),
                        };
                        diagnostic = diagnostic.with_help(help).with_fix(Fix::replace(
                            format!("use `{suggestion}`"),
                            value.span,
                            written(&suggestion),
                        ));
                    }
                    None => {
                        diagnostic = diagnostic.with_help(
                            "a quantity is a number with an optional suffix: `500m`, `2`, `1.5`, `8Gi`, `100M`, `1e3`",
                        );
                    }
                }
                self.report(diagnostic);
            }
        }
    }

    fn map_fields(&mut self, block: &Block, slot: Slot<'_>, values: TypeId) {
        let rule = match (slot.owner, slot.what) {
            (Some(owner), What::Field(field)) => tables::string_map_rule(owner, field),
            _ => None,
        };
        let mut seen = HashMap::new();
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
            match rule {
                Some(StringMapRule::Labels) => self.key_rule(field, codes::INVALID_LABEL_KEY, "label key"),
                Some(StringMapRule::Annotations) => {
                    self.key_rule(field, codes::INVALID_ANNOTATION_KEY, "annotation key")
                }
                None => {}
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
                    if let (Some(StringMapRule::Labels), ValueKind::Str(text)) = (rule, &value.kind) {
                        self.label_value(text, value);
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

    fn key_rule(&mut self, field: &AstField, code: &'static str, what: &str) {
        let key = field.key.name.text.as_str();
        if let Err(why) = names::check_label_key(key) {
            let mut diagnostic = Diagnostic::new(code, field.key.name.span, format!("invalid {what} `{key}`: {why}"));
            let fixed = match key.split_once('/') {
                Some((prefix, name)) => {
                    names::to_label_value(name).map(|n| format!("{}/{n}", names::sanitize_dns1123_subdomain(prefix)))
                }
                None => names::to_label_value(key),
            };
            if let Some(fixed) = fixed.filter(|f| names::is_label_key(f) && f != key) {
                diagnostic =
                    diagnostic.with_fix(Fix::replace(format!("use `{fixed}`"), field.key.name.span, key_text(&fixed)));
            }
            self.report(diagnostic);
        }
    }

    fn label_value(&mut self, text: &str, value: &Value) {
        if let Err(why) = names::check_label_value(text) {
            let mut diagnostic =
                Diagnostic::new(codes::INVALID_LABEL_VALUE, value.span, format!("invalid label value `{text}`: {why}"));
            if let Some(fixed) = names::to_label_value(text).filter(|f| f != text) {
                diagnostic = diagnostic.with_fix(Fix::replace(format!("use `{fixed}`"), value.span, quote(&fixed)));
            }
            self.report(diagnostic);
        }
    }

    /// `env { KEY: "value" }` for a list of `EnvVar`.
    fn is_env_sugar(&self, slot: Slot<'_>, items: TypeId) -> bool {
        let (Some(owner), What::Field(field)) = (slot.owner, slot.what) else { return false };
        self.s.info(items).short_name() == Some("EnvVar")
            && tables::keyed_list(owner, field).and_then(|k| k.merge_key) == Some("name")
    }

    fn env_sugar(&mut self, block: &Block, items: TypeId) {
        let mut seen = HashMap::new();
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

    /// Elements of a keyed list written in one list: each needs its merge key, once.
    fn keyed_elements(&mut self, elements: &[Value], slot: Slot<'_>) {
        let (Some(owner), What::Field(list)) = (slot.owner, slot.what) else { return };
        let Some(merge_key) = tables::keyed_list(owner, list).and_then(|k| k.merge_key) else { return };
        let mut seen: HashMap<String, Span> = HashMap::new();
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
            let Some(key) = literal_key(&value.kind) else { continue };
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
            self.requests_within_limits(fields);
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
        if !matches!(&operator.kind, ValueKind::Str(op) if op == "Exists") {
            return;
        }
        let Some((value_field, value)) = set_value("value") else { return };
        let empty = match &value.kind {
            ValueKind::Str(text) => text.is_empty(),
            ValueKind::Null | ValueKind::Ref(_) | ValueKind::Error => true,
            _ => false,
        };
        if !empty {
            self.report(
                Diagnostic::new(
                    codes::TOLERATION_EXISTS_WITH_VALUE,
                    value_field.span,
                    "a toleration with `operator: \"Exists\"` cannot have a `value`",
                )
                .with_label(operator.span, "`Exists` matches every value of the key")
                .with_help("remove `value`, or use `operator: \"Equal\"` to match this value only")
                .with_fix(Fix::replace("remove `value`", value_field.span, "")),
            );
        }
    }

    fn requests_within_limits(&mut self, fields: &[AstField]) {
        let quantities = |name: &str| -> Vec<(&str, (Quantity, String), Span)> {
            let Some(field) = fields.iter().rev().find(|f| f.key.name.text == name && f.key.index.is_none()) else {
                return Vec::new();
            };
            let Some(Value { kind: ValueKind::Object(block), .. }) = field.op.value() else { return Vec::new() };
            block
                .fields
                .iter()
                .filter_map(|f| {
                    let value = match &f.op {
                        FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => value,
                        _ => return None,
                    };
                    Some((f.key.name.text.as_str(), literal_quantity(&value.kind)?, value.span))
                })
                .collect()
        };
        let limits = quantities("limits");
        for (resource, request, span) in quantities("requests") {
            let Some((_, limit, limit_span)) = limits.iter().rev().find(|(r, _, _)| *r == resource) else { continue };
            if request.0 > limit.0 {
                self.report(
                    Diagnostic::new(
                        codes::REQUESTS_EXCEED_LIMITS,
                        span,
                        format!("the request for `{resource}` ({}) is above its limit ({})", request.1, limit.1),
                    )
                    .with_label(*limit_span, "the limit")
                    .with_help("Kubernetes rejects a request above the limit: raise the limit or lower the request"),
                );
            }
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
        ValueKind::Str(s) => Some(s.clone()),
        ValueKind::Int(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A quantity written as a literal, with its text for messages.
fn literal_quantity(kind: &ValueKind) -> Option<(Quantity, String)> {
    match kind {
        ValueKind::Int(n) => Some((Quantity::from_int(*n), n.to_string())),
        ValueKind::Float(x) => Some((Quantity::from_f64(*x)?, format!("{x}"))),
        ValueKind::Unit(text) | ValueKind::Str(text) => Some((parse_quantity(text).ok()?, text.clone())),
        _ => None,
    }
}

/// The text of a scalar as it would be written inside quotes.
fn scalar_text(kind: &ValueKind) -> Option<String> {
    match kind {
        ValueKind::Int(n) => Some(n.to_string()),
        ValueKind::Float(x) => Some(format!("{x}")),
        ValueKind::Bool(b) => Some(b.to_string()),
        ValueKind::Unit(text) => Some(text.clone()),
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

/// For a decimal suggestion made from a byte unit (`8G` from `8GB`), the binary spelling.
fn binary_alternative(suggestion: &str) -> Option<String> {
    let last = suggestion.chars().last()?;
    if !"kMGTPE".contains(last) {
        return None;
    }
    let binary = format!("{}{}i", &suggestion[..suggestion.len() - 1], last.to_ascii_uppercase());
    parse_quantity(&binary).is_ok().then_some(binary)
}

fn decimal_power(suggestion: &str) -> u32 {
    match suggestion.chars().last() {
        Some('k') => 3,
        Some('M') => 6,
        Some('G') => 9,
        Some('T') => 12,
        Some('P') => 15,
        _ => 18,
    }
}

/// How a value is named in messages: "a string", "the unit literal `8Gi`", ...
fn found(value: &Value) -> String {
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

/// A skiff string literal for `s`, with the lexer's escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key as written in skiff: bare when it is an identifier, quoted otherwise.
pub fn key_text(key: &str) -> String {
    let mut chars = key.chars();
    let ident = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident { key.to_owned() } else { quote(key) }
}

#[cfg(test)]
mod tests;

//! The Kubernetes schema as hover and completion read it: what a field below a skiff body is,
//! its type, description, enum values and merge key, and which fields an object takes. A body
//! position is a path of field names from the top of a body of one [`BodyShape`].
//!
//! This module only describes; the checks of values live in [`crate::rules`], and walking a
//! body's syntax is the semantic layer's.

use crate::schema::{Field, Kind, Schema, TypeId, schema};
use crate::tables;

/// What the top level of a body holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyShape {
    /// `PodSpec` fields, plus `metadata` as an `ObjectMeta`: a `PodTemplateSpec` whose `spec`
    /// fields are written at the top level (`pod_template` bodies, `override pod_template`).
    PodTemplate,
    /// `Container` fields (task bodies; `override resources { ... }` and the like).
    Container,
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

/// Where the fields of an object written in a body are looked up: the top of the body, or an
/// object of a schema type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Root(BodyShape),
    Type(TypeId),
}

/// The owner and definition of field `name` in `scope`.
pub fn lookup<'s>(s: &'s Schema, scope: Scope, name: &str) -> Option<(TypeId, &'s Field)> {
    let owner = match scope {
        Scope::Root(BodyShape::PodTemplate) if name == "metadata" => s.pod_template_spec(),
        Scope::Root(BodyShape::PodTemplate) => s.pod_spec(),
        Scope::Root(BodyShape::Container) => s.container(),
        Scope::Type(ty) => ty,
    };
    s.field(owner, name).map(|f| (owner, f))
}

impl Scope {
    /// The object type whose fields this scope holds (`PodSpec` at the top of a pod template).
    pub fn object_type(self) -> TypeId {
        let s = schema();
        match self {
            Scope::Root(BodyShape::PodTemplate) => s.pod_spec(),
            Scope::Root(BodyShape::Container) => s.container(),
            Scope::Type(ty) => ty,
        }
    }

    /// The names of the fields that may be written here (`metadata` too at a pod template's top).
    pub fn field_names(self) -> Vec<&'static str> {
        let s = schema();
        let mut names: Vec<&str> = s.fields(self.object_type()).iter().map(|f| f.name.as_str()).collect();
        if self == Scope::Root(BodyShape::PodTemplate) {
            names.push("metadata");
        }
        names
    }

    /// The scope's name in messages: `PodSpec`, `Container`, `Toleration`.
    pub fn name(self) -> String {
        match self {
            Scope::Root(BodyShape::PodTemplate) => "PodSpec".to_owned(),
            Scope::Root(BodyShape::Container) => "Container".to_owned(),
            Scope::Type(ty) => schema().type_name(ty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: BodyShape = BodyShape::PodTemplate;
    const C: BodyShape = BodyShape::Container;

    #[test]
    fn describe_gives_type_and_description() {
        let doc = describe(P, &["nodeSelector"]).unwrap();
        assert_eq!(doc.type_name, "map[string]string");
        assert!(doc.description.starts_with("NodeSelector is a selector"), "{}", doc.description);
        let doc = describe(P, &["metadata"]).unwrap();
        assert_eq!(doc.type_name, "ObjectMeta");
        let doc = describe(P, &["metadata", "labels"]).unwrap();
        assert_eq!(doc.type_name, "map[string]string");
        let doc = describe(C, &["resources", "limits", "memory"]).unwrap();
        assert_eq!((doc.name.as_str(), doc.type_name.as_str()), ("memory", "Quantity"));
        assert!(doc.description.contains("fixed-point"));
        let doc = describe(P, &["containers", "resources", "limits"]).unwrap();
        assert_eq!(doc.type_name, "map[string]Quantity");
        let doc = describe(P, &["tolerations", "effect"]).unwrap();
        assert_eq!(doc.enum_values, Some(&["NoSchedule", "PreferNoSchedule", "NoExecute"][..]));
        let doc = describe(P, &["containers"]).unwrap();
        assert_eq!((doc.merge_key, doc.required), (Some("name"), true));
        assert_eq!(describe(P, &["tolerations"]).unwrap().merge_key, None);
        assert_eq!(describe(C, &["ports", "containerPort"]).unwrap().type_name, "int32");
        assert!(describe(P, &["nope"]).is_none());
        assert!(describe(P, &["hostNetwork", "x"]).is_none());
        assert!(describe(C, &[]).is_none());
        assert!(describe(C, &["nodeSelector"]).is_none());
    }

    #[test]
    fn fields_and_types_for_completion() {
        let top: Vec<String> = fields_at(P, &[]).into_iter().map(|d| d.name).collect();
        assert!(top.contains(&"metadata".to_owned()) && top.contains(&"nodeSelector".to_owned()));
        assert!(top.windows(2).all(|w| w[0] < w[1]));
        let resources: Vec<String> = fields_at(C, &["resources"]).into_iter().map(|d| d.name).collect();
        assert_eq!(resources, ["claims", "limits", "requests"]);
        assert!(fields_at(C, &["image"]).is_empty());
        let s = schema();
        assert_eq!(type_at(P, &[]), Some(s.pod_spec()));
        assert_eq!(type_at(P, &["containers"]), Some(s.container()));
        assert_eq!(type_at(P, &["metadata"]), Some(s.object_meta()));
        assert_eq!(type_at(C, &["nope"]), None);
    }
}

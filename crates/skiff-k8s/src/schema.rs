//! The Kubernetes schema of a `PodTemplateSpec`, as k8s-openapi's `schemars` feature describes
//! it, turned once into plain structs that are cheap to query.
//!
//! Every type the schema names (`io.k8s.api.core.v1.PodSpec`, ...) gets a [`TypeId`]; so does every
//! anonymous type written inline (`[]string`, `map[string]Quantity`). `Quantity` and
//! `IntOrString` are recognised by their definitions (both carry `x-kubernetes-int-or-string`),
//! never by the name of a field that uses them.

use std::collections::HashMap;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use serde_json::{Map, Value};

/// The full definition name of Kubernetes' `Quantity`.
pub const QUANTITY_DEF: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
/// The full definition name of Kubernetes' `IntOrString`.
pub const INT_OR_STRING_DEF: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/// A handle on one type of the schema: a named definition or an inline type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(u32);

impl TypeId {
    /// The position of this type in [`Schema::types`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What values of a type look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An object with named fields, sorted by name.
    Object {
        fields: Vec<Field>,
    },
    /// A map from arbitrary string keys to values of one type (`labels`, `resources.limits`).
    Map {
        values: TypeId,
    },
    Array {
        items: TypeId,
    },
    String,
    Integer,
    Number,
    Boolean,
    /// A Kubernetes resource quantity: `500m`, `8Gi`, `2`.
    Quantity,
    /// An int or a string (`x-kubernetes-int-or-string`): a port number or a port name.
    IntOrString,
    /// Anything goes (`x-kubernetes-preserve-unknown-fields`, an object without properties).
    Any,
}

/// One field of an object type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub ty: TypeId,
    /// The field's own description, else its type's.
    pub description: String,
    pub required: bool,
}

/// One type: its definition name when it has one, its description, and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeInfo {
    /// The full definition name (`io.k8s.api.core.v1.PodSpec`); `None` for inline types.
    pub name: Option<String>,
    pub description: String,
    /// The JSON Schema `format` (`int32`, `int64`, `date-time`, `byte`), if any.
    pub format: Option<String>,
    pub kind: Kind,
}

impl TypeInfo {
    /// The last segment of the definition name (`PodSpec`), if the type is a definition.
    pub fn short_name(&self) -> Option<&str> {
        self.name.as_deref().map(|n| n.rsplit('.').next().unwrap_or(n))
    }
}

/// The whole schema reachable from `PodTemplateSpec`.
#[derive(Debug)]
pub struct Schema {
    types: Vec<TypeInfo>,
    /// Per type, indexed like `types`: each field of an object type by name, as its position
    /// in the type's `fields` (empty for other kinds). Every key of every body and patch is
    /// looked up here: a hash, where a search of `PodSpec`'s 43 sorted names took six compares.
    field_positions: Vec<FxHashMap<String, u32>>,
    by_name: HashMap<String, TypeId>,
    by_short_name: HashMap<String, TypeId>,
    pod_template_spec: TypeId,
    pod_spec: TypeId,
    object_meta: TypeId,
    container: TypeId,
}

static SCHEMA: LazyLock<Schema> = LazyLock::new(|| {
    let root = schemars::schema_for!(k8s_openapi::api::core::v1::PodTemplateSpec);
    Schema::from_json(root.as_value()).unwrap_or_else(|e| panic!("k8s-openapi's PodTemplateSpec schema: {e}"))
});

/// The schema, built on first use (a few milliseconds) and shared afterwards.
pub fn schema() -> &'static Schema {
    &SCHEMA
}

impl Schema {
    /// Builds the view from a JSON Schema document whose root is `PodTemplateSpec` and whose
    /// `$defs` hold every referenced definition, as `schemars::schema_for!` produces it.
    pub fn from_json(root: &Value) -> Result<Schema, String> {
        let defs = root.get("$defs").and_then(Value::as_object).ok_or("the schema has no `$defs`")?;
        let root_name = root.get("title").and_then(Value::as_str).unwrap_or("io.k8s.api.core.v1.PodTemplateSpec");
        let mut builder = Builder { types: Vec::new(), by_name: HashMap::new(), inline: HashMap::new() };
        // Reserve an id for every definition first, so `$ref`s resolve whatever the order.
        let mut names: Vec<&str> = defs.keys().map(String::as_str).collect();
        if !defs.contains_key(root_name) {
            names.push(root_name);
        }
        for name in &names {
            let id = TypeId(builder.types.len() as u32);
            builder.types.push(TypeInfo {
                name: Some((*name).to_owned()),
                description: String::new(),
                format: None,
                kind: Kind::Any,
            });
            builder.by_name.insert((*name).to_owned(), id);
        }
        for name in &names {
            let def = if *name == root_name && !defs.contains_key(root_name) { root } else { &defs[*name] };
            let id = builder.by_name[*name];
            let (kind, format) = builder.kind_of_definition(name, def)?;
            let info = &mut builder.types[id.index()];
            info.kind = kind;
            info.format = format;
            info.description = description(def);
        }
        let lookup = |name: &str| builder.by_name.get(name).copied().ok_or(format!("no definition `{name}`"));
        let pod_template_spec = lookup(root_name)?;
        let pod_spec = lookup("io.k8s.api.core.v1.PodSpec")?;
        let object_meta = lookup("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")?;
        let container = lookup("io.k8s.api.core.v1.Container")?;
        let mut by_short_name = HashMap::new();
        for (i, info) in builder.types.iter().enumerate() {
            if let Some(short) = info.short_name() {
                by_short_name.insert(short.to_owned(), TypeId(i as u32));
            }
        }
        let field_positions = builder
            .types
            .iter()
            .map(|info| match &info.kind {
                Kind::Object { fields } => fields.iter().enumerate().map(|(i, f)| (f.name.clone(), i as u32)).collect(),
                _ => FxHashMap::default(),
            })
            .collect();
        Ok(Schema {
            types: builder.types,
            field_positions,
            by_name: builder.by_name,
            by_short_name,
            pod_template_spec,
            pod_spec,
            object_meta,
            container,
        })
    }

    pub fn pod_template_spec(&self) -> TypeId {
        self.pod_template_spec
    }

    pub fn pod_spec(&self) -> TypeId {
        self.pod_spec
    }

    pub fn object_meta(&self) -> TypeId {
        self.object_meta
    }

    pub fn container(&self) -> TypeId {
        self.container
    }

    /// Every type, definitions and inline types, indexed by [`TypeId::index`].
    pub fn types(&self) -> &[TypeInfo] {
        &self.types
    }

    pub fn info(&self, ty: TypeId) -> &TypeInfo {
        &self.types[ty.index()]
    }

    pub fn kind(&self, ty: TypeId) -> &Kind {
        &self.types[ty.index()].kind
    }

    /// A definition by its full name (`io.k8s.api.core.v1.Toleration`) or its last segment
    /// (`Toleration`; unique within this schema).
    pub fn definition(&self, name: &str) -> Option<TypeId> {
        self.by_name.get(name).or_else(|| self.by_short_name.get(name)).copied()
    }

    /// The fields of an object type, sorted by name; empty for other kinds.
    pub fn fields(&self, ty: TypeId) -> &[Field] {
        match self.kind(ty) {
            Kind::Object { fields } => fields,
            _ => &[],
        }
    }

    /// One field of an object type.
    pub fn field(&self, ty: TypeId, name: &str) -> Option<&Field> {
        self.field_positions[ty.index()].get(name).map(|&i| &self.fields(ty)[i as usize])
    }

    /// A short, Go-like name for messages and hover: `PodSpec`, `[]Container`,
    /// `map[string]Quantity`, `string`, `int32`.
    pub fn type_name(&self, ty: TypeId) -> String {
        let info = self.info(ty);
        if let Some(short) = info.short_name() {
            return short.to_owned();
        }
        match &info.kind {
            Kind::Object { .. } => "object".to_owned(),
            Kind::Map { values } => format!("map[string]{}", self.type_name(*values)),
            Kind::Array { items } => format!("[]{}", self.type_name(*items)),
            Kind::String => "string".to_owned(),
            Kind::Integer => match info.format.as_deref() {
                Some(f @ ("int32" | "int64")) => f.to_owned(),
                _ => "integer".to_owned(),
            },
            Kind::Number => "number".to_owned(),
            Kind::Boolean => "boolean".to_owned(),
            Kind::Quantity => "Quantity".to_owned(),
            Kind::IntOrString => "IntOrString".to_owned(),
            Kind::Any => "any".to_owned(),
        }
    }
}

struct Builder {
    types: Vec<TypeInfo>,
    by_name: HashMap<String, TypeId>,
    /// Inline types already made, by a key that identifies them (`[]#12`, `string/int32`).
    inline: HashMap<String, TypeId>,
}

impl Builder {
    fn kind_of_definition(&mut self, name: &str, def: &Value) -> Result<(Kind, Option<String>), String> {
        let format = def.get("format").and_then(Value::as_str).map(str::to_owned);
        if def.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
            let kind = if name == QUANTITY_DEF { Kind::Quantity } else { Kind::IntOrString };
            return Ok((kind, format));
        }
        Ok((self.kind_of(def)?, format))
    }

    /// The kind of an inline schema (a definition body or a property's schema without `$ref`).
    fn kind_of(&mut self, schema: &Value) -> Result<Kind, String> {
        let Some(obj) = schema.as_object() else { return Ok(Kind::Any) };
        if obj.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool) == Some(true) {
            return Ok(Kind::Any);
        }
        if obj.get("x-kubernetes-int-or-string").and_then(Value::as_bool) == Some(true) {
            return Ok(Kind::IntOrString);
        }
        let ty = match obj.get("type") {
            Some(Value::String(t)) => t.as_str(),
            // `["string", "null"]`: the non-null member decides.
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or(""),
            _ => "",
        };
        Ok(match ty {
            "object" => {
                if let Some(props) = obj.get("properties").and_then(Value::as_object) {
                    Kind::Object { fields: self.fields(props, obj.get("required"))? }
                } else if let Some(values) = obj.get("additionalProperties").filter(|v| v.is_object()) {
                    Kind::Map { values: self.type_of(values)? }
                } else {
                    Kind::Any
                }
            }
            "array" => match obj.get("items") {
                Some(items) => Kind::Array { items: self.type_of(items)? },
                None => Kind::Array { items: self.inline_type("any", None, Kind::Any) },
            },
            "string" => Kind::String,
            "integer" => Kind::Integer,
            "number" => Kind::Number,
            "boolean" => Kind::Boolean,
            _ => Kind::Any,
        })
    }

    fn fields(&mut self, props: &Map<String, Value>, required: Option<&Value>) -> Result<Vec<Field>, String> {
        let required: Vec<&str> = required
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::with_capacity(props.len());
        for (name, prop) in props {
            let ty = self.type_of(prop)?;
            let mut description = description(prop);
            if description.is_empty() {
                description = self.types[ty.index()].description.clone();
            }
            fields.push(Field { name: name.clone(), ty, description, required: required.contains(&name.as_str()) });
        }
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(fields)
    }

    /// The type of a property or item schema: a `$ref`'d definition or an inline type.
    fn type_of(&mut self, schema: &Value) -> Result<TypeId, String> {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.strip_prefix("#/$defs/").unwrap_or(reference);
            return self.by_name.get(name).copied().ok_or_else(|| format!("dangling `$ref` to `{name}`"));
        }
        let format = schema.get("format").and_then(Value::as_str).map(str::to_owned);
        let kind = self.kind_of(schema)?;
        let key = match &kind {
            Kind::Object { .. } => None, // anonymous objects are not shared
            Kind::Map { values } => Some(format!("map/{}", values.0)),
            Kind::Array { items } => Some(format!("array/{}", items.0)),
            other => Some(format!("{other:?}/{}", format.as_deref().unwrap_or(""))),
        };
        Ok(match key {
            Some(key) => self.inline_type(&key, format, kind),
            None => self.push(None, format, kind),
        })
    }

    fn inline_type(&mut self, key: &str, format: Option<String>, kind: Kind) -> TypeId {
        if let Some(id) = self.inline.get(key) {
            return *id;
        }
        let id = self.push(None, format, kind);
        self.inline.insert(key.to_owned(), id);
        id
    }

    fn push(&mut self, name: Option<String>, format: Option<String>, kind: Kind) -> TypeId {
        let id = TypeId(self.types.len() as u32);
        self.types.push(TypeInfo { name, description: String::new(), format, kind });
        id
    }
}

fn description(schema: &Value) -> String {
    schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_kind(def: &str, field: &str) -> &'static Kind {
        let s = schema();
        let ty = s.definition(def).unwrap_or_else(|| panic!("no {def}"));
        let f = s.field(ty, field).unwrap_or_else(|| panic!("no {def}.{field}"));
        s.kind(f.ty)
    }

    #[test]
    fn entry_points_are_the_named_definitions() {
        let s = schema();
        assert_eq!(s.info(s.pod_spec()).name.as_deref(), Some("io.k8s.api.core.v1.PodSpec"));
        assert_eq!(s.info(s.container()).name.as_deref(), Some("io.k8s.api.core.v1.Container"));
        assert_eq!(s.info(s.object_meta()).short_name(), Some("ObjectMeta"));
        assert_eq!(s.info(s.pod_template_spec()).short_name(), Some("PodTemplateSpec"));
        let spec = s.field(s.pod_template_spec(), "spec").unwrap();
        assert_eq!(spec.ty, s.pod_spec());
    }

    #[test]
    fn quantity_and_int_or_string_come_from_their_definitions() {
        let s = schema();
        let limits = s.field(s.definition("ResourceRequirements").unwrap(), "limits").unwrap();
        let Kind::Map { values } = s.kind(limits.ty) else { panic!("limits is not a map") };
        assert_eq!(s.kind(*values), &Kind::Quantity);
        assert_eq!(s.type_name(limits.ty), "map[string]Quantity");
        assert_eq!(field_kind("HTTPGetAction", "port"), &Kind::IntOrString);
        assert_eq!(field_kind("ResourceFieldSelector", "divisor"), &Kind::Quantity);
        // Every Quantity-kinded type is the Quantity definition itself.
        for (i, info) in s.types().iter().enumerate() {
            if info.kind == Kind::Quantity {
                assert_eq!(info.name.as_deref(), Some(QUANTITY_DEF), "type #{i}");
            }
        }
    }

    #[test]
    fn kinds_of_common_fields() {
        assert!(matches!(field_kind("PodSpec", "containers"), Kind::Array { .. }));
        assert!(matches!(field_kind("PodSpec", "nodeSelector"), Kind::Map { .. }));
        assert_eq!(field_kind("PodSpec", "hostNetwork"), &Kind::Boolean);
        assert_eq!(field_kind("PodSpec", "activeDeadlineSeconds"), &Kind::Integer);
        assert_eq!(field_kind("Container", "image"), &Kind::String);
        assert!(matches!(field_kind("PodSpec", "affinity"), Kind::Object { .. }));
        let s = schema();
        let managed = s.field(s.definition("ManagedFieldsEntry").unwrap(), "fieldsV1").unwrap();
        assert_eq!(s.kind(managed.ty), &Kind::Any, "FieldsV1 has no properties");
        let port = s.field(s.definition("ContainerPort").unwrap(), "containerPort").unwrap();
        assert_eq!(s.type_name(port.ty), "int32");
        assert_eq!(s.type_name(s.field(s.pod_spec(), "containers").unwrap().ty), "[]Container");
    }

    #[test]
    fn fields_carry_descriptions_and_required_ness() {
        let s = schema();
        let containers = s.field(s.pod_spec(), "containers").unwrap();
        assert!(containers.required);
        assert!(containers.description.contains("containers"), "{}", containers.description);
        let node_selector = s.field(s.pod_spec(), "nodeSelector").unwrap();
        assert!(!node_selector.required);
        let name = s.field(s.container(), "name").unwrap();
        assert!(name.required);
        assert!(s.field(s.pod_spec(), "node_selector").is_none());
        assert!(s.field(s.pod_spec(), "").is_none());
        // Sorted, so the binary search in `field` finds every field.
        for info in s.types() {
            if let Kind::Object { fields } = &info.kind {
                assert!(fields.windows(2).all(|w| w[0].name < w[1].name));
            }
        }
    }

    #[test]
    fn short_names_are_unique() {
        let s = schema();
        let mut seen = std::collections::HashSet::new();
        for info in s.types() {
            if let Some(short) = info.short_name() {
                assert!(seen.insert(short), "two definitions end in `{short}`");
            }
        }
        assert!(seen.len() > 100, "only {} definitions", seen.len());
    }

    #[test]
    fn malformed_schemas_are_errors_not_panics() {
        assert!(Schema::from_json(&serde_json::json!({})).is_err());
        assert!(Schema::from_json(&serde_json::json!({"$defs": {}})).is_err());
        let dangling = serde_json::json!({
            "title": "io.k8s.api.core.v1.PodTemplateSpec",
            "$defs": {"io.k8s.api.core.v1.PodSpec": {"type": "object", "properties": {"x": {"$ref": "#/$defs/Nope"}}}}
        });
        assert!(Schema::from_json(&dangling).unwrap_err().contains("Nope"));
    }
}

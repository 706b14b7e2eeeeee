//! Where a value sits in the Kubernetes schema, as far as merging cares: which lists are keyed
//! (and by what), which are merged as sets, and which are replaced whole.

use crate::schema::{Kind, TypeId, schema};
use crate::tables;

/// How a list merges with the list below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy {
    /// Replaced whole by the patch list (every list the keyed-list table does not name).
    Atomic,
    /// Merged element by element on the merge key (`containers` by `name`).
    Keyed(&'static str),
    /// A list of scalars merged as an ordered set (`metadata.finalizers`).
    Set,
}

/// A position in the schema. Start from [`Shape::pod_template_spec`], [`Shape::Pod`] or
/// [`Shape::PodTemplate`] and step with [`Shape::field`] and [`Shape::item`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A value of this schema type (an object, a map, a scalar).
    Type(TypeId),
    /// A list field: the type of its items, if known, and how it merges.
    List { items: Option<TypeId>, strategy: ListStrategy },
    /// A whole `Pod` document: `metadata` is an `ObjectMeta`, `spec` a `PodSpec`; anything else
    /// (`apiVersion`, `kind`, `status`) is merged without schema.
    Pod,
    /// A whole `PodTemplate` document: `metadata` and a `template` (a `PodTemplateSpec`).
    PodTemplate,
    /// Outside the schema: maps merge key by key, lists are replaced whole.
    Any,
}

impl Shape {
    /// A `PodTemplateSpec`: `{metadata, spec}`, what every skiff layer is.
    pub fn pod_template_spec() -> Shape {
        Shape::Type(schema().pod_template_spec())
    }

    /// The position of a value of type `ty` reached without a field (a map value, a list item).
    pub fn of_type(ty: TypeId) -> Shape {
        match schema().kind(ty) {
            Kind::Array { items } => Shape::List { items: Some(*items), strategy: ListStrategy::Atomic },
            _ => Shape::Type(ty),
        }
    }

    /// The position of the field `name` of an object here (or of an entry of a map).
    pub fn field(self, name: &str) -> Shape {
        let s = schema();
        match self {
            Shape::Type(ty) => match s.kind(ty) {
                Kind::Object { .. } => match s.field(ty, name) {
                    Some(field) => match s.kind(field.ty) {
                        Kind::Array { items } => {
                            let strategy = match tables::keyed_list(ty, name) {
                                Some(entry) => match entry.merge_key {
                                    Some(key) => ListStrategy::Keyed(key),
                                    None => ListStrategy::Set,
                                },
                                None => ListStrategy::Atomic,
                            };
                            Shape::List { items: Some(*items), strategy }
                        }
                        _ => Shape::Type(field.ty),
                    },
                    None => Shape::Any,
                },
                Kind::Map { values } => Shape::of_type(*values),
                _ => Shape::Any,
            },
            Shape::Pod => match name {
                "metadata" => Shape::Type(s.object_meta()),
                "spec" => Shape::Type(s.pod_spec()),
                _ => Shape::Any,
            },
            Shape::PodTemplate => match name {
                "metadata" => Shape::Type(s.object_meta()),
                "template" => Shape::Type(s.pod_template_spec()),
                _ => Shape::Any,
            },
            Shape::List { .. } | Shape::Any => Shape::Any,
        }
    }

    /// The position of the items of a list here.
    pub fn item(self) -> Shape {
        match self {
            Shape::List { items: Some(items), .. } => Shape::of_type(items),
            _ => Shape::Any,
        }
    }

    /// How a list here merges: [`ListStrategy::Atomic`] for anything but a keyed or set list.
    pub fn strategy(self) -> ListStrategy {
        match self {
            Shape::List { strategy, .. } => strategy,
            _ => ListStrategy::Atomic,
        }
    }

    /// Whether the items of a list here are objects or maps according to the schema (`false`
    /// when unknown).
    pub(crate) fn items_are_objects(self) -> bool {
        match self {
            Shape::List { items: Some(items), .. } => {
                matches!(schema().kind(items), Kind::Object { .. } | Kind::Map { .. })
            }
            _ => false,
        }
    }

    /// Whether a value here is a string map (`labels`, `nodeSelector`, `resources.limits`).
    pub fn is_map(self) -> bool {
        matches!(self, Shape::Type(ty) if matches!(schema().kind(ty), Kind::Map { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_set_and_atomic_lists_come_from_the_table() {
        let root = Shape::pod_template_spec();
        let spec = root.field("spec");
        assert_eq!(spec.field("containers").strategy(), ListStrategy::Keyed("name"));
        assert_eq!(spec.field("tolerations").strategy(), ListStrategy::Atomic);
        assert_eq!(spec.field("volumes").strategy(), ListStrategy::Keyed("name"));
        let container = spec.field("containers").item();
        assert_eq!(container, Shape::Type(schema().container()));
        assert_eq!(container.field("ports").strategy(), ListStrategy::Keyed("containerPort"));
        assert_eq!(container.field("volumeMounts").strategy(), ListStrategy::Keyed("mountPath"));
        assert_eq!(container.field("args").strategy(), ListStrategy::Atomic);
        assert_eq!(container.field("resources").field("claims").strategy(), ListStrategy::Atomic);
        let ephemeral = spec.field("ephemeralContainers").item();
        assert_eq!(ephemeral.field("env").strategy(), ListStrategy::Keyed("name"));
        assert_eq!(root.field("metadata").field("finalizers").strategy(), ListStrategy::Set);
        assert_eq!(root.field("metadata").field("ownerReferences").strategy(), ListStrategy::Keyed("uid"));
        assert!(spec.field("nodeSelector").is_map());
        assert!(container.field("resources").field("limits").is_map());
        assert!(!spec.field("affinity").is_map());
        assert_eq!(spec.field("noSuchField"), Shape::Any);
        assert_eq!(Shape::Any.field("x").item(), Shape::Any);
    }

    #[test]
    fn documents_type_their_known_parts() {
        assert_eq!(Shape::Pod.field("spec"), Shape::Type(schema().pod_spec()));
        assert_eq!(Shape::Pod.field("metadata").field("finalizers").strategy(), ListStrategy::Set);
        assert_eq!(Shape::Pod.field("status"), Shape::Any);
        assert_eq!(Shape::PodTemplate.field("template"), Shape::pod_template_spec());
        assert_eq!(
            Shape::PodTemplate.field("template").field("spec").field("initContainers").strategy(),
            ListStrategy::Keyed("name")
        );
    }
}

//! Typed values straight from a merged tree: a [`Node`] is a `serde` deserializer, so the
//! compiler turns an effective pod into a `k8s_openapi` `Pod` in one walk, with no JSON tree
//! in between (half of a large build's allocations were that JSON).
//!
//! It reads a tree the way `serde_json::from_value` reads the same tree as JSON: integers as
//! `i64`, other numbers as `f64`, maps in their order, unknown fields left to the target type.

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::value::{Node, Value};

/// Why a tree is not a value of the requested type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        DecodeError(message.to_string())
    }
}

/// Reads `T` from a tree, as `serde_json::from_value(node.to_json())` would, without the JSON.
pub fn decode<T: de::DeserializeOwned, O>(node: &Node<O>) -> Result<T, DecodeError> {
    T::deserialize(NodeDeserializer(node))
}

/// A borrowed node as a deserializer.
struct NodeDeserializer<'a, O>(&'a Node<O>);

impl<'de, O> IntoDeserializer<'de, DecodeError> for NodeDeserializer<'de, O> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, O> de::Deserializer<'de> for NodeDeserializer<'de, O> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match &self.0.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(x) => visitor.visit_f64(*x),
            Value::String(s) => visitor.visit_borrowed_str(s.as_str()),
            Value::List(items) => {
                let mut access = Items(items.iter());
                let value = visitor.visit_seq(&mut access)?;
                match access.0.len() {
                    0 => Ok(value),
                    left => Err(de::Error::invalid_length(items.len() - left, &"fewer elements")),
                }
            }
            Value::Map(map) => visitor.visit_map(Entries { entries: map.iter(), value: None }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.0.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        // Unit variants are strings, as in JSON; Kubernetes types have no other kind.
        match &self.0.value {
            Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            other => Err(de::Error::invalid_type(unexpected(other), &"a string naming a variant")),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected<O>(value: &Value<O>) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Int(i) => de::Unexpected::Signed(*i),
        Value::Float(x) => de::Unexpected::Float(*x),
        Value::String(s) => de::Unexpected::Str(s),
        Value::List(_) => de::Unexpected::Seq,
        Value::Map(_) => de::Unexpected::Map,
    }
}

struct Items<'a, O>(std::slice::Iter<'a, Node<O>>);

impl<'de, O> SeqAccess<'de> for Items<'de, O> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DecodeError> {
        self.0.next().map(|node| seed.deserialize(NodeDeserializer(node))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Entries<'a, O> {
    entries: indexmap::map::Iter<'a, smol_str::SmolStr, Node<O>>,
    value: Option<&'a Node<O>>,
}

impl<'de, O> MapAccess<'de> for Entries<'de, O> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DecodeError> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key.as_str())).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DecodeError> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value was read before its key"))?;
        seed.deserialize(NodeDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
    use proptest::prelude::*;

    fn tree(json: serde_json::Value) -> Node<()> {
        Node::from_json(&json, ())
    }

    #[test]
    fn a_pod_template_reads_as_from_json_does() {
        let json = serde_json::json!({
            "metadata": {"labels": {"team": "ml"}, "annotations": {}},
            "spec": {
                "restartPolicy": "Never",
                "activeDeadlineSeconds": 600,
                "containers": [{
                    "name": "primary",
                    "image": "train:1",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {"limits": {"memory": "4Gi", "nvidia.com/gpu": "1"}},
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "x"}}}],
                    "livenessProbe": {"httpGet": {"port": "http", "path": "/"}},
                }],
                "tolerations": [{"key": "k", "operator": "Exists", "tolerationSeconds": 30}],
                "nodeSelector": {"gpu": "a100"},
                "unknownField": {"kept": "out"},
            },
        });
        let typed: PodTemplateSpec = decode(&tree(json.clone())).expect("a template");
        assert_eq!(typed, serde_json::from_value::<PodTemplateSpec>(json).unwrap());
        assert_eq!(typed.spec.unwrap().containers[0].resources.as_ref().unwrap().limits.as_ref().unwrap().len(), 2);
    }

    #[test]
    fn a_wrong_type_is_an_error_not_a_default() {
        let json = serde_json::json!({"spec": {"containers": [{"name": "a", "ports": [{"containerPort": "80"}]}]}});
        let error = decode::<Pod, ()>(&tree(json.clone())).unwrap_err();
        assert!(serde_json::from_value::<Pod>(json).is_err());
        assert!(error.to_string().contains("invalid type"), "{error}");
        let json = serde_json::json!({"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 1e20}]}]}});
        assert!(decode::<Pod, ()>(&tree(json)).is_err());
        let json =
            serde_json::json!({"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 4294967297i64}]}]}});
        assert!(decode::<Pod, ()>(&tree(json)).is_err(), "out of range for i32");
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            (-1e6f64..1e6).prop_map(serde_json::Value::from),
            "[a-z0-9]{0,6}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
                prop::collection::vec(
                    (prop_oneof![Just("name".to_owned()), Just("image".to_owned()), "[a-z]{1,4}"], inner),
                    0..5
                )
                .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any tree reads as the same JSON does: the same value, or an error for both.
        #[test]
        fn decoding_equals_serde_json(json in json_value()) {
            let node = tree(json.clone());
            prop_assert_eq!(decode::<serde_json::Value, ()>(&node).ok(), Some(json.clone()));
            let container = serde_json::json!({"name": "c", "env": [json.clone()], "args": json.clone()});
            let ours = decode::<k8s_openapi::api::core::v1::Container, ()>(&tree(container.clone()));
            let theirs = serde_json::from_value::<k8s_openapi::api::core::v1::Container>(container);
            prop_assert_eq!(ours.ok(), theirs.ok());
        }
    }
}

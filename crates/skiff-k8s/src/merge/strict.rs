//! What the API server's strict field validation refuses before a merge could hide it: a field
//! the schema does not have, in a patch (it would be merged in and reach the output as if it
//! meant something), and a directive (`$patch`, `$retainKeys`, ...) in a document being patched,
//! where it is no instruction but an unknown field that a merge would copy into the output.

use crate::names;
use crate::schema::{Kind, schema};

use super::error::{JsonPath, Segment};
use super::shape::Shape;
use super::value::{Node, Value};

/// A field a patch sets that its position in the schema does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownField<O> {
    /// Where, in the patch.
    pub path: JsonPath,
    /// The origin of the field's value.
    pub origin: O,
    /// What the position is: `PodSpec`, `a Pod`.
    pub owner: String,
    /// The nearest field the position has, if one is near.
    pub suggestion: Option<&'static str>,
}

impl<O> std::fmt::Display for UnknownField<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let field = match self.path.0.last() {
            Some(Segment::Key(key)) => key.as_str(),
            _ => "",
        };
        write!(f, "at {}: unknown field `{}` in {}", self.path, field.escape_debug(), self.owner)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

const POD_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
const POD_TEMPLATE_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "template"];

/// Every field of `patch` (at `shape`: [`Shape::Pod`], [`Shape::PodTemplate`] or a type) that
/// the schema does not have there, outermost first; nothing is looked at below an unknown field,
/// in maps of free keys (`labels`), or where the schema says nothing (`status`). Directive keys
/// are the merge's to check.
pub fn unknown_fields<O: Copy>(patch: &Node<O>, shape: Shape) -> Vec<UnknownField<O>> {
    let mut found = Vec::new();
    walk(patch, shape, &mut Vec::new(), &mut found);
    found
}

fn walk<O: Copy>(node: &Node<O>, shape: Shape, path: &mut Vec<Segment>, found: &mut Vec<UnknownField<O>>) {
    match &node.value {
        Value::Map(entries) => {
            let s = schema();
            let fields: Option<(Vec<&'static str>, String)> = match shape {
                Shape::Type(ty) if matches!(s.kind(ty), Kind::Object { .. }) => {
                    Some((s.fields(ty).iter().map(|f| f.name.as_str()).collect(), s.type_name(ty)))
                }
                Shape::Pod => Some((POD_FIELDS.to_vec(), "a Pod".to_owned())),
                Shape::PodTemplate => Some((POD_TEMPLATE_FIELDS.to_vec(), "a PodTemplate".to_owned())),
                _ => None,
            };
            for (key, value) in entries.iter() {
                if key.starts_with('$') {
                    continue;
                }
                path.push(Segment::Key(key.clone()));
                match &fields {
                    Some((names, owner)) if !names.contains(&key.as_str()) => found.push(UnknownField {
                        path: JsonPath(path.clone()),
                        origin: value.origin,
                        owner: owner.clone(),
                        suggestion: names::suggest(key, names.iter().copied()),
                    }),
                    _ => walk(value, shape.field(key), path, found),
                }
                path.pop();
            }
        }
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Segment::Index(i));
                walk(item, shape.item(), path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The first directive key (`$...`) of a document that is to be patched, depth first, with its
/// path and the origin of its value.
pub fn find_directive<O: Copy>(document: &Node<O>) -> Option<(JsonPath, O)> {
    fn go<O: Copy>(node: &Node<O>, path: &mut Vec<Segment>) -> Option<(JsonPath, O)> {
        match &node.value {
            Value::Map(entries) => entries.iter().find_map(|(key, value)| {
                path.push(Segment::Key(key.clone()));
                let found =
                    if key.starts_with('$') { Some((JsonPath(path.clone()), value.origin)) } else { go(value, path) };
                path.pop();
                found
            }),
            Value::List(items) => items.iter().enumerate().find_map(|(i, item)| {
                path.push(Segment::Index(i));
                let found = go(item, path);
                path.pop();
                found
            }),
            _ => None,
        }
    }
    go(document, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn unknown(patch: serde_json::Value, shape: Shape) -> Vec<String> {
        unknown_fields(&Node::from_json(&patch, ()), shape).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn unknown_fields_are_found_where_the_schema_knows_the_fields() {
        assert_eq!(
            unknown(json!({"spce": {}}), Shape::Pod),
            ["at $.spce: unknown field `spce` in a Pod (did you mean `spec`?)"]
        );
        assert_eq!(
            unknown(
                json!({"spec": {"containers": [{"name": "a", "imagePullPolicyy": "Always", "env": [{"name": "X", "vaule": "1"}]}]}}),
                Shape::Pod
            ),
            [
                "at $.spec.containers[0].imagePullPolicyy: unknown field `imagePullPolicyy` in Container (did you mean `imagePullPolicy`?)",
                "at $.spec.containers[0].env[0].vaule: unknown field `vaule` in EnvVar (did you mean `value`?)",
            ]
        );
        assert_eq!(
            unknown(
                json!({"template": {"spec": {"nodeSelector": {"any-key": "x"}}, "metadata": {"labels": {"b": "c"}}}}),
                Shape::PodTemplate
            ),
            Vec::<String>::new(),
            "map keys are free"
        );
        assert_eq!(unknown(json!({"status": {"anything": 1}, "$patch": "replace"}), Shape::Pod), Vec::<String>::new());
        assert_eq!(
            unknown(json!({"metadata": {}, "spec": {"$setElementOrder/containers": []}}), Shape::pod_template_spec()),
            Vec::<String>::new()
        );
        assert_eq!(
            unknown(json!({"status": {}}), Shape::pod_template_spec()),
            ["at $.status: unknown field `status` in PodTemplateSpec"]
        );
    }

    #[test]
    fn the_first_directive_of_a_document_is_found_with_its_path() {
        let found =
            |doc: serde_json::Value| find_directive(&Node::from_json(&doc, ())).map(|(path, ())| path.to_string());
        assert_eq!(
            found(json!({"spec": {"containers": [{"name": "a"}, {"name": "b", "$patch": "delete"}]}})).as_deref(),
            Some("$.spec.containers[1][\"$patch\"]")
        );
        assert_eq!(found(json!({"metadata": {"$foo": 1}})).as_deref(), Some("$.metadata[\"$foo\"]"));
        assert_eq!(found(json!({"metadata": {"labels": {"a": "$x"}}})), None);
    }
}

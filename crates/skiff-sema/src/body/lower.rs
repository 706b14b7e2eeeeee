//! From a skiff body (a template, a task's container, an override) to one strategic-merge patch
//! tree ([`merge::Node`]) that the merge engine applies as a layer.
//!
//! Every operator of the DSL becomes the patch the API server would get (`docs/merge.md`):
//! `key: value` a plain entry, `delete key` a `null`, `replace key: value` a `$patch: replace`,
//! `containers["x"] { ... }` and `delete containers["x"]` keyed elements, `key += [...]` skiff's
//! `$append/key`. Values take the form the schema position wants: a quantity written `2` or
//! `8Gi` becomes the string `"2"` / `"8Gi"`, `env { KEY: "v" }` becomes `[{name: KEY, value: v}]`.
//!
//! Lowering trusts that [`super::check_body`] ran: what it reports (a bare name, a value the
//! parser could not read) is left out here rather than guessed at. The caller chooses each
//! node's origin from the span of the text it came from.

use skiff_k8s::BodyShape;
use skiff_k8s::merge::{self, ListStrategy, Map, Node, Shape, Value};
use skiff_k8s::schema::{Kind, TypeId, schema};
use skiff_syntax::Span;
use skiff_syntax::ast::{Block, Field, FieldOp, SmolStr, Value as AstValue, ValueKind};

const PATCH: &str = "$patch";

/// The patch of a whole body. A [`BodyShape::PodTemplate`] body gives a `PodTemplateSpec`
/// patch (`{metadata, spec}`: the body's pod fields go under `spec`); a
/// [`BodyShape::Container`] body gives a `Container` patch. Top-level fields named in `skip`
/// (skiff's own, such as `pod_template` in a task) are left out.
pub fn lower_body<O: Copy>(
    body: &Block,
    shape: BodyShape,
    skip: &[&str],
    origin: &mut impl FnMut(Span) -> O,
) -> Node<O> {
    let fields = body.fields.iter().filter(|f| !skip.contains(&f.key.name.text.as_str()));
    lower_fields(fields, body.span, shape, origin)
}

/// The patch of fields written at the top level of a body of `shape` (one `override` clause is
/// such a field), with `span` as the origin of the maps it creates.
pub fn lower_fields<'a, O: Copy>(
    fields: impl IntoIterator<Item = &'a Field>,
    span: Span,
    shape: BodyShape,
    origin: &mut impl FnMut(Span) -> O,
) -> Node<O> {
    let s = schema();
    let at = origin(span);
    match shape {
        BodyShape::Container => {
            let mut lowering = Lowering { origin };
            lowering.object(fields, Shape::Type(s.container()), at)
        }
        BodyShape::PodTemplate => {
            let (metadata, spec): (Vec<&Field>, Vec<&Field>) =
                fields.into_iter().partition(|f| f.key.name.text == "metadata" && f.key.index.is_none());
            let mut lowering = Lowering { origin };
            let root = Shape::pod_template_spec();
            let mut entries = Map::default();
            // `metadata { ... }` is the template's ObjectMeta, written as one field of the body.
            let metadata = lowering.object(metadata, root, at);
            if let Value::Map(fields) = metadata.value {
                entries.extend(std::sync::Arc::unwrap_or_clone(fields));
            }
            entries.insert(SmolStr::new_static("spec"), lowering.object(spec, root.field("spec"), at));
            Node::new(Value::map(entries), at)
        }
    }
}

/// The patch of the fields of one object of type `ty`, each node's origin the span of its
/// text: what a value rule on a merge tree reads when it checks a body.
pub(super) fn lower_object(fields: &[Field], ty: TypeId) -> Node<Span> {
    let mut origin = |span| span;
    let at = fields.first().map_or(Span::empty(0), |f| f.span);
    Lowering { origin: &mut origin }.object(fields, Shape::Type(ty), at)
}

struct Lowering<'o, F> {
    origin: &'o mut F,
}

impl<O: Copy, F: FnMut(Span) -> O> Lowering<'_, F> {
    fn object<'a>(&mut self, fields: impl IntoIterator<Item = &'a Field>, shape: Shape, at: O) -> Node<O> {
        let mut entries: Map<O> = Map::default();
        for field in fields {
            let key = field.key.name.text.clone();
            let here = shape.field(&key);
            if let Some(index) = &field.key.index {
                self.element(&mut entries, key, here, index, &field.op, field.span);
                continue;
            }
            let node = match &field.op {
                FieldOp::Set { value, .. } => self.value(value, here),
                FieldOp::Replace { value, .. } => self.value(value, here).map(|node| replaced(node, here)),
                FieldOp::Delete => Some(Node::null((self.origin)(field.span))),
                FieldOp::Append(value) => {
                    let items = self.value(value, here);
                    if let Some(items) = items {
                        entries.insert(SmolStr::new(format!("$append/{key}")), items);
                    }
                    continue;
                }
                FieldOp::Error => None,
            };
            if let Some(node) = node {
                entries.insert(key, node);
            }
        }
        Node::new(Value::map(entries), at)
    }

    /// `list[key] { ... }`, `replace list[key] { ... }` and `delete list[key]`: an element of
    /// the patch list `list`, gathered with the other elements written for it.
    fn element(
        &mut self,
        entries: &mut Map<O>,
        list: SmolStr,
        shape: Shape,
        index: &AstValue,
        op: &FieldOp,
        span: Span,
    ) {
        let ListStrategy::Keyed(merge_key) = shape.strategy() else { return };
        let Some(key) = self.value(index, shape.item().field(merge_key)) else { return };
        let at = (self.origin)(span);
        let element = match op {
            FieldOp::Delete => merge::delete_element_patch(shape, key, at),
            FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => {
                let body = self.value(value, shape.item());
                let element = merge::element_patch(shape, key, body.as_ref(), at);
                if matches!(op, FieldOp::Replace { .. }) { element.map(|e| replaced(e, shape.item())) } else { element }
            }
            FieldOp::Append(_) | FieldOp::Error => None,
        };
        let Some(element) = element else { return };
        let entry = entries.entry(list).or_insert_with(|| Node::list(at));
        match entry.value.list_mut() {
            Some(items) => items.push(element),
            // `list: value` and `list[key]` in one body: a duplicate the checker reports.
            _ => *entry = Node::new(Value::list(vec![element]), at),
        }
    }

    fn value(&mut self, value: &AstValue, shape: Shape) -> Option<Node<O>> {
        let at = (self.origin)(value.span);
        let lowered = match &value.kind {
            ValueKind::Str(text) => Value::String(text.clone()),
            ValueKind::Bool(b) => Value::Bool(*b),
            ValueKind::Null => Value::Null,
            ValueKind::Int(n) => match kind_at(shape) {
                Some(Kind::Quantity) => Value::String(SmolStr::new(n.to_string())),
                _ => Value::Int(*n),
            },
            ValueKind::Float(x) => match kind_at(shape) {
                Some(Kind::Quantity) => Value::String(SmolStr::new(x.to_string())),
                _ => Value::Float(*x),
            },
            // `8Gi`, `500m`: text wherever the schema holds them (a quantity, an int-or-string).
            ValueKind::Unit(text) => Value::String(text.clone()),
            ValueKind::Object(block) if is_env_list(shape) => return Some(self.env_sugar(block, shape, at)),
            ValueKind::Object(block) => return Some(self.object(&block.fields, shape, at)),
            ValueKind::List(items) => {
                let item = shape.item();
                Value::list(items.iter().filter_map(|i| self.value(i, item)).collect())
            }
            // A reference or an unreadable value: reported by the checkers, left out here.
            ValueKind::Ref(_) | ValueKind::Error => return None,
        };
        Some(Node::new(lowered, at))
    }

    /// `env { KEY: "value", OTHER { valueFrom { ... } }, delete OLD }`: the list of `EnvVar`
    /// patches it stands for.
    fn env_sugar(&mut self, block: &Block, shape: Shape, at: O) -> Node<O> {
        let item = shape.item();
        let mut elements = Vec::new();
        for field in &block.fields {
            if field.key.index.is_some() {
                continue;
            }
            let name = Node::new(Value::String(field.key.name.text.clone()), (self.origin)(field.key.span));
            let element_at = (self.origin)(field.span);
            let element = match &field.op {
                FieldOp::Delete => merge::delete_element_patch(shape, name, element_at),
                FieldOp::Set { value, .. } | FieldOp::Replace { value, .. } => match &value.kind {
                    ValueKind::Null => merge::delete_element_patch(shape, name, element_at),
                    ValueKind::Object(body) => {
                        let body = self.object(&body.fields, item, element_at);
                        let element = merge::element_patch(shape, name, Some(&body), element_at);
                        if matches!(field.op, FieldOp::Replace { .. }) {
                            element.map(|e| replaced(e, item))
                        } else {
                            element
                        }
                    }
                    _ => {
                        let Some(text) = self.value(value, item.field("value")) else { continue };
                        let mut entries = Map::default();
                        entries.insert(SmolStr::new_static("value"), text);
                        let body = Node::new(Value::map(entries), element_at);
                        merge::element_patch(shape, name, Some(&body), element_at)
                    }
                },
                FieldOp::Append(_) | FieldOp::Error => None,
            };
            elements.extend(element);
        }
        Node::new(Value::list(elements), at)
    }
}

/// `replace key: value`: the value with the directive that makes the API server drop what is
/// below instead of merging. Scalars and atomic lists replace anyway.
fn replaced<O: Copy>(mut node: Node<O>, shape: Shape) -> Node<O> {
    let at = node.origin;
    let keyed = matches!(shape.strategy(), ListStrategy::Keyed(_));
    if let Some(entries) = node.value.map_mut() {
        entries.insert(SmolStr::new_static(PATCH), Node::string("replace", at));
    } else if let Some(items) = node.value.list_mut().filter(|_| keyed) {
        let mut directive = Map::default();
        directive.insert(SmolStr::new_static(PATCH), Node::string("replace", at));
        items.insert(0, Node::new(Value::map(directive), at));
    }
    node
}

fn kind_at(shape: Shape) -> Option<&'static Kind> {
    match shape {
        Shape::Type(ty) => Some(schema().kind(ty)),
        _ => None,
    }
}

fn is_env_list(shape: Shape) -> bool {
    let Shape::List { items: Some(items), strategy: ListStrategy::Keyed("name") } = shape else { return false };
    schema().info(items).short_name() == Some("EnvVar")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lower(text: &str, shape: BodyShape) -> serde_json::Value {
        let source = format!("pod_template t {{\n{text}\n}}");
        let parsed = skiff_syntax::parse(&source);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let skiff_syntax::ast::ItemKind::Template(template) = &parsed.file.items[0].kind else {
            panic!("not a template")
        };
        let skiff_syntax::ast::TemplateBody::Block(body) = &template.body else { panic!("not a block") };
        lower_body(body, shape, &["pod_template"], &mut |_| ()).to_json()
    }

    #[test]
    fn pod_fields_go_under_spec_and_metadata_stays_beside_it() {
        let patch = lower(
            r#"metadata { labels { team: "ml" } }
               nodeSelector { "gpu-type": "a100" }
               tolerations: [{ key: "gpu", operator: "Exists" }]"#,
            BodyShape::PodTemplate,
        );
        assert_eq!(
            patch,
            json!({
                "metadata": {"labels": {"team": "ml"}},
                "spec": {"nodeSelector": {"gpu-type": "a100"}, "tolerations": [{"key": "gpu", "operator": "Exists"}]}
            })
        );
    }

    #[test]
    fn quantities_become_strings_and_ports_stay_numbers() {
        let patch = lower(
            r#"resources { requests { cpu: 2, memory: 8Gi } limits { cpu: 1.5 } }
               ports: [{ containerPort: 8080 }]"#,
            BodyShape::Container,
        );
        assert_eq!(
            patch,
            json!({
                "resources": {"requests": {"cpu": "2", "memory": "8Gi"}, "limits": {"cpu": "1.5"}},
                "ports": [{"containerPort": 8080}]
            })
        );
    }

    #[test]
    fn operators_become_directives() {
        let patch = lower(
            r#"delete affinity
               replace nodeSelector { zone: "a" }
               tolerations += [{ key: "spot", operator: "Exists" }]
               containers["sidecar"] { image: "envoy" }
               delete containers["debug"]
               replace volumes: [{ name: "data", emptyDir {} }]"#,
            BodyShape::PodTemplate,
        );
        assert_eq!(
            patch,
            json!({"spec": {
                "affinity": null,
                "nodeSelector": {"zone": "a", "$patch": "replace"},
                "$append/tolerations": [{"key": "spot", "operator": "Exists"}],
                "containers": [{"name": "sidecar", "image": "envoy"}, {"name": "debug", "$patch": "delete"}],
                "volumes": [{"$patch": "replace"}, {"name": "data", "emptyDir": {}}]
            }})
        );
    }

    #[test]
    fn env_sugar_is_the_keyed_list() {
        let patch = lower(
            r#"env { MODE: "fast", TOKEN { valueFrom { secretKeyRef { name: "s", key: "k" } } }, delete OLD }"#,
            BodyShape::Container,
        );
        assert_eq!(
            patch,
            json!({"env": [
                {"name": "MODE", "value": "fast"},
                {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
                {"name": "OLD", "$patch": "delete"}
            ]})
        );
    }

    #[test]
    fn references_and_skipped_fields_are_left_out() {
        let patch = lower(r#"image: some_name, pod_template: gpu.v100, args: ["a", other]"#, BodyShape::Container);
        assert_eq!(patch, json!({"args": ["a"]}));
    }

    #[test]
    fn origins_come_from_the_spans_of_the_text() {
        let source = "pod_template t {\n  nodeSelector { zone: \"a\" }\n}";
        let parsed = skiff_syntax::parse(source);
        let skiff_syntax::ast::ItemKind::Template(template) = &parsed.file.items[0].kind else { panic!() };
        let skiff_syntax::ast::TemplateBody::Block(body) = &template.body else { panic!() };
        let patch = lower_body(body, BodyShape::PodTemplate, &[], &mut |span: Span| span);
        let zone = patch.get_path(&["spec", "nodeSelector", "zone"]).unwrap();
        assert_eq!(&source[zone.origin.start as usize..zone.origin.end as usize], "\"a\"");
    }
}

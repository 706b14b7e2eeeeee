//! A YAML pod template (`pod_template x from "file.yaml"`, or `skiff.toml`'s default) read as a
//! pod-template body, so that [`super::check_body`] checks it with exactly the rules a body
//! written in skiff gets: unknown fields, the kind of every value, enums, quantities, label and
//! annotation rules, tolerations, requests against limits. Spans are bytes of the YAML text.
//!
//! YAML keeps no position for a map's key, only for its value: a key's span is found in the text
//! just before its value (the last place the key is written there), or is the value's.

use skiff_k8s::merge::{Node, Value as Tree};
use skiff_syntax::Span;
use skiff_syntax::ast::{Block, Field, FieldOp, Key, Name, Value, ValueKind};

/// The pod template `template` (a `PodTemplateSpec`: `{metadata, spec}`, spans in `text`) as the
/// body of a `pod_template`: `metadata`, then the fields of `spec`.
pub fn yaml_body(template: &Node<Span>, text: &str) -> Block {
    let mut fields = Vec::new();
    if let Some(map) = template.as_map() {
        for (key, node) in map {
            match (key.as_str(), node.as_map()) {
                ("spec", Some(spec)) => fields.extend(spec.iter().map(|(k, v)| field(k, v, text))),
                _ => fields.push(field(key, node, text)),
            }
        }
    }
    Block { fields, span: template.origin }
}

fn field(key: &str, node: &Node<Span>, text: &str) -> Field {
    let value = value(node, text);
    let key_span = key_span(key, node.origin, text);
    let span = Span::new(key_span.start.min(value.span.start), value.span.end.max(key_span.end));
    Field {
        key: Key { name: Name { text: key.into(), span: key_span }, quoted: false, index: None, span: key_span },
        op: FieldOp::Set { value, block_sugar: false },
        span,
    }
}

fn value(node: &Node<Span>, text: &str) -> Value {
    let kind = match &node.value {
        Tree::Null => ValueKind::Null,
        Tree::Bool(b) => ValueKind::Bool(*b),
        Tree::Int(n) => ValueKind::Int(*n),
        Tree::Float(x) => ValueKind::Float(*x),
        Tree::String(s) => ValueKind::Str(s.clone()),
        Tree::List(items) => ValueKind::List(items.iter().map(|item| value(item, text)).collect()),
        Tree::Map(map) => {
            ValueKind::Object(Block { fields: map.iter().map(|(k, v)| field(k, v, text)).collect(), span: node.origin })
        }
    };
    Value { kind, span: node.origin }
}

/// Where `key` is written before the value at `value`: on the value's line or the one above
/// (a block map or list starts below its key).
fn key_span(key: &str, value: Span, text: &str) -> Span {
    let end = (value.start as usize).min(text.len());
    let before = &text[..end];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let previous_line_start = before[..line_start.saturating_sub(1)].rfind('\n').map_or(0, |i| i + 1);
    let window_start = if before[line_start..].trim().is_empty() { previous_line_start } else { line_start };
    match before[window_start..].rfind(key) {
        Some(at) if !key.is_empty() => {
            let start = (window_start + at) as u32;
            Span::new(start, start + key.len() as u32)
        }
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_found_before_their_values() {
        let text = "metadata:\n  labels:\n    team: ml\nspec:\n  nodeSelecter:\n    pool: gpu\n";
        let tree = crate::pod::yaml_template(text).unwrap();
        let body = yaml_body(&tree, text);
        let names: Vec<(&str, &str)> =
            body.fields.iter().map(|f| (f.key.name.text.as_str(), &text[f.key.span.range()])).collect();
        assert_eq!(names, [("metadata", "metadata"), ("nodeSelecter", "nodeSelecter")]);
        let ValueKind::Object(metadata) = &body.fields[0].op.value().unwrap().kind else { panic!() };
        assert_eq!(&text[metadata.fields[0].key.span.range()], "labels");
    }
}

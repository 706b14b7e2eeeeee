//! Which pod document an object is: a `Pod`, a `PodTemplate`, or a bare `PodTemplateSpec`
//! (`{metadata, spec}`, no `kind`), told apart once for every reader of such documents (a
//! template file of `pod_template NAME from "..."`, the default template of `skiff.toml`, the
//! base of `skiff patch`). What a reader accepts, and how it says no, is the reader's.

use crate::merge::{Node, Shape};

/// What a document is, by its `kind` or, without one, by its keys.
#[derive(Debug)]
pub enum PodDocument<'a, O> {
    /// `kind: Pod`; the `kind` value.
    Pod(&'a Node<O>),
    /// `kind: PodTemplate` (the `PodTemplateSpec` is its `template`); the `kind` value.
    PodTemplate(&'a Node<O>),
    /// No `kind`, and nothing but `metadata` and `spec`: a bare `PodTemplateSpec`.
    Bare,
    /// Another `kind`, or a `kind` that is not a string; the `kind` value.
    OtherKind(&'a Node<O>),
    /// No `kind`, and a key a `PodTemplateSpec` does not have (the first one written).
    StrayKey(&'a str, &'a Node<O>),
    /// Not an object.
    NotAnObject,
}

impl<O> PodDocument<'_, O> {
    /// The schema of a pod document, for merging into it; `None` for what is not one.
    pub fn shape(&self) -> Option<Shape> {
        match self {
            PodDocument::Pod(_) => Some(Shape::Pod),
            PodDocument::PodTemplate(_) => Some(Shape::PodTemplate),
            PodDocument::Bare => Some(Shape::pod_template_spec()),
            PodDocument::OtherKind(_) | PodDocument::StrayKey(..) | PodDocument::NotAnObject => None,
        }
    }
}

/// Tells what `document` is.
pub fn pod_document<O>(document: &Node<O>) -> PodDocument<'_, O> {
    let Some(fields) = document.as_map() else { return PodDocument::NotAnObject };
    match fields.get("kind") {
        Some(kind) => match kind.as_str() {
            Some("Pod") => PodDocument::Pod(kind),
            Some("PodTemplate") => PodDocument::PodTemplate(kind),
            _ => PodDocument::OtherKind(kind),
        },
        None => match fields.iter().find(|(key, _)| *key != "metadata" && *key != "spec") {
            Some((key, value)) => PodDocument::StrayKey(key, value),
            None => PodDocument::Bare,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn what(json: serde_json::Value) -> String {
        let node = Node::from_json(&json, ());
        match pod_document(&node) {
            PodDocument::Pod(_) => "Pod".into(),
            PodDocument::PodTemplate(_) => "PodTemplate".into(),
            PodDocument::Bare => "bare".into(),
            PodDocument::OtherKind(kind) => format!("other {}", kind.to_json()),
            PodDocument::StrayKey(key, _) => format!("stray {key}"),
            PodDocument::NotAnObject => "not an object".into(),
        }
    }

    #[test]
    fn documents_by_kind_or_keys() {
        use serde_json::json;
        let cases = [
            (json!({"kind": "Pod", "spec": {}}), "Pod"),
            (json!({"apiVersion": "v1", "kind": "PodTemplate", "template": {}}), "PodTemplate"),
            (json!({"metadata": {}, "spec": {}}), "bare"),
            (json!({}), "bare"),
            (json!({"kind": "Deployment"}), "other \"Deployment\""),
            (json!({"kind": 3}), "other 3"),
            (json!({"spec": {}, "template": {}, "status": {}}), "stray template"),
            (json!([1]), "not an object"),
        ];
        for (json, expected) in cases {
            assert_eq!(what(json.clone()), expected, "{json}");
        }
        assert_eq!(pod_document(&Node::from_json(&json!({}), ())).shape(), Some(Shape::pod_template_spec()));
        assert_eq!(pod_document(&Node::from_json(&json!({"kind": "x"}), ())).shape(), None);
    }
}

//! No skiff body makes the body checks panic, and every span they report is inside the text:
//! random bodies built from the pieces bodies are made of, through the checker of each shape.

use proptest::prelude::*;
use skiff_k8s::{BodyShape, describe};
use skiff_sema::body::{check_body, check_field};
use skiff_syntax::ast::{ItemKind, TemplateBody};

/// Text built from the pieces bodies are made of, so random inputs reach deep into the checker.
fn body_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("containers".to_owned()),
        Just("[\"a\"]".to_owned()),
        Just("[1]".to_owned()),
        Just("resources".to_owned()),
        Just("requests".to_owned()),
        Just("limits".to_owned()),
        Just("memory".to_owned()),
        Just("tolerations".to_owned()),
        Just("operator: \"Exists\"".to_owned()),
        Just("value".to_owned()),
        Just("env".to_owned()),
        Just("ports".to_owned()),
        Just("nodeSelector".to_owned()),
        Just("metadata".to_owned()),
        Just("labels".to_owned()),
        Just("name".to_owned()),
        Just("delete ".to_owned()),
        Just("replace ".to_owned()),
        Just(" += ".to_owned()),
        Just(": ".to_owned()),
        Just(" { ".to_owned()),
        Just(" } ".to_owned()),
        Just(" [ ".to_owned()),
        Just(" ] ".to_owned()),
        Just(", ".to_owned()),
        Just("\n".to_owned()),
        Just("8Gb".to_owned()),
        Just("512m".to_owned()),
        Just("16Gi".to_owned()),
        Just("1e999".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("99999999999".to_owned()),
        Just("x.y".to_owned()),
        "\"[ -~]{0,12}\"",
        "[a-zA-Z_]{1,8}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_checker_never_panics(body in body_text(), path in prop::collection::vec("[a-zA-Z]{1,12}", 0..4)) {
        for (prefix, shape) in [("pod_template t {\n", BodyShape::PodTemplate), ("task t() {\n", BodyShape::Container)] {
            let src = format!("{prefix}{body}\n}}\n");
            let parsed = skiff_syntax::parse(&src);
            for item in &parsed.file.items {
                let block = match &item.kind {
                    ItemKind::Template(t) => match &t.body {
                        TemplateBody::Block(b) => b,
                        TemplateBody::File(_) => continue,
                    },
                    ItemKind::Task(t) => &t.body,
                    _ => continue,
                };
                for diagnostic in check_body(block, shape, &[]) {
                    prop_assert!(diagnostic.span.end as usize <= src.len());
                    for edit in diagnostic.fix.iter().flat_map(|f| &f.edits) {
                        prop_assert!(edit.span.start <= edit.span.end && edit.span.end as usize <= src.len());
                    }
                }
                for field in &block.fields {
                    let _ = check_field(field, shape);
                }
            }
            let segments: Vec<&str> = path.iter().map(String::as_str).collect();
            let _ = describe(shape, &segments);
        }
    }
}

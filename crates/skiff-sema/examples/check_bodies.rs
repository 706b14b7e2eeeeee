//! Checks every template and task body of one skiff file against the Kubernetes schema and prints
//! the diagnostics: `cargo run -p skiff-sema --example check_bodies -- FILE`.
use skiff_k8s::BodyShape;
use skiff_sema::body::check_body;
use skiff_syntax::ast::{ItemKind, TemplateBody};

fn main() {
    let path = std::env::args().nth(1).expect("usage: check FILE");
    let src = std::fs::read_to_string(&path).expect("a readable UTF-8 file");
    let parsed = skiff_syntax::parse(&src);
    let skiff_fields = ["pod_template", "retries", "timeout", "primary_container"];
    for item in &parsed.file.items {
        let diagnostics = match &item.kind {
            ItemKind::Template(t) => match &t.body {
                TemplateBody::Block(b) => check_body(b, BodyShape::PodTemplate, &[]),
                TemplateBody::File(_) => continue,
            },
            ItemKind::Task(t) => check_body(&t.body, BodyShape::Container, &skiff_fields),
            _ => continue,
        };
        for d in diagnostics {
            let line = src[..d.span.start as usize].matches('\n').count() + 1;
            println!("{:?}[{}] {path}:{line} `{}`: {}", d.severity, d.code, &src[d.span.range()], d.message);
            if let Some(help) = &d.help {
                println!("  help: {help}");
            }
            for label in &d.labels {
                println!("  label `{}`: {}", &src[label.span.range()], label.message);
            }
            if let Some(fix) = &d.fix {
                let edits: Vec<String> = fix.edits.iter().map(|e| format!("{:?} -> {:?}", e.span, e.text)).collect();
                println!("  fix: {} [{}]", fix.message, edits.join(", "));
            }
        }
    }
}

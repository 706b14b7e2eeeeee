//! skiff's own task fields in the editor: hover and completion show exactly the fields of the
//! table in `skiff_sema::task_fields`, each with the table's type and text.

use skiff_ide::{AnalysisHost, CompletionKind, FilePosition};
use skiff_k8s::BodyShape;
use skiff_sema::task_fields::TaskField;

/// A host with `text` as `main.skiff`, and the offset of `$0` in it.
fn host(text: &str) -> (AnalysisHost, FilePosition) {
    let at = text.find("$0").expect("a cursor");
    let mut host = AnalysisHost::new();
    host.set_file("main.skiff", text.replacen("$0", "", 1));
    (host, FilePosition::new("main.skiff", at as u32))
}

/// The completions that are not container fields (nor `skip`), as (label, detail, docs).
fn skiff_completions(text: &str, skip: &[&str]) -> Vec<(String, Option<String>, Option<String>)> {
    let (host, position) = host(text);
    let container: Vec<String> = skiff_k8s::fields_at(BodyShape::Container, &[]).into_iter().map(|f| f.name).collect();
    host.analysis()
        .completion(&position)
        .unwrap()
        .into_iter()
        .filter(|i| !container.contains(&i.label) && !skip.contains(&i.label.as_str()))
        .inspect(|i| assert_eq!(i.kind, CompletionKind::Field, "{}", i.label))
        .map(|i| (i.label, i.detail, i.documentation))
        .collect()
}

fn rows(fields: impl Iterator<Item = TaskField>) -> Vec<(String, Option<String>, Option<String>)> {
    fields.map(|f| (f.name().to_string(), Some(f.ty().to_string()), Some(f.doc().to_string()))).collect()
}

#[test]
fn a_task_body_completes_every_task_field() {
    let offered = skiff_completions("task t() {\n  image: \"i\"\n  $0\n}\n", &[]);
    assert_eq!(offered, rows(TaskField::ALL.into_iter()));
}

#[test]
fn an_override_completes_the_fields_a_call_may_set() {
    let text = "task t() {\n  image: \"i\"\n}\nworkflow w() {\n  let a = t()\n    override $0\n}\n";
    let offered = skiff_completions(text, &["replace"]);
    assert_eq!(offered, rows(TaskField::ALL.into_iter().filter(|f| f.overridable())));
    assert!(!TaskField::PrimaryContainer.overridable(), "a call cannot rename the primary container");
}

#[test]
fn hover_on_a_task_field_shows_its_row() {
    for field in TaskField::ALL {
        let text = format!("task t() {{\n  image: \"i\"\n  $0{}: 1\n}}\n", field.name());
        let (host, position) = host(&text);
        let hover = host.analysis().hover(&position).unwrap().expect("a hover");
        assert_eq!(hover.markdown, format!("**{}**: `{}` (skiff)\n\n{}", field.name(), field.ty(), field.doc()));
    }
    // A container field of the same body is the schema's, not skiff's.
    let (host, position) = host("task t() {\n  $0image: \"i\"\n}\n");
    let hover = host.analysis().hover(&position).unwrap().expect("a hover");
    assert!(!hover.markdown.contains("(skiff)"), "{}", hover.markdown);
}

//! A parsed tree holds its lists at their exact size. A workspace of 50,000 pods holds a few
//! million of them, most of one or two elements; at chumsky's growth (room for four at the
//! least) and with the room an in-place collect keeps, that spare room was 70 MB of a 375 MB
//! build.

use skiff_syntax::ast::{FieldOp, ItemKind, Stmt, TemplateBody, TypeKind, ValueKind};

const TEXT: &str = r#"
pod_template gpu extends base.gpu {
  nodeSelector { pool: "gpu" }
  tolerations: [{ key: "a", value: "b" }]
  serviceAccountName: defaults.account
}

task train(epochs: list[int], data: str) -> str {
  image: "trainer:1"
  args: ["--epochs", "{{inputs.epochs}}"]
}

workflow nightly(data: str) {
  let model = train(epochs: [1], data: data)
    override image: "trainer:2"
  return model
}
"#;

#[track_caller]
fn exact<T>(what: &str, list: &Vec<T>) {
    assert_eq!(list.capacity(), list.len(), "{what} has room for {} but holds {}", list.capacity(), list.len());
}

#[test]
fn every_list_of_the_tree_is_at_its_exact_size() {
    let parse = skiff_syntax::parse(TEXT);
    assert!(parse.errors.is_empty(), "{:?}", parse.errors);
    let mut seen = 0;
    for item in &parse.file.items {
        match &item.kind {
            ItemKind::Template(template) => {
                exact("an `extends` path", &template.extends.as_ref().expect("extends").segments);
                let TemplateBody::Block(body) = &template.body else { panic!("a block body") };
                exact("a template's fields", &body.fields);
                for field in &body.fields {
                    let FieldOp::Set { value, .. } = &field.op else { continue };
                    match &value.kind {
                        ValueKind::Object(block) => exact("a nested block", &block.fields),
                        ValueKind::List(items) => exact("a list", items),
                        ValueKind::Ref(path) => exact("a reference", &path.segments),
                        _ => continue,
                    }
                    seen += 1;
                }
            }
            ItemKind::Task(task) => {
                exact("a task's parameters", &task.params);
                let TypeKind::Named { args, .. } = &task.params[0].ty.kind else { panic!("list[int]") };
                exact("a type's arguments", args);
                exact("a task's fields", &task.body.fields);
                seen += 1;
            }
            ItemKind::Workflow(workflow) => {
                exact("a workflow's statements", &workflow.body);
                let Stmt::Let(binding) = &workflow.body[0] else { panic!("a let") };
                exact("a call's arguments", &binding.call.args);
                exact("a call's overrides", &binding.overrides);
                seen += 1;
            }
            _ => {}
        }
    }
    assert_eq!(seen, 5, "every kind of list was looked at");
}

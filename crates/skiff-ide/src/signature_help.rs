//! Signature help inside a call's parentheses: the task's parameters, the one being written
//! highlighted, and the task's doc comment.

use crate::render::param_text;
use crate::{FilePosition, defs, file, locate};
use skiff_sema::{Db, parse};
use skiff_syntax::ast::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// `train(data: DataFrame, epochs: int = 10) -> File`
    pub label: String,
    /// Each parameter's byte range in `label`.
    pub parameters: Vec<(u32, u32)>,
    pub active_parameter: Option<usize>,
    /// The task's doc comment.
    pub documentation: Option<String>,
}

pub(crate) fn signature_help(db: &dyn Db, position: &FilePosition) -> Option<SignatureHelp> {
    let file = file(db, &position.path)?;
    let text = file.text(db);
    let parsed = parse(db, file);
    let offset = position.offset;
    let item = locate::item_at(&parsed.file, offset)?;
    let ItemKind::Workflow(workflow) = &item.ast.kind else { return None };
    let call = workflow.body.iter().find_map(|s| match s {
        Stmt::Let(b) if b.call.span.touches(offset) && offset > b.call.callee.span.end => Some(&b.call),
        _ => None,
    })?;
    let closed = text.as_bytes().get(call.span.end as usize - 1) == Some(&b')');
    if closed && offset >= call.span.end {
        return None;
    }
    let task = defs::callee(db, file, call)?;
    let ast = defs::item_syntax(db, task)?;
    let ItemKind::Task(task_ast) = &ast.kind else { return None };
    let mut label = format!("{}(", call.callee.to_dotted());
    let mut parameters = Vec::new();
    for (i, p) in task_ast.params.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len() as u32;
        label.push_str(&param_text(p));
        parameters.push((start, label.len() as u32));
    }
    label.push(')');
    if let Some(output) = &task_ast.output {
        label.push_str(&format!(" -> {}", skiff_sema::types::Ty::from_syntax(output)));
    }
    // The argument under the cursor names its parameter; between arguments, the first
    // parameter not passed yet is next.
    let current = call.args.iter().find(|a| a.span.touches(offset)).map(|a| a.name.text.as_str());
    let given: Vec<&str> = call.args.iter().map(|a| a.name.text.as_str()).collect();
    let active_parameter = match current {
        Some(name) => task_ast.params.iter().position(|p| p.name.text == name),
        None => task_ast.params.iter().position(|p| !given.contains(&p.name.text.as_str())),
    };
    Some(SignatureHelp { label, parameters, active_parameter, documentation: ast.doc.as_ref().map(|d| d.text.clone()) })
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let shown = match host.analysis().signature_help(&position).unwrap() {
            Some(help) => {
                let active = help.active_parameter.map(|i| {
                    let (s, e) = help.parameters[i];
                    help.label[s as usize..e as usize].to_string()
                });
                format!("{}\nactive: {active:?}\ndoc: {:?}", help.label, help.documentation)
            }
            None => "none".into(),
        };
        expect.assert_eq(&shown);
    }

    const TASK: &str = "/// Trains.\ntask train(data: File, epochs: int = 10) -> File {\n  image: \"i\"\n}\n";

    #[test]
    fn next_parameter_and_current_argument() {
        check(
            &format!("{TASK}workflow w(f: File) {{\n  let a = train(data: f, $0)\n}}\n"),
            expect![[r#"
            train(data: File, epochs: int = 10) -> File
            active: Some("epochs: int = 10")
            doc: Some("Trains.")"#]],
        );
        check(
            &format!("{TASK}workflow w(f: File) {{\n  let a = train(data: $0f)\n}}\n"),
            expect![[r#"
            train(data: File, epochs: int = 10) -> File
            active: Some("data: File")
            doc: Some("Trains.")"#]],
        );
        check(
            &format!("{TASK}workflow w(f: File) {{\n  let a = train($0\n}}\n"),
            expect![[r#"
            train(data: File, epochs: int = 10) -> File
            active: Some("data: File")
            doc: Some("Trains.")"#]],
        );
        check(&format!("{TASK}workflow w(f: File) {{\n  let a = train(data: f)$0\n}}\n"), expect![[r#"none"#]]);
    }
}

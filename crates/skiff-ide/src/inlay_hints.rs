//! Inlay hints where they say what the text does not: the output type of each binding
//! (`let m: File = train(...)`), and the defaults a call leaves out (`epochs: 10`).

use crate::{FileRange, defs, file, locate};
use skiff_sema::{Db, parse};
use skiff_syntax::ast::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is drawn (before the character at this offset).
    pub offset: u32,
    pub label: String,
    pub kind: InlayKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlayKind {
    Type,
    Parameter,
}

pub(crate) fn inlay_hints(db: &dyn Db, range: &FileRange) -> Vec<InlayHint> {
    let Some(file) = file(db, &range.path) else { return Vec::new() };
    let text = file.text(db);
    let mut out = Vec::new();
    for item in locate::items(&parse(db, file).file) {
        let ItemKind::Workflow(workflow) = &item.ast.kind else { continue };
        if !item.ast.span.overlaps(range.span) {
            continue;
        }
        for stmt in &workflow.body {
            let Stmt::Let(binding) = stmt else { continue };
            if !binding.span.overlaps(range.span) {
                continue;
            }
            let Some(task) = defs::callee(db, file, &binding.call) else { continue };
            let Some(skiff_sema::items::Signature::Task(signature)) = task.summary(db).map(|s| &s.signature) else {
                continue;
            };
            out.push(InlayHint {
                offset: binding.name.span.end,
                label: format!(": {}", signature.output),
                kind: InlayKind::Type,
            });
            let Some(ast) = defs::item_syntax(db, task) else { continue };
            let ItemKind::Task(task_ast) = &ast.kind else { continue };
            let call = &binding.call;
            // Only a closed call gets hints: while it is being written they would move around.
            if text.as_bytes().get(call.span.end as usize - 1) != Some(&b')') {
                continue;
            }
            let defaults: Vec<String> = task_ast
                .params
                .iter()
                .filter(|p| !call.args.iter().any(|a| a.name.text == p.name.text))
                .filter_map(|p| {
                    p.default.as_ref().map(|d| format!("{}: {}", p.name.text, crate::render::value_text(d)))
                })
                .collect();
            if !defaults.is_empty() {
                let separator = if call.args.is_empty() { "" } else { ", " };
                out.push(InlayHint {
                    offset: call.span.end - 1,
                    label: format!("{separator}{}", defaults.join(", ")),
                    kind: InlayKind::Parameter,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use crate::{FileRange, Span};
    use expect_test::expect;

    #[test]
    fn binding_types_and_defaults() {
        let (host, _) = fixture(
            "task train(data: File, epochs: int = 10, lr: float = 0.1) -> File {\n  image: \"i\"\n}\nworkflow w(f: File) -> File {\n  let a = train(data: f, lr: 0.2)\n  let b = train(data: a)\n  return b\n}\n",
        );
        let text = host.text("main.skiff").unwrap();
        let hints = host
            .analysis()
            .inlay_hints(&FileRange { path: "main.skiff".into(), span: Span::new(0, text.len() as u32) })
            .unwrap();
        let mut shown = text.clone();
        for hint in hints.iter().rev() {
            shown.insert_str(hint.offset as usize, &format!("⟨{}⟩", hint.label));
        }
        expect![[r#"
            task train(data: File, epochs: int = 10, lr: float = 0.1) -> File {
              image: "i"
            }
            workflow w(f: File) -> File {
              let a⟨: File⟩ = train(data: f, lr: 0.2⟨, epochs: 10⟩)
              let b⟨: File⟩ = train(data: a⟨, epochs: 10, lr: 0.1⟩)
              return b
            }
        "#]]
        .assert_eq(&shown);
    }
}

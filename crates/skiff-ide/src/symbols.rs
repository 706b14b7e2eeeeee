//! Document symbols (the outline of a file) and workspace symbols (items by name).

use crate::defs::{Def, NavTarget, SymbolKind, nav_target};
use crate::render::signature_text;
use crate::{file, locate};
use skiff_sema::items::file_items;
use skiff_sema::{Db, parse};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

/// One entry of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// A short description: a signature, a template's parent.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub span: Span,
    /// The name within `span`.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

pub(crate) fn document_symbols(db: &dyn Db, path: &str) -> Vec<Symbol> {
    let Some(file) = file(db, path) else { return Vec::new() };
    let parsed = parse(db, file);
    locate::items(&parsed.file).filter_map(|item| item_symbol(item.ast)).collect()
}

fn item_symbol(item: &Item) -> Option<Symbol> {
    let symbol = |name: &Name, detail: Option<String>, kind, children| Symbol {
        name: name.text.to_string(),
        detail,
        kind,
        span: item.span,
        selection: name.span,
        children,
    };
    Some(match &item.kind {
        ItemKind::Import(import) => {
            let alias = import.alias.as_ref()?;
            symbol(alias, Some(format!("\"{}\"", import.path.value)), SymbolKind::Import, Vec::new())
        }
        ItemKind::Template(t) => {
            let detail = t.extends.as_ref().map(|e| format!("extends {}", e.to_dotted()));
            let children = match &t.body {
                TemplateBody::Block(b) => field_symbols(b),
                TemplateBody::File(path) => {
                    return Some(symbol(
                        &t.name,
                        Some(format!("from \"{}\"", path.value)),
                        SymbolKind::Template,
                        vec![],
                    ));
                }
            };
            symbol(&t.name, detail, SymbolKind::Template, children)
        }
        ItemKind::Task(t) => {
            let mut children = param_symbols(&t.params);
            children.extend(field_symbols(&t.body));
            symbol(&t.name, Some(signature_text(&t.params, t.output.as_ref())), SymbolKind::Task, children)
        }
        ItemKind::Workflow(w) => {
            let mut children = param_symbols(&w.params);
            children.extend(w.body.iter().filter_map(|s| match s {
                Stmt::Let(b) => Some(Symbol {
                    name: b.name.text.to_string(),
                    detail: Some(b.call.callee.to_dotted()),
                    kind: SymbolKind::Binding,
                    span: b.span,
                    selection: b.name.span,
                    children: Vec::new(),
                }),
                _ => None,
            }));
            symbol(&w.name, Some(signature_text(&w.params, w.output.as_ref())), SymbolKind::Workflow, children)
        }
        ItemKind::Error => return None,
    })
}

fn param_symbols(params: &[Param]) -> Vec<Symbol> {
    params
        .iter()
        .map(|p| Symbol {
            name: p.name.text.to_string(),
            detail: None,
            kind: SymbolKind::Parameter,
            span: p.span,
            selection: p.name.span,
            children: Vec::new(),
        })
        .collect()
}

/// The top-level fields of a body (not deeper: an outline, not a tree of the pod).
fn field_symbols(block: &Block) -> Vec<Symbol> {
    block
        .fields
        .iter()
        .map(|f| Symbol {
            name: f.key.name.text.to_string(),
            detail: None,
            kind: SymbolKind::Field,
            span: f.span,
            selection: f.key.span,
            children: Vec::new(),
        })
        .collect()
}

pub(crate) fn workspace_symbols(db: &dyn Db, query: &str) -> Vec<NavTarget> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for file in db.files().skiff_files(db).values() {
        for item in file_items(db, *file) {
            if item.name(db).to_lowercase().contains(&query)
                && let Some(target) = nav_target(db, &Def::Item(*item))
            {
                out.push(target);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::expect;

    #[test]
    fn outline() {
        let (host, _) = fixture(
            r#"import "lib.skiff" as lib
/// Docs.
pod_template base extends lib.root {
  nodeSelector { a: "b" }
}
task t(x: int = 1) -> File {
  image: "i"
}
workflow w(x: int) -> File {
  let a = t(x: x)
  return a
}
"#,
        );
        let symbols = host.analysis().document_symbols("main.skiff").unwrap();
        let mut out = String::new();
        fn show(out: &mut String, s: &crate::Symbol, depth: usize) {
            out.push_str(&format!(
                "{}{:?} {} {:?} {:?}{}\n",
                "  ".repeat(depth),
                s.kind,
                s.name,
                s.span,
                s.selection,
                s.detail.as_ref().map(|d| format!(" ({d})")).unwrap_or_default()
            ));
            for c in &s.children {
                show(out, c, depth + 1);
            }
        }
        for s in &symbols {
            show(&mut out, s, 0);
        }
        expect![[r#"
            Import lib 0..25 22..25 ("lib.skiff")
            Template base 36..100 49..53 (extends lib.root)
              Field nodeSelector 75..98 75..87
            Task t 101..144 106..107 ((x: int = 1) -> File)
              Parameter x 108..118 108..109
              Field image 132..142 132..137
            Workflow w 145..204 154..155 ((x: int) -> File)
              Parameter x 156..162 156..157
              Binding a 176..191 180..181 (t)
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn workspace_symbols_match_case_insensitively() {
        let (host, _) = fixture(
            "//- a.skiff\ntask Train() { image: \"i\" }\n//- b.skiff\npod_template trainer {}\nworkflow w() {}\n",
        );
        let found = host.analysis().workspace_symbols("TRAIN").unwrap();
        let names: Vec<String> = found.iter().map(|t| format!("{} {:?} {}", t.path, t.kind, t.name)).collect();
        expect![[r#"
            a.skiff Task Train
            b.skiff Template trainer"#]]
        .assert_eq(&names.join("\n"));
    }
}

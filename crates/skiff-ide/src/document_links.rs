//! Document links: the path of an `import` and of a `pod_template NAME from "..."` opens the
//! file it names. A path that names no known file gets no link (its diagnostic says why).

use crate::file;
use skiff_sema::{Db, parse, resolve_import_path};
use skiff_syntax::Span;
use skiff_syntax::ast::{ItemKind, TemplateBody};

/// A string that names a file: its span (the quotes included) and the file's workspace path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentLink {
    pub span: Span,
    pub target: String,
}

pub(crate) fn document_links(db: &dyn Db, path: &str) -> Vec<DocumentLink> {
    let Some(source) = file(db, path) else { return Vec::new() };
    let files = db.files();
    let known = |key: &str| files.skiff_files(db).contains_key(key) || files.data_files(db).contains_key(key);
    parse(db, source)
        .file
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Import(import) => Some(&import.path),
            ItemKind::Template(template) => match &template.body {
                TemplateBody::File(path) => Some(path),
                TemplateBody::Block(_) => None,
            },
            _ => None,
        })
        .filter_map(|literal| {
            let target = resolve_import_path(path, &literal.value).ok()?;
            known(&target).then_some(DocumentLink { span: literal.span, target })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::fixture::{fixture, show};
    use expect_test::expect;

    #[test]
    fn imports_and_templates_link_to_their_files() {
        let (host, _) = fixture(
            "//- jobs/main.skiff\nimport \"../lib/gpu.skiff\" as gpu\nimport \"missing.skiff\" as m\npod_template p from \"pods/p.yaml\"\npod_template q from \"/etc/passwd\"\n//- lib/gpu.skiff\npod_template v100 {}\n//- jobs/pods/p.yaml\nspec: {}\n",
        );
        let links: Vec<String> = host
            .analysis()
            .document_links("jobs/main.skiff")
            .unwrap()
            .iter()
            .map(|l| format!("{} -> {}", show(&host, "jobs/main.skiff", l.span), l.target))
            .collect();
        expect![[r#"
            [
                "jobs/main.skiff 7..25 \"\\\"../lib/gpu.skiff\\\"\" -> lib/gpu.skiff",
                "jobs/main.skiff 81..94 \"\\\"pods/p.yaml\\\"\" -> jobs/pods/p.yaml",
            ]
        "#]]
        .assert_debug_eq(&links);
    }
}

//! The diagnostics of one file: a `.skiff` file's, `skiff.toml`'s, or a YAML template's.
//!
//! An editor shows a file's own problems; a YAML template's are shown in it when it is open,
//! and on the `from "..."` that names it, with a pointer to each, so that they are seen from
//! the skiff file too (the command line prints them once, at the YAML's lines).

use skiff_sema::items::{file_items, item_ast, item_offset};
use skiff_sema::{
    Db, Diagnostic, Label, Severity, SourceFile, data_file_diagnostics, file_diagnostics, project_config,
    resolve_import_path,
};
use skiff_syntax::ast::{ItemKind, TemplateBody};

pub(crate) fn diagnostics(db: &dyn Db, path: &str) -> Vec<Diagnostic> {
    if path == "skiff.toml" {
        return project_config(db).1.clone();
    }
    if let Some(data) = db.files().data_files(db).get(path) {
        return data_file_diagnostics(db, *data).clone();
    }
    let Some(file) = crate::file(db, path) else { return Vec::new() };
    let mut out = file_diagnostics(db, file).clone();
    out.extend(template_files(db, file));
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// For each `from "file.yaml"` of `file` whose YAML has problems: one diagnostic on the path,
/// pointing at each.
fn template_files(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &item in file_items(db, file).iter() {
        let Some(ItemKind::Template(template)) = item_ast(db, item).map(|i| &i.kind) else { continue };
        let TemplateBody::File(path) = &template.body else { continue };
        let Ok(key) = resolve_import_path(file.path(db), &path.value) else { continue };
        let Some(data) = db.files().data_files(db).get(&key) else { continue };
        let problems = data_file_diagnostics(db, *data);
        let Some(first) = problems.first() else { continue };
        let errors = problems.iter().filter(|d| d.severity == Severity::Error).count();
        let count = match problems.len() {
            1 => "a problem".to_owned(),
            n => format!("{n} problems"),
        };
        let message = format!("`{key}` has {count}: {}", first.message);
        let span = path.span.shifted(item_offset(db, item));
        let mut diagnostic = if errors > 0 {
            Diagnostic::new(first.code, span, message)
        } else {
            Diagnostic::warning(first.code, span, message)
        };
        diagnostic.labels = problems
            .iter()
            .map(|p| Label { span: p.span, message: format!("{}: {}", p.code, p.message), file: Some(key.clone()) })
            .collect();
        out.push(diagnostic);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture::{fixture, show};

    #[test]
    fn a_yaml_templates_problems_show_in_it_and_on_its_from() {
        let (host, _) = fixture(
            "//- main.skiff\npod_template t from \"t.yaml\"\n#- t.yaml\nmetadata:\n  labels: {team: ml/infra}\nspec:\n  nodeSelecter: {pool: gpu}\n",
        );
        let analysis = host.analysis();
        let in_yaml = analysis.diagnostics("t.yaml").unwrap();
        let shown: Vec<String> =
            in_yaml.iter().map(|d| format!("{} {}", d.code, show(&host, "t.yaml", d.span))).collect();
        assert_eq!(
            shown,
            ["invalid-label-value t.yaml 27..35 \"ml/infra\"", "unknown-field t.yaml 45..57 \"nodeSelecter\""]
        );
        let in_skiff = analysis.diagnostics("main.skiff").unwrap();
        assert_eq!(in_skiff.len(), 1, "{in_skiff:?}");
        let summary = &in_skiff[0];
        assert_eq!(show(&host, "main.skiff", summary.span), "main.skiff 20..28 \"\\\"t.yaml\\\"\"");
        assert!(summary.message.starts_with("`t.yaml` has 2 problems: invalid label value"), "{}", summary.message);
        let pointers: Vec<(Option<&str>, u32)> =
            summary.labels.iter().map(|l| (l.file.as_deref(), l.span.start)).collect();
        assert_eq!(pointers, [(Some("t.yaml"), 27), (Some("t.yaml"), 45)]);
    }
}

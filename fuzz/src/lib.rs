//! What the fuzz targets share: the invariants every diagnostic keeps whatever the input. An
//! input is read as a workspace of several files with `skiff_sema::fixture`, the format of the
//! test fixtures, so that seeds are fixtures and a crash is a fixture to keep.

use skiff_sema::{FileDiagnostic, Span, Workspace};

/// Every span of every diagnostic (primary, labels, fix edits) lies inside the text of the file
/// it points into, on character boundaries: the CLI and the server slice text with them.
pub fn assert_spans_in_bounds(workspace: &Workspace, diagnostics: &[FileDiagnostic]) {
    let text_of = |path: &str| -> String {
        workspace.file(path).map(|file| file.text(&workspace.db).to_string()).unwrap_or_default()
    };
    let check = |path: &str, span: Span, what: &str, d: &FileDiagnostic| {
        let text = text_of(path);
        let ok = span.start <= span.end
            && span.end as usize <= text.len()
            && text.is_char_boundary(span.start as usize)
            && text.is_char_boundary(span.end as usize);
        assert!(ok, "{what} span {span:?} out of bounds in `{path}` ({} bytes): {d:?}", text.len());
    };
    for d in diagnostics {
        check(&d.path, d.diagnostic.span, "primary", d);
        for label in &d.diagnostic.labels {
            check(label.file.as_deref().unwrap_or(&d.path), label.span, "label", d);
        }
        if let Some(fix) = &d.diagnostic.fix {
            for edit in &fix.edits {
                check(&d.path, edit.span, "fix", d);
            }
        }
    }
}

//! What the fuzz targets share: one input read as a workspace of several files, and the
//! invariants every diagnostic keeps whatever the input.

use skiff_sema::{FileDiagnostic, RootDatabase, Span, Workspace};

/// One file of an input: its workspace path, text, and whether it is data (YAML).
pub struct InputFile {
    pub path: String,
    pub text: String,
    pub data: bool,
}

/// Splits an input into files the way the semantic test fixtures are written: a line `//- path`
/// starts a skiff file, `#- path` a data (YAML) file, `#- skiff.toml` the project configuration.
/// Text before the first marker is `main.skiff`. A marker whose path is not one the CLI could
/// produce (absolute, empty segments, `.` or `..`, odd characters) is plain text.
pub fn split_files(text: &str) -> Vec<InputFile> {
    let mut files = vec![InputFile { path: "main.skiff".into(), text: String::new(), data: false }];
    for line in text.split_inclusive('\n') {
        let marker =
            line.strip_prefix("//- ").map(|p| (p, false)).or_else(|| line.strip_prefix("#- ").map(|p| (p, true)));
        match marker.map(|(path, data)| (path.trim(), data)) {
            Some((path, data)) if is_workspace_path(path) => {
                files.push(InputFile { path: path.into(), text: String::new(), data })
            }
            _ => files.last_mut().expect("main.skiff is first").text.push_str(line),
        }
    }
    files
}

fn is_workspace_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() < 100
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-./".contains(&b))
        && path.split('/').all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

/// A workspace holding the files (a later file of the same path replaces an earlier one, as a
/// second `set_file` does).
pub fn workspace_of(files: &[InputFile]) -> Workspace {
    let mut workspace = Workspace::new(RootDatabase::new());
    for file in files {
        if file.path == "skiff.toml" {
            workspace.set_config(file.text.clone());
        } else if file.data {
            workspace.set_data_file(&file.path, file.text.clone());
        } else {
            workspace.set_file(&file.path, file.text.clone());
        }
    }
    workspace
}

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

//! Rendering diagnostics: ariadne for people, JSON lines for tools (docs/cli.md); SARIF and
//! GitHub annotations for CI are in `sarif.rs`.

use crate::ColorChoice;
use crate::files::Loaded;
use crate::out::{self, Stream};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use serde_json::{Value, json};
use skiff_sema::{Diagnostic, FileDiagnostic, Severity, Span};
use skiff_syntax::LineIndex;
use std::io::{IsTerminal, Write};

pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

pub(crate) fn summarize(diagnostics: &[FileDiagnostic]) -> Summary {
    let errors = diagnostics.iter().filter(|d| d.diagnostic.severity == Severity::Error).count();
    Summary { errors, warnings: diagnostics.len() - errors }
}

pub fn human(
    loaded: &Loaded,
    diagnostics: &[FileDiagnostic],
    color: ColorChoice,
    out: &mut impl Write,
) -> std::io::Result<Summary> {
    let color = use_color(color);
    for item in diagnostics {
        let path = loaded.display_path(&item.path);
        write_one(out, path, loaded.text(&item.path), &item.diagnostic, color)?;
    }
    let summary = summarize(diagnostics);
    let files = loaded.workspace.files().len();
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    if diagnostics.is_empty() {
        writeln!(out, "checked {}: no problems", plural(files, "file"))?;
    } else {
        writeln!(
            out,
            "checked {}: {}, {}",
            plural(files, "file"),
            plural(summary.errors, "error"),
            plural(summary.warnings, "warning")
        )?;
    }
    Ok(summary)
}

/// Diagnostics in the chosen format; `machine` is where machine formats go (stdout for
/// `check`, stderr where stdout holds manifests), human output always goes to stderr. A write
/// error ends the report and is left to `out` to settle; the caller's status comes from
/// [`summarize`], so it tells of the errors even when their report was cut short.
pub fn render(
    loaded: &Loaded,
    diagnostics: &[FileDiagnostic],
    format: crate::MessageFormat,
    color: ColorChoice,
    machine: Stream,
) {
    let stream = if let crate::MessageFormat::Human = format { Stream::Stderr } else { machine };
    if out::is_closed(stream) {
        return;
    }
    let mut w = out::writer(stream);
    let written = match format {
        crate::MessageFormat::Human => human(loaded, diagnostics, color, &mut w),
        crate::MessageFormat::Json => json_lines(loaded, diagnostics, &mut w),
        crate::MessageFormat::Sarif => crate::sarif::sarif(loaded, &loaded.root, diagnostics, &mut w),
        crate::MessageFormat::Github => crate::sarif::github(loaded, diagnostics, &mut w),
    };
    out::check(stream, written.and_then(|_| w.flush()));
}

/// Whether human output to stderr gets colors.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// One diagnostic of the file `path` (as the user sees it) holding `text`, for people.
pub fn write_one(out: &mut impl Write, path: &str, text: &str, d: &Diagnostic, color: bool) -> std::io::Result<()> {
    let (kind, accent) = match d.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    let range = |span: Span| (path.to_string(), span.range());
    let mut report = Report::build(kind, range(d.span))
        .with_config(Config::new().with_index_type(IndexType::Byte).with_color(color))
        .with_code(d.code)
        .with_message(&d.message)
        .with_label(Label::new(range(d.span)).with_message(&d.message).with_color(accent));
    for label in &d.labels {
        report = report.with_label(Label::new(range(label.span)).with_message(&label.message).with_color(Color::Blue));
    }
    if let Some(help) = &d.help {
        report = report.with_help(help);
    }
    if let Some(fix) = &d.fix {
        report = report.with_note(format!("fix: {}", fix.message));
    }
    report.finish().write(ariadne::sources([(path.to_string(), text)]), out)
}

/// One JSON object a line on `out` (stdout for `check`; stderr where stdout holds manifests).
pub fn json_lines(loaded: &Loaded, diagnostics: &[FileDiagnostic], out: &mut impl Write) -> std::io::Result<Summary> {
    let mut indexes: std::collections::HashMap<&str, LineIndex> = std::collections::HashMap::new();
    for item in diagnostics {
        let text = loaded.text(&item.path);
        let index = indexes.entry(&item.path).or_insert_with(|| LineIndex::new(text));
        let file = loaded.display_path(&item.path);
        let d = &item.diagnostic;
        let mut object = json!({
            "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "code": d.code,
            "message": d.message,
            "file": file,
        });
        extend_with_position(&mut object, index, text, d.span);
        if let Some(help) = &d.help {
            object["help"] = json!(help);
        }
        if let Some(fix) = &d.fix {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    let mut edit_json = json!({ "file": file });
                    extend_with_position(&mut edit_json, index, text, edit.span);
                    edit_json["text"] = json!(edit.text);
                    edit_json
                })
                .collect();
            object["fix"] = json!({ "message": fix.message, "edits": edits });
        }
        writeln!(out, "{object}")?;
    }
    Ok(summarize(diagnostics))
}

/// Adds 1-based `line`, `column`, `end_line`, `end_column` (columns in characters).
fn extend_with_position(object: &mut Value, index: &LineIndex, text: &str, span: Span) {
    let (line, column) = index.line_col_chars(text, span.start);
    let (end_line, end_column) = index.line_col_chars(text, span.end);
    object["line"] = json!(line + 1);
    object["column"] = json!(column + 1);
    object["end_line"] = json!(end_line + 1);
    object["end_column"] = json!(end_column + 1);
}

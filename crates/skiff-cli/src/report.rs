//! Rendering diagnostics: ariadne for people, JSON lines for tools (docs/cli.md); SARIF and
//! GitHub annotations for CI are in `sarif.rs`. A human report is bounded whatever the input
//! (a number of diagnostics a file, quotes cut by `quote.rs`); machine formats list everything,
//! in time linear in the file. Writes go through `out`, which settles the exit status when one
//! fails.

use crate::ColorChoice;
use crate::files::Loaded;
use crate::out::{self, Stream};
use crate::quote::{Columns, Excerpt, escape_text};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use serde_json::{Value, json};
use skiff_sema::{Diagnostic, FileDiagnostic, Severity, Span};
use skiff_syntax::LineIndex;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};

pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
}

pub(crate) fn summarize(diagnostics: &[FileDiagnostic]) -> Summary {
    let errors = diagnostics.iter().filter(|d| d.diagnostic.severity == Severity::Error).count();
    Summary { errors, warnings: diagnostics.len() - errors }
}

/// The most diagnostics a human report shows of one file; the rest are counted ("... and 12
/// more errors in f.skiff"), and every one is in the machine formats.
pub const MAX_SHOWN_PER_FILE: usize = 50;

/// What a human report has shown of one file so far.
struct FileShown<'a> {
    columns: Columns<'a>,
    shown: usize,
    more_errors: usize,
    more_warnings: usize,
}

pub fn human(
    loaded: &Loaded,
    diagnostics: &[FileDiagnostic],
    color: ColorChoice,
    out: &mut impl Write,
) -> std::io::Result<Summary> {
    let color = use_color(color);
    let mut files: HashMap<&str, FileShown<'_>> = HashMap::new();
    let mut order: Vec<&str> = Vec::new();
    for item in diagnostics {
        let text = loaded.text(&item.path);
        let file = files.entry(&item.path).or_insert_with(|| {
            order.push(&item.path);
            FileShown { columns: Columns::new(text), shown: 0, more_errors: 0, more_warnings: 0 }
        });
        let d = &item.diagnostic;
        if file.shown == MAX_SHOWN_PER_FILE {
            match d.severity {
                Severity::Error => file.more_errors += 1,
                Severity::Warning => file.more_warnings += 1,
            }
            continue;
        }
        file.shown += 1;
        let at = file.columns.line_col(d.span.start);
        write_one(out, loaded.display_path(&item.path), text, file.columns.index(), at, d, color)?;
    }
    let plural = |n: usize, word: &str| if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") };
    let more = |n: usize, word: &str| if n == 1 { format!("1 more {word}") } else { format!("{n} more {word}s") };
    for path in order {
        let file = &files[path];
        let more = match (file.more_errors, file.more_warnings) {
            (0, 0) => continue,
            (e, 0) => more(e, "error"),
            (0, w) => more(w, "warning"),
            (e, w) => format!("{} and {}", more(e, "error"), more(w, "warning")),
        };
        let shown = escape_text(loaded.display_path(path));
        writeln!(
            out,
            "... and {more} in {shown} (a report shows {MAX_SHOWN_PER_FILE} a file; `--message-format json` lists all)"
        )?;
    }
    let summary = summarize(diagnostics);
    let files = loaded.workspace.files().len();
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

/// One diagnostic of the file `path` (as the user sees it) holding `text`, for people: the
/// lines it touches quoted by [`Excerpt`] (cut to a width, control characters escaped), and
/// its true place `at` (0-based line and column) said when the quote cannot show it.
pub fn write_one(
    out: &mut impl Write,
    path: &str,
    text: &str,
    index: &LineIndex,
    at: (usize, usize),
    d: &Diagnostic,
    color: bool,
) -> std::io::Result<()> {
    let (kind, accent) = match d.severity {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
    };
    // Labels in other files are said in notes: the quote is of this file.
    let (here, elsewhere): (Vec<_>, Vec<_>) = d.labels.iter().partition(|l| l.file.is_none());
    let spans: Vec<Span> = std::iter::once(d.span).chain(here.iter().map(|l| l.span)).collect();
    let excerpt = Excerpt::new(text, index, &spans);
    let path = escape_text(path).into_owned();
    let range = |i: usize| (path.clone(), excerpt.span(i));
    let message = escape_text(&d.message);
    let mut report = Report::build(kind, range(0))
        .with_config(Config::new().with_index_type(IndexType::Byte).with_color(color))
        .with_code(d.code)
        .with_message(&message)
        .with_label(Label::new(range(0)).with_message(&message).with_color(accent));
    for (i, label) in here.iter().enumerate() {
        report = report
            .with_label(Label::new(range(i + 1)).with_message(escape_text(&label.message)).with_color(Color::Blue));
    }
    for label in elsewhere {
        let file = label.file.as_deref().unwrap_or_default();
        report = report.with_note(format!("{} (in {})", escape_text(&label.message), escape_text(file)));
    }
    if let Some(help) = &d.help {
        report = report.with_help(escape_text(help));
    }
    if let Some(fix) = &d.fix {
        report = report.with_note(format!("fix: {}", escape_text(&fix.message)));
    }
    if excerpt.column(0) != at.1 {
        report = report.with_note(format!(
            "the quoted line is cut or has characters escaped: this is line {}, column {} of the file",
            at.0 + 1,
            at.1 + 1
        ));
    }
    report.finish().write((path.clone(), ariadne::Source::from(excerpt.text.as_str())), out)
}

/// One JSON object a line on `out` (stdout for `check`; stderr where stdout holds manifests).
pub fn json_lines(loaded: &Loaded, diagnostics: &[FileDiagnostic], out: &mut impl Write) -> std::io::Result<Summary> {
    let mut indexes: HashMap<&str, Columns<'_>> = HashMap::new();
    for item in diagnostics {
        let text = loaded.text(&item.path);
        let index = indexes.entry(&item.path).or_insert_with(|| Columns::new(text));
        let file = loaded.display_path(&item.path);
        let d = &item.diagnostic;
        let mut object = json!({
            "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "code": d.code,
            "message": d.message,
            "file": file,
        });
        extend_with_position(&mut object, index, d.span);
        if let Some(help) = &d.help {
            object["help"] = json!(help);
        }
        if let Some(fix) = &d.fix {
            let edits: Vec<Value> = fix
                .edits
                .iter()
                .map(|edit| {
                    let mut edit_json = json!({ "file": file });
                    extend_with_position(&mut edit_json, index, edit.span);
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
fn extend_with_position(object: &mut Value, index: &mut Columns<'_>, span: Span) {
    let (line, column) = index.line_col(span.start);
    let (end_line, end_column) = index.line_col(span.end);
    object["line"] = json!(line + 1);
    object["column"] = json!(column + 1);
    object["end_line"] = json!(end_line + 1);
    object["end_column"] = json!(end_column + 1);
}

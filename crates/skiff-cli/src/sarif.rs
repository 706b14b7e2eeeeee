//! Diagnostics for CI: one SARIF 2.1.0 log (code scanning) and GitHub Actions workflow commands
//! (annotations). Both render the same diagnostics as the other formats; what a rule says is
//! read from `docs/diagnostics.md`, so that the page a help link opens and the rule's text are
//! one text.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::quote::{Columns, escape_text};
use serde_json::{Value, json};
use skiff_sema::lints::{LINTS, Level};
use skiff_sema::{FileDiagnostic, Severity, Span, project_config};

use crate::files::Loaded;
use crate::report::Summary;

/// The page every rule's help links into.
const DIAGNOSTICS_DOC: &str = include_str!("../../../docs/diagnostics.md");

/// Where the project lives; its `docs/diagnostics.md` is the help of every rule.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// What `docs/diagnostics.md` says of one code, and the anchor it says it at.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RuleDoc {
    pub description: String,
    pub anchor: String,
}

/// Every code's description: the first paragraph under a `` ### `code` `` heading (the policy
/// lints), else the last cell of its table row, linked to the row's section.
pub fn rule_docs(doc: &str) -> BTreeMap<String, RuleDoc> {
    let mut out = BTreeMap::new();
    let mut section = String::new();
    let mut lines = doc.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(heading) = line.strip_prefix("## ") {
            section = anchor(heading);
        } else if let Some(code) = line.strip_prefix("### `").and_then(|rest| rest.strip_suffix('`')) {
            let mut paragraph = Vec::new();
            while let Some(next) = lines.peek() {
                if next.trim().is_empty() && !paragraph.is_empty() {
                    break;
                }
                if !next.trim().is_empty() {
                    paragraph.push(next.trim());
                }
                lines.next();
            }
            out.insert(code.to_owned(), RuleDoc { description: paragraph.join(" "), anchor: code.to_owned() });
        } else if let Some(rest) = line.strip_prefix("| `") {
            let Some((code, _)) = rest.split_once("` |") else { continue };
            let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").collect();
            // The policy table's cells (a level, a fix) say less than the lint's own section.
            if cells.len() < 3 || out.contains_key(code) || cells[1] == "warn" || cells[1] == "allow" {
                continue;
            }
            let what = cells[cells.len() - 1].trim();
            out.insert(code.to_owned(), RuleDoc { description: what.to_owned(), anchor: section.clone() });
        }
    }
    out
}

/// GitHub's anchor of a heading: lower case, punctuation dropped, spaces as `-`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every code skiff reports, in a stable order: a rule's index does not move between runs.
fn all_codes() -> Vec<&'static str> {
    skiff_syntax::error::codes::ALL
        .iter()
        .chain(skiff_sema::codes::ALL)
        .chain(skiff_k8s::codes::ALL)
        .chain(skiff_k8s::policy::codes::ALL)
        .chain(&["invalid-utf8"])
        .copied()
        .collect()
}

/// `code` as a rule name: `host-network` → `HostNetwork`.
fn rule_name(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
        })
        .collect()
}

/// A message as SARIF's guidelines want it: one sentence that ends with a period.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
}

/// The first sentence of a description (up to `; ` or `. `), for the rule's short description.
fn first_sentence(text: &str) -> String {
    let end = [text.find(". "), text.find("; ")].into_iter().flatten().min().unwrap_or(text.len());
    sentence(&text[..end])
}

/// The level a code has in this project when nothing else says: an error, a warning, or a lint
/// at its `[lints]` or default level.
fn default_level(loaded: &Loaded, code: &str) -> &'static str {
    let configured = project_config(&loaded.workspace.db).0.lints.get(code).copied();
    let level = configured.or_else(|| LINTS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l));
    match level {
        Some(Level::Allow) => "none",
        Some(Level::Warn) => "warning",
        Some(Level::Deny) => "error",
        None if skiff_sema::lints::WARNINGS.contains(&code) => "warning",
        None => "error",
    }
}

/// A file URL of a directory, with the trailing `/` that makes it a base.
fn directory_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut url = String::from("file://");
    if !text.starts_with('/') {
        url.push('/');
    }
    url.push_str(&percent_encode(&text));
    if !url.ends_with('/') {
        url.push('/');
    }
    url
}

/// A path as a URI reference: every byte outside the unreserved set and `/` percent-encoded.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The region of `span` in a file: 1-based lines and columns (in code points, the run's
/// `columnKind`), the end exclusive.
fn region(index: &mut Columns<'_>, span: Span) -> Value {
    let (line, column) = index.line_col(span.start);
    let (end_line, end_column) = index.line_col(span.end);
    json!({ "startLine": line + 1, "startColumn": column + 1, "endLine": end_line + 1, "endColumn": end_column + 1 })
}

/// One SARIF log of every diagnostic on `out`; paths are relative to the workspace root,
/// `%SRCROOT%`, whose location is in `originalUriBaseIds`.
pub fn sarif(
    loaded: &Loaded,
    root: &Path,
    diagnostics: &[FileDiagnostic],
    out: &mut impl Write,
) -> std::io::Result<Summary> {
    let docs = rule_docs(DIAGNOSTICS_DOC);
    let mut codes = all_codes();
    for d in diagnostics {
        if !codes.contains(&d.diagnostic.code) {
            codes.push(d.diagnostic.code);
        }
    }
    let help_base = format!("{REPOSITORY}/blob/main/docs/diagnostics.md");
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let doc = docs.get(*code);
            let description = doc.map_or_else(|| format!("skiff's `{code}` diagnostic"), |d| d.description.clone());
            let help_uri = match doc {
                Some(doc) if !doc.anchor.is_empty() => format!("{help_base}#{}", doc.anchor),
                _ => help_base.clone(),
            };
            json!({
                "id": code,
                "name": rule_name(code),
                "shortDescription": { "text": first_sentence(&description) },
                "fullDescription": { "text": sentence(&description) },
                "help": { "text": format!("See {help_uri}") },
                "helpUri": help_uri,
                "defaultConfiguration": { "level": default_level(loaded, code) },
            })
        })
        .collect();
    let mut indexes: BTreeMap<&str, Columns<'_>> = BTreeMap::new();
    let mut results = Vec::new();
    for item in diagnostics {
        let d = &item.diagnostic;
        let text = loaded.text(&item.path);
        let index = indexes.entry(&item.path).or_insert_with(|| Columns::new(text));
        let mut location = |span: Span| {
            json!({ "physicalLocation": {
                "artifactLocation": { "uri": percent_encode(&item.path), "uriBaseId": "%SRCROOT%" },
                "region": region(index, span),
            }})
        };
        let mut message = sentence(&d.message);
        if let Some(help) = &d.help {
            message = format!("{message} {}", sentence(&format!("Help: {help}")));
        }
        let mut result = json!({
            "ruleId": d.code,
            "ruleIndex": codes.iter().position(|c| *c == d.code),
            "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": { "text": message },
            "locations": [location(d.span)],
        });
        let related: Vec<Value> = d
            .labels
            .iter()
            .filter(|label| label.file.is_none())
            .enumerate()
            .map(|(id, label)| {
                let mut related = location(label.span);
                related["id"] = json!(id);
                related["message"] = json!({ "text": sentence(&label.message) });
                related
            })
            .collect();
        if !related.is_empty() {
            result["relatedLocations"] = json!(related);
        }
        if let Some(fix) = &d.fix {
            let replacements: Vec<Value> = fix
                .edits
                .iter()
                .map(|edit| json!({ "deletedRegion": region(index, edit.span), "insertedContent": { "text": edit.text } }))
                .collect();
            result["fixes"] = json!([{
                "description": { "text": sentence(&fix.message) },
                "artifactChanges": [{
                    "artifactLocation": { "uri": percent_encode(&item.path), "uriBaseId": "%SRCROOT%" },
                    "replacements": replacements,
                }],
            }]);
        }
        results.push(result);
    }
    let version = env!("CARGO_PKG_VERSION");
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "skiff",
                "version": version,
                "semanticVersion": version,
                "informationUri": REPOSITORY,
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "uri": directory_url(root) } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)?;
    Ok(crate::report::summarize(diagnostics))
}

/// One GitHub Actions workflow command per diagnostic (`::error file=...::message`), which the
/// runner shows as an annotation on the line. Paths as the user named them: run from the
/// repository's root, they are the repository's paths.
pub fn github(loaded: &Loaded, diagnostics: &[FileDiagnostic], out: &mut impl Write) -> std::io::Result<Summary> {
    let mut indexes: BTreeMap<&str, Columns<'_>> = BTreeMap::new();
    for item in diagnostics {
        let d = &item.diagnostic;
        let text = loaded.text(&item.path);
        let index = indexes.entry(&item.path).or_insert_with(|| Columns::new(text));
        let (line, column) = index.line_col(d.span.start);
        let (end_line, end_column) = index.line_col(d.span.end);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message = format!("{message}\nhelp: {help}");
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&escape_text(loaded.display_path(&item.path))),
            line + 1,
            column + 1,
            end_line + 1,
            end_column + 1,
            escape_property(d.code),
            // The runner's log shows ANSI sequences: the source's own are escaped.
            escape_data(&escape_text(&message)),
        )?;
    }
    Ok(crate::report::summarize(diagnostics))
}

/// A command's message, as the runner reads it back: `%`, `\r` and `\n` escaped.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A command's property value: the message's escapes, and `:` and `,`, which end a property.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_description_and_an_anchor() {
        let docs = rule_docs(DIAGNOSTICS_DOC);
        for code in all_codes() {
            let doc = docs.get(code).unwrap_or_else(|| panic!("`{code}` has no description in docs/diagnostics.md"));
            assert!(doc.description.len() > 10, "{code}: {doc:?}");
            assert!(!doc.anchor.is_empty(), "{code}");
        }
        assert_eq!(docs["host-network"].anchor, "host-network");
        assert!(docs["host-network"].description.starts_with("`hostNetwork: true`. **Why:**"));
        assert_eq!(docs["unknown-name"].anchor, "names-types-and-workflows");
    }

    #[test]
    fn workflow_commands_are_escaped_as_the_runner_reads_them() {
        assert_eq!(escape_data("50% of\r\nit: a, b"), "50%25 of%0D%0Ait: a, b");
        assert_eq!(escape_property("C:\\a,b%.skiff"), "C%3A\\a%2Cb%25.skiff");
    }

    #[test]
    fn directories_are_file_url_bases() {
        assert_eq!(directory_url(Path::new("/work/my ws")), "file:///work/my%20ws/");
        assert_eq!(rule_name("host-network"), "HostNetwork");
        assert_eq!(first_sentence("a thing; more"), "a thing.");
    }
}

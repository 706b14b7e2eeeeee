//! Assembling a file's diagnostics: syntax errors, then every item's, moved from chunk- and
//! item-relative to absolute positions. These are the queries that read positions, so they
//! re-run after any edit to the file; they only copy and shift what the chunk parses and the
//! checks computed.

use crate::check::{check_item, pod_diagnostics};
use crate::db::{Db, SourceFile, file_chunks, parse_chunk};
use crate::items::{file_items, item_offset, item_offsets};
use crate::lints::{
    apply_levels, data_lint_diagnostics, is_configurable, skiff_allows, skiff_lint_diagnostics, yaml_allows,
};
use skiff_syntax::{Diagnostic, Label, LineIndex};

/// The syntax errors of the file, in source order: each chunk's, moved to where the chunk is
/// (chunks are in order and their errors within them, so no sort is needed).
#[salsa::tracked(returns(ref))]
pub fn parse_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(chunk, offset) in file_chunks(db, file) {
        out.extend(parse_chunk(db, chunk).errors.iter().map(|error| {
            let mut error = error.clone();
            error.shift(offset);
            error
        }));
    }
    out
}

/// Every diagnostic of one file, in source order: its own ([`own_diagnostics`]), and the lints
/// of values written in it, at the levels of `skiff.toml`'s `[lints]` and its
/// `// skiff: allow(...)` comments.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = own_diagnostics(db, file).clone();
    let lints = skiff_lint_diagnostics(db, file);
    if lints.is_empty() && !out.iter().any(|d| is_configurable(d.code)) {
        return out;
    }
    out.extend(lints);
    let text = file.text(db);
    let index = LineIndex::new(text);
    let allows = skiff_allows(db, file, &index);
    out = apply_levels(db, out, &index, &allows);
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// The diagnostics of the file's own items, in source order: what its text alone and the
/// items it names decide (lints, found on pods that may be merged elsewhere, are added by
/// [`file_diagnostics`]). The heavy part of a check, run on every core.
#[salsa::tracked(returns(ref))]
pub fn own_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = parse_diagnostics(db, file).clone();
    let offsets = item_offsets(db, file);
    for (item, &offset) in file_items(db, file).iter().zip(offsets) {
        for found in check_item(db, *item).iter().chain(pod_diagnostics(db, *item)) {
            let mut diagnostic = found.diagnostic.clone();
            diagnostic.shift(offset);
            for related in &found.related {
                let (other, span, message) = (related.item, related.span, &related.message);
                let other_file = other.file(db);
                let at = span.shifted(item_offset(db, other));
                diagnostic.labels.push(Label {
                    span: at,
                    message: message.clone(),
                    file: (other_file != file).then(|| other_file.path(db).clone()),
                });
            }
            out.push(diagnostic);
        }
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

/// The problems of a YAML pod template (a `from` file or `skiff.toml`'s default), at their place
/// in the YAML: the checks of a pod-template body written in skiff ([`crate::body::yaml_body`]),
/// without fixes (they would be skiff text); and the lints of the values it wrote, at the
/// levels of `[lints]` and its `# skiff: allow(...)` comments. A file that does not read as a
/// pod template is reported where it is named, not here.
#[salsa::tracked(returns(ref))]
pub fn data_file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let text = file.text(db);
    let mut out = match crate::pod::yaml_template(text) {
        Ok(template) => {
            let body = crate::body::yaml_body(&template, text);
            crate::body::check_body(&body, skiff_k8s::BodyShape::PodTemplate, &[])
        }
        Err(_) => Vec::new(),
    };
    for diagnostic in &mut out {
        diagnostic.fix = None;
    }
    // The lints of the values it wrote, found on the pods that use it; their fixes are YAML.
    out.extend(data_lint_diagnostics(db, file));
    if out.iter().any(|d| is_configurable(d.code)) {
        let index = LineIndex::new(text);
        let allows = yaml_allows(text, &index);
        out = apply_levels(db, out, &index, &allows);
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

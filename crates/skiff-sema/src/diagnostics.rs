//! Assembling a file's diagnostics: syntax errors, then every item's, moved from chunk- and
//! item-relative to absolute positions. These are the queries that read positions, so they
//! re-run after any edit to the file; they only copy and shift what the chunk parses and the
//! checks computed.

use crate::check::{check_item, pod_diagnostics};
use crate::db::{Db, SourceFile, file_chunks, parse_chunk};
use crate::items::{file_items, item_offset, item_offsets};
use skiff_syntax::{Diagnostic, Label};

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

/// Every diagnostic of one file, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
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
/// without fixes (they would be skiff text). A file that does not read as a pod template is
/// reported where it is named, not here.
#[salsa::tracked(returns(ref))]
pub fn data_file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let text = file.text(db);
    let Ok(template) = crate::pod::yaml_template(text) else { return Vec::new() };
    let body = crate::body::yaml_body(&template, text);
    let mut out = crate::body::check_body(&body, skiff_k8s::BodyShape::PodTemplate, &[]);
    for diagnostic in &mut out {
        diagnostic.fix = None;
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

//! Assembling a file's diagnostics: syntax errors, then every item's, moved from item-relative
//! to absolute positions. This is the one query that reads positions, so it re-runs after any
//! edit to the file; it only copies and shifts what the checks computed.

use crate::check::{check_item, pod_diagnostics};
use crate::db::{Db, SourceFile, parse};
use crate::items::{file_items, item_offset, item_offsets};
use skiff_syntax::{Diagnostic, Label};

/// The syntax errors alone: a firewall between the tree, which changes with every edit, and
/// readers of errors.
#[salsa::tracked(returns(ref))]
pub fn parse_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    parse(db, file).errors.clone()
}

/// Every diagnostic of one file, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut out = parse_diagnostics(db, file).clone();
    let offsets = item_offsets(db, file);
    for (item, &offset) in file_items(db, file).iter().zip(offsets) {
        for found in check_item(db, *item).iter().chain(pod_diagnostics(db, *item)) {
            let mut diagnostic = found.diagnostic.clone();
            shift(&mut diagnostic, offset);
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

fn shift(diagnostic: &mut Diagnostic, offset: u32) {
    diagnostic.span = diagnostic.span.shifted(offset);
    for label in &mut diagnostic.labels {
        label.span = label.span.shifted(offset);
    }
    if let Some(fix) = &mut diagnostic.fix {
        for edit in &mut fix.edits {
            edit.span = edit.span.shifted(offset);
        }
    }
}

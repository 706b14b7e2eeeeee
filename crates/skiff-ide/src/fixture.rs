//! Test fixtures: one or more files in one text, with the cursor marked `$0`, in the format of
//! `skiff_sema::fixture` (read by it, and loaded as a folder on disk is).
//!
//! ```text
//! //- main.skiff
//! import "lib.skiff" as lib
//! ...$0...
//! //- lib.skiff
//! ...
//! ```
//! Without a `//- ` line, the text is the one file `main.skiff`.

use crate::{AnalysisHost, FilePosition};

pub(crate) const CURSOR: &str = "$0";

/// The host with every file set, and the cursor (offset 0 of `main.skiff` if none is marked).
pub(crate) fn fixture(text: &str) -> (AnalysisHost, FilePosition) {
    let mut position = FilePosition::new("main.skiff", 0);
    let mut files = skiff_sema::fixture::split(text);
    for file in &mut files {
        if let Some(at) = file.text.find(CURSOR) {
            file.text.replace_range(at..at + CURSOR.len(), "");
            position = FilePosition::new(file.path.clone(), at as u32);
        }
    }
    let mut host = AnalysisHost::new();
    host.workspace_mut().load_fixture(&files);
    (host, position)
}

/// A span of a file shown as the text it covers, for snapshots: `main.skiff 10..14 "gpu1"`.
pub(crate) fn show(host: &AnalysisHost, path: &str, span: skiff_syntax::Span) -> String {
    let text = host.text(path).unwrap_or_default();
    let covered = text.get(span.range()).unwrap_or("<out of range>");
    let shown: String = if covered.len() > 40 {
        format!("{}…", &covered[..covered.floor_char_boundary(40)])
    } else {
        covered.to_string()
    };
    format!("{path} {:?} {:?}", span, shown)
}

//! Test fixtures: one or more files in one text, with the cursor marked `$0`.
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
    let mut host = AnalysisHost::new();
    let mut position = FilePosition::new("main.skiff", 0);
    for (path, mut body) in files(text) {
        if let Some(at) = body.find(CURSOR) {
            body.replace_range(at..at + CURSOR.len(), "");
            position = FilePosition::new(path.clone(), at as u32);
        }
        if path == "skiff.toml" {
            host.set_config(body);
        } else if path.ends_with(".skiff") {
            host.set_file(&path, body);
        } else {
            host.set_data_file(&path, body);
        }
    }
    (host, position)
}

fn files(text: &str) -> Vec<(String, String)> {
    if !text.trim_start().starts_with("//- ") {
        return vec![("main.skiff".to_string(), text.to_string())];
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.trim_start().split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            out.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
        }
    }
    out
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

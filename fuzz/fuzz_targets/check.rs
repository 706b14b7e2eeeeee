//! Checking a workspace never panics, whatever its files (skiff, YAML templates, skiff.toml,
//! split as in the test fixtures: `//- path`, `#- path`), and every diagnostic points inside
//! its file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = skiff_sema::fixture::split(text);
    let workspace = skiff_sema::Workspace::from_fixture(&files);
    let diagnostics = workspace.diagnostics();
    skiff_fuzz::assert_spans_in_bounds(&workspace, &diagnostics);
});

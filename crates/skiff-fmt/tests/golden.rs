//! Formatter tests written as data.
//!
//! Every `fixtures/*.skiff` file is formatted and the result compared with the `*.out` file next
//! to it (review changes, then accept them with `UPDATE_EXPECT=1 cargo test -p skiff-fmt`). Each
//! expected output must itself be canonical: formatting it again changes nothing.

use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable fixture dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "skiff"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "fixtures missing in {}", dir.display());
    files
}

#[test]
fn messy_input_formats_to_the_expected_output() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let formatted = skiff_fmt::format(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        expect_test::expect_file![path.with_extension("out")].assert_eq(&formatted);
        let again = skiff_fmt::format(&formatted).unwrap_or_else(|e| panic!("{} formatted: {e}", path.display()));
        assert_eq!(again, formatted, "{}: the expected output is not canonical", path.display());
    }
}

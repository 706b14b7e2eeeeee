//! Parser tests written as data.
//!
//! Every `fixtures/**/*.skiff` file is parsed and its tree dumped next to it as `*.tree`
//! (review changes, then accept them with `UPDATE_EXPECT=1 cargo test -p skiff-syntax`).
//! Lines that must carry an error say so in a comment, as in rustc's UI tests:
//! `//~ code` for this line, `//~^ code` for the line above. Files under `ok/` must parse with
//! no error at all; files under `err/` must report exactly the annotated (line, code) pairs.

use skiff_syntax::LineIndex;
use std::path::{Path, PathBuf};

fn fixtures(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("readable fixture dir").path())
        .filter(|p| p.extension().is_some_and(|e| e == "skiff"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

/// The (1-based line, code) pairs the annotations ask for.
fn annotations(text: &str) -> Vec<(usize, String)> {
    let mut expected = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("//~") else { continue };
        let rest = &line[at + 3..];
        let (line_no, codes) = match rest.strip_prefix('^') {
            Some(codes) => (i, codes),
            None => (i + 1, rest),
        };
        for code in codes.split_whitespace() {
            expected.push((line_no, code.to_string()));
        }
    }
    expected.sort();
    expected
}

fn check(kind: &str) {
    for path in fixtures(kind) {
        let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
        let parse = skiff_syntax::parse(&text);
        let index = LineIndex::new(&text);
        let mut actual: Vec<(usize, String)> =
            parse.errors.iter().map(|e| (index.line(e.span.start) + 1, e.code.to_string())).collect();
        actual.sort();
        let expected = annotations(&text);
        if kind == "ok" {
            assert!(expected.is_empty(), "{}: ok fixtures carry no error annotations", path.display());
        } else {
            assert!(!expected.is_empty(), "{}: err fixtures annotate their errors", path.display());
        }
        assert_eq!(
            actual,
            expected,
            "{}: reported (line, code) pairs differ from the annotations\n{}",
            path.display(),
            skiff_syntax::dump(&parse)
        );
        expect_test::expect_file![path.with_extension("tree")].assert_eq(&skiff_syntax::dump(&parse));
    }
}

#[test]
fn valid_files_parse_cleanly() {
    check("ok");
}

#[test]
fn mistakes_are_each_reported_once_on_their_line() {
    check("err");
}

#[test]
fn examples_parse_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut stack = vec![root];
    let mut count = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("examples dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "skiff") {
                let parse = skiff_syntax::parse(&std::fs::read_to_string(&path).expect("UTF-8"));
                assert!(parse.errors.is_empty(), "{}: {:?}", path.display(), parse.errors);
                count += 1;
            }
        }
    }
    assert!(count >= 2, "expected the examples to be found");
}

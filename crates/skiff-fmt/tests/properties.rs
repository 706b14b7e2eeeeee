//! What formatting must keep, checked over every example, every parser fixture that parses,
//! every golden fixture, and thousands of generated files:
//! - idempotence: `format(format(x)) == format(x)`;
//! - meaning: the syntax tree of the output equals the input's, layout aside;
//! - text: the same comments in the same order, and the same tokens, layout aside;
//! - no panic on any input, and a refusal (not a half-formatted file) for any syntax error.

mod generate;

use proptest::prelude::*;
use skiff_syntax::lexer::{Token, lex, unescape};
use std::path::{Path, PathBuf};

/// Every `*.skiff` file below `dir`.
fn skiff_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            skiff_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "skiff") {
            found.push(path);
        }
    }
}

fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    skiff_files(&root.join("../../examples"), &mut paths);
    let examples = paths.len();
    skiff_files(&root.join("../skiff-syntax/tests/fixtures/ok"), &mut paths);
    skiff_files(&root.join("tests/fixtures"), &mut paths);
    assert!(examples >= 4 && paths.len() >= examples + 10, "the corpus was not found");
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("UTF-8");
            (path, text)
        })
        .collect()
}

/// The tokens of a text without its layout: no newlines or commas, no `:` before a `{` (block
/// sugar), and a quoted string that spells a name counted as that name (unquoted keys).
fn tokens(text: &str) -> Vec<String> {
    let lexed = lex(text);
    let mut out = Vec::new();
    let tokens: Vec<Token<'_>> = lexed.tokens.iter().map(|(t, _)| *t).filter(|t| *t != Token::Newline).collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::Comma => {}
            Token::Colon if tokens.get(i + 1) == Some(&Token::LBrace) => {}
            Token::Str(raw) => {
                let value = unescape(raw, 0).0;
                let plain = value.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                out.push(if plain { format!("Ident({value:?})") } else { format!("{token:?}") });
            }
            other => out.push(format!("{other:?}")),
        }
    }
    out.sort();
    out
}

fn comments(text: &str) -> Vec<String> {
    let parse = skiff_syntax::parse(text);
    parse.comments.iter().map(|c| text[c.span.range()].trim_end().to_string()).collect()
}

/// Every property of one valid input; `what` names it in failures.
fn check(what: &str, text: &str) {
    let parse = skiff_syntax::parse(text);
    assert!(parse.errors.is_empty(), "{what}: the input must be valid: {:?}\n{text}", parse.errors);
    let once = skiff_fmt::format(text).unwrap_or_else(|e| panic!("{what}: {e}\n--- input\n{text}"));
    let twice = skiff_fmt::format(&once).unwrap_or_else(|e| panic!("{what}: formatted: {e}\n{once}"));
    assert_eq!(twice, once, "{what}: not idempotent\n--- input\n{text}\n--- once\n{once}");
    let after = skiff_syntax::parse(&once);
    assert!(after.errors.is_empty(), "{what}: the output has errors");
    assert_eq!(skiff_fmt::layout_free(&after.file), skiff_fmt::layout_free(&parse.file), "{what}: meaning changed");
    assert_eq!(comments(&once), comments(text), "{what}: comments changed\n--- input\n{text}\n--- once\n{once}");
    let (before, after) = (tokens(text), tokens(&once));
    if before != after {
        let lost: Vec<&String> = before.iter().filter(|t| !after.contains(t)).collect();
        let gained: Vec<&String> = after.iter().filter(|t| !before.contains(t)).collect();
        panic!("{what}: tokens changed (lost {lost:?}, gained {gained:?})\n--- input\n{text}\n--- once\n{once}");
    }
    for line in once.lines() {
        assert_eq!(line, line.trim_end(), "{what}: trailing whitespace in the output");
    }
    assert!(once.is_empty() || once.ends_with('\n') && !once.ends_with("\n\n"), "{what}: one final newline");
    assert!(!once.contains("\n\n\n"), "{what}: at most one blank line in a row");
}

#[test]
fn the_corpus_keeps_its_meaning_and_formats_once() {
    for (path, text) in corpus() {
        check(&path.display().to_string(), &text);
    }
}

#[test]
fn the_examples_are_formatted() {
    let mut paths = Vec::new();
    skiff_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples"), &mut paths);
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("UTF-8");
        assert_eq!(skiff_fmt::format(&text).as_ref(), Ok(&text), "{}: run `skiff fmt examples`", path.display());
    }
}

#[test]
fn syntax_errors_are_refused_with_their_diagnostics() {
    for text in ["task t() {\n  image: \"x\" \"y\"\n}\n", "task t( {", "pod_template p {\n  a: 'x'\n}\n", "}"] {
        match skiff_fmt::format(text) {
            Err(skiff_fmt::FormatError::Syntax(errors)) => {
                assert_eq!(errors, skiff_syntax::parse(text).errors, "{text:?}");
                assert!(!errors.is_empty());
            }
            other => panic!("{text:?}: expected a refusal, got {other:?}"),
        }
    }
}

#[test]
fn empty_and_blank_files() {
    assert_eq!(skiff_fmt::format("").as_deref(), Ok(""));
    assert_eq!(skiff_fmt::format("\n\n  \n").as_deref(), Ok(""));
    assert_eq!(skiff_fmt::format("// only\n\n\n// comments").as_deref(), Ok("// only\n\n// comments\n"));
    assert_eq!(skiff_fmt::format("\u{feff}task t() {}\r\n").as_deref(), Ok("task t() {}\n"));
}

const VOCABULARY: &[&str] = &[
    "task",
    "workflow",
    "pod_template",
    "import",
    "as",
    "extends",
    "from",
    "let",
    "override",
    "replace",
    "delete",
    "return",
    "true",
    "null",
    "x",
    "gpu.v100",
    "\"s\"",
    "\"",
    "'",
    "8Gi",
    "1e3",
    "-1",
    "0.5",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    ",",
    ".",
    "=",
    "+=",
    "->",
    "?",
    "\n",
    " ",
    "// c",
    "/// d",
    "\\",
    "é",
    "\u{0}",
    ";",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_keep_their_meaning_and_format_once(seed in any::<u64>()) {
        let text = generate::Gen::new(seed).file();
        check(&format!("seed {seed}"), &text);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(out) = skiff_fmt::format(&text) {
            check("random bytes", &text);
            prop_assert_eq!(skiff_fmt::format(&out), Ok(out.clone()));
        }
    }

    #[test]
    fn token_soup_never_panics(words in proptest::collection::vec(0..VOCABULARY.len(), 0..200)) {
        let text: String = words.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ");
        match skiff_fmt::format(&text) {
            Ok(_) => check("token soup", &text),
            Err(skiff_fmt::FormatError::Syntax(_)) => {}
            Err(skiff_fmt::FormatError::Internal(why)) => prop_assert!(why.contains("tokens"), "{why}\n{text}"),
        }
    }

    #[test]
    fn mutated_files_never_panic(seed in any::<u64>(), cut in any::<usize>(), len in 0usize..20, insert in 0..VOCABULARY.len()) {
        let mut text = generate::Gen::new(seed).file();
        let mut at = cut % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + len).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.replace_range(at..end, VOCABULARY[insert]);
        match skiff_fmt::format(&text) {
            Ok(_) => check("mutated", &text),
            Err(skiff_fmt::FormatError::Syntax(errors)) => prop_assert!(!errors.is_empty()),
            // The parser sometimes skips text without an error (`a { }junk,` in a block): the
            // tree lacks it, so the formatter's token check refuses the file rather than drop it.
            Err(skiff_fmt::FormatError::Internal(why)) if why.contains("tokens") => {}
            Err(e) => prop_assert!(false, "{e}\n{text}"),
        }
    }
}

#[test]
fn text_the_parser_skips_is_never_dropped() {
    // The parser accepts `junk` glued after a field that ends in a block and leaves it out of the
    // tree without an error; formatting must refuse the file rather than lose the word. (Once
    // the parser reports it, the refusal is a syntax error.)
    let text = "pod_template p {\n  nodeSelector {} junk\n}\n";
    assert!(skiff_fmt::format(text).is_err(), "{:?}", skiff_fmt::format(text));
}

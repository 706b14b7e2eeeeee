//! Parsing never panics and always answers with spans inside the text, whatever the input:
//! random bytes, random token soup, and random mutations of real files.

use proptest::prelude::*;
use skiff_syntax::{Span, parse};

const SEED_TRAIN: &str = include_str!("../../../examples/seed/train.skiff");
const SEED_GPU: &str = include_str!("../../../examples/seed/lib/gpu.skiff");
const OPERATORS: &str = include_str!("fixtures/ok/operators.skiff");
const OVERRIDES: &str = include_str!("fixtures/ok/overrides.skiff");

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
    "//",
    "///",
    "\\",
    "é",
    "\u{0}",
    "@",
    ";",
];

fn check_invariants(text: &str) {
    let parse = parse(text);
    let len = text.len() as u32;
    let in_bounds = |span: Span| {
        span.start <= span.end
            && span.end <= len
            && text.is_char_boundary(span.start as usize)
            && text.is_char_boundary(span.end as usize)
    };
    for error in &parse.errors {
        assert!(in_bounds(error.span), "error span {:?} out of bounds in {text:?}", error.span);
        if let Some(fix) = &error.fix {
            for edit in &fix.edits {
                assert!(in_bounds(edit.span), "fix span {:?} out of bounds in {text:?}", edit.span);
            }
        }
    }
    // Chunks cover the text exactly, in order, each from a line start: no byte is lost.
    let mut covered = 0;
    for chunk in skiff_syntax::chunks(text) {
        assert_eq!(chunk.span.start, covered, "chunks leave a gap or overlap in {text:?}");
        assert!(chunk.span.end > chunk.span.start, "empty chunk in {text:?}");
        assert!(chunk.span.start == 0 || text.as_bytes()[chunk.span.start as usize - 1] == b'\n');
        covered = chunk.span.end;
    }
    assert_eq!(covered, len, "chunks do not reach the end of {text:?}");
    assert!(parse.errors.is_sorted_by_key(|e| (e.span.start, e.span.end)), "errors out of order in {text:?}");
    let mut previous_end = 0;
    for item in &parse.file.items {
        assert!(in_bounds(item.span), "item span {:?} out of bounds", item.span);
        assert!(item.span.start >= previous_end, "items overlap in {text:?}");
        previous_end = item.span.end;
    }
    // The dump walks every node: it must not panic either.
    let _ = skiff_syntax::dump(&parse);
}

fn mutate(base: &str, cuts: &[(usize, usize, usize)]) -> String {
    let mut text = base.to_string();
    for &(a, b, op) in cuts {
        let len = text.len().max(1);
        let (mut start, mut end) = (a % len, b % len);
        if start > end {
            std::mem::swap(&mut start, &mut end);
        }
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        match op % 3 {
            0 => text.replace_range(start..end, ""),
            1 => {
                let copy = text[start..end].to_string();
                text.insert_str(end, &copy);
            }
            _ => text.insert_str(start, VOCABULARY[op % VOCABULARY.len()]),
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_invariants(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup(words in proptest::collection::vec(0..VOCABULARY.len(), 0..200)) {
        let text: String = words.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ");
        check_invariants(&text);
    }

    #[test]
    fn mutated_files(
        which in 0..4usize,
        cuts in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..6),
    ) {
        let base = [SEED_TRAIN, SEED_GPU, OPERATORS, OVERRIDES][which];
        check_invariants(&mutate(base, &cuts));
    }
}

#[test]
fn deep_nesting_is_reported_not_overflowed() {
    for open in ["[", "{", "("] {
        let text = format!("pod_template t {{ a: {} }}", open.repeat(100_000));
        let parse = parse(&text);
        assert!(parse.errors.iter().any(|e| e.code == "nesting-too-deep"), "{open}: {:?}", &parse.errors[..1]);
    }
    // Nesting just under the limit parses, in a thread with the default 2 MiB test stack.
    let depth = skiff_syntax::lexer::MAX_NESTING - 2;
    let text = format!("pod_template t {{ a: {}{} }}", "[".repeat(depth), "]".repeat(depth));
    let parse = parse(&text);
    assert!(parse.errors.is_empty(), "{:?}", parse.errors);
}

#[test]
fn nul_bytes_and_empty_input() {
    assert!(parse("").errors.is_empty());
    let nul = parse(&"\0".repeat(1000));
    assert_eq!(nul.errors.len(), 1, "a run of NUL bytes is one error: {:?}", nul.errors);
    assert_eq!((nul.errors[0].code, nul.errors[0].span), ("invalid-character", Span::new(0, 1000)));
}

#[test]
fn byte_order_mark_is_not_text() {
    let parse = parse("\u{feff}task t() { image: \"x\" }\n");
    assert!(parse.errors.is_empty(), "{:?}", parse.errors);
    assert_eq!(parse.file.items.len(), 1);
}

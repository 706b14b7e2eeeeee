//! Parsing never panics, every span it reports is inside the text, and the fast path for items
//! without errors agrees with the grammar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skiff_syntax::Span;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parse = skiff_syntax::parse(text);
    let in_bounds = |span: Span| {
        span.start <= span.end
            && span.end as usize <= text.len()
            && text.is_char_boundary(span.start as usize)
            && text.is_char_boundary(span.end as usize)
    };
    for error in &parse.errors {
        assert!(in_bounds(error.span), "error span {:?} out of bounds", error.span);
        for edit in error.fix.iter().flat_map(|fix| &fix.edits) {
            assert!(in_bounds(edit.span), "fix span {:?} out of bounds", edit.span);
        }
    }
    let mut previous_end = 0;
    for item in &parse.file.items {
        assert!(in_bounds(item.span) && item.span.start >= previous_end, "item span {:?}", item.span);
        previous_end = item.span.end;
    }
    for comment in &parse.comments {
        assert!(in_bounds(comment.span), "comment span {:?} out of bounds", comment.span);
    }
    let _ = skiff_syntax::dump(&parse);
    assert_eq!(parse, skiff_syntax::parse_by_grammar(text), "the fast path and the grammar disagree");
});

//! The before/after examples of `docs/formatting.md` are what the formatter does.

#[test]
fn the_documented_examples_are_true() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/formatting.md");
    let doc = std::fs::read_to_string(&path).expect("docs/formatting.md");
    let examples = doc.split("\n## Examples\n").nth(1).expect("an Examples section");
    let examples = examples.split("\n## ").next().unwrap_or_default();
    let blocks: Vec<&str> =
        examples.split("```skiff\n").skip(1).map(|block| block.split("```").next().expect("a closed block")).collect();
    assert!(blocks.len() >= 8 && blocks.len().is_multiple_of(2), "before/after pairs: {}", blocks.len());
    for pair in blocks.chunks(2) {
        let formatted = skiff_fmt::format(pair[0]).unwrap_or_else(|e| panic!("{e}\n{}", pair[0]));
        assert_eq!(formatted, pair[1], "docs/formatting.md: the example after\n{}", pair[0]);
    }
}

//! Cutting a file into chunks, one per top-level item, found from the text alone.
//!
//! A chunk is the unit of re-parsing: the `///` lines directly above an item, the item, and the
//! blank lines and comments after it, up to the next chunk (the text before the first item is a
//! chunk of its own). Each chunk parses as a standalone text, so an editor that keeps the parse
//! of every unchanged chunk re-parses only the chunk an edit is in, and the whole-file
//! [`crate::parse`] is the chunk parses put end to end: the two cannot disagree.
//!
//! Items are found without lexing because the lexer is line-local: strings end at a newline
//! (a string the lexer reads across lines, to report it once, never crosses a line that starts
//! an item) and comments at the end of their line, so a line that starts (after spaces, tabs or
//! `\r`) with `pod_template`, `task` or `workflow` and a name, or `import` and a string, starts an
//! item wherever it is. The one token that spans lines, a bracket group nested past
//! [`crate::lexer::MAX_NESTING`], is swallowed only up to the end of its chunk.

use crate::Span;

/// The keyword that starts an item. A chunk's parse is told which one follows it (or that the
/// file ends), for errors such as "expected `}`, found the next item (`task`)".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemKeyword {
    Import,
    PodTemplate,
    Task,
    Workflow,
}

impl ItemKeyword {
    pub const ALL: [ItemKeyword; 4] =
        [ItemKeyword::Import, ItemKeyword::PodTemplate, ItemKeyword::Task, ItemKeyword::Workflow];

    pub fn text(self) -> &'static str {
        match self {
            ItemKeyword::Import => "import",
            ItemKeyword::PodTemplate => "pod_template",
            ItemKeyword::Task => "task",
            ItemKeyword::Workflow => "workflow",
        }
    }
}

/// One chunk of a file: where its text is, and what follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Chunk {
    /// Byte range in the file. Chunks are in order and cover the file exactly; each starts at a
    /// line start.
    pub span: Span,
    /// The keyword of the next chunk's item, or `None` for the last chunk.
    pub next: Option<ItemKeyword>,
}

/// The chunks of `src`: empty for an empty text, otherwise covering it exactly.
pub fn chunks(src: &str) -> Vec<Chunk> {
    // (line start, keyword) of each item, and the start of each chunk (its doc lines first).
    let mut starts: Vec<(usize, Option<ItemKeyword>)> = Vec::new();
    // Start of the run of doc-only lines that ends at the current line, if any.
    let mut docs_from: Option<usize> = None;
    let mut line_start = 0;
    while line_start < src.len() {
        let line_end = src[line_start..].find('\n').map_or(src.len(), |i| line_start + i);
        // A byte order mark is skipped by the lexer at the start of the file only.
        let skip = if line_start == 0 && src.starts_with('\u{feff}') { 3 } else { 0 };
        let line = &src[line_start + skip..line_end];
        if let Some(keyword) = starts_item(line) {
            starts.push((docs_from.unwrap_or(line_start), Some(keyword)));
            docs_from = None;
        } else if is_doc_line(line) {
            docs_from.get_or_insert(line_start);
        } else {
            docs_from = None;
        }
        line_start = line_end + 1;
    }
    if starts.first().is_none_or(|&(at, _)| at != 0) && !src.is_empty() {
        starts.insert(0, (0, None));
    }
    let mut out = Vec::with_capacity(starts.len());
    for (i, &(start, _)) in starts.iter().enumerate() {
        let (end, next) = starts.get(i + 1).map_or((src.len(), None), |&(end, keyword)| (end, keyword));
        out.push(Chunk { span: Span::from_range(start..end), next });
    }
    out
}

/// Lexer whitespace within a line.
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r')
}

/// The keyword of an item starting on this line: `import` followed by a string, or another
/// item keyword followed by a name, at the line's first token.
pub(crate) fn starts_item(line: &str) -> Option<ItemKeyword> {
    let rest = line.trim_start_matches(|c: char| c.is_ascii() && is_blank(c as u8));
    let word_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    let (word, after) = rest.split_at(word_len);
    let keyword = ItemKeyword::ALL.into_iter().find(|k| k.text() == word)?;
    let next = after.bytes().find(|b| !is_blank(*b))?;
    let fits = match keyword {
        ItemKeyword::Import => next == b'"',
        _ => next.is_ascii_alphabetic() || next == b'_',
    };
    fits.then_some(keyword)
}

/// A line holding only a `///` comment: the lines directly above an item that are its doc.
fn is_doc_line(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| c.is_ascii() && is_blank(c as u8));
    rest.starts_with("///") && !rest.starts_with("////")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<(&str, Option<&'static str>)> {
        chunks(src).iter().map(|c| (&src[c.span.range()], c.next.map(ItemKeyword::text))).collect()
    }

    #[test]
    fn one_chunk_per_item_with_its_docs_and_trailing_comments() {
        let src = "// header\n\n/// A.\n/// More.\ntask a() {}\n// after a\n\n  pod_template b {}\n////x\n/// c\nworkflow c() {}\n";
        assert_eq!(
            texts(src),
            [
                ("// header\n\n", Some("task")),
                ("/// A.\n/// More.\ntask a() {}\n// after a\n\n", Some("pod_template")),
                ("  pod_template b {}\n////x\n", Some("workflow")),
                ("/// c\nworkflow c() {}\n", None),
            ]
        );
    }

    #[test]
    fn what_does_not_start_an_item() {
        // A keyword inside a line, without a name, or `import` without a string.
        let src = "task a {\n  x: task\n}\ntask\n{}\nimport x\nx task b\n";
        assert_eq!(texts(src), [(src, None)]);
        assert_eq!(texts(""), []);
        assert_eq!(texts("\u{feff}import \"a\" as a\nimport \"b\"").len(), 2);
    }

    /// The whole-file parse as it was before chunks: one lexing of the file, items split on
    /// its tokens, docs attached and errors filtered over the whole file. Kept as the oracle
    /// that chunked parsing is checked against.
    mod whole_file {
        use crate::lexer::{self, Token};
        use crate::parser::{self, ChunkTokens, ITEM_KEYWORDS};
        use crate::{Parse, Span, ast};

        fn split_items(tokens: &[(Token<'_>, Span)]) -> Vec<std::ops::Range<usize>> {
            let mut starts = vec![0];
            for i in 1..tokens.len() {
                let is_item = match (tokens[i].0, tokens.get(i + 1).map(|t| t.0)) {
                    (Token::Ident("import"), Some(Token::Str(_))) => true,
                    (Token::Ident(k), Some(Token::Ident(_) | Token::Word(_))) => ITEM_KEYWORDS[1..].contains(&k),
                    _ => false,
                };
                if tokens[i - 1].0 == Token::Newline && is_item {
                    starts.push(i);
                }
            }
            starts.push(tokens.len());
            starts.windows(2).map(|w| w[0]..w[1]).collect()
        }

        pub fn parse(src: &str) -> Parse {
            let lexed = lexer::lex(src);
            let pieces = split_items(&lexed.tokens);
            let inputs: Vec<ChunkTokens<'_, '_>> = pieces
                .iter()
                .map(|r| ChunkTokens {
                    tokens: &lexed.tokens[r.clone()],
                    len: src.len() as u32,
                    next: lexed.tokens.get(r.end).map(|(t, _)| *t),
                })
                .collect();
            let parsed = parser::parse_chunks(&inputs, false);
            let mut items: Vec<ast::Item> = parsed.iter().filter_map(|(item, _)| item.clone()).collect();
            crate::attach_docs(src, &mut items, &lexed.comments);
            let error_tokens: Vec<Span> =
                lexed.tokens.iter().filter(|(t, _)| *t == Token::Error).map(|(_, s)| *s).collect();
            let mut errors = lexed.errors;
            let at_error_token = |offset: u32| error_tokens.iter().any(|t| t.touches(offset));
            errors.extend(parsed.into_iter().flat_map(|(_, e)| e).filter(|e| !at_error_token(e.span.start)));
            errors.sort_by_key(|e| (e.span.start, e.span.end));
            errors.dedup_by(|a, b| a.span.start == b.span.start && a.message == b.message);
            Parse { file: ast::SourceFile { items }, comments: lexed.comments, errors }
        }
    }

    /// Inputs on which chunks knowingly differ from the whole-file parse: brackets nested past
    /// the lexer's limit across items (each chunk now counts its own), and a `///` comment after
    /// code on its line (no longer the doc of the item below: it is not a line of its own).
    fn outside_the_oracle(src: &str) -> bool {
        let brackets = src.bytes().filter(|b| matches!(b, b'{' | b'[' | b'(')).count();
        let trailing_doc = crate::lexer::lex(src).comments.iter().any(|c| {
            let line_start = src[..c.span.start as usize].rfind('\n').map_or(0, |i| i + 1);
            c.kind == crate::CommentKind::Doc && !src[line_start..c.span.start as usize].trim().is_empty()
        });
        brackets >= crate::lexer::MAX_NESTING || trailing_doc
    }

    /// The other known difference: the end of an item's tokens. The whole-file split ran to the
    /// next item's keyword line, over its doc lines; a chunk ends where those lines start. So
    /// a span of the old parse that ends at a documented item's keyword line (the end of an
    /// item, an error at the end of the item, a fix inserting a missing `}`) ends, in chunks,
    /// at that item's first doc line.
    fn move_ends_to_chunk_starts(src: &str, parse: &mut crate::Parse) {
        let mut moves: Vec<(u32, u32)> = Vec::new();
        for chunk in chunks(src) {
            let text = &src[chunk.span.range()];
            let keyword_line = text.lines().position(|l| !is_doc_line(l)).unwrap_or(0);
            let skipped: usize = text.split_inclusive('\n').take(keyword_line).map(str::len).sum();
            if skipped > 0 {
                moves.push((chunk.span.start + skipped as u32, chunk.span.start));
            }
        }
        let fix = |span: &mut Span| {
            if let Some(&(_, to)) = moves.iter().find(|(from, _)| span.end == *from) {
                if span.start == span.end {
                    span.start = to;
                }
                span.end = to;
            }
        };
        let mut fix = fix;
        for item in &mut parse.file.items {
            item.spans_mut(&mut fix);
        }
        for error in &mut parse.errors {
            fix(&mut error.span);
            for edit in error.fix.iter_mut().flat_map(|f| &mut f.edits) {
                fix(&mut edit.span);
            }
        }
    }

    fn lines_of_examples() -> Vec<&'static str> {
        [
            include_str!("../tests/fixtures/err/five_errors.skiff"),
            include_str!("../tests/fixtures/err/glued_garbage.skiff"),
            include_str!("../tests/fixtures/err/lexical.skiff"),
            include_str!("../tests/fixtures/err/missing_brace.skiff"),
            include_str!("../tests/fixtures/err/three_errors.skiff"),
            include_str!("../tests/fixtures/err/top_level.skiff"),
            include_str!("../tests/fixtures/ok/operators.skiff"),
            include_str!("../tests/fixtures/ok/overrides.skiff"),
            include_str!("../../../examples/seed/train.skiff"),
            "/// A doc line.",
            "  /// An indented doc line.",
            "// A comment.",
            "",
            "task t(x: Int) -> File {",
            "workflow w() {",
            "pod_template p extends q {",
            "import \"a.skiff\"",
            "}",
            "  image: \"x\"",
            "  let a = t(x: 1)",
        ]
        .iter()
        .flat_map(|text| text.lines())
        .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Files made of lines of the fixtures and examples, shuffled, with a piece cut out:
        /// items whole, cut, glued, documented, broken. Chunked parsing gives what the whole-file parse gave.
        #[test]
        fn chunked_parse_equals_the_whole_file_parse(
            picks in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..60),
            crlf in proptest::prelude::any::<bool>(),
            cut in proptest::prelude::any::<Option<(proptest::sample::Index, proptest::sample::Index)>>(),
        ) {
            let lines = lines_of_examples();
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut src: String = picks.iter().map(|i| format!("{}{newline}", lines[i.index(lines.len())])).collect();
            // And text cut out anywhere, lines joined mid-token.
            if let Some((a, b)) = cut && !src.is_empty() {
                let (mut a, mut b) = (a.index(src.len()), b.index(src.len()));
                while !src.is_char_boundary(a) { a -= 1; }
                while !src.is_char_boundary(b) { b -= 1; }
                src.replace_range(a.min(b)..a.max(b), "");
            }
            proptest::prop_assume!(!outside_the_oracle(&src));
            let mut old = whole_file::parse(&src);
            move_ends_to_chunk_starts(&src, &mut old);
            let new = crate::parse(&src);
            proptest::prop_assert_eq!(&new.file, &old.file, "items of {:?}", src);
            proptest::prop_assert_eq!(&new.comments, &old.comments);
            proptest::prop_assert_eq!(&new.errors, &old.errors, "errors of {:?}", src);
        }
    }
}

//! Translation between LSP's world (URIs, UTF-16 line/character positions, `ls_types`) and
//! skiff-ide's (workspace paths, byte offsets, plain structs). Nothing here decides anything.

use line_index::{TextSize, WideEncoding, WideLineCol};
use skiff_ide as ide;
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

/// Line starts and non-ASCII characters of one text: byte offsets ↔ UTF-16 positions.
#[derive(Debug)]
pub struct LineIndex {
    index: line_index::LineIndex,
    len: u32,
    lines: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Arc<Self> {
        let lines = memchr_count(text) + 1;
        Arc::new(LineIndex { index: line_index::LineIndex::new(text), len: text.len() as u32, lines })
    }

    /// The byte offset of an LSP position. Positions past the end of a line or of the text are
    /// clamped to that end, as the protocol asks; never an error.
    pub fn offset(&self, position: lsp::Position) -> u32 {
        let Some(line) = self.index.line(position.line) else { return self.len };
        let wide = WideLineCol { line: position.line, col: position.character };
        let col = self.index.to_utf8(WideEncoding::Utf16, wide).map_or(u32::MAX, |lc| lc.col);
        let line_end: u32 = line.end().into();
        let line_start: u32 = line.start().into();
        // `line` ends after its newline (except the last): a column past the end stops before it.
        let content_end = if line_end > line_start && position.line + 1 < self.lines { line_end - 1 } else { line_end };
        line_start.saturating_add(col).min(content_end)
    }

    /// The LSP position of a byte offset (clamped into the text, and back to a character start).
    pub fn position(&self, offset: u32) -> lsp::Position {
        let mut offset = offset.min(self.len);
        loop {
            if let Some(lc) = self.index.try_line_col(TextSize::from(offset)) {
                let wide =
                    self.index.to_wide(WideEncoding::Utf16, lc).unwrap_or(WideLineCol { line: lc.line, col: lc.col });
                return lsp::Position { line: wide.line, character: wide.col };
            }
            if offset == 0 {
                return lsp::Position::default();
            }
            offset -= 1;
        }
    }

    pub fn range(&self, span: ide::Span) -> lsp::Range {
        lsp::Range { start: self.position(span.start), end: self.position(span.end) }
    }

    pub fn span(&self, range: lsp::Range) -> ide::Span {
        let (start, end) = (self.offset(range.start), self.offset(range.end));
        ide::Span::new(start.min(end), end.max(start))
    }

    /// The UTF-16 length of `text` (labels, token lengths).
    pub fn utf16_len(text: &str) -> u32 {
        text.encode_utf16().count() as u32
    }

    /// The (line, UTF-16 column) of an offset, for semantic tokens.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let p = self.position(offset);
        (p.line, p.character)
    }
}

fn memchr_count(text: &str) -> u32 {
    text.bytes().filter(|b| *b == b'\n').count() as u32
}

/// Applies one `didChange` content change to a text: a range replaced, or the whole text.
pub fn apply_change(text: &mut String, change: &lsp::TextDocumentContentChangeEvent) {
    match change.range {
        Some(range) => {
            let index = LineIndex::new(text);
            let span = index.span(range);
            // Clamped offsets fall on character boundaries (the index maps columns to them).
            if text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize) {
                text.replace_range(span.range(), &change.text);
            }
        }
        None => *text = change.text.clone(),
    }
}

pub fn severity(severity: ide::Severity) -> lsp::DiagnosticSeverity {
    match severity {
        ide::Severity::Error => lsp::DiagnosticSeverity::ERROR,
        ide::Severity::Warning => lsp::DiagnosticSeverity::WARNING,
    }
}

/// Finds the URI and line index of another file by workspace path.
pub type OtherFile<'a> = &'a dyn Fn(&str) -> Option<(lsp::Uri, Arc<LineIndex>)>;

/// A skiff diagnostic as LSP's. `uri_of` turns a label's workspace path into a URI (labels in
/// other files); `index_of` gives that file's line index.
pub fn diagnostic(d: &ide::Diagnostic, uri: &lsp::Uri, index: &LineIndex, other: OtherFile<'_>) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|label| {
            let (label_uri, range) = match &label.file {
                None => (uri.clone(), index.range(label.span)),
                Some(path) => {
                    let (u, i) = other(path)?;
                    (u, i.range(label.span))
                }
            };
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location { uri: label_uri, range },
                message: label.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: index.range(d.span),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        source: Some("skiff".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}

pub fn text_edits(edits: &[ide::TextEdit], index: &LineIndex) -> Vec<lsp::TextEdit> {
    edits.iter().map(|e| lsp::TextEdit { range: index.range(e.span), new_text: e.text.clone() }).collect()
}

pub fn completion_kind(kind: ide::CompletionKind) -> lsp::CompletionItemKind {
    use ide::CompletionKind as K;
    match kind {
        K::Field => lsp::CompletionItemKind::FIELD,
        K::EnumValue => lsp::CompletionItemKind::ENUM_MEMBER,
        K::Task => lsp::CompletionItemKind::FUNCTION,
        K::Template => lsp::CompletionItemKind::STRUCT,
        K::Workflow => lsp::CompletionItemKind::FUNCTION,
        K::Module => lsp::CompletionItemKind::MODULE,
        K::Binding => lsp::CompletionItemKind::VARIABLE,
        K::Parameter => lsp::CompletionItemKind::VARIABLE,
        K::File => lsp::CompletionItemKind::FILE,
        K::Keyword => lsp::CompletionItemKind::KEYWORD,
    }
}

pub fn symbol_kind(kind: ide::SymbolKind) -> lsp::SymbolKind {
    use ide::SymbolKind as K;
    match kind {
        K::Import => lsp::SymbolKind::MODULE,
        K::Template => lsp::SymbolKind::STRUCT,
        K::Task => lsp::SymbolKind::FUNCTION,
        K::Workflow => lsp::SymbolKind::CLASS,
        K::Parameter => lsp::SymbolKind::VARIABLE,
        K::Binding => lsp::SymbolKind::VARIABLE,
        K::Field => lsp::SymbolKind::FIELD,
        K::File => lsp::SymbolKind::FILE,
    }
}

/// The semantic token types, in the order of the legend.
pub const TOKEN_TYPES: &[lsp::SemanticTokenType] = &[
    lsp::SemanticTokenType::NAMESPACE,
    lsp::SemanticTokenType::TYPE,
    lsp::SemanticTokenType::FUNCTION,
    lsp::SemanticTokenType::CLASS,
    lsp::SemanticTokenType::PARAMETER,
    lsp::SemanticTokenType::VARIABLE,
    lsp::SemanticTokenType::PROPERTY,
    lsp::SemanticTokenType::NUMBER,
];

pub const TOKEN_MODIFIERS: &[lsp::SemanticTokenModifier] =
    &[lsp::SemanticTokenModifier::DECLARATION, lsp::SemanticTokenModifier::DEFAULT_LIBRARY];

fn token_type(kind: ide::TokenKind) -> u32 {
    use ide::TokenKind as K;
    match kind {
        K::Namespace => 0,
        K::Template | K::Type => 1,
        K::Task => 2,
        K::Workflow => 3,
        K::Parameter => 4,
        K::Binding => 5,
        K::Property => 6,
        K::Number => 7,
    }
}

/// Tokens in LSP's relative encoding (each token's line and start relative to the previous one).
pub fn semantic_tokens(tokens: &[ide::SemanticToken], text: &str, index: &LineIndex) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_start) = (0, 0);
    for token in tokens {
        let (line, start) = index.line_col(token.span.start);
        let Some(covered) = text.get(token.span.range()) else { continue };
        if covered.contains('\n') {
            continue;
        }
        let delta_line = line - prev_line;
        let delta_start = if delta_line == 0 { start - prev_start } else { start };
        let modifiers = token.modifiers.iter().fold(0, |bits, m| {
            bits | match m {
                ide::TokenModifier::Declaration => 1,
                ide::TokenModifier::DefaultLibrary => 2,
            }
        });
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: LineIndex::utf16_len(covered),
            token_type: token_type(token.kind),
            token_modifiers_bitset: modifiers,
        });
        (prev_line, prev_start) = (line, start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> lsp::Position {
        lsp::Position { line, character }
    }

    #[test]
    fn utf16_positions_round_trip_over_non_ascii_text() {
        // `é` is 2 bytes and 1 UTF-16 unit; `𝔊` is 4 bytes and 2 UTF-16 units.
        let text = "a: \"é𝔊x\"\nñ\n";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.position(x), pos(0, 7));
        assert_eq!(index.offset(pos(0, 7)), x);
        let n = text.find('ñ').unwrap() as u32;
        assert_eq!(index.position(n + 2), pos(1, 1));
        // Past the end of a line: its end, before the newline; past the text: its end.
        assert_eq!(index.offset(pos(0, 100)), text.find('\n').unwrap() as u32);
        assert_eq!(index.offset(pos(9, 0)), text.len() as u32);
        // Inside a character: back to its start.
        assert_eq!(index.position(text.find('𝔊').unwrap() as u32 + 1), pos(0, 5));
    }

    #[test]
    fn incremental_changes_apply_in_utf16() {
        let mut text = "name: \"𝔊a\"\n".to_string();
        let change = lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range { start: pos(0, 9), end: pos(0, 10) }),
            range_length: None,
            text: "bc".into(),
        };
        apply_change(&mut text, &change);
        assert_eq!(text, "name: \"𝔊bc\"\n");
    }
}

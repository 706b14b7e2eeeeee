//! From skiff-ide to the protocol: every answer's plain data (byte spans, workspace paths,
//! skiff-ide's kinds) becomes `ls_types` here, one function a type, so that handlers only call
//! skiff-ide and one of these. Nothing here decides anything.

use crate::ext;
use crate::lines::LineIndex;
use crate::state::Vfs;
use skiff_ide as ide;
use std::collections::HashMap;
use std::sync::Arc;
use tower_lsp_server::ls_types as lsp;

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
        if covered.contains(['\n', '\r']) {
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

pub fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value }
}

/// A place in a known file.
pub fn location(vfs: &Vfs, path: &str, span: ide::Span) -> Option<lsp::Location> {
    let (uri, index) = vfs.locate(path)?;
    Some(lsp::Location { uri, range: index.range(span) })
}

pub fn locations(vfs: &Vfs, targets: &[ide::FileRange]) -> Vec<lsp::Location> {
    targets.iter().filter_map(|t| location(vfs, &t.path, t.span)).collect()
}

pub fn definitions(vfs: &Vfs, targets: &[ide::NavTarget]) -> Option<lsp::GotoDefinitionResponse> {
    let found: Vec<lsp::Location> = targets.iter().filter_map(|t| location(vfs, &t.path, t.focus_span)).collect();
    (!found.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(found))
}

/// Edits to several files (files the server does not know are left out).
pub fn workspace_edit(vfs: &Vfs, change: &ide::SourceChange) -> lsp::WorkspaceEdit {
    let mut changes = HashMap::new();
    for (path, edits) in &change.edits {
        if let Some((uri, index)) = vfs.locate(path) {
            changes.insert(uri, text_edits(edits, &index));
        }
    }
    lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }
}

/// The hover of skiff-ide: its markdown and the span it is about.
pub fn hover(hover: ide::Hover, index: &LineIndex) -> lsp::Hover {
    lsp::Hover { contents: lsp::HoverContents::Markup(markdown(hover.markdown)), range: Some(index.range(hover.span)) }
}

pub fn completion_item(item: ide::CompletionItem, index: &LineIndex) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: item.label,
        kind: Some(completion_kind(item.kind)),
        detail: item.detail,
        documentation: item.documentation.map(|d| lsp::Documentation::MarkupContent(markdown(d))),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: index.range(item.replace),
            new_text: item.insert_text,
        })),
        ..Default::default()
    }
}

pub fn completion(items: Vec<ide::CompletionItem>, index: &LineIndex) -> lsp::CompletionResponse {
    lsp::CompletionResponse::Array(items.into_iter().map(|item| completion_item(item, index)).collect())
}

/// One signature; parameters as UTF-16 offsets into its label.
pub fn signature_help(help: ide::SignatureHelp) -> lsp::SignatureHelp {
    let utf16 = |byte: u32| LineIndex::utf16_len(&help.label[..byte as usize]);
    let parameters = help
        .parameters
        .iter()
        .map(|(start, end)| lsp::ParameterInformation {
            label: lsp::ParameterLabel::LabelOffsets([utf16(*start), utf16(*end)]),
            documentation: None,
        })
        .collect();
    let active = help.active_parameter.map(|a| a as u32);
    lsp::SignatureHelp {
        signatures: vec![lsp::SignatureInformation {
            label: help.label.clone(),
            documentation: help.documentation.map(|d| lsp::Documentation::MarkupContent(markdown(d))),
            parameters: Some(parameters),
            active_parameter: active,
        }],
        active_signature: Some(0),
        active_parameter: active,
    }
}

#[allow(deprecated)] // `deprecated` is a field the type still requires
pub fn document_symbol(symbol: ide::Symbol, index: &LineIndex) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: symbol.name,
        detail: symbol.detail,
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: index.range(symbol.span),
        selection_range: index.range(symbol.selection),
        children: Some(symbol.children.into_iter().map(|c| document_symbol(c, index)).collect()),
    }
}

pub fn workspace_symbols(vfs: &Vfs, found: &[ide::NavTarget]) -> lsp::WorkspaceSymbolResponse {
    let symbols = found
        .iter()
        .filter_map(|t| {
            Some(lsp::WorkspaceSymbol {
                name: t.name.clone(),
                kind: symbol_kind(t.kind),
                tags: None,
                container_name: Some(t.path.clone()),
                location: lsp::OneOf::Left(location(vfs, &t.path, t.focus_span)?),
                data: None,
            })
        })
        .collect();
    lsp::WorkspaceSymbolResponse::Nested(symbols)
}

/// A quick fix: its edit, and the diagnostic it fixes (in the file at `uri`).
pub fn code_action(vfs: &Vfs, action: ide::CodeAction, uri: &lsp::Uri, index: &LineIndex) -> lsp::CodeActionOrCommand {
    let other = |path: &str| vfs.locate(path);
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: action.title,
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic(&action.diagnostic, uri, index, &other)]),
        edit: Some(workspace_edit(vfs, &action.change)),
        is_preferred: Some(true),
        ..Default::default()
    })
}

pub fn inlay_hint(hint: ide::InlayHint, index: &LineIndex) -> lsp::InlayHint {
    lsp::InlayHint {
        position: index.position(hint.offset),
        label: lsp::InlayHintLabel::String(hint.label),
        kind: Some(match hint.kind {
            ide::InlayKind::Type => lsp::InlayHintKind::TYPE,
            ide::InlayKind::Parameter => lsp::InlayHintKind::PARAMETER,
        }),
        text_edits: None,
        tooltip: None,
        padding_left: None,
        padding_right: None,
        data: None,
    }
}

/// The `skiff-pod:` document of a node.
pub fn pod_uri(node: &str) -> String {
    format!("{}:/{node}.yaml", ext::POD_SCHEME)
}

pub fn effective_pod(vfs: &Vfs, pod: ide::EffectivePod) -> ext::EffectivePod {
    ext::EffectivePod {
        uri: pod_uri(&pod.node),
        location: location(vfs, &pod.binding.path, pod.binding.span),
        node: pod.node,
        task: pod.task,
        text: pod.text,
        summary: pod.summary,
        errors: pod.errors,
    }
}

/// A lens to be resolved: its place, and the node it opens.
pub fn pod_lens(lens: ide::PodLens, index: &LineIndex) -> lsp::CodeLens {
    let data = serde_json::to_value(ext::LensData { node: lens.node }).ok();
    lsp::CodeLens { range: index.range(lens.span), command: None, data }
}

/// The lens with its title (the pod in one line) and the client command that opens the pod;
/// `pod` is `None` when the node is gone since the lens was made.
pub fn resolved_pod_lens(mut lens: lsp::CodeLens, node: String, pod: Option<ide::EffectivePod>) -> lsp::CodeLens {
    let title = match &pod {
        Some(pod) => format!("pod: {}", pod.summary),
        None => "pod: (changed; no node here now)".to_string(),
    };
    let argument = ext::ShowEffectivePod { uri: pod_uri(&node), node };
    lens.command = Some(lsp::Command {
        title,
        command: ext::SHOW_EFFECTIVE_POD.to_string(),
        arguments: serde_json::to_value(argument).ok().map(|a| vec![a]),
    });
    lens
}

/// A link from a path in quotes to the file it names (a file the server does not know gets none).
pub fn document_link(vfs: &Vfs, link: ide::DocumentLink, index: &LineIndex) -> Option<lsp::DocumentLink> {
    let (target, _) = vfs.locate(&link.target)?;
    Some(lsp::DocumentLink {
        range: index.range(link.span),
        target: Some(target),
        tooltip: Some(link.target),
        data: None,
    })
}

//! skiff's own messages beyond the protocol (as rust-analyzer's `lsp_ext`): the request for a
//! node's effective pod, the `skiff-pod:` documents that show one, and the client command a code
//! lens runs. docs/editors.md describes them for editor integrations.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types as lsp;

/// `skiff/effectivePod`: one workflow node's pod as `skiff explain` prints it, or `null` when
/// there is no node there.
pub const EFFECTIVE_POD: &str = "skiff/effectivePod";

/// The command of the lens above each `let`; the client runs it (it is not the server's):
/// arguments `[{ node, uri }]`, where `uri` is the node's `skiff-pod:` document.
pub const SHOW_EFFECTIVE_POD: &str = "skiff.showEffectivePod";

/// The URI scheme of a node's pod: `skiff-pod:/my_workflow.m2.yaml`.
pub const POD_SCHEME: &str = "skiff-pod";

/// Which node: the one whose `let` holds `position` in `textDocument`, the one a `skiff-pod:`
/// `textDocument` shows, or the one named `node` (`workflow.binding`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectivePodParams {
    pub text_document: Option<lsp::TextDocumentIdentifier>,
    pub position: Option<lsp::Position>,
    pub node: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectivePod {
    /// `workflow.binding`.
    pub node: String,
    pub task: String,
    /// The node's `skiff-pod:` document.
    pub uri: String,
    /// The annotated YAML.
    pub text: String,
    /// The pod in one line (the lens's title, without its prefix).
    pub summary: String,
    /// Why the pod cannot be built.
    pub errors: Vec<String>,
    /// The node's `let`.
    pub location: Option<lsp::Location>,
}

/// The data of an unresolved lens: which node it opens.
#[derive(Debug, Serialize, Deserialize)]
pub struct LensData {
    pub node: String,
}

/// The argument of [`SHOW_EFFECTIVE_POD`].
#[derive(Debug, Serialize)]
pub struct ShowEffectivePod {
    pub node: String,
    pub uri: String,
}

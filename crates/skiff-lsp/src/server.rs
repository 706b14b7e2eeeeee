//! The `LanguageServer` implementation: each handler converts its request (`from_proto`), asks
//! the writer for a snapshot, calls skiff-ide on a blocking thread, and converts the answer
//! (`to_proto`). No handler builds a protocol type itself.

use crate::lines::LineIndex;
use crate::state::{Snapshot, Task, Writer};
use crate::{ext, from_proto, to_proto};
use skiff_ide::{self as ide, Cancellable};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use tokio::sync::oneshot;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{self as lsp, *};
use tower_lsp_server::{Client, LanguageServer};

/// How often a read cancelled by an edit is tried again on the new text before the client is
/// told `ContentModified`.
const RETRIES: usize = 2;

/// LSP's `ContentModified`: the answer would be about text that no longer exists.
const CONTENT_MODIFIED: i64 = -32801;

pub struct Backend {
    client: Client,
    tasks: Mutex<mpsc::Sender<Task>>,
    /// Whether the client can register file watchers for us.
    watch: Mutex<bool>,
    /// Set by `shutdown`: the exit status is 0 only then.
    shut_down: Arc<AtomicBool>,
}

impl Backend {
    #[cfg(test)]
    pub fn new(client: Client) -> Self {
        Self::with_shutdown_flag(client, Arc::default())
    }

    /// A backend that sets `shut_down` when the client asks for `shutdown`.
    pub fn with_shutdown_flag(client: Client, shut_down: Arc<AtomicBool>) -> Self {
        let generation = Arc::new(AtomicU64::new(0));
        let publisher = client.clone();
        let latest = generation.clone();
        let handle = tokio::runtime::Handle::current();
        let on_change = Box::new(move |snapshot: Snapshot, generation: u64| {
            let client = publisher.clone();
            let latest = latest.clone();
            handle.spawn(publish_diagnostics(client, snapshot, generation, latest));
        });
        let tasks = Writer::spawn(generation, on_change);
        Backend { client, tasks: Mutex::new(tasks), watch: Mutex::new(false), shut_down }
    }

    /// Hands a task to the writer. Never awaits: called first thing in each notification, so
    /// the order of the channel is the order the client sent them in.
    fn send(&self, task: Task) {
        let tasks = self.tasks.lock().unwrap_or_else(|e| e.into_inner());
        if tasks.send(task).is_err() {
            log!("skiff lsp: the writer thread is gone");
        }
    }

    async fn snapshot(&self) -> Result<Snapshot> {
        let (tx, rx) = oneshot::channel();
        self.send(Task::Snapshot(tx));
        rx.await.map_err(|_| Error::internal_error())
    }

    /// Answers a read on a snapshot: on a blocking thread, cancelled work retried on the new
    /// text, a panic turned into an error answer. The snapshot moves into the blocking task and
    /// dies there: no clone of the database is held across an `.await`.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: Fn(&Snapshot) -> Cancellable<T> + Send + Sync + 'static,
    {
        let f = Arc::new(f);
        for _ in 0..=RETRIES {
            let snapshot = self.snapshot().await?;
            // A `$/cancelRequest` drops this future: the guard then cancels the blocking work.
            let guard = CancelOnDrop(Some(snapshot.analysis.cancellation_token()));
            let f = f.clone();
            let joined = tokio::task::spawn_blocking(move || {
                std::panic::catch_unwind(AssertUnwindSafe(|| f(&snapshot))).map_err(panic_message)
            })
            .await;
            guard.disarm();
            match joined {
                Ok(Ok(Ok(answer))) => return Ok(answer),
                Ok(Ok(Err(_cancelled))) => continue,
                Ok(Err(message)) => {
                    log!("skiff lsp: a request failed: {message}");
                    return Err(Error { code: ErrorCode::InternalError, message: message.into(), data: None });
                }
                Err(error) => {
                    return Err(Error {
                        code: ErrorCode::InternalError,
                        message: error.to_string().into(),
                        data: None,
                    });
                }
            }
        }
        Err(Error { code: ErrorCode::ServerError(CONTENT_MODIFIED), message: "content modified".into(), data: None })
    }

    /// A request about one document: its workspace path and line index in the snapshot.
    async fn read_file<T, F>(&self, uri: lsp::Uri, f: F) -> Result<Option<T>>
    where
        T: Send + 'static,
        F: Fn(&Snapshot, &str, &LineIndex) -> Cancellable<Option<T>> + Send + Sync + 'static,
    {
        self.read(move |s| {
            let Some(key) = s.vfs.key(&uri) else { return Ok(None) };
            let Some(entry) = s.vfs.entry(&key) else { return Ok(None) };
            let index = entry.index.clone();
            f(s, &key, &index)
        })
        .await
    }

    /// `skiff/effectivePod` (see `ext`): the pod of the node at a position, of a `skiff-pod:`
    /// document, or named.
    pub async fn effective_pod(&self, params: ext::EffectivePodParams) -> Result<Option<ext::EffectivePod>> {
        let document = params.text_document.map(|d| d.uri);
        let node = params.node.or_else(|| document.as_ref().and_then(from_proto::pod_node));
        if let Some(node) = node {
            return self
                .read(move |s| Ok(s.analysis.effective_pod(&node)?.map(|pod| to_proto::effective_pod(&s.vfs, pod))))
                .await;
        }
        let (Some(uri), Some(position)) = (document, params.position) else {
            return Err(Error::invalid_params("give `node`, or `textDocument` and `position`"));
        };
        self.read_file(uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, position);
            Ok(s.analysis.effective_pod_at(&position)?.map(|pod| to_proto::effective_pod(&s.vfs, pod)))
        })
        .await
    }

    async fn register_watchers(&self) {
        let enabled = *self.watch.lock().unwrap_or_else(|e| e.into_inner());
        if !enabled {
            return;
        }
        let watchers = ["**/*.skiff", "**/skiff.toml", "**/*.yaml", "**/*.yml"]
            .iter()
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "skiff-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(options).ok(),
        };
        // A client that never answers must not hang the server.
        let registered =
            tokio::time::timeout(Duration::from_secs(5), self.client.register_capability(vec![registration])).await;
        if !matches!(registered, Ok(Ok(()))) {
            log!(
                "skiff lsp: the client did not accept file watchers; files changed outside the editor are read when opened"
            );
        }
    }
}

struct CancelOnDrop(Option<ide::CancellationToken>);

impl CancelOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(token) = self.0.take() {
            token.cancel();
        }
    }
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("internal error: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("internal error: {s}")
    } else {
        "internal error".into()
    }
}

/// Publishes the diagnostics of every open file, unless a newer batch of changes came in
/// meanwhile (its own publication will be the fresh one).
async fn publish_diagnostics(client: Client, snapshot: Snapshot, generation: u64, latest: Arc<AtomicU64>) {
    let computed = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| collect_diagnostics(&snapshot))).ok()
    })
    .await;
    let Ok(Some(Ok(batches))) = computed else { return };
    if latest.load(Ordering::SeqCst) != generation {
        return;
    }
    for (uri, diagnostics, version) in batches {
        client.publish_diagnostics(uri, diagnostics, version).await;
    }
}

type Published = Vec<(lsp::Uri, Vec<lsp::Diagnostic>, Option<i32>)>;

fn collect_diagnostics(snapshot: &Snapshot) -> Cancellable<Published> {
    let vfs = &snapshot.vfs;
    let mut out = Vec::new();
    let mut open: Vec<(&String, &crate::state::FileEntry)> = vfs.open_files().collect();
    open.sort_by_key(|(k, _)| k.as_str());
    for (key, entry) in open {
        let diagnostics = snapshot.analysis.diagnostics(key)?;
        let other = |path: &str| vfs.locate(path);
        let converted = diagnostics.iter().map(|d| to_proto::diagnostic(d, &entry.uri, &entry.index, &other)).collect();
        out.push((entry.uri.clone(), converted, entry.version));
    }
    Ok(out)
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let root: Option<PathBuf> = params
            .workspace_folders
            .as_ref()
            .and_then(|folders| folders.first())
            .and_then(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .or_else(|| {
                #[allow(deprecated)]
                params.root_uri.as_ref().and_then(|u| u.to_file_path().map(|p| p.into_owned()))
            });
        self.send(Task::Init { root });
        let watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        *self.watch.lock().unwrap_or_else(|e| e.into_inner()) = watch;
        let legend = SemanticTokensLegend {
            token_types: to_proto::TOKEN_TYPES.to_vec(),
            token_modifiers: to_proto::TOKEN_MODIFIERS.to_vec(),
        };
        Ok(InitializeResult {
            server_info: Some(ServerInfo { name: "skiff".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..Default::default()
                })),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![".".into(), "\"".into(), ":".into(), "(".into(), " ".into()]),
                    ..Default::default()
                }),
                signature_help_provider: Some(SignatureHelpOptions {
                    trigger_characters: Some(vec!["(".into(), ",".into()]),
                    retrigger_characters: None,
                    work_done_progress_options: Default::default(),
                }),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                    code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                    ..Default::default()
                })),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(true) }),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: Default::default(),
                }),
                // skiff's own request (`ext`), for clients that look before they ask.
                experimental: Some(serde_json::json!({ "effectivePod": true })),
                document_formatting_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
                    SemanticTokensOptions {
                        legend,
                        full: Some(SemanticTokensFullOptions::Bool(true)),
                        range: None,
                        work_done_progress_options: Default::default(),
                    },
                )),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.register_watchers().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        self.send(Task::Open { uri: doc.uri, text: doc.text, version: doc.version });
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let doc = params.text_document;
        self.send(Task::Change { uri: doc.uri, version: doc.version, changes: params.content_changes });
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.send(Task::Close { uri: uri.clone() });
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.send(Task::Watched { events: params.changes });
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.read_file(p.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, p.position);
            Ok(s.analysis.hover(&position)?.map(|h| to_proto::hover(h, index)))
        })
        .await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.read_file(p.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, p.position);
            Ok(Some(to_proto::completion(s.analysis.completion(&position)?, index)))
        })
        .await
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let p = params.text_document_position_params;
        self.read_file(p.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, p.position);
            Ok(s.analysis.signature_help(&position)?.map(to_proto::signature_help))
        })
        .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.read_file(p.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, p.position);
            Ok(to_proto::definitions(&s.vfs, &s.analysis.goto_definition(&position)?))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let p = params.text_document_position;
        let include = params.context.include_declaration;
        self.read_file(p.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, p.position);
            Ok(Some(to_proto::locations(&s.vfs, &s.analysis.references(&position, include)?)))
        })
        .await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            let position = from_proto::file_position(key, index, params.position);
            Ok(s.analysis.prepare_rename(&position)?.ok().map(|r| PrepareRenameResponse::Range(index.range(r.span))))
        })
        .await
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let p = params.text_document_position;
        let new_name = params.new_name;
        let answer = self
            .read_file(p.text_document.uri, move |s, key, index| {
                let position = from_proto::file_position(key, index, p.position);
                let renamed = s.analysis.rename(&position, &new_name)?;
                Ok(Some(renamed.map(|change| to_proto::workspace_edit(&s.vfs, &change))))
            })
            .await?;
        match answer {
            None => Ok(None),
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(error)) => Err(Error::invalid_params(error.to_string())),
        }
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            let symbols = s.analysis.document_symbols(key)?;
            let symbols = symbols.into_iter().map(|symbol| to_proto::document_symbol(symbol, index)).collect();
            Ok(Some(DocumentSymbolResponse::Nested(symbols)))
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        self.read(move |s| Ok(Some(to_proto::workspace_symbols(&s.vfs, &s.analysis.workspace_symbols(&query)?)))).await
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            let tokens = s.analysis.semantic_tokens(key)?;
            let text = s.analysis.file_text(key)?.unwrap_or_default();
            let data = to_proto::semantic_tokens(&tokens, &text, index);
            Ok(Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data })))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let range = params.range;
        let for_uri = uri.clone();
        self.read_file(uri, move |s, key, index| {
            let actions = s.analysis.code_actions(&from_proto::file_range(key, index, range))?;
            Ok(Some(actions.into_iter().map(|action| to_proto::code_action(&s.vfs, action, &for_uri, index)).collect()))
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            Ok(s.analysis.format(key)?.map(|edits| to_proto::text_edits(&edits, index)))
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            let lenses = s.analysis.pod_lenses(key)?;
            Ok(Some(lenses.into_iter().map(|lens| to_proto::pod_lens(lens, index)).collect()))
        })
        .await
    }

    async fn code_lens_resolve(&self, lens: CodeLens) -> Result<CodeLens> {
        let Some(data) = lens.data.clone().and_then(|d| serde_json::from_value::<ext::LensData>(d).ok()) else {
            return Err(Error::invalid_params("a lens skiff did not make"));
        };
        let node = data.node;
        self.read(move |s| {
            let pod = s.analysis.effective_pod(&node)?;
            Ok(to_proto::resolved_pod_lens(lens.clone(), node.clone(), pod))
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.read_file(params.text_document.uri, move |s, key, index| {
            let links = s.analysis.document_links(key)?;
            Ok(Some(links.into_iter().filter_map(|link| to_proto::document_link(&s.vfs, link, index)).collect()))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        self.read_file(params.text_document.uri, move |s, key, index| {
            let hints = s.analysis.inlay_hints(&from_proto::file_range(key, index, range))?;
            Ok(Some(hints.into_iter().map(|hint| to_proto::inlay_hint(hint, index)).collect()))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize};
    use tower_lsp_server::LspService;

    const SEED: &str = include_str!("../../../examples/seed/train.skiff");

    /// A read still running when an edit arrives is cancelled through salsa, and answered by
    /// running it again on the new text: the client never sees the stale answer.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_superseded_read_is_cancelled_and_redone_on_the_new_text() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        let uri = lsp::Uri::from_file_path("/skiff-test/train.skiff").unwrap();
        backend.send(Task::Open { uri: uri.clone(), text: SEED.to_string(), version: 1 });

        let runs = Arc::new(AtomicUsize::new(0));
        let busy = Arc::new(AtomicBool::new(false));
        let (r, b) = (runs.clone(), busy.clone());
        let read = backend.read(move |s| {
            let key = "skiff-test/train.skiff";
            if r.fetch_add(1, Ordering::SeqCst) == 0 {
                // The first run works until something cancels it.
                loop {
                    s.analysis.diagnostics(key)?;
                    b.store(true, Ordering::SeqCst);
                }
            }
            Ok(s.analysis.file_text(key)?.unwrap_or_default())
        });
        let edit = async {
            while !busy.load(Ordering::SeqCst) {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let change = TextDocumentContentChangeEvent { range: None, range_length: None, text: "// edited\n".into() };
            backend.send(Task::Change { uri: uri.clone(), version: 2, changes: vec![change] });
        };
        let (answer, ()) = tokio::time::timeout(Duration::from_secs(20), async { tokio::join!(read, edit) })
            .await
            .expect("the read finishes");
        assert_eq!(answer.unwrap(), "// edited\n");
        assert_eq!(runs.load(Ordering::SeqCst), 2, "cancelled once, then run on the new text");
    }

    /// A bug in a handler answers that request with an error; the next request is served.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_request_answers_an_error_and_the_server_goes_on() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = service.inner();
        let failed: Result<()> = backend.read(|_| panic!("a bug")).await;
        let error = failed.unwrap_err();
        assert_eq!(error.code, ErrorCode::InternalError);
        assert!(error.message.contains("a bug"));
        let fine = backend.read(|s| s.analysis.file_text("nothing.skiff")).await;
        assert_eq!(fine.unwrap(), None);
    }

    /// A random stream of edits (ranges anywhere, in or out of the text, non-ASCII included) with
    /// every kind of request at random positions in flight at the same time: no request fails
    /// with an internal error, and the server answers correctly afterwards.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn survives_random_edits_and_concurrent_requests() {
        let (service, _socket) = LspService::new(Backend::new);
        let backend = Arc::new(service);
        let uri = lsp::Uri::from_file_path("/skiff-fuzz/train.skiff").unwrap();
        let doc = || TextDocumentIdentifier { uri: uri.clone() };
        backend
            .inner()
            .did_open(DidOpenTextDocumentParams {
                text_document: TextDocumentItem {
                    uri: uri.clone(),
                    language_id: "skiff".into(),
                    version: 1,
                    text: SEED.into(),
                },
            })
            .await;
        let fragments =
            ["", "}", "{", "\"", "é𝔊", "override ", "pod_template: x", "\n  let a = t(", "nodeSel", ": 8Gi", "]"];
        let mut seed: u64 = 0x5eed;
        let mut next = move |n: u32| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) % u64::from(n.max(1))) as u32
        };
        let mut pending = Vec::new();
        for version in 2..300 {
            let start = Position { line: next(30), character: next(90) };
            let end = Position { line: start.line + next(3), character: next(90) };
            let change = TextDocumentContentChangeEvent {
                range: Some(Range { start, end }),
                range_length: None,
                text: fragments[next(fragments.len() as u32) as usize].into(),
            };
            backend
                .inner()
                .did_change(DidChangeTextDocumentParams {
                    text_document: VersionedTextDocumentIdentifier { uri: uri.clone(), version },
                    content_changes: vec![change],
                })
                .await;
            let position = Position { line: next(40), character: next(120) };
            let at = TextDocumentPositionParams { text_document: doc(), position };
            let kind = next(8);
            let server = backend.clone();
            let range = Range { start: position, end: Position { line: position.line + 5, character: 0 } };
            pending.push(tokio::spawn(async move {
                let b = server.inner();
                let failure = |e: Error| (e.code == ErrorCode::InternalError).then(|| e.message.to_string());
                match kind {
                    0 => b
                        .hover(HoverParams {
                            text_document_position_params: at,
                            work_done_progress_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    1 => b
                        .completion(CompletionParams {
                            text_document_position: at,
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                            context: None,
                        })
                        .await
                        .err()
                        .and_then(failure),
                    2 => b
                        .goto_definition(GotoDefinitionParams {
                            text_document_position_params: at,
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    3 => b
                        .rename(RenameParams {
                            text_document_position: at,
                            new_name: "renamed".into(),
                            work_done_progress_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    4 => b
                        .semantic_tokens_full(SemanticTokensParams {
                            text_document: at.text_document,
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    5 => b
                        .code_action(CodeActionParams {
                            text_document: at.text_document,
                            range,
                            context: Default::default(),
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    6 => b
                        .inlay_hint(InlayHintParams {
                            text_document: at.text_document,
                            range,
                            work_done_progress_params: Default::default(),
                        })
                        .await
                        .err()
                        .and_then(failure),
                    _ => b
                        .signature_help(SignatureHelpParams {
                            text_document_position_params: at,
                            work_done_progress_params: Default::default(),
                            context: None,
                        })
                        .await
                        .err()
                        .and_then(failure),
                }
            }));
        }
        for task in pending {
            assert_eq!(task.await.unwrap(), None, "no internal error");
        }
        // A clean text again, and the server answers about it.
        backend
            .inner()
            .did_change(DidChangeTextDocumentParams {
                text_document: VersionedTextDocumentIdentifier { uri: uri.clone(), version: 1000 },
                content_changes: vec![TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text: SEED.into(),
                }],
            })
            .await;
        let hover = backend
            .inner()
            .hover(HoverParams {
                text_document_position_params: TextDocumentPositionParams {
                    text_document: doc(),
                    position: Position { line: 14, character: 6 },
                },
                work_done_progress_params: Default::default(),
            })
            .await
            .unwrap()
            .expect("a hover on the override");
        let HoverContents::Markup(markup) = hover.contents else { panic!("markdown") };
        assert!(markup.value.contains("The pod of `my_workflow.m2`"), "{}", markup.value);
    }
}

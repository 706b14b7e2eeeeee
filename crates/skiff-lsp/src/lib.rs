//! The skiff language server: `skiff lsp` speaks the Language Server Protocol on stdio.
//!
//! This crate is an adapter and nothing more: it translates LSP requests (URIs, UTF-16
//! positions, `ls_types`) into `skiff-ide` calls (workspace paths, byte offsets, plain data) and
//! the answers back, each conversion in one place ([`from_proto`], [`to_proto`], in the style of
//! rust-analyzer), and it owns what a server must: the files on disk and in the editor, the
//! order of edits, cancellation, and survival. Every piece of meaning comes from `skiff-ide`.
//! It is not for features: a new hover or completion belongs in `skiff-ide`, with its tests.
//!
//! Concurrency, the way rust-analyzer does it: one writer thread owns the database and applies
//! changes in the order the client sent them ([`state`]); each request reads a snapshot on a
//! blocking thread inside `salsa::Cancelled::catch`, so an edit cancels stale work, and inside
//! `catch_unwind`, so a bug answers with an error instead of ending the server.

mod ext;
mod from_proto;
mod lines;
mod server;
mod state;
mod to_proto;

use std::process::ExitCode;
use tower_lsp_server::{LspService, Server};

/// Serves the protocol on stdin and stdout until the client says `exit` (or closes the pipe).
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("skiff lsp: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Blocking tasks still finishing stale work must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    ExitCode::SUCCESS
}

/// Serves the protocol on any byte streams (tests use in-memory pipes).
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method(ext::EFFECTIVE_POD, server::Backend::effective_pod)
        .finish();
    Server::new(input, output, socket).serve(service).await;
}

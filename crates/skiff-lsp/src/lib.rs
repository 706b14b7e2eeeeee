//! The skiff language server: `skiff lsp` speaks the Language Server Protocol on stdio.
//!
//! This crate is an adapter and nothing more: it translates LSP requests (URIs, UTF-16
//! positions, `ls_types`) into `skiff-ide` calls (workspace paths, byte offsets, plain data) and
//! the answers back, each conversion in one place ([`from_proto`], [`to_proto`], in the style of
//! rust-analyzer), and it owns what a server must: the files on disk and in the editor, the
//! order of edits, cancellation, and survival: malformed input is answered with the JSON-RPC
//! error and survived by a framing layer in front of the library ([`transport`]), and every
//! position is converted by one line index that ends lines where LSP does ([`lines`]). Every
//! piece of meaning comes from `skiff-ide`. It is not for features: a new hover or completion belongs in `skiff-ide`, with its tests.
//!
//! Concurrency, the way rust-analyzer does it: one writer thread owns the database and applies
//! changes in the order the client sent them ([`state`]); each request reads a snapshot on a
//! blocking thread inside `salsa::Cancelled::catch`, so an edit cancels stale work, and inside
//! `catch_unwind`, so a bug answers with an error instead of ending the server.

/// A line of the server's log on stderr. `eprintln!` would panic on a closed or full stderr,
/// and a log that cannot be written is no reason to stop serving.
macro_rules! log {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod ext;
mod from_proto;
mod lines;
mod server;
mod state;
mod to_proto;
mod transport;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol on stdin and stdout until the client says `exit` (or closes the pipe).
/// The status is 0 when `shutdown` came first and 1 otherwise, as the protocol asks.
pub fn run() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            log!("skiff lsp: cannot start: {error}");
            return ExitCode::from(2);
        }
    };
    let shut_down = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Blocking tasks still finishing stale work (and the thread blocked reading stdin after
    // `exit`) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if shut_down { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// Serves the protocol on any byte streams until `exit` or the end of the input; whether
/// `shutdown` was asked (and answered) before. Malformed input is answered and survived
/// ([`transport`]); the library sees well-formed messages only.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::build(move |client| server::Backend::with_shutdown_flag(client, flag))
        .custom_method(ext::EFFECTIVE_POD, server::Backend::effective_pod)
        .finish();
    let (to_library, library_input) = tokio::io::duplex(1 << 16);
    let (library_output, from_library) = tokio::io::duplex(1 << 16);
    let (answers, frames) = tokio::sync::mpsc::channel(64);
    let library = Server::new(library_input, library_output, socket).serve(service);
    let reading = transport::read_client(input, to_library, answers.clone());
    let serving = async {
        let mut library = std::pin::pin!(library);
        // The library ends at `exit` (the input is then left unread) or when the reader, at the
        // end of the input, drops its pipe to the library.
        tokio::select! {
            () = &mut library => {}
            () = reading => library.await,
        }
    };
    let relaying = transport::relay_library(from_library, answers);
    tokio::join!(serving, relaying, transport::write_client(output, frames));
    shut_down.load(Ordering::SeqCst)
}

//! The skiff extension for Zed: the language server is `skiff lsp`, with `skiff` found on the
//! PATH of the worktree's shell (as `cargo install --path crates/skiff-cli` puts it in
//! `~/.cargo/bin`). The settings `lsp.skiff-lsp.binary.path` / `.arguments` / `.env` replace
//! the command, its arguments and add to its environment.

use zed_extension_api::{self as zed, LanguageServerId, Result, settings::LspSettings};

/// The language server's id, as in extension.toml's `[language_servers.skiff-lsp]`.
pub const SERVER_ID: &str = "skiff-lsp";
/// The binary looked up on PATH when no `binary.path` is set.
pub const BINARY: &str = "skiff";
/// How to install the binary, from a checkout of the skiff repository.
pub const INSTALL_COMMAND: &str = "cargo install --path crates/skiff-cli";

struct SkiffExtension;

/// The arguments of the server command: the settings' `binary.arguments`, else `lsp`.
pub fn server_args(configured: Option<Vec<String>>) -> Vec<String> {
    configured.unwrap_or_else(|| vec!["lsp".to_string()])
}

/// The message Zed shows when no `skiff` is found.
pub fn missing_binary_message() -> String {
    format!(
        "skiff: the language server is not available: `{BINARY}` was not found on PATH. Install it with \
         `{INSTALL_COMMAND}` (from a checkout of the skiff repository), or set `lsp.{SERVER_ID}.binary.path` \
         in Zed's settings."
    )
}

impl zed::Extension for SkiffExtension {
    fn new() -> Self {
        SkiffExtension
    }

    fn language_server_command(&mut self, id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree).ok().and_then(|s| s.binary);
        let (path, args, env) = match binary {
            Some(b) => (b.path, b.arguments, b.env.map(|e| e.into_iter().collect::<Vec<_>>()).unwrap_or_default()),
            None => (None, None, Vec::new()),
        };
        let command = match path {
            Some(path) => path,
            None => worktree.which(BINARY).ok_or_else(missing_binary_message)?,
        };
        let mut environment = worktree.shell_env();
        environment.extend(env);
        Ok(zed::Command { command, args: server_args(args), env: environment })
    }
}

zed::register_extension!(SkiffExtension);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_skiff_lsp_unless_configured() {
        assert_eq!(server_args(None), ["lsp"]);
        assert_eq!(server_args(Some(vec!["lsp".into(), "--verbose".into()])), ["lsp", "--verbose"]);
        assert!(missing_binary_message().contains(INSTALL_COMMAND));
        assert!(missing_binary_message().contains("lsp.skiff-lsp.binary.path"));
    }
}

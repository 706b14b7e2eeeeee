//! The `skiff` command: a thin front end over `skiff-sema`.
//!
//! This crate is for the command line: arguments, reading files, walking directories, and
//! rendering diagnostics (ariadne in a terminal, JSON lines for tools). It is not for meaning:
//! every check and every output is computed by the queries of `skiff-sema`.

mod build;
mod files;
mod fmt;
mod init;
mod out;
mod patch;
mod quote;
mod report;
mod sarif;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: skiff_alloc::Mimalloc = skiff_alloc::Mimalloc;

#[derive(Parser)]
#[command(name = "skiff", version = VERSION, about = "A typed workflow language for Kubernetes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and check files; a directory means every `*.skiff` file below it.
    Check {
        /// Files or directories (default: the current directory).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Rewrite files in the canonical layout; `-` formats stdin to stdout.
    Fmt {
        #[command(flatten)]
        args: fmt::FmtArgs,
    },
    /// Compile workflows to Kubernetes Pods: a YAML stream, a JSON List, or a file per Pod.
    Build {
        #[command(flatten)]
        args: build::BuildArgs,
    },
    /// Show one node's effective pod, each value with the layer and line it came from.
    Explain {
        #[command(flatten)]
        args: build::ExplainArgs,
    },
    /// Apply strategic-merge patches to a Pod, a PodTemplate or a bare `{metadata, spec}`, offline.
    Patch {
        #[command(flatten)]
        args: patch::PatchArgs,
    },
    /// Run the language server on stdin and stdout (for editors).
    Lsp,
    /// Make a new workspace that checks and builds as it is (never overwrites a file).
    Init {
        #[command(flatten)]
        args: init::InitArgs,
    },
    /// Print the completion script for a shell (`skiff completions bash > ~/.local/share/bash-completion/completions/skiff`).
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `skiff man > ~/.local/share/man/man1/skiff.1`.
    Man,
    /// Print the JSON Schema of `skiff.toml`, for editors that complete TOML from one.
    Schema,
}

#[derive(clap::Args)]
pub struct OutputArgs {
    /// How to print diagnostics: for people, one JSON object a line, one SARIF 2.1.0 log (code
    /// scanning), or GitHub Actions workflow commands (annotations).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// When to color human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Treat these lints as errors (only `warnings` exists).
    #[arg(long, value_enum)]
    deny: Vec<Deny>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MessageFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Deny {
    Warnings,
}

/// The version and the commit it was built from (`build.rs`), as `skiff --version` prints it.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("SKIFF_BUILD_COMMIT"), ")");

/// Exit code 2: the command could not run as asked (usage or IO).
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    no_huge_pages();
    no_file_size_signal();
    // As `Cli::parse()`, but the help, the version and usage errors are written through `out`
    // (clap's own printing ignores write errors: `skiff --help >/dev/full` would exit 0).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            use std::io::IsTerminal;
            let (stream, terminal) = if error.use_stderr() {
                (out::Stream::Stderr, std::io::stderr().is_terminal())
            } else {
                (out::Stream::Stdout, std::io::stdout().is_terminal())
            };
            let styled = error.render();
            let text = if terminal { styled.ansi().to_string() } else { styled.to_string() };
            out::write(stream, text.as_bytes());
            return out::exit(ExitCode::from(error.exit_code().clamp(0, 255) as u8));
        }
    };
    out::exit(run(cli))
}

fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Check { paths, output } => check(paths, output),
        Command::Build { args } => build::run_build(args),
        Command::Explain { args } => build::run_explain(args),
        Command::Patch { args } => patch::run(args),
        Command::Lsp => skiff_lsp::run(),
        Command::Fmt { args } => fmt::run(args),
        Command::Init { args } => init::run(args),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "skiff", &mut script);
            print_out(&script)
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => print_out(&page),
                Err(error) => {
                    out::say!("error: cannot make the manual page: {error}");
                    ExitCode::from(EXIT_USAGE)
                }
            }
        }
        Command::Schema => match serde_json::to_string_pretty(&skiff_sema::config_json_schema()) {
            Ok(text) => print_out(format!("{text}\n").as_bytes()),
            Err(error) => {
                out::say!("error: cannot print the schema: {error}");
                ExitCode::from(EXIT_USAGE)
            }
        },
    }
}

/// Writes a generated text to stdout (a write error settles the status in `out::exit`).
fn print_out(bytes: &[u8]) -> ExitCode {
    out::write(out::Stream::Stdout, bytes);
    ExitCode::SUCCESS
}

/// Transparent huge pages off for this process. mimalloc asks the kernel for them, and on a
/// machine where another process has just freed a lot of memory, making one means compacting
/// memory inside a page fault: a build of 2,000 pods took 60 ms alone and 125 ms right after
/// another tool had run (BENCHMARKS.md). Small pages cost a few more faults, every time alike.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flags.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// SIGXFSZ ignored, as Rust ignores SIGPIPE: past a file-size limit (`ulimit -f`) a write then
/// fails with `EFBIG`, which `fmt` and `build -o` report and clean up after (`fmt` removes its
/// temporary file, the original stays whole), instead of the process being killed mid-write.
fn no_file_size_signal() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler; nothing else in the
    // process depends on SIGXFSZ.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

fn check(paths: Vec<PathBuf>, output: OutputArgs) -> ExitCode {
    let loaded = match files::load(&paths) {
        Ok(loaded) => loaded,
        Err(error) => {
            out::say!("error: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let mut diagnostics = loaded.workspace.diagnostics();
    diagnostics.extend(loaded.unreadable_diagnostics());
    // The status is the input's even when the report cannot be written in full (`out`).
    let summary = report::summarize(&diagnostics);
    report::render(&loaded, &diagnostics, output.message_format, output.color, out::Stream::Stdout);
    // As `skiff build` does: the process ends, the system frees the database at once.
    std::mem::forget(loaded);
    let deny_warnings = output.deny.contains(&Deny::Warnings);
    if summary.errors > 0 || deny_warnings && summary.warnings > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

//! Every write of the command to stdout and stderr goes through here: fallible, never a panic.
//!
//! Rust starts programs with SIGPIPE ignored, so a reader that went away shows up as an `EPIPE`
//! error on the next write, and `print!`/`eprint!` would panic on it (exit 101); so would they on
//! a full disk (`2>/dev/full`). Here a failed write is remembered instead, and [`exit`] settles
//! the status (docs/cli.md, "Exit codes"):
//!
//! - a closed pipe (`skiff check | head -1`): the reader chose to stop; nothing more is written
//!   to that stream, the command finishes its work, and the status is the one the input earned
//!   (1 when it has errors, even if they were never printed);
//! - any other write error (`/dev/full`, an I/O error): the report is lost, so the status is 2,
//!   whatever the input was; the error is said on stderr when stderr still works.

use std::fmt;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Which stream a write went to.
#[derive(Clone, Copy)]
pub enum Stream {
    Stdout,
    Stderr,
}

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);
/// A write failed for another reason than a closed pipe.
static FAILED: AtomicBool = AtomicBool::new(false);

fn closed(stream: Stream) -> &'static AtomicBool {
    match stream {
        Stream::Stdout => &STDOUT_CLOSED,
        Stream::Stderr => &STDERR_CLOSED,
    }
}

/// Whether nothing more should be written to `stream` (its reader went away or it failed).
pub fn is_closed(stream: Stream) -> bool {
    closed(stream).load(Ordering::Relaxed)
}

/// Remembers that a write to `stream` failed with `error` (the outcome of a whole report: the
/// caller stops writing that report).
pub fn failed(stream: Stream, error: &std::io::Error) {
    closed(stream).store(true, Ordering::Relaxed);
    if error.kind() == ErrorKind::BrokenPipe {
        return;
    }
    FAILED.store(true, Ordering::Relaxed);
    if let Stream::Stdout = stream {
        line(Stream::Stderr, format_args!("error: cannot write to stdout: {error}"));
    }
}

/// Writes `bytes` to `stream` and flushes; a failure is remembered (see [`failed`]).
pub fn write(stream: Stream, bytes: &[u8]) {
    if is_closed(stream) {
        return;
    }
    let result = match stream {
        Stream::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush())
        }
        Stream::Stderr => std::io::stderr().lock().write_all(bytes),
    };
    if let Err(error) = result {
        failed(stream, &error);
    }
}

/// Writes one line to `stream`, control characters escaped (a line quotes file names and
/// values that can hold anything: none of it may drive the terminal).
pub fn line(stream: Stream, args: fmt::Arguments<'_>) {
    let text = format!("{args}");
    write(stream, format!("{}\n", crate::quote::escape_text(&text)).as_bytes());
}

/// A buffered writer to `stream`, for a report written piece by piece; hand its outcome to
/// [`check`].
pub fn writer(stream: Stream) -> std::io::BufWriter<Box<dyn Write>> {
    let raw: Box<dyn Write> = match stream {
        Stream::Stdout => Box::new(std::io::stdout().lock()),
        Stream::Stderr => Box::new(std::io::stderr().lock()),
    };
    std::io::BufWriter::with_capacity(1 << 16, raw)
}

/// Records the outcome of a report written to `stream` by other means (ariadne, a `BufWriter`).
pub fn check(stream: Stream, result: std::io::Result<()>) {
    if let Err(error) = result {
        failed(stream, &error);
    }
}

/// The exit status: `code` (what the command found), or 2 when output was lost to an error other
/// than a closed pipe.
pub fn exit(code: ExitCode) -> ExitCode {
    if FAILED.load(Ordering::Relaxed) { ExitCode::from(crate::EXIT_USAGE) } else { code }
}

/// `eprintln!` that never panics: a line on stderr.
macro_rules! say {
    ($($arg:tt)*) => { $crate::out::line($crate::out::Stream::Stderr, format_args!($($arg)*)) };
}

/// `println!` that never panics: a line on stdout.
macro_rules! print_line {
    ($($arg:tt)*) => { $crate::out::line($crate::out::Stream::Stdout, format_args!($($arg)*)) };
}

pub(crate) use {print_line, say};

//! `skiff fmt`: rewrites files in the canonical layout of `skiff-fmt` (see docs/formatting.md).
//!
//! Files are rewritten in place, atomically: the new text goes to a temporary file in the same
//! directory, which is flushed to disk and renamed over the original, so a kill, a full disk or
//! a file-size limit leaves either the old file or the new one, never half of one. `-` reads
//! stdin and writes stdout; `--check` changes nothing and lists the files that would change. A
//! file with syntax errors is reported with its diagnostics and left as it is. Exit codes: 0 all
//! formatted, 1 a file would change (`--check`) or cannot be formatted, 2 a path cannot be read
//! or written.

use crate::out::{self, Stream, print_line, say};
use crate::{ColorChoice, EXIT_USAGE, files, report};
use skiff_disk::DiskFs;
use skiff_fmt::FormatError;
use skiff_sema::load::{FileKind, FileSystem, Loader, io_reason};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU32, Ordering};

#[derive(clap::Args)]
pub struct FmtArgs {
    /// Change nothing: list the files that are not formatted, and exit 1 if there are any.
    #[arg(long)]
    check: bool,
    /// Files or directories (every `*.skiff` file below), or `-` for stdin to stdout
    /// (default: the current directory).
    paths: Vec<PathBuf>,
    /// When to color diagnostics.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// What happened to the files so far.
#[derive(Default)]
struct Outcome {
    /// Files that are not formatted (with `--check`) or cannot be (syntax errors).
    failed: bool,
    /// A path could not be read or written.
    io_error: bool,
}

pub fn run(args: FmtArgs) -> ExitCode {
    let color = report::use_color(args.color);
    let mut outcome = Outcome::default();
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            say!("error: `-` (stdin) cannot be combined with other paths");
            return ExitCode::from(EXIT_USAGE);
        }
        stdin(args.check, color, &mut outcome);
    } else {
        let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths };
        // The loader's rules, as for `check`: the walk, and which files may be read at all.
        let loader = match Loader::for_paths(DiskFs, &paths) {
            Ok(loader) => loader,
            Err(error) => {
                say!("error: {error}");
                return ExitCode::from(EXIT_USAGE);
            }
        };
        let mut targets = Vec::new();
        for path in &paths {
            match DiskFs.real_path(path).and_then(|real| DiskFs.metadata(&real)) {
                Ok((FileKind::Dir, _)) => match loader.walk(path) {
                    Ok(found) => targets.extend(found.into_iter().map(|(path, _)| path)),
                    Err(error) => {
                        say!("error: {error}");
                        return ExitCode::from(EXIT_USAGE);
                    }
                },
                Ok(_) => targets.push(path.clone()),
                Err(error) => {
                    say!("error: cannot read `{}`: {}", path.display(), io_reason(&error));
                    return ExitCode::from(EXIT_USAGE);
                }
            }
        }
        targets.sort();
        targets.dedup();
        for path in &targets {
            file(&loader, path, args.check, color, &mut outcome);
        }
    }
    if outcome.io_error {
        ExitCode::from(EXIT_USAGE)
    } else if outcome.failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn stdin(check: bool, color: bool, outcome: &mut Outcome) {
    let mut bytes = Vec::new();
    if let Err(error) = std::io::stdin().read_to_end(&mut bytes) {
        say!("error: cannot read stdin: {error}");
        outcome.io_error = true;
        return;
    }
    let Some(text) = utf8("<stdin>", bytes, outcome) else { return };
    let Some(formatted) = format("<stdin>", &text, color, outcome) else { return };
    if check {
        if formatted != text {
            print_line!("<stdin>");
            outcome.failed = true;
        }
        return;
    }
    out::write(Stream::Stdout, formatted.as_bytes());
}

fn file(loader: &Loader<DiskFs>, path: &Path, check: bool, color: bool, outcome: &mut Outcome) {
    let shown = files::display(path);
    let bytes = match loader.read(path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            say!("error: cannot read `{shown}`: no such file or directory");
            outcome.io_error = true;
            return;
        }
        Err(refusal) => {
            say!("error: `{shown}` is not read: {refusal}");
            outcome.io_error = true;
            return;
        }
    };
    let Some(text) = utf8(&shown, bytes, outcome) else { return };
    let Some(formatted) = format(&shown, &text, color, outcome) else { return };
    if formatted == text {
        return;
    }
    if check {
        print_line!("{shown}");
        outcome.failed = true;
    } else if let Err(error) = write_atomically(path, formatted.as_bytes()) {
        say!("error: cannot write `{shown}`: {}; it is left as it was", io_reason(&error));
        outcome.io_error = true;
    }
}

/// Replaces the file at `path` (a link: the file it leads to) by `bytes`: a temporary file in
/// the same directory with the original's permissions, written, synced, then renamed over the
/// original. On any failure the temporary file is removed and the original is untouched.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let real = std::fs::canonicalize(path)?;
    let permissions = std::fs::metadata(&real)?.permissions();
    // A file we may not write stays so, as with a write in place: the rename alone would need
    // only the directory's permission. Opening it for writing changes nothing.
    drop(std::fs::OpenOptions::new().write(true).open(&real)?);
    let dir = real.parent().unwrap_or(Path::new("."));
    let name = real.file_name().map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let (temp, mut file) = loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.{}-{n}.skiff-fmt.tmp", std::process::id()));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => break (temp, file),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => continue,
            Err(error) => return Err(error),
        }
    };
    let fill = || -> std::io::Result<()> {
        file.set_permissions(permissions)?;
        file.write_all(bytes)?;
        file.sync_all()
    };
    let written = fill().and_then(|()| {
        drop(file);
        std::fs::rename(&temp, &real)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
        return written;
    }
    // The rename itself reaches the disk with the directory (best effort: not every system
    // can sync a directory).
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn utf8(shown: &str, bytes: Vec<u8>, outcome: &mut Outcome) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            say!("error[invalid-utf8]: {shown}: not valid UTF-8 (first bad byte at offset {at}); not formatted");
            outcome.failed = true;
            None
        }
    }
}

/// The formatted text, or the reasons there is none (reported here).
fn format(shown: &str, text: &str, color: bool, outcome: &mut Outcome) -> Option<String> {
    match skiff_fmt::format(text) {
        Ok(formatted) => Some(formatted),
        Err(FormatError::Syntax(errors)) => {
            if !out::is_closed(Stream::Stderr) {
                let mut columns = crate::quote::Columns::new(text);
                let mut w = out::writer(Stream::Stderr);
                let written = errors.iter().take(report::MAX_SHOWN_PER_FILE).try_for_each(|error| {
                    let at = columns.line_col(error.span.start);
                    report::write_one(&mut w, shown, text, columns.index(), at, error, color)
                });
                out::check(Stream::Stderr, written.and_then(|()| w.flush()));
            }
            let n = errors.len();
            let only = if n > report::MAX_SHOWN_PER_FILE {
                format!(", {} shown", report::MAX_SHOWN_PER_FILE)
            } else {
                String::new()
            };
            say!("{shown}: {n} syntax error{}{only}: not formatted", if n == 1 { "" } else { "s" });
            outcome.failed = true;
            None
        }
        Err(error @ FormatError::Internal(_)) => {
            say!("error: {shown}: {error} (please report it)");
            outcome.failed = true;
            None
        }
    }
}

//! `skiff-bench`: commands that measure skiff and print figures (see BENCHMARKS.md).
//!
//! This crate is for measuring: it generates workspaces and times the same code paths the
//! CLI and the server use. It is not a test: nothing here asserts a time.

mod build;
mod generate;
mod lsp;
mod merge;
mod scaling;

use std::time::Instant;

// The allocator `skiff` itself uses, so that in-process figures match the command.
#[global_allocator]
static ALLOCATOR: skiff_alloc::Mimalloc = skiff_alloc::Mimalloc;

fn main() {
    // As `skiff` does (skiff-cli's `no_huge_pages`), so that in-process figures match it.
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's flags.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str, default: usize| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map_or(default, |v| v.parse().unwrap_or_else(|_| panic!("{flag} takes a number")))
    };
    let one_file = args.iter().any(|a| a == "--one-file");
    match args.first().map(String::as_str) {
        Some("generate") => {
            let dir = args.get(1).expect("usage: skiff-bench generate DIR [--lines N] [--one-file]");
            let files = generate_files(number("--lines", 100_000), one_file);
            std::fs::create_dir_all(dir).expect("create the output directory");
            for (name, text) in &files {
                std::fs::write(std::path::Path::new(dir).join(name), text).expect("write a generated file");
            }
            let lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
            println!("wrote {} files, {lines} lines, to {dir}", files.len());
        }
        Some("parse") => parse(number("--lines", 100_000), number("--runs", 10)),
        Some("check") => check(number("--lines", 100_000), number("--runs", 5), one_file),
        Some("build") => build::run(number("--pods", 50_000), number("--runs", 3)),
        Some("lsp") => lsp::run(
            number("--lines", 10_000),
            number("--workspace-lines", 100_000),
            number("--runs", 50),
            args.iter().position(|a| a == "--skiff").and_then(|i| args.get(i + 1)).map(Into::into),
        ),
        Some("scaling") => scaling::run(
            &args
                .iter()
                .position(|a| a == "--skiff")
                .and_then(|i| args.get(i + 1))
                .map_or_else(|| std::path::PathBuf::from("target/release/skiff"), Into::into),
            number("--runs", 1),
        ),
        Some("fmt") => fmt(number("--lines", 10_000), number("--runs", 20)),
        Some("merge") => merge::run(
            number("--entries", 20_000),
            number("--runs", 5),
            args.iter().position(|a| a == "--write").and_then(|i| args.get(i + 1)).map(String::as_str),
        ),
        _ => {
            eprintln!(
                "usage: skiff-bench generate DIR [--lines N] [--one-file] | parse [--lines N] [--runs N] | check [--lines N] [--runs N] [--one-file] | build [--pods N] [--runs N] | fmt [--lines N] [--runs N] | merge [--entries N] [--runs N] [--write DIR] | scaling [--skiff PATH] [--runs N] | lsp [--lines N] [--workspace-lines N] [--runs N] [--skiff PATH]"
            );
            std::process::exit(2);
        }
    }
}

/// Parsing throughput on one large generated file, best and median of `runs`.
fn parse(lines: usize, runs: usize) {
    let text: String = generate::workspace(lines).into_iter().map(|(_, text)| text).collect();
    let megabytes = text.len() as f64 / 1e6;
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let parse = skiff_syntax::parse(&text);
            let elapsed = started.elapsed().as_secs_f64();
            assert!(parse.errors.is_empty(), "generated text parses cleanly: {:?}", &parse.errors[..1]);
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "parse: {} lines, {:.2} MB: median {:.1} ms, best {:.1} ms, {:.0} MB/s (median)",
        text.lines().count(),
        megabytes,
        median * 1e3,
        times[0] * 1e3,
        megabytes / median
    );
}

/// Formatting one large generated file (as `skiff fmt` does for each file, without IO): the
/// whole of `skiff_fmt::format`, which parses, prints, and re-parses the output to check it.
fn fmt(lines: usize, runs: usize) {
    let text: String = generate::workspace(lines).into_iter().map(|(_, text)| text).collect();
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let formatted = skiff_fmt::format(&text);
            let elapsed = started.elapsed().as_secs_f64();
            assert!(formatted.is_ok(), "generated text formats: {:?}", formatted.err());
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "fmt: {} lines, {:.2} MB: median {:.1} ms, best {:.1} ms",
        text.lines().count(),
        text.len() as f64 / 1e6,
        times[times.len() / 2] * 1e3,
        times[0] * 1e3
    );
}

/// A cold `check` of a generated workspace (fresh database each run, loaded as `skiff check`
/// loads it, from memory instead of the disk): median of `runs`, and the process's peak memory.
fn check(lines: usize, runs: usize, one_file: bool) {
    let files = generate_files(lines, one_file);
    let total_lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    let mut times: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            let workspace = load(&files);
            let diagnostics = workspace.diagnostics();
            let elapsed = started.elapsed().as_secs_f64();
            assert!(diagnostics.is_empty(), "the generated workspace checks clean: {:?}", &diagnostics[..1]);
            elapsed
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "check: {} files, {total_lines} lines: median {:.0} ms, best {:.0} ms; peak RSS {} MB",
        files.len(),
        times[times.len() / 2] * 1e3,
        times[0] * 1e3,
        peak_rss_mb().map_or("unknown".into(), |mb| mb.to_string())
    );
}

/// The generated workspace of about `lines` lines: 1,000-line modules, or all of them in one file.
fn generate_files(lines: usize, one_file: bool) -> Vec<(String, String)> {
    if one_file { generate::one_file(lines) } else { generate::workspace(lines) }
}

/// A fresh workspace of the generated files, through the loader `skiff check` uses (walk,
/// imports) and with the database it makes (one run), over a file system in memory: what is
/// timed is skiff, not the disk.
pub(crate) fn load(files: &[(String, String)]) -> skiff_sema::Workspace {
    let mut fs = skiff_sema::load::MemFs::new();
    for (name, text) in files {
        fs.insert(name, text.as_bytes());
    }
    let loader = skiff_sema::load::Loader::new(fs, std::path::Path::new("/")).expect("a root");
    let mut workspace = skiff_sema::Workspace::new(skiff_sema::RootDatabase::for_one_run());
    let report = loader.load_paths(&mut workspace, &["/".into()]).expect("the generated files load");
    assert_eq!(report.files.len(), files.len(), "every generated file is loaded");
    workspace
}

/// The process's peak resident memory (Linux `VmHWM`).
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

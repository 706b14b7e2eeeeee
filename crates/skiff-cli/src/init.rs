//! `skiff init [DIR]`: a new workspace that checks and builds as it is.
//!
//! It writes `skiff.toml` (with a default template), `lib/platform.skiff` (two templates) and
//! `workflow.skiff` (two tasks and a workflow with an override), and nothing else. It never
//! overwrites: a directory that holds anything but version-control folders is refused, and each
//! file is created with `create_new`, so a file that appears meanwhile is not replaced either.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::EXIT_USAGE;

/// The files of a new workspace: path relative to its root, and content.
const FILES: &[(&str, &str)] = &[
    ("skiff.toml", include_str!("init/skiff.toml")),
    ("lib/platform.skiff", include_str!("init/platform.skiff")),
    ("workflow.skiff", include_str!("init/workflow.skiff")),
];

/// Entries a fresh project may already hold: `git init` (or another tool's) comes first.
const VERSION_CONTROL: &[&str] = &[".git", ".hg", ".jj", ".svn"];

#[derive(clap::Args)]
pub struct InitArgs {
    /// The directory of the new workspace (made when missing; default: the current directory).
    #[arg(default_value = ".")]
    dir: PathBuf,
}

pub fn run(args: InitArgs) -> ExitCode {
    match init(&args.dir) {
        Ok(()) => {
            let shown = crate::files::display(&args.dir);
            let mut report = String::new();
            for (path, _) in FILES {
                report += &format!("created {}\n", crate::files::display(&args.dir.join(path)));
            }
            let cd = if shown == "." { String::new() } else { format!("cd {shown} && ") };
            report += &format!("next: {cd}skiff check && skiff build && skiff explain hello.big\n");
            crate::print_out(report.as_bytes())
        }
        Err(error) => {
            crate::out::say!("error: {error}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn init(dir: &Path) -> Result<(), String> {
    let shown = crate::files::display(dir);
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut taken: Vec<String> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| !VERSION_CONTROL.contains(&name.as_str()))
                .collect();
            if !taken.is_empty() {
                taken.sort();
                let more = if taken.len() > 3 { format!(" and {} more", taken.len() - 3) } else { String::new() };
                taken.truncate(3);
                return Err(format!(
                    "`{shown}` is not empty ({}{more}); `skiff init` only writes into an empty directory, \
                     so that it never replaces a file: give it a new directory (`skiff init NAME`)",
                    taken.join(", ")
                ));
            }
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(format!("cannot read `{shown}`: {}", skiff_sema::load::io_reason(&error))),
    }
    for (path, text) in FILES {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                format!("cannot create `{}`: {}", crate::files::display(parent), skiff_sema::load::io_reason(&e))
            })?;
        }
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(|e| {
            format!("cannot create `{}`: {}", crate::files::display(&path), skiff_sema::load::io_reason(&e))
        })?;
        file.write_all(text.as_bytes()).map_err(|e| {
            format!("cannot write `{}`: {}", crate::files::display(&path), skiff_sema::load::io_reason(&e))
        })?;
    }
    Ok(())
}

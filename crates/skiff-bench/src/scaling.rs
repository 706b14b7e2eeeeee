//! `skiff-bench scaling [--skiff PATH] [--runs N]`: the shapes that once made skiff superlinear,
//! each written to a scratch directory and given to the `skiff` binary as a user would run it,
//! at growing sizes, so that time and memory can be read against size. Prints wall time, CPU
//! time and peak memory (the child's `ru_maxrss`) of the best of `runs`.
//!
//! The shapes: one file of many one-line templates; an `extends` chain and an `extends` cycle
//! through every template of a file; one workflow of many `let`s (checked and built); one list
//! of many short strings (checked and formatted).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One measured run of the child: wall seconds, CPU seconds (user + system), peak RSS in MB.
struct Run {
    wall: f64,
    cpu: f64,
    peak_mb: u64,
}

fn run_child(skiff: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    #[expect(clippy::zombie_processes, reason = "waited for below with wait4, for its rusage")]
    let child = std::process::Command::new(skiff)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start skiff");
    // wait4 gives this child's own usage (getrusage of all children would mix the runs).
    let (mut status, pid) = (0, child.id() as libc::pid_t);
    // SAFETY: wait4 writes only the status and the struct it is given; the child is ours and
    // is waited for once, here (its `Child` handle is never waited on).
    #[allow(unsafe_code)]
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        assert_eq!(libc::wait4(pid, &mut status, 0, &mut usage), pid, "wait for skiff");
        usage
    };
    let wall = started.elapsed().as_secs_f64();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    assert!(code.is_some_and(|c| c <= 1), "skiff {args:?} failed: status {status}");
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    Run { wall, cpu, peak_mb: (usage.ru_maxrss as u64) / 1024 }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a scratch file");
    path
}

fn templates(n: usize) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "pod_template t{i} {{ nodeSelector {{ pool: \"p{i}\" }} }}");
        s
    })
}

/// 54 bytes a template: 1.2 million fit under skiff's 64 MiB file limit.
fn short_templates(n: usize) -> String {
    (0..n).fold(String::new(), |mut s, i| {
        let _ = writeln!(s, "pod_template t{i} {{ priorityClassName: \"p{i}\" }}");
        s
    })
}

fn chain(n: usize, cycle: bool) -> String {
    let mut s = String::new();
    for i in 0..n {
        let parent = if i > 0 {
            format!(" extends c{}", i - 1)
        } else if cycle {
            format!(" extends c{}", n - 1)
        } else {
            String::new()
        };
        let _ = writeln!(s, "pod_template c{i}{parent} {{ nodeSelector {{ k{i}: \"v\" }} }}");
    }
    if !cycle {
        let _ = write!(
            s,
            "task t() {{\n  image: \"x:1\"\n  pod_template: c{}\n}}\nworkflow w() {{\n  let a = t()\n}}\n",
            n - 1
        );
    }
    s
}

fn lets(n: usize) -> String {
    let mut s = String::from(
        "task t(x: int = 1) -> int {\n  image: \"x:1\"\n  args: [\"{{inputs.x}}\", \"{{outputs.path}}\"]\n}\nworkflow w() {\n",
    );
    for i in 0..n {
        let _ = writeln!(s, "  let a{i} = t()");
    }
    s.push_str("}\n");
    s
}

fn long_list(n: usize) -> String {
    let mut s = String::from("task t() {\n  image: \"x:1\"\n  args: [");
    for i in 0..n {
        s.push_str(if i == 0 { "\"a\"" } else { ", \"a\"" });
    }
    s.push_str("]\n}\n");
    s
}

pub fn run(skiff: &Path, runs: usize) {
    let dir = std::env::temp_dir().join(format!("skiff-scaling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    type Case = (&'static str, Vec<usize>, fn(usize) -> String, &'static [&'static str]);
    let cases: [Case; 6] = [
        ("one-line templates in one file", vec![50_000, 100_000, 200_000], templates, &["check"]),
        ("templates in one extends chain", vec![1_000, 4_000, 10_000], |n| chain(n, false), &["check", "build"]),
        ("templates in one extends cycle", vec![1_000, 4_000, 10_000], |n| chain(n, true), &["check"]),
        ("lets in one workflow", vec![10_000, 100_000], lets, &["check", "build"]),
        ("strings in one list", vec![1_000_000, 4_000_000], long_list, &["check", "fmt"]),
        ("short templates, a 65 MB file", vec![1_200_000], short_templates, &["check"]),
    ];
    println!("| shape | size | source | command | wall | CPU | peak RSS |");
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for (shape, sizes, make, commands) in cases {
        for size in sizes {
            let text = make(size);
            let bytes = text.len();
            for command in commands {
                let mut best: Option<Run> = None;
                for _ in 0..runs.max(1) {
                    // `fmt` rewrites its file: each run formats a fresh copy.
                    let path = write(&dir, "case.skiff", &text);
                    let run = run_child(skiff, &[command, path.to_str().expect("a UTF-8 path")]);
                    if best.as_ref().is_none_or(|b| run.wall < b.wall) {
                        best = Some(run);
                    }
                }
                let run = best.expect("at least one run");
                println!(
                    "| {shape} | {size} | {:.1} MB | `{command}` | {:.2} s | {:.2} s | {} MB |",
                    bytes as f64 / 1e6,
                    run.wall,
                    run.cpu,
                    run.peak_mb
                );
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

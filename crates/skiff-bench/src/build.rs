//! `skiff-bench build --pods N`: what `skiff build` does on a generated workspace of at least
//! N pods, loaded from memory instead of the disk (as `skiff build` loads, through the
//! same loader), phase by phase: check (every diagnostic, as the CLI runs before
//! building), compile (effective pods and `k8s_openapi` Pods), and printing the YAML stream,
//! each Pod printed and dropped as soon as it is made (as the CLI streams them).

use std::time::Instant;

use crate::{generate, peak_rss_mb};

/// Pods in one generated module of about 1,000 lines (ten calls a workflow).
fn pods_in(files: &[(String, String)]) -> usize {
    files.iter().map(|(_, text)| text.lines().filter(|l| l.starts_with("  let ")).count()).sum()
}

pub fn run(pods: usize, runs: usize) {
    let mut lines = pods * 5;
    let mut files = generate::workspace(lines);
    while pods_in(&files) < pods {
        lines += lines / 10 + 1000;
        files = generate::workspace(lines);
    }
    let total_lines: usize = files.iter().map(|(_, t)| t.lines().count()).sum();
    let mut phases: Vec<[f64; 3]> = Vec::new();
    let mut built = 0;
    let mut bytes = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let workspace = crate::load(&files);
        let diagnostics = workspace.diagnostics();
        assert!(diagnostics.is_empty(), "the generated workspace checks clean: {:?}", &diagnostics[..1]);
        let checked = started.elapsed().as_secs_f64();
        // As `skiff build` does: each Pod printed as soon as it is made (here, counted). The
        // threads that make the Pods print them too, so the phase is compile and print.
        let (mut count, mut size) = (0, 0);
        type Error = Box<dyn std::error::Error + Send + Sync>;
        let render = |pod: skiff_sema::compile::CompiledPod| -> Result<usize, Error> {
            Ok(skiff_k8s::yaml::to_yaml(&pod.pod)?.len() + 4)
        };
        skiff_sema::compile::build_each(&workspace.db, &Default::default(), render, |len| {
            count += 1;
            size += len;
            Ok::<(), Error>(())
        })
        .expect("it builds");
        let total = started.elapsed().as_secs_f64();
        built = count;
        bytes = size;
        phases.push([checked, total - checked, total]);
    }
    phases.sort_by(|a, b| a[2].total_cmp(&b[2]));
    let [check, compile, total] = phases[phases.len() / 2];
    println!(
        "build: {built} pods from {} files, {total_lines} lines, {:.1} MB of YAML: median {:.0} ms \
         (check {:.0} ms, compile and print {:.0} ms) on {} threads, {:.1} µs a pod; peak RSS {} MB",
        files.len(),
        bytes as f64 / 1e6,
        total * 1e3,
        check * 1e3,
        compile * 1e3,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        total * 1e6 / built as f64,
        peak_rss_mb().map_or("unknown".into(), |mb| mb.to_string())
    );
}

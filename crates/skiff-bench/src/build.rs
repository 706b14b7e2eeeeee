//! `skiff-bench build --pods N`: what `skiff build` does on a generated workspace of at least
//! N pods, without file IO, phase by phase: check (every diagnostic, as the CLI runs before
//! building), compile (effective pods and `k8s_openapi` Pods), and writing the YAML stream.

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
    let mut phases: Vec<[f64; 4]> = Vec::new();
    let mut built = 0;
    let mut bytes = 0;
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let mut workspace = skiff_sema::Workspace::new(skiff_sema::RootDatabase::new());
        for (name, text) in &files {
            workspace.set_file(name, text.clone());
        }
        let diagnostics = workspace.diagnostics();
        assert!(diagnostics.is_empty(), "the generated workspace checks clean: {:?}", &diagnostics[..1]);
        let checked = started.elapsed().as_secs_f64();
        let compiled = skiff_sema::compile::build(&workspace.db, &Default::default()).expect("it builds");
        let built_at = started.elapsed().as_secs_f64();
        let mut out = String::new();
        for (i, pod) in compiled.iter().enumerate() {
            if i > 0 {
                out.push_str("---\n");
            }
            out.push_str(&skiff_k8s::yaml::to_yaml(&pod.pod).expect("YAML"));
        }
        let total = started.elapsed().as_secs_f64();
        built = compiled.len();
        bytes = out.len();
        phases.push([checked, built_at - checked, total - built_at, total]);
    }
    phases.sort_by(|a, b| a[3].total_cmp(&b[3]));
    let [check, compile, write, total] = phases[phases.len() / 2];
    println!(
        "build: {built} pods from {} files, {total_lines} lines, {:.1} MB of YAML: median {:.0} ms \
         (check {:.0} ms, compile {:.0} ms, YAML {:.0} ms), {:.1} µs a pod; peak RSS {} MB",
        files.len(),
        bytes as f64 / 1e6,
        total * 1e3,
        check * 1e3,
        compile * 1e3,
        write * 1e3,
        total * 1e6 / built as f64,
        peak_rss_mb().map_or("unknown".into(), |mb| mb.to_string())
    );
}

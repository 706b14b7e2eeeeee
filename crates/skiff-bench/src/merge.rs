//! `skiff-bench merge --entries N`: a keyed-list merge of two long `env` lists, as `skiff patch`
//! and the DSL do it. The base pod's container has `N` variables `V0..`; the patch sets the
//! upper half of them again and adds as many new ones, so both halves of the merge (finding an
//! element, adding one) and the ordering of the result are measured. Timed twice: the engine
//! alone (`skiff_k8s::merge::apply_patch`, what `skiff patch` runs), and a build of the same
//! merge written in skiff (a template's `env` under a task's `env`), check included.
//!
//! `--write DIR` also writes `base.json`, `patch.json` and a workspace `dsl/` for timing
//! `skiff patch` and `skiff build` end to end.

use std::fmt::Write as _;
use std::time::Instant;

use serde_json::json;
use skiff_k8s::merge::{Node, Shape, apply_patch};

/// The base Pod and the patch, as JSON.
fn documents(entries: usize) -> (serde_json::Value, serde_json::Value) {
    let env = |range: std::ops::Range<usize>, tag: &str| -> Vec<serde_json::Value> {
        range.map(|i| json!({"name": format!("V{i}"), "value": format!("{tag}{i}")})).collect()
    };
    let base = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "merge"},
        "spec": {"containers": [{"name": "main", "image": "busybox:1.36", "env": env(0..entries, "base")}]}
    });
    let patch =
        json!({"spec": {"containers": [{"name": "main", "env": env(entries / 2..entries + entries / 2, "patch")}]}});
    (base, patch)
}

/// The same merge in skiff: a template's variables under the task's.
fn workspace(entries: usize) -> Vec<(String, String)> {
    let env = |range: std::ops::Range<usize>, tag: &str| {
        let mut text = String::new();
        for i in range {
            let _ = writeln!(text, "    V{i}: \"{tag}{i}\"");
        }
        text
    };
    let text = format!(
        "pod_template base {{\n  containers[\"main\"] {{\n  env {{\n{}  }}\n  }}\n}}\n\n\
         task t() {{\n  image: \"busybox:1.36\"\n  pod_template: base\n  primary_container: \"main\"\n  env {{\n{}  }}\n}}\n\n\
         workflow w() {{\n  let a = t()\n}}\n",
        env(0..entries, "base"),
        env(entries / 2..entries + entries / 2, "patch"),
    );
    vec![("main.skiff".to_owned(), text)]
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

pub fn run(entries: usize, runs: usize, write: Option<&str>) {
    let (base, patch) = documents(entries);
    if let Some(dir) = write {
        let dir = std::path::Path::new(dir);
        std::fs::create_dir_all(dir.join("dsl")).expect("create the output directory");
        std::fs::write(dir.join("base.json"), base.to_string()).expect("write base.json");
        std::fs::write(dir.join("patch.json"), patch.to_string()).expect("write patch.json");
        for (name, text) in workspace(entries) {
            std::fs::write(dir.join("dsl").join(name), text).expect("write the workspace");
        }
    }
    let base = Node::from_json(&base, 0u32);
    let patch = Node::from_json(&patch, 1u32);
    let mut merged = 0;
    let engine = median(
        (0..runs.max(1))
            .map(|_| {
                let base = base.clone();
                let started = Instant::now();
                let result = apply_patch(base, &patch, Shape::Pod).expect("the patch applies");
                let elapsed = started.elapsed().as_secs_f64();
                merged = result.get_path(&["spec", "containers"]).and_then(Node::as_list).map_or(0, |containers| {
                    containers[0].get_path(&["env"]).and_then(Node::as_list).map_or(0, <[_]>::len)
                });
                elapsed
            })
            .collect(),
    );
    assert_eq!(merged, entries + entries / 2, "every variable is merged once");
    let files = workspace(entries);
    let mut pods = 0;
    let dsl = median(
        (0..runs.max(1))
            .map(|_| {
                let started = Instant::now();
                let workspace = crate::load(&files);
                let diagnostics = workspace.diagnostics();
                assert!(diagnostics.is_empty(), "the generated workspace checks clean: {:?}", &diagnostics[..1]);
                pods = 0;
                type Error = Box<dyn std::error::Error + Send + Sync>;
                skiff_sema::compile::build_each(
                    &workspace.db,
                    &Default::default(),
                    |pod| -> Result<String, Error> { Ok(skiff_k8s::yaml::to_yaml(&pod.pod)?) },
                    |_| {
                        pods += 1;
                        Ok::<(), Error>(())
                    },
                )
                .expect("it builds");
                started.elapsed().as_secs_f64()
            })
            .collect(),
    );
    assert_eq!(pods, 1, "one pod");
    println!(
        "merge: {entries} env entries under {entries} ({} in common): apply_patch median {:.1} ms; \
         check and build of the same in skiff median {:.0} ms",
        entries - entries / 2,
        engine * 1e3,
        dsl * 1e3
    );
}

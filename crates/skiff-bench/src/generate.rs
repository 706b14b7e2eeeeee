//! Generates realistic skiff workspaces of a chosen size.
//!
//! Each module holds templates extending each other two or three deep, tasks using them, and
//! workflows of ten calls with an override on every other call: the shape of real projects,
//! repeated. Output is deterministic for a given size.

use std::fmt::Write;

/// Roughly 1,000 lines of skiff text: module `index` of a workspace, importing module 0's
/// templates when it is not module 0 itself (or, `in_one_file`, naming them directly).
pub fn module(index: usize, in_one_file: bool) -> String {
    let mut out = String::new();
    let m = index;
    let base = if in_one_file { "" } else { "base." };
    if m > 0 && !in_one_file {
        let _ = writeln!(out, "import \"module_0.skiff\" as base\n");
    }
    let mut lines = 0;
    let mut group = 0;
    while lines < 1000 {
        let g = group;
        let root = if m > 0 && g % 2 == 1 { format!("{base}t0_0_base") } else { format!("t{m}_{g}_base") };
        let text = format!(
            r#"/// Base placement of group {g}.
pod_template t{m}_{g}_base {{
  nodeSelector {{ pool: "pool-{g}", "topology.kubernetes.io/zone": "zone-{z}" }}
  tolerations: [{{ key: "dedicated", operator: "Equal", value: "group-{g}", effect: "NoSchedule" }}]
  securityContext {{ runAsNonRoot: true, runAsUser: 1000 }}
}}

pod_template t{m}_{g}_gpu extends {root} {{
  nodeSelector {{ "gpu-type": "nvidia-a100" }}
  tolerations += [{{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }}]
}}

pod_template t{m}_{g}_spot extends t{m}_{g}_gpu {{
  replace tolerations: [{{ key: "spot", operator: "Exists", effect: "NoSchedule" }}]
  priorityClassName: "preemptible"
}}

/// Prepares the data of group {g}.
task prep_{m}_{g}(raw: File, days: int = 7) -> DataFrame {{
  image: "ghcr.io/acme/prep:{g}.0"
  args: ["--days", "{{{{inputs.days}}}}", "--input", "{{{{inputs.raw}}}}"]
  resources {{ requests {{ cpu: 500m, memory: 2Gi }} limits {{ memory: 4Gi }} }}
  pod_template: t{m}_{g}_base
}}

/// Trains on the data of group {g}.
task train_{m}_{g}(data: DataFrame, epochs: int = 10) -> File {{
  image: "ghcr.io/acme/train:{g}.4"
  command: ["python", "-m", "train", "--epochs", "{{{{inputs.epochs}}}}"]
  env {{ SEED: "{g}", MODE: "batch" }}
  resources {{ requests {{ cpu: 4, memory: 16Gi }} limits {{ "nvidia.com/gpu": 1, memory: 16Gi }} }}
  pod_template: t{m}_{g}_gpu
}}

workflow flow_{m}_{g}(raw: File) -> File {{
  let d = prep_{m}_{g}(raw: raw)
  let a1 = train_{m}_{g}(data: d)
  let a2 = train_{m}_{g}(data: d, epochs: 3)
    override pod_template {{ nodeSelector {{ "gpu-type": "nvidia-h100" }} }}
    override resources {{ limits {{ memory: 32Gi }} }}
  let a3 = train_{m}_{g}(data: d)
  let a4 = train_{m}_{g}(data: d, epochs: 5)
    override replace pod_template: t{m}_{g}_spot
  let a5 = train_{m}_{g}(data: d)
  let a6 = train_{m}_{g}(data: d)
    override pod_template {{ tolerations += [{{ key: "extra", operator: "Exists" }}] }}
  let a7 = train_{m}_{g}(data: d)
  let a8 = train_{m}_{g}(data: d)
    override image: "ghcr.io/acme/train:{g}.5"
  let a9 = prep_{m}_{g}(raw: a1)
  return a1
}}

"#,
            z = g % 3
        );
        lines += text.lines().count();
        out.push_str(&text);
        group += 1;
    }
    out
}

/// A workspace of about `lines` lines, as (file name, text) pairs.
pub fn workspace(lines: usize) -> Vec<(String, String)> {
    let modules = lines.div_ceil(1000).max(1);
    (0..modules).map(|m| (format!("module_{m}.skiff"), module(m, false))).collect()
}

/// The same modules as [`workspace`], in one file of about `lines` lines.
pub fn one_file(lines: usize) -> Vec<(String, String)> {
    let modules = lines.div_ceil(1000).max(1);
    vec![("all.skiff".to_owned(), (0..modules).map(|m| module(m, true)).collect())]
}

//! The effective pod of one workflow node, for a view that stays open beside the editor, and a
//! lens above each `let` that says in one line what the node runs on.
//!
//! Both are the compiler's own answer: [`skiff_sema::explain::explain_node`], rendered by
//! [`skiff_sema::explain::explain_lines`] exactly as `skiff explain WORKFLOW.NODE` prints it (and
//! as hover shows it), summarized by [`skiff_k8s::summary`]. Nothing here merges anything.

use crate::{FileRange, file};
use skiff_k8s::summary::summarize;
use skiff_sema::explain::{
    Explained, NodeId, describe_origin, explain_changes, explain_header, explain_lines, explain_node, node_at,
    node_by_name, node_name, render_plain,
};
use skiff_sema::items::item_offset;
use skiff_sema::{Db, parse};
use skiff_syntax::Span;
use skiff_syntax::ast::ItemKind;

/// One node's pod, as `skiff explain` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectivePod {
    /// `workflow.binding`, the name `skiff explain` takes.
    pub node: String,
    /// The task the node calls.
    pub task: String,
    /// The annotated YAML: `# workflow.binding: task NAME`, the errors that keep the pod from
    /// being built (`# error: ...`), the pod with each value's origin, then what the call's
    /// overrides changed (`# changed by the overrides ...`).
    pub text: String,
    /// The pod in one line: node selector, GPUs, memory limit, image.
    pub summary: String,
    /// Why the pod cannot be built, one message each.
    pub errors: Vec<String>,
    /// The node's `let`, its call and overrides.
    pub binding: FileRange,
}

/// A place for a lens above a `let`: its `let NAME` and the node it opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodLens {
    pub span: Span,
    /// `workflow.binding`: ask [`crate::Analysis::effective_pod`] for its pod and summary.
    pub node: String,
}

/// The pod of the node whose `let` holds the cursor.
pub(crate) fn at(db: &dyn Db, path: &str, offset: u32) -> Option<EffectivePod> {
    let node = node_at(db, file(db, path)?, offset)?;
    effective_pod(db, node)
}

/// The pod of the node named `workflow.binding`.
pub(crate) fn named(db: &dyn Db, name: &str) -> Option<EffectivePod> {
    effective_pod(db, node_by_name(db, name).ok()?)
}

fn effective_pod(db: &dyn Db, node: NodeId<'_>) -> Option<EffectivePod> {
    let explained = explain_node(db, node)?;
    let binding = skiff_sema::pod::workflow_binding(db, node.workflow, node.binding)?;
    let start = item_offset(db, node.workflow);
    let span = Span::new(start + binding.span.start, start + binding.span.end);
    let errors: Vec<String> = explained.errors().iter().map(|e| e.message.clone()).collect();
    let mut text = explain_header(db, &explained);
    for error in explained.errors() {
        text.push_str(&format!("# error: {} ({})\n", error.message, describe_origin(db, error.origin)));
    }
    text.push_str(&render_plain(&explain_lines(db, &explained)));
    text.push_str(&explain_changes(&explained));
    Some(EffectivePod {
        node: node_name(db, node),
        task: explained.task.name(db).to_string(),
        text,
        summary: summary(&explained),
        errors,
        binding: FileRange { path: node.workflow.file(db).path(db).clone(), span },
    })
}

fn summary(explained: &Explained<'_>) -> String {
    let errors = match explained.errors().len() {
        0 => String::new(),
        1 => "1 error · ".to_string(),
        n => format!("{n} errors · "),
    };
    match &explained.pod.tree {
        Some(tree) => format!("{errors}{}", summarize(&tree.0, &explained.pod.primary)),
        None => format!("{errors}no pod"),
    }
}

/// A lens above every `let` of the file's workflows.
pub(crate) fn lenses(db: &dyn Db, path: &str) -> Vec<PodLens> {
    let Some(file) = file(db, path) else { return Vec::new() };
    let mut out = Vec::new();
    for item in &parse(db, file).file.items {
        let ItemKind::Workflow(workflow) = &item.kind else { continue };
        for binding in workflow.lets() {
            let Some(node) = node_at(db, file, binding.span.start) else { continue };
            let span = Span::new(binding.span.start, binding.name.span.end);
            out.push(PodLens { span, node: node_name(db, node) });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture::{fixture, show};
    use expect_test::expect;

    const SEED: &str = include_str!("../../../examples/seed/train.skiff");
    const GPU: &str = include_str!("../../../examples/seed/lib/gpu.skiff");

    fn seed() -> String {
        format!("//- train.skiff\n{SEED}//- lib/gpu.skiff\n{GPU}")
    }

    /// The view shows what `skiff explain my_workflow.m2` prints (crates/skiff-cli/tests
    /// compares the two byte for byte through the server).
    #[test]
    fn the_pod_at_the_cursor_and_by_name() {
        let (host, _) = fixture(&seed());
        let analysis = host.analysis();
        let offset = SEED.find("memory: 32Gi").unwrap() as u32;
        let pod = analysis.effective_pod_at(&crate::FilePosition::new("train.skiff", offset)).unwrap().unwrap();
        assert_eq!(pod.node, "my_workflow.m2");
        assert_eq!(analysis.effective_pod("my_workflow.m2").unwrap().as_ref(), Some(&pod));
        expect![[r##"
            # my_workflow.m2: task train_model
            spec:
              restartPolicy: Never                   # base
              containers:
              - name: primary                        # base
                image: ghcr.io/acme/train:1.4        # task train_model (train.skiff:6)
                command:                             # task train_model (train.skiff:7)
                - python
                - -m
                - train
                - --epochs
                - "{{inputs.epochs}}"
                - --out
                - "{{outputs.path}}"
                resources:
                  requests: {cpu: "2", memory: 8Gi}  # task train_model (train.skiff:8)
                  limits:
                    nvidia.com/gpu: "1"              # task train_model (train.skiff:8)
                    memory: 32Gi                     # override resources (train.skiff:19)
              nodeSelector: {gpu-type: nvidia-a100}  # override pod_template (train.skiff:16)
              tolerations:                           # override pod_template (train.skiff:17)
              - {key: gpu, operator: Equal, value: preemptible, effect: NoSchedule}
            # changed by the overrides, against the task's own pod:
            #   `containers[primary].resources.limits.memory`: added `32Gi`
            #   `nodeSelector.gpu-type`: `nvidia-tesla-v100` → `nvidia-a100`
            #   `tolerations[0].value`: `"true"` → `preemptible`
        "##]]
        .assert_eq(&pod.text);
        assert_eq!(pod.summary, "gpu-type=nvidia-a100 · 1 GPU · 32Gi memory · train:1.4");
        assert!(show(&host, "train.skiff", pod.binding.span).contains("\"let m2 = train_model(data: data2)"));
        let outside = SEED.find("task train_model").unwrap() as u32;
        assert_eq!(analysis.effective_pod_at(&crate::FilePosition::new("train.skiff", outside)).unwrap(), None);
        assert_eq!(analysis.effective_pod("my_workflow.m9").unwrap(), None);
        assert_eq!(analysis.effective_pod("no dot").unwrap(), None);
    }

    #[test]
    fn a_lens_above_each_let() {
        let (host, _) = fixture(&seed());
        let analysis = host.analysis();
        let shown: Vec<String> = analysis
            .pod_lenses("train.skiff")
            .unwrap()
            .iter()
            .map(|lens| {
                let summary = analysis.effective_pod(&lens.node).unwrap().unwrap().summary;
                format!("{} {}: {summary}", show(&host, "train.skiff", lens.span), lens.node)
            })
            .collect();
        expect![[r#"
            [
                "train.skiff 534..540 \"let m1\" my_workflow.m1: gpu-type=nvidia-tesla-v100 · 1 GPU · no memory limit · train:1.4",
                "train.skiff 603..609 \"let m2\" my_workflow.m2: gpu-type=nvidia-a100 · 1 GPU · 32Gi memory · train:1.4",
            ]
        "#]]
        .assert_debug_eq(&shown);
        assert_eq!(analysis.pod_lenses("lib/gpu.skiff").unwrap(), vec![]);
        assert_eq!(analysis.pod_lenses("missing.skiff").unwrap(), vec![]);
    }

    /// A pod that cannot be built says why, above what could be merged.
    #[test]
    fn a_broken_pod_says_why() {
        let (host, _) = fixture(
            "task t() {\n  image: \"i\"\n  resources { limits { memory: 1Gi } }\n}\nworkflow w() {\n  let a = t()\n    override resources { requests { memory: 2Gi } }\n}\n",
        );
        let pod = host.analysis().effective_pod("w.a").unwrap().unwrap();
        let first: Vec<&str> = pod.text.lines().take(2).collect();
        expect![[r##"
            [
                "# w.a: task t",
                "# error: container `primary` requests 2Gi of `memory` but its limit is 1Gi (override resources (main.skiff:7))",
            ]
        "##]]
        .assert_debug_eq(&first);
        assert_eq!(pod.errors.len(), 1);
        assert!(pod.summary.starts_with("1 error · "), "{}", pod.summary);
    }
}

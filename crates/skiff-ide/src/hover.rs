//! Hover: Markdown for what is under the cursor.
//!
//! - a Kubernetes field: its type, description, allowed values and merge key, from the schema;
//! - a task or workflow: its signature and doc comment; a template: its doc and its body along
//!   the `extends` chain; an import: the file it names;
//! - a call (its binding, its callee, an `override`): see [`call_hover`];
//! - a parameter, an argument, a binding, a `{{inputs.x}}` placeholder;
//! - a unit literal: its value (`8Gi = 8589934592 bytes`, `2h = 7200 seconds`).

use crate::defs::{self, Def};
use crate::locate::{self, BodyCtx, Hit, Located, RefRole, is_skiff_field};
use crate::render::{param_text, signature_text};
use crate::{FilePosition, file};
use skiff_k8s::{Kind, parse_duration, parse_quantity, schema};
use skiff_sema::explain::{explain_lines, explain_node, node_at, render_plain};
use skiff_sema::extends::template_chain;
use skiff_sema::items::{ItemId, ItemTag, Signature};
use skiff_sema::task_fields::TaskField;
use skiff_sema::{Db, SourceFile, parse};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub markdown: String,
    /// The text the hover is about.
    pub span: Span,
}

pub(crate) fn hover(db: &dyn Db, position: &FilePosition) -> Option<Hover> {
    let file = file(db, &position.path)?;
    let parsed = parse(db, file);
    let text = file.text(db);
    let located = locate::locate(&parsed.file, text, position.offset)?;
    let (markdown, span) = hover_at(db, file, &located)?;
    Some(Hover { markdown, span })
}

fn hover_at(db: &dyn Db, file: SourceFile, located: &Located<'_>) -> Option<(String, Span)> {
    match &located.hit {
        Hit::Override { binding, clause } => Some((call_hover(db, file, binding)?, clause.span)),
        Hit::Binding(binding) => Some((call_hover(db, file, binding)?, binding.name.span)),
        Hit::ItemRef { path, segment, role: RefRole::Callee } if *segment + 1 == path.segments.len() => {
            let binding = binding_of_call(located.item.ast, path)?;
            Some((call_hover(db, file, binding)?, path.segments[*segment].span))
        }
        Hit::FieldKey { ctx, field } => Some((field_hover(ctx, &field.key.name.text)?, field.key.span)),
        Hit::FieldValue { ctx, value } => Some((value_hover(Some(ctx), value)?, value.span)),
        Hit::Literal(value) => Some((value_hover(None, value)?, value.span)),
        Hit::ArgName { binding, arg } => {
            let task = defs::callee(db, file, &binding.call)?;
            Some((param_hover(db, task, &arg.name.text)?, arg.name.span))
        }
        _ => {
            let (def, span) = defs::def_of(db, file, located)?;
            Some((def_hover(db, &def)?, span))
        }
    }
}

/// The `let` whose callee is `path` (paths are unique by position).
fn binding_of_call<'a>(item: &'a Item, path: &Path) -> Option<&'a Let> {
    let ItemKind::Workflow(workflow) = &item.kind else { return None };
    workflow.body.iter().find_map(|s| match s {
        Stmt::Let(b) if b.call.callee.span == path.span => Some(b),
        _ => None,
    })
}

/// Hover on a call, its binding or one of its overrides: the pod this node runs, as YAML with
/// each value's origin, and what the call's overrides changed against the task's own pod.
///
/// Both are the compiler's own answer (`skiff_sema::explain::explain_node`, the one
/// `skiff explain` prints and `skiff build` compiles): what the editor shows is what
/// `skiff build` writes.
fn call_hover(db: &dyn Db, file: SourceFile, binding: &Let) -> Option<String> {
    let node = node_at(db, file, binding.span.start)?;
    let explained = explain_node(db, node)?;
    let mut out = format!(
        "```skiff\nlet {} = {}(…)\n```\nThe pod of `{}.{}`",
        binding.name.text,
        binding.call.callee.to_dotted(),
        node.workflow.name(db),
        binding.name.text
    );
    let task = explained.task.name(db);
    match binding.overrides.len() {
        0 => out.push_str(&format!(": task `{task}`, no overrides.")),
        1 => out.push_str(&format!(": task `{task}` with 1 override.")),
        n => out.push_str(&format!(": task `{task}` with {n} overrides, applied in order.")),
    }
    for error in explained.errors() {
        out.push_str(&format!("\n\n**error**: {}", error.message));
    }
    for (lint, level) in skiff_sema::lints::node_lints(db, &explained) {
        let level = if level == skiff_sema::lints::Level::Deny { "error" } else { "warning" };
        let at = skiff_sema::explain::describe_origin(db, lint.origin);
        out.push_str(&format!("\n\n**{level}** `{}`: {} ({at})", lint.code, lint.message));
    }
    let lines = explain_lines(db, &explained);
    if !lines.is_empty() {
        out.push_str("\n\n```yaml\n");
        out.push_str(&render_plain(&lines));
        out.push_str("```");
    }
    if !binding.overrides.is_empty() {
        let changes = explained.changes();
        if changes.is_empty() {
            out.push_str("\n\nThe overrides change nothing in the task's own pod.");
        } else {
            out.push_str("\n\nChanged by the overrides, against the task's own pod:\n");
            for change in &changes {
                out.push_str(&format!("\n- {}", skiff_sema::explain::change_text(change)));
            }
        }
    }
    Some(out)
}

fn def_hover(db: &dyn Db, def: &Def<'_>) -> Option<String> {
    match def {
        Def::Item(item) => item_hover(db, *item),
        Def::Param { item, name } => param_hover(db, *item, name),
        Def::Binding { item, name } => {
            let ast = defs::item_syntax(db, *item)?;
            let ItemKind::Workflow(workflow) = &ast.kind else { return None };
            let binding = workflow.body.iter().find_map(|s| match s {
                Stmt::Let(b) if &b.name.text == name => Some(b),
                _ => None,
            })?;
            let output = defs::callee(db, item.file(db), &binding.call)
                .and_then(|task| match task.summary(db).map(|s| &s.signature) {
                    Some(Signature::Task(sig)) => Some(sig.output.to_string()),
                    _ => None,
                })
                .unwrap_or_else(|| "unknown".into());
            Some(format!(
                "```skiff\nlet {name}: {output} = {}(…)\n```\nbinding of workflow `{}`",
                binding.call.callee.to_dotted(),
                item.name(db)
            ))
        }
        Def::File(file) => Some(file_hover(db, *file)),
    }
}

/// Signature and doc comment of an item; a template's body along its `extends` chain.
pub(crate) fn item_hover(db: &dyn Db, item: ItemId<'_>) -> Option<String> {
    let ast = defs::item_syntax(db, item)?;
    let file = item.file(db);
    let mut out = String::new();
    match &ast.kind {
        ItemKind::Import(import) => {
            let alias = import.alias.as_ref().map(|a| a.text.as_str()).unwrap_or("?");
            out.push_str(&format!("```skiff\nimport \"{}\" as {alias}\n```", import.path.value));
            match defs::alias_target(db, file, alias) {
                Some(target) => out.push_str(&format!("\n\n{}", file_hover(db, target))),
                None => out.push_str("\n\nThe file is not in the workspace."),
            }
            return Some(out);
        }
        ItemKind::Task(task) => {
            out.push_str(&format!(
                "```skiff\ntask {}{}\n```",
                task.name.text,
                signature_text(&task.params, task.output.as_ref())
            ));
        }
        ItemKind::Workflow(w) => {
            out.push_str(&format!(
                "```skiff\nworkflow {}{}\n```",
                w.name.text,
                signature_text(&w.params, w.output.as_ref())
            ));
        }
        ItemKind::Template(t) => {
            let extends = t.extends.as_ref().map(|e| format!(" extends {}", e.to_dotted())).unwrap_or_default();
            out.push_str(&format!("```skiff\npod_template {}{extends}\n```", t.name.text));
        }
        ItemKind::Error => return None,
    }
    if let Some(doc) = &ast.doc {
        out.push_str("\n\n");
        out.push_str(&doc.text);
    }
    if item.tag(db) == ItemTag::Template {
        out.push_str(&template_body(db, item));
    }
    out.push_str(&format!("\n\n*{}*", file.path(db)));
    Some(out)
}

/// The template's body and those it extends, root first: the layers its pod is made of.
fn template_body(db: &dyn Db, item: ItemId<'_>) -> String {
    let mut out = String::new();
    for layer in template_chain(db, item) {
        let Some(ast) = defs::item_syntax(db, *layer) else { continue };
        let ItemKind::Template(t) = &ast.kind else { continue };
        let text = layer.file(db).text(db);
        let body = match &t.body {
            TemplateBody::Block(block) => text.get(block.span.range()).unwrap_or_default().to_string(),
            TemplateBody::File(path) => format!("from \"{}\"", path.value),
        };
        out.push_str(&format!("\n\n`{}` ({}):\n```skiff\n{body}\n```", layer.name(db), layer.file(db).path(db)));
    }
    out
}

fn param_hover(db: &dyn Db, item: ItemId<'_>, name: &str) -> Option<String> {
    let ast = defs::item_syntax(db, item)?;
    let params = match &ast.kind {
        ItemKind::Task(t) => &t.params,
        ItemKind::Workflow(w) => &w.params,
        _ => return None,
    };
    let param = params.iter().find(|p| p.name.text == name)?;
    Some(format!("```skiff\n{}\n```\nparameter of {} `{}`", param_text(param), item.tag(db).describe(), item.name(db)))
}

fn file_hover(db: &dyn Db, file: SourceFile) -> String {
    let names: Vec<String> = skiff_sema::items::file_items(db, file)
        .iter()
        .filter(|i| i.tag(db) != ItemTag::Import)
        .map(|i| format!("`{}` ({})", i.name(db), i.tag(db).describe()))
        .collect();
    let listed = if names.is_empty() { "no items".to_string() } else { names.join(", ") };
    format!("`{}`: {listed}", file.path(db))
}

fn field_hover(ctx: &BodyCtx, key: &str) -> Option<String> {
    if ctx.allows_skiff_fields() && is_skiff_field(key)
        || matches!(ctx.root, locate::BodyRoot::OverrideContainer) && ctx.path.is_empty() && is_skiff_field(key)
    {
        let field = TaskField::named(key)?;
        return Some(format!("**{key}**: `{}` (skiff)\n\n{}", field.ty(), field.doc()));
    }
    let mut path = ctx.path_strs();
    path.push(key);
    let doc = skiff_k8s::describe(ctx.shape, &path)?;
    let mut out = format!("**{}**: `{}`", doc.name, doc.type_name);
    if doc.required {
        out.push_str(" (required)");
    }
    if let Some(key) = doc.merge_key {
        out.push_str(&format!("\n\nA list keyed by `{key}`: address one element as `{}[\"…\"]`.", doc.name));
    }
    if !doc.description.is_empty() {
        out.push_str("\n\n");
        out.push_str(&doc.description);
    }
    if let Some(values) = doc.enum_values {
        let values: Vec<String> = values.iter().map(|v| format!("`\"{v}\"`")).collect();
        out.push_str(&format!("\n\nOne of: {}", values.join(", ")));
    }
    Some(out)
}

/// A unit literal's value, read with the type the schema expects where there is one.
fn value_hover(ctx: Option<&BodyCtx>, value: &Value) -> Option<String> {
    let expected = ctx.and_then(|ctx| {
        if ctx.path.len() == 1
            && TaskField::named(&ctx.path[0]) == Some(TaskField::Timeout)
            && matches!(ctx.root, locate::BodyRoot::Task | locate::BodyRoot::OverrideContainer)
        {
            return Some(Expected::Duration);
        }
        let doc = skiff_k8s::describe(ctx.shape, &ctx.path_strs())?;
        Some(match schema().kind(doc.ty) {
            Kind::Quantity => Expected::Quantity(ctx.path.last().cloned().unwrap_or_default()),
            _ => Expected::Other,
        })
    });
    let text = match &value.kind {
        ValueKind::Unit(text) => text.as_str(),
        ValueKind::Str(text) if matches!(expected, Some(Expected::Quantity(_))) => text.as_str(),
        ValueKind::Int(_) | ValueKind::Float(_) if matches!(expected, Some(Expected::Quantity(_))) => return None,
        _ => return None,
    };
    match expected {
        Some(Expected::Quantity(resource)) => quantity_text(text, &resource),
        Some(Expected::Duration) => duration_text(text),
        Some(Expected::Other) => None,
        None => duration_text(text).or_else(|| quantity_text(text, "")),
    }
}

enum Expected {
    Quantity(String),
    Duration,
    Other,
}

fn quantity_text(text: &str, resource: &str) -> Option<String> {
    let quantity = parse_quantity(text).ok()?;
    let unit = match resource {
        "memory" | "storage" | "ephemeral-storage" => " bytes",
        r if r.starts_with("hugepages-") => " bytes",
        "cpu" => " CPU cores",
        _ => "",
    };
    Some(format!("`{text}` = {quantity}{unit}"))
}

fn duration_text(text: &str) -> Option<String> {
    let duration = parse_duration(text).ok()?;
    let nanos = duration.nanos();
    let shown = if nanos % 1_000_000_000 == 0 {
        format!("{} seconds", nanos / 1_000_000_000)
    } else {
        format!("{} seconds", nanos as f64 / 1e9)
    };
    Some(format!("`{text}` = {shown}"))
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let hover = host.analysis().hover(&position).unwrap();
        let shown = match hover {
            Some(h) => {
                let text = host.text(&position.path).unwrap();
                format!("{:?}\n{}", &text[h.span.range()], h.markdown)
            }
            None => "no hover".into(),
        };
        expect.assert_eq(&shown);
    }

    const LIB: &str = "//- lib/gpu.skiff\n/// Placement on the V100 pool.\npod_template v100 extends base {\n  nodeSelector { \"gpu-type\": \"nvidia-tesla-v100\" }\n}\npod_template base {\n  restartPolicy: \"Never\"\n}\n";

    fn seed(main: &str) -> String {
        format!("//- main.skiff\n{main}{LIB}")
    }

    #[test]
    fn kubernetes_field() {
        check(
            "pod_template p {\n  node$0Selector { a: \"b\" }\n}\n",
            expect![[r#"
            "nodeSelector"
            **nodeSelector**: `map[string]string`

            NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"#]],
        );
        check(
            "pod_template p {\n  tolerations: [{ oper$0ator: \"Exists\" }]\n}\n",
            expect![[r#"
                "operator"
                **operator**: `string`

                Operator represents a key's relationship to the value. Valid operators are Exists, Equal, Lt, and Gt. Defaults to Equal. Exists is equivalent to wildcard for value, so that a pod can tolerate all taints of a particular category. Lt and Gt perform numeric comparisons (requires feature gate TaintTolerationComparisonOperators).

                One of: `"Exists"`, `"Equal"`, `"Lt"`, `"Gt"`"#]],
        );
        check(
            "task t() {\n  resources { lim$0its { memory: 1Gi } }\n}\n",
            expect![[r#"
            "limits"
            **limits**: `map[string]Quantity`

            Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/"#]],
        );
    }

    #[test]
    fn skiff_field() {
        check(
            "task t() {\n  image: \"i\"\n  time$0out: 2h\n}\n",
            expect![[r#"
            "timeout"
            **timeout**: `duration` (skiff)

            How long the pod may run, as `30s`, `2h` or `1h30m`: compiled to `activeDeadlineSeconds`."#]],
        );
    }

    #[test]
    fn unit_literals() {
        check(
            "task t() {\n  resources { limits { memory: 8G$0i } }\n}\n",
            expect![[r#"
            "8Gi"
            `8Gi` = 8589934592 bytes"#]],
        );
        check(
            "task t() {\n  resources { requests { cpu: 50$00m } }\n}\n",
            expect![[r#"
            "500m"
            `500m` = 0.5 CPU cores"#]],
        );
        check(
            "task t() {\n  image: \"i\"\n  timeout: 1h3$00m\n}\n",
            expect![[r#"
            "1h30m"
            `1h30m` = 5400 seconds"#]],
        );
    }

    #[test]
    fn task_with_doc() {
        check(
            &seed(
                "/// Trains a model.\ntask train(data: DataFrame, epochs: int = 10) -> File {\n  image: \"i\"\n}\nworkflow w(d: DataFrame) -> File {\n  let m = tr$0ain(data: d)\n  return m\n}\n",
            ),
            expect![[r#"
                "train"
                ```skiff
                let m = train(…)
                ```
                The pod of `w.m`: task `train`, no overrides.

                ```yaml
                spec:
                  restartPolicy: Never  # base
                  containers:
                  - name: primary       # base
                    image: i            # task train (main.skiff:3)
                ```"#]],
        );
    }

    #[test]
    fn template_across_files() {
        check(
            &seed("import \"lib/gpu.skiff\" as gpu\ntask t() {\n  image: \"i\"\n  pod_template: gpu.v1$000\n}\n"),
            expect![[r#"
                "v100"
                ```skiff
                pod_template v100 extends base
                ```

                Placement on the V100 pool.

                `base` (lib/gpu.skiff):
                ```skiff
                {
                  restartPolicy: "Never"
                }
                ```

                `v100` (lib/gpu.skiff):
                ```skiff
                {
                  nodeSelector { "gpu-type": "nvidia-tesla-v100" }
                }
                ```

                *lib/gpu.skiff*"#]],
        );
    }

    #[test]
    fn override_shows_the_call() {
        check(
            &seed(
                "import \"lib/gpu.skiff\" as gpu\ntask t() -> File {\n  image: \"i\"\n  pod_template: gpu.v100\n}\nworkflow w() -> File {\n  let m = t()\n    over$0ride pod_template { nodeSelector { \"gpu-type\": \"a100\" } }\n    override resources { limits { memory: 32Gi } }\n  return m\n}\n",
            ),
            expect![[r#"
                "override pod_template { nodeSelector { \"gpu-type\": \"a100\" } }"
                ```skiff
                let m = t(…)
                ```
                The pod of `w.m`: task `t` with 2 overrides, applied in order.

                ```yaml
                spec:
                  restartPolicy: Never            # template base (lib/gpu.skiff:6)
                  containers:
                  - name: primary                 # base
                    image: i                      # task t (main.skiff:3)
                    resources:
                      limits: {memory: 32Gi}      # override resources (main.skiff:9)
                  nodeSelector: {gpu-type: a100}  # override pod_template (main.skiff:8)
                ```

                Changed by the overrides, against the task's own pod:

                - `containers[primary].resources.limits.memory`: added `32Gi`
                - `nodeSelector.gpu-type`: `nvidia-tesla-v100` → `a100`"#]],
        );
    }

    #[test]
    fn a_call_shows_its_pods_lints_with_where_they_were_written() {
        check(
            &seed(
                "task t() -> File {\n  image: \"i:latest\"\n}\nworkflow w() -> File {\n  let m = t()\n    over$0ride securityContext { privileged: true }\n  return m\n}\n",
            ),
            expect![[r#"
                "override securityContext { privileged: true }"
                ```skiff
                let m = t(…)
                ```
                The pod of `w.m`: task `t` with 1 override.

                **warning** `privileged-container`: container `primary` is privileged: it has every device and capability of the node (override securityContext (main.skiff:6))

                **warning** `latest-tag`: container `primary` runs `i:latest`: the tag `latest`, whatever it is when the pod starts (task t (main.skiff:2))

                ```yaml
                spec:
                  restartPolicy: Never                   # base
                  containers:
                  - name: primary                        # base
                    image: i:latest                      # task t (main.skiff:2)
                    securityContext: {privileged: true}  # override securityContext (main.skiff:6)
                ```

                Changed by the overrides, against the task's own pod:

                - `containers[primary].securityContext.privileged`: added `true`"#]],
        );
    }

    /// The brief's example: hovering the second call's override shows the merged pod with
    /// origins and what the overrides changed.
    #[test]
    fn the_seed_override() {
        let seed = include_str!("../../../examples/seed/train.skiff");
        let gpu = include_str!("../../../examples/seed/lib/gpu.skiff");
        let main = seed.replacen("override pod_template", "over$0ride pod_template", 1);
        check(
            &format!("//- train.skiff\n{main}//- lib/gpu.skiff\n{gpu}"),
            expect![[r#"
                "override pod_template {\n      nodeSelector { \"gpu-type\": \"nvidia-a100\" }\n      tolerations: [{ key: \"gpu\", operator: \"Equal\", value: \"preemptible\", effect: \"NoSchedule\" }]\n    }"
                ```skiff
                let m2 = train_model(…)
                ```
                The pod of `my_workflow.m2`: task `train_model` with 2 overrides, applied in order.

                ```yaml
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
                ```

                Changed by the overrides, against the task's own pod:

                - `containers[primary].resources.limits.memory`: added `32Gi`
                - `nodeSelector.gpu-type`: `nvidia-tesla-v100` → `nvidia-a100`
                - `tolerations[0].value`: `"true"` → `preemptible`"#]],
        );
    }

    #[test]
    fn parameters_and_arguments() {
        check(
            "task t(epochs: int = 10) {\n  image: \"i\"\n  args: [\"{{inputs.ep$0ochs}}\"]\n}\n",
            expect![[r#"
                "epochs"
                ```skiff
                epochs: int = 10
                ```
                parameter of task `t`"#]],
        );
        check(
            "task t(epochs: int = 10) {\n  image: \"i\"\n}\nworkflow w() {\n  let a = t(epo$0chs: 3)\n}\n",
            expect![[r#"
                "epochs"
                ```skiff
                epochs: int = 10
                ```
                parameter of task `t`"#]],
        );
    }

    #[test]
    fn nothing_on_punctuation() {
        check("task t() {\n  image: \"i\"\n}\n$0", expect![[r#"no hover"#]]);
    }
}

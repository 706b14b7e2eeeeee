//! The compiler: every workflow node becomes a `k8s_openapi` `Pod`, built from the node's
//! explained pod ([`crate::explain::explain_node`], which `skiff explain` and hover show too;
//! `retries` and `timeout` are already in its tree).
//!
//! Names are `<workflow>-<binding>` made DNS-1123 safe, with a short stable hash when that is
//! too long or collides; labels and annotations tell the engine that runs the pods what each
//! is; `{{inputs.x}}` becomes Kubernetes' own `$(SKIFF_INPUT_X)` expansion. The result depends
//! only on the sources and the options: same input, same bytes.

use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, EnvVar, Pod, PodTemplate, PodTemplateSpec};
use serde_json::Value as Json;
use skiff_syntax::ast::{self, ItemKind, SmolStr, ValueKind};

use crate::db::{Db, RootDatabase};
use crate::explain::{NodeId, explain_node};
use crate::inputs::placeholders;
use crate::items::{ItemId, ItemTag, file_items, item_ast};
use crate::pod::EffectivePod;
use crate::types::Ty;

/// What `skiff build` was asked for beyond the sources.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// `--namespace`, over `skiff.toml`'s.
    pub namespace: Option<String>,
    /// `--input k=v`: values of workflow parameters.
    pub inputs: BTreeMap<String, String>,
    /// `--workflow W` (repeatable): only these workflows; all when empty.
    pub workflows: Vec<String>,
}

/// One compiled node.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledPod {
    pub workflow: String,
    pub binding: String,
    pub pod: Pod,
}

/// Why a build produced nothing. Problems in the sources are diagnostics, reported by
/// [`crate::Workspace::diagnostics`] before a build; these are about the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BuildError {
    UnknownWorkflow {
        name: String,
        known: Vec<String>,
    },
    UnknownInput {
        name: String,
    },
    /// A node whose pod could not be made (its errors are in the diagnostics).
    BrokenNode {
        workflow: String,
        binding: String,
        message: String,
    },
    /// A `pod_template` that could not be made (its errors are in the diagnostics).
    BrokenTemplate {
        template: String,
        message: String,
    },
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::UnknownWorkflow { name, known } => {
                write!(f, "no workflow named `{name}`")?;
                match skiff_k8s::names::suggest(name, known.iter().map(String::as_str)) {
                    Some(near) => write!(f, "; did you mean `{near}`?"),
                    None if known.is_empty() => write!(f, "; there are no workflows"),
                    None => write!(f, "; the workflows are {}", known.join(", ")),
                }
            }
            BuildError::UnknownInput { name } => {
                write!(f, "`--input {name}=...`: no workflow being built has a parameter `{name}`")
            }
            BuildError::BrokenNode { workflow, binding, message } if binding.is_empty() => {
                write!(f, "{workflow}: {message}")
            }
            BuildError::BrokenNode { workflow, binding, message } => write!(f, "{workflow}.{binding}: {message}"),
            BuildError::BrokenTemplate { template, message } => write!(f, "pod_template {template}: {message}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Every workflow of the workspace, in path order, then source order.
pub fn workflows(db: &dyn Db) -> Vec<ItemId<'_>> {
    db.files()
        .skiff_files(db)
        .values()
        .flat_map(|file| file_items(db, *file).iter().copied())
        .filter(|item| item.tag(db) == ItemTag::Workflow && item.ordinal(db) == 0)
        .collect()
}

/// The `let`s of a workflow, in order.
pub fn bindings<'db>(db: &'db dyn Db, workflow: ItemId<'db>) -> Vec<&'db ast::Let> {
    match item_ast(db, workflow).map(|i| &i.kind) {
        Some(ItemKind::Workflow(ast)) => ast.lets().collect(),
        _ => Vec::new(),
    }
}

/// Compiles the workspace. Call it on a workspace without error diagnostics: a node whose pod
/// cannot be made is a [`BuildError::BrokenNode`].
pub fn build(db: &RootDatabase, options: &BuildOptions) -> Result<Vec<CompiledPod>, BuildError> {
    let mut pods = Vec::new();
    build_each(db, options, Ok, |pod| {
        pods.push(pod);
        Ok::<(), BuildError>(())
    })?;
    Ok(pods)
}

/// [`build`] as a stream, so that a large build never holds every Pod at once: each Pod goes
/// through `render` (on any thread: a large build uses every core, each thread with its own
/// handle on the database) and then, in order, to `emit`. The request is checked before the
/// first Pod is made. The first error, of the build, `render` or `emit`, stops it.
pub fn build_each<T: Send, E: From<BuildError> + Send>(
    db: &RootDatabase,
    options: &BuildOptions,
    render: impl Fn(CompiledPod) -> Result<T, E> + Sync,
    mut emit: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    let plan = plan(db, options)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(plan.nodes.len() / CHUNK);
    if threads <= 1 {
        let selected = selected_workflows(db, options);
        for (node, name) in plan.nodes.iter().zip(&plan.names) {
            emit(render(compile_node(db, &selected, node, name, &plan.namespace, options)?)?)?;
        }
        return Ok(());
    }
    let chunks = plan.nodes.len().div_ceil(CHUNK);
    let stop = std::sync::atomic::AtomicBool::new(false);
    // The chunk the writer waits for. A thread does not start a chunk more than two a thread
    // ahead of it: the writer keeps what arrives early until its turn, so a thread running ahead
    // piled pods up in memory however small the channel (10 MB of a build of 52,440 pods).
    let written = (std::sync::Mutex::new(0usize), std::sync::Condvar::new());
    let lead = threads * 2;
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(usize, Vec<Result<T, E>>)>(threads * 2);
        for worker in 0..threads {
            let (sender, db, plan, render, stop, written) =
                (sender.clone(), db.clone(), &plan, &render, &stop, &written);
            scope.spawn(move || {
                let selected = selected_workflows(&db, options);
                for chunk in (worker..chunks).step_by(threads) {
                    let (next, moved) = written;
                    let mut next = next.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    while chunk >= *next + lead && !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        next = moved.wait(next).unwrap_or_else(std::sync::PoisonError::into_inner);
                    }
                    drop(next);
                    if stop.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let range = chunk * CHUNK..((chunk + 1) * CHUNK).min(plan.nodes.len());
                    let mut rendered = Vec::with_capacity(range.len());
                    for (node, name) in plan.nodes[range.clone()].iter().zip(&plan.names[range]) {
                        let result = compile_node(&db, &selected, node, name, &plan.namespace, options)
                            .map_err(E::from)
                            .and_then(render);
                        let failed = result.is_err();
                        rendered.push(result);
                        if failed {
                            break;
                        }
                    }
                    if sender.send((chunk, rendered)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        let result = (|| {
            for (chunk, rendered) in &receiver {
                waiting.insert(chunk, rendered);
                while let Some(rendered) = waiting.remove(&next) {
                    for item in rendered {
                        emit(item?)?;
                    }
                    next += 1;
                    *written.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = next;
                    written.1.notify_all();
                }
            }
            Ok(())
        })();
        if result.is_err() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            // Under the lock, so that no thread checks `stop` and then sleeps through this.
            let _lock = written.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            written.1.notify_all();
        }
        // Workers blocked on a full channel finish once it is gone.
        drop(receiver);
        result
    })
}

/// Nodes compiled together by one thread: enough to make a thread worth it, few enough to keep
/// both cores busy to the end.
const CHUNK: usize = 64;

/// What to build: every node of the selected workflows, by position, with its pod name.
struct Plan {
    /// (position among the selected workflows, `let` index)
    nodes: Vec<(usize, u32)>,
    names: Vec<String>,
    namespace: Option<String>,
}

fn selected_workflows<'db>(db: &'db dyn Db, options: &BuildOptions) -> Vec<ItemId<'db>> {
    workflows(db)
        .into_iter()
        .filter(|w| options.workflows.is_empty() || options.workflows.iter().any(|n| n == w.name(db).as_str()))
        .collect()
}

/// The workflows a build is asked for, once the request is checked: every `--workflow` names
/// one, and every `--input` a parameter of one of them.
pub fn checked_request<'db>(db: &'db dyn Db, options: &BuildOptions) -> Result<Vec<ItemId<'db>>, BuildError> {
    let known: Vec<String> = workflows(db).iter().map(|w| w.name(db).to_string()).collect();
    if let Some(name) = options.workflows.iter().find(|name| !known.contains(name)) {
        return Err(BuildError::UnknownWorkflow { name: name.clone(), known });
    }
    let selected = selected_workflows(db, options);
    let params: BTreeSet<SmolStr> =
        selected.iter().flat_map(|w| workflow_params(db, *w)).map(|p| p.name.text.clone()).collect();
    if let Some(name) = options.inputs.keys().find(|k| !params.contains(k.as_str())) {
        return Err(BuildError::UnknownInput { name: name.clone() });
    }
    Ok(selected)
}

/// Checks the request and lists the nodes.
fn plan(db: &dyn Db, options: &BuildOptions) -> Result<Plan, BuildError> {
    let selected = checked_request(db, options)?;
    let namespace = options.namespace.clone().or_else(|| crate::config::project_config(db).0.namespace.clone());
    let mut nodes = Vec::new();
    let mut names = Vec::new();
    for (position, workflow) in selected.iter().enumerate() {
        for (index, binding) in bindings(db, *workflow).into_iter().enumerate() {
            nodes.push((position, index as u32));
            names.push((workflow.name(db).as_str(), binding.name.text.as_str()));
        }
    }
    let names = pod_names(names.into_iter());
    Ok(Plan { nodes, names, namespace })
}

fn compile_node(
    db: &dyn Db,
    selected: &[ItemId<'_>],
    &(position, index): &(usize, u32),
    name: &str,
    namespace: &Option<String>,
    options: &BuildOptions,
) -> Result<CompiledPod, BuildError> {
    let workflow = selected[position];
    let Some(binding) = crate::pod::workflow_binding(db, workflow, index) else {
        let workflow = workflow.name(db).to_string();
        return Err(BuildError::BrokenNode { workflow, binding: String::new(), message: "no such node".into() });
    };
    let broken = |message: String| BuildError::BrokenNode {
        workflow: workflow.name(db).to_string(),
        binding: binding.name.text.to_string(),
        message,
    };
    let Some(explained) = explain_node(db, NodeId { workflow, binding: index }) else {
        return Err(broken("the call does not name a task".into()));
    };
    if let Some(error) = explained.errors().first() {
        return Err(broken(error.message.clone()));
    }
    let task = explained.task;
    let inputs = node_inputs(db, workflow, index, binding, task, options);
    let pod =
        make_pod(db, &explained.pod, name, namespace.as_deref(), workflow, binding, task, &inputs).map_err(broken)?;
    Ok(CompiledPod { workflow: workflow.name(db).to_string(), binding: binding.name.text.to_string(), pod })
}

pub fn workflow_params<'db>(db: &'db dyn Db, workflow: ItemId<'db>) -> &'db [ast::Param] {
    match item_ast(db, workflow).map(|i| &i.kind) {
        Some(ItemKind::Workflow(ast)) => &ast.params,
        _ => &[],
    }
}

/// `<workflow>-<binding>` as a DNS-1123 label; names longer than 63 characters, and every name
/// shared by two nodes, end in a hash of the workflow and binding instead.
pub fn pod_names<'a>(nodes: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<String> {
    let nodes: Vec<(&str, &str)> = nodes.collect();
    let plain: Vec<String> =
        nodes.iter().map(|(w, b)| skiff_k8s::names::sanitize_dns1123(&format!("{w}-{b}"))).collect();
    let mut count: FxHashMap<&str, usize> = FxHashMap::default();
    for name in &plain {
        *count.entry(name.as_str()).or_default() += 1;
    }
    // Decided before `plain` is consumed, so each plain name is moved out, not copied: a build
    // holds these names throughout, one per pod.
    let keeps: Vec<bool> =
        plain.iter().map(|name| name.len() <= 63 && count[name.as_str()] == 1 && !name.is_empty()).collect();
    drop(count);
    nodes
        .iter()
        .zip(plain)
        .zip(keeps)
        .map(|(((w, b), name), keep)| {
            if keep {
                return name;
            }
            let hash = format!("{:08x}", fnv1a(format!("{w}\0{b}").as_bytes()) as u32);
            let mut stem = name;
            stem.truncate(63 - 1 - hash.len());
            let stem = stem.trim_end_matches('-');
            if stem.is_empty() { format!("x-{hash}") } else { format!("{stem}-{hash}") }
        })
        .collect()
}

/// Every `pod_template` of the workspace (path order, then source order), its `extends` chain
/// merged, as a `v1` `PodTemplate` named after it: the objects Flyte refers to by name
/// (`pod_template_name`). The project default template and skiff's base are not part of it.
/// A template without containers gets Flyte's placeholder container `default` (whose fields
/// Flyte applies to every container of a task's pod), since the API server requires one.
pub fn pod_templates(db: &dyn Db, options: &BuildOptions) -> Result<Vec<PodTemplate>, BuildError> {
    let templates: Vec<ItemId<'_>> = db
        .files()
        .skiff_files(db)
        .values()
        .flat_map(|file| file_items(db, *file).iter().copied())
        .filter(|item| item.tag(db) == ItemTag::Template && item.ordinal(db) == 0)
        .collect();
    let wanted: Vec<&str> = templates.iter().map(|t| t.name(db).as_str()).collect();
    let names = unique_names(&wanted);
    let namespace = options.namespace.clone().or_else(|| crate::config::project_config(db).0.namespace.clone());
    let mut out = Vec::with_capacity(templates.len());
    for (template, name) in templates.into_iter().zip(names) {
        let broken = |message: String| BuildError::BrokenTemplate { template: template.name(db).to_string(), message };
        let mut tree = skiff_k8s::merge::Node::map(crate::pod::Origin::base());
        for item in crate::extends::template_chain(db, template) {
            let Some(patch) = crate::pod::template_patch(db, *item) else {
                return Err(broken(format!("`{}` could not be read", item.name(db))));
            };
            tree = skiff_k8s::merge::apply_patch(tree, &patch.0, skiff_k8s::merge::Shape::pod_template_spec())
                .map_err(|e| broken(format!("{e:?}")))?;
        }
        let mut spec: PodTemplateSpec =
            skiff_k8s::merge::decode(&tree).map_err(|e| broken(format!("not a valid pod template: {e}")))?;
        let pod_spec = spec.spec.get_or_insert_default();
        if pod_spec.containers.is_empty() {
            pod_spec.containers.push(Container {
                name: FLYTE_DEFAULT_CONTAINER.into(),
                image: Some(FLYTE_PLACEHOLDER_IMAGE.into()),
                ..Container::default()
            });
        }
        let mut metadata = spec.metadata.take().unwrap_or_default();
        metadata.name = None;
        metadata.generate_name = None;
        metadata.namespace = None;
        spec.metadata = (metadata != Default::default()).then_some(metadata);
        let label = skiff_k8s::names::to_label_value(template.name(db)).unwrap_or_else(|| "x".into());
        out.push(PodTemplate {
            metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                name: Some(name),
                namespace: namespace.clone(),
                labels: Some([("skiff.dev/template".to_owned(), label)].into()),
                ..Default::default()
            },
            template: Some(spec),
        });
    }
    Ok(out)
}

/// The container of a Flyte pod template whose fields apply to every container of a pod.
const FLYTE_DEFAULT_CONTAINER: &str = "default";
/// The image Flyte's documentation gives that container: never run, only there to satisfy
/// the API server.
const FLYTE_PLACEHOLDER_IMAGE: &str = "docker.io/rwgrim/docker-noop";

/// Names that Kubernetes accepts for objects, templates and DAG tasks (DNS-1123 labels), one per
/// wanted name, distinct: a name taken already gets `-2`, `-3`, ...
pub fn unique_names(wanted: &[&str]) -> Vec<String> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(wanted.len());
    for name in wanted {
        let base = skiff_k8s::names::sanitize_dns1123(name);
        let base = if base.is_empty() { "x".to_owned() } else { base };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            let suffix = format!("-{n}");
            let mut stem = base.clone();
            stem.truncate(63 - suffix.len());
            candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
            n += 1;
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

/// FNV-1a: small, stable across platforms and releases (unlike `std`'s hasher).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

/// Where the value of one task parameter comes from at a node, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgSource {
    /// A literal argument or the task parameter's default, as text.
    Literal(String),
    /// A parameter of the workflow.
    WorkflowParam(SmolStr),
    /// The output of an earlier node.
    Node(SmolStr),
}

/// One task parameter at a node: its name, its type and where its value comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeArg {
    pub param: SmolStr,
    pub ty: Ty,
    pub source: ArgSource,
}

/// The parameters of the node's task that have a value, in the task's order. A parameter
/// with neither an argument nor a default is left out (the checks report it).
pub fn node_args<'db>(
    db: &'db dyn Db,
    workflow: ItemId<'db>,
    index: u32,
    binding: &ast::Let,
    task: ItemId<'db>,
) -> Vec<NodeArg> {
    let Some(ItemKind::Task(task_ast)) = item_ast(db, task).map(|i| &i.kind) else { return Vec::new() };
    let numbers = crate::pod::binding_numbers(db, workflow);
    let mut out = Vec::new();
    for param in &task_ast.params {
        let argument = binding.call.args.iter().find(|a| a.name.text == param.name.text).map(|a| &a.value);
        let Some(value) = argument.or(param.default.as_ref()) else { continue };
        let source = match &value.kind {
            ValueKind::Ref(path) if path.segments.len() == 1 => {
                let name = &path.segments[0].text;
                if numbers.get(name).is_some_and(|&number| number < index) {
                    ArgSource::Node(name.clone())
                } else {
                    ArgSource::WorkflowParam(name.clone())
                }
            }
            _ => match literal_text(value) {
                Some(text) => ArgSource::Literal(text),
                None => continue,
            },
        };
        out.push(NodeArg { param: param.name.text.clone(), ty: Ty::from_syntax(&param.ty), source });
    }
    out
}

/// Where the value of one task parameter comes from at a node, for a build of Pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputValue {
    /// Known when compiling: a literal argument, a default, or `--input`.
    Known(String),
    /// A workflow input nobody gave a value for.
    WorkflowInput(SmolStr),
    /// The output of an earlier node.
    Node(SmolStr),
}

/// The value of every parameter of the node's task, in the task's order, with the workflow's
/// parameters resolved from `--input` or their defaults where they can be.
pub fn node_inputs<'db>(
    db: &'db dyn Db,
    workflow: ItemId<'db>,
    index: u32,
    binding: &ast::Let,
    task: ItemId<'db>,
    options: &BuildOptions,
) -> Vec<(SmolStr, InputValue)> {
    let params = workflow_params(db, workflow);
    node_args(db, workflow, index, binding, task)
        .into_iter()
        .map(|arg| {
            let value = match arg.source {
                ArgSource::Literal(text) => InputValue::Known(text),
                ArgSource::Node(name) => InputValue::Node(name),
                ArgSource::WorkflowParam(name) => match workflow_param_value(params, &name, options) {
                    Some(text) => InputValue::Known(text),
                    None => InputValue::WorkflowInput(name),
                },
            };
            (arg.param, value)
        })
        .collect()
}

/// A workflow parameter's value when compiling: `--input`, else its default.
pub fn workflow_param_value(params: &[ast::Param], name: &str, options: &BuildOptions) -> Option<String> {
    if let Some(given) = options.inputs.get(name) {
        return Some(given.clone());
    }
    params.iter().find(|p| p.name.text == name).and_then(|p| p.default.as_ref()).and_then(literal_text)
}

/// A literal as the text an environment variable holds: strings as they are, numbers and
/// booleans as written, lists and objects as JSON.
pub fn literal_text(value: &ast::Value) -> Option<String> {
    Some(match &value.kind {
        ValueKind::Str(s) | ValueKind::Unit(s) => s.to_string(),
        _ => literal_json(value)?.to_string(),
    })
}

fn literal_json(value: &ast::Value) -> Option<Json> {
    Some(match &value.kind {
        ValueKind::Str(s) | ValueKind::Unit(s) => Json::String(s.to_string()),
        ValueKind::Int(n) => Json::from(*n),
        ValueKind::Float(x) => serde_json::Number::from_f64(*x).map(Json::Number)?,
        ValueKind::Bool(b) => Json::Bool(*b),
        ValueKind::Null => Json::Null,
        ValueKind::List(items) => Json::Array(items.iter().map(literal_json).collect::<Option<_>>()?),
        ValueKind::Object(block) => {
            let mut map = serde_json::Map::new();
            for field in &block.fields {
                map.insert(field.key.name.text.to_string(), literal_json(field.op.value()?)?);
            }
            Json::Object(map)
        }
        ValueKind::Ref(_) | ValueKind::Error => return None,
    })
}

/// The prefix of the variables that pass parameters: reserved, no layer may set one
/// (`reserved-env-name`).
pub const INPUT_ENV_PREFIX: &str = "SKIFF_INPUT_";

/// `SKIFF_INPUT_EPOCHS` for `epochs`.
pub fn input_env_name(param: &str) -> String {
    format!("{INPUT_ENV_PREFIX}{}", param.to_ascii_uppercase())
}

/// The node's Pod: its effective pod read as a typed template (no JSON in between), then
/// named, labelled and annotated for the engine, with `{{inputs.x}}` rendered. `retries` and
/// `timeout` are in the tree already (`crate::pod`), where `skiff explain` shows them too.
#[allow(clippy::too_many_arguments)]
fn make_pod(
    db: &dyn Db,
    effective: &EffectivePod<'_>,
    name: &str,
    namespace: Option<&str>,
    workflow: ItemId<'_>,
    binding: &ast::Let,
    task: ItemId<'_>,
    inputs: &[(SmolStr, InputValue)],
) -> Result<Pod, String> {
    let known: FxHashMap<&str, &str> = inputs
        .iter()
        .filter_map(|(p, v)| match v {
            InputValue::Known(text) => Some((p.as_str(), text.as_str())),
            _ => None,
        })
        .collect();
    let mut pod = node_manifest(db, effective, name, namespace, workflow, binding, task, &known)?;
    let mut depends_on: Vec<&str> = Vec::new();
    let mut runtime = Vec::new();
    for (param, input) in inputs {
        match input {
            InputValue::Node(node) => {
                if !depends_on.contains(&node.as_str()) {
                    depends_on.push(node);
                }
                runtime.push(format!("{param}=nodes.{node}"));
            }
            InputValue::WorkflowInput(input) => runtime.push(format!("{param}=inputs.{input}")),
            InputValue::Known(_) => {}
        }
    }
    let mut annotations = pod.metadata.annotations.take().unwrap_or_default();
    if !depends_on.is_empty() {
        annotations.insert("skiff.dev/depends-on".into(), depends_on.join(","));
    }
    if !runtime.is_empty() {
        annotations.insert("skiff.dev/runtime-inputs".into(), runtime.join(","));
    }
    // An empty `annotations: {}` of a template is left out, as the API server would.
    pod.metadata.annotations = (!annotations.is_empty()).then_some(annotations);
    Ok(pod)
}

/// What every target makes of a node's effective pod: a Pod named and labelled, whose
/// `{{inputs.x}}` read `$(SKIFF_INPUT_X)` and whose `{{outputs.path}}` reads [`OUTPUT_PATH`];
/// `values` are the inputs set as variables (what a build of Pods knows, or how an engine
/// passes them).
#[allow(clippy::too_many_arguments)]
pub(crate) fn node_manifest(
    db: &dyn Db,
    effective: &EffectivePod<'_>,
    name: &str,
    namespace: Option<&str>,
    workflow: ItemId<'_>,
    binding: &ast::Let,
    task: ItemId<'_>,
    values: &FxHashMap<&str, &str>,
) -> Result<Pod, String> {
    let tree = &effective.tree.as_ref().ok_or("the pod could not be made")?.0;
    let template: PodTemplateSpec = skiff_k8s::merge::decode(tree).map_err(|e| format!("not a valid Pod: {e}"))?;
    let mut metadata = template.metadata.unwrap_or_default();
    let mut spec = template.spec.unwrap_or_default();

    // A template's own name fields would name every pod alike.
    metadata.generate_name = None;
    metadata.name = Some(name.to_owned());
    if let Some(namespace) = namespace {
        metadata.namespace = Some(namespace.to_owned());
    }
    let label = |text: &str| skiff_k8s::names::to_label_value(text).unwrap_or_else(|| "x".into());
    let labels = metadata.labels.get_or_insert_default();
    labels.insert("skiff.dev/workflow".into(), label(workflow.name(db)));
    labels.insert(crate::argo::NODE_LABEL.into(), label(&binding.name.text));
    labels.insert("skiff.dev/task".into(), label(task.name(db)));
    if metadata.annotations.as_ref().is_some_and(BTreeMap::is_empty) {
        metadata.annotations = None;
    }
    for container in spec.init_containers.iter_mut().flatten().chain(&mut spec.containers) {
        render_inputs(container, values);
    }
    Ok(Pod { metadata, spec: Some(spec), status: None })
}

/// Where a task writes its output, the same in every container and for every target: what
/// `{{outputs.path}}` stands for, and where an engine collects the output from.
pub const OUTPUT_PATH: &str = "/tmp/skiff/outputs/output";

/// `{{inputs.x}}` in `command`, `args` and `env` values becomes `$(SKIFF_INPUT_X)`; a value
/// given in `known` is set as the variable, first in `env` so later variables can use it too.
fn render_inputs(container: &mut Container, known: &FxHashMap<&str, &str>) {
    let mut used: Vec<String> = Vec::new();
    let mut render = |text: &mut String| {
        if text.contains("{{") {
            *text = replace_placeholders(text, &mut used);
        }
    };
    container.command.iter_mut().chain(&mut container.args).flatten().for_each(&mut render);
    container.env.iter_mut().flatten().filter_map(|var| var.value.as_mut()).for_each(&mut render);
    let mut added: Vec<EnvVar> = Vec::new();
    for param in used {
        let Some(value) = known.get(param.as_str()) else { continue };
        let name = input_env_name(&param);
        let present = |list: &[EnvVar]| list.iter().any(|v| v.name == name);
        if present(&added) || container.env.as_deref().is_some_and(present) {
            continue;
        }
        added.push(EnvVar { name, value: Some((*value).to_owned()), value_from: None });
    }
    if !added.is_empty() {
        container.env.get_or_insert_default().splice(0..0, added);
    }
}

/// `train --epochs {{inputs.epochs}}` → `train --epochs $(SKIFF_INPUT_EPOCHS)`, recording
/// `epochs` in `used`; `{{outputs.path}}` → [`OUTPUT_PATH`]; `{{"text"}}` → `text`. Anything
/// else between braces is left as written (text, or reported by the checks).
pub fn replace_placeholders(text: &str, used: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut written = 0;
    for placeholder in placeholders(text) {
        if let Some(literal) = placeholder.literal() {
            out.push_str(&text[written..placeholder.range.start]);
            out.push_str(&literal);
            written = placeholder.range.end;
            continue;
        }
        if placeholder.is_output_path() {
            out.push_str(&text[written..placeholder.range.start]);
            out.push_str(OUTPUT_PATH);
            written = placeholder.range.end;
            continue;
        }
        let Some((name, _)) = placeholder.input_name() else { continue };
        out.push_str(&text[written..placeholder.range.start]);
        out.push_str(&format!("$({})", input_env_name(name)));
        if !used.iter().any(|u| u == name) {
            used.push(name.to_string());
        }
        written = placeholder.range.end;
    }
    out.push_str(&text[written..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_dns_labels_and_long_or_shared_ones_get_a_hash() {
        let long = "a".repeat(70);
        let names =
            pod_names([("my_workflow", "m1"), ("my_wf", "a_b"), ("my_wf_a", "b"), (long.as_str(), "x")].into_iter());
        assert_eq!(names[0], "my-workflow-m1");
        assert!(names[1].starts_with("my-wf-a-b-") && names[1].len() == "my-wf-a-b-".len() + 8, "{}", names[1]);
        assert!(names[2].starts_with("my-wf-a-b-"));
        assert_ne!(names[1], names[2]);
        assert_eq!(names[3].len(), 63);
        assert!(names.iter().all(|n| skiff_k8s::names::is_dns1123_label(n)), "{names:?}");
        // Stable: the same node gets the same name in every build.
        assert_eq!(
            names,
            pod_names([("my_workflow", "m1"), ("my_wf", "a_b"), ("my_wf_a", "b"), (long.as_str(), "x")].into_iter())
        );
    }

    #[test]
    fn placeholders_become_kubernetes_expansions() {
        let mut used = Vec::new();
        let text = replace_placeholders(
            "--epochs={{inputs.epochs}} {{ inputs.lr }} {{other}} {{inputs.epochs}} >{{outputs.path}} {{\"{{\"}}inputs.x}}",
            &mut used,
        );
        assert_eq!(
            text,
            "--epochs=$(SKIFF_INPUT_EPOCHS) $(SKIFF_INPUT_LR) {{other}} $(SKIFF_INPUT_EPOCHS) >/tmp/skiff/outputs/output {{inputs.x}}"
        );
        assert_eq!(used, ["epochs", "lr"]);
        assert_eq!(replace_placeholders("{{inputs.x", &mut used), "{{inputs.x");
    }
}

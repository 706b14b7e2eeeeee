//! Explaining one workflow node: the pod it runs, every value with where it came from, what its
//! call's overrides changed against its task's own pod, and why the pod could not be made.
//!
//! [`explain_node`] is the one answer; `skiff build` compiles it, `skiff explain` prints it
//! ([`explain_lines`]) and hover shows it. A node is found by its name (`workflow.binding`,
//! [`node_by_name`]) or by a position in a file ([`node_at`]).
//!
//! Nothing here is tracked: a node's pod is computed on demand from the tracked task pods
//! ([`crate::pod::node_pod`]), so that 50,000 nodes do not each hold a tree in the database.

use std::borrow::Cow;
use std::collections::HashMap;

use skiff_k8s::merge::{Change, ChangeKind, Shape};
use skiff_k8s::yaml::{NotedLine, to_noted_yaml};
use skiff_syntax::LineIndex;
use skiff_syntax::ast::{FieldOp, ItemKind};

use crate::compile::{bindings, workflows};
use crate::db::{Db, SourceFile};
use crate::items::{ItemId, ItemTag, file_items, item_ast, item_offset, item_offsets};
use crate::pod::{EffectivePod, Layer, Origin, Place, PodError, node_pod, node_task, task_pod};

/// One change an override made, as hover and `skiff explain` say it:
/// `` `nodeSelector.gpu-type`: `v100` → `a100` ``; `spec.` is left out, as in skiff.
pub fn change_text<O>(change: &Change<O>) -> String {
    let path = change.path.strip_prefix("spec.").unwrap_or(&change.path);
    match &change.kind {
        ChangeKind::Changed { old, new, .. } => format!("`{path}`: `{old}` → `{new}`"),
        ChangeKind::Added { new, .. } => format!("`{path}`: added `{new}`"),
        ChangeKind::Removed { old } => format!("`{path}`: removed `{old}`"),
    }
}

/// One workflow node: the `binding`-th `let` of `workflow` (from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeId<'db> {
    pub workflow: ItemId<'db>,
    pub binding: u32,
}

/// A node explained: plain data for a front end to render.
#[derive(Clone, Debug)]
pub struct Explained<'db> {
    pub node: NodeId<'db>,
    /// The task the node calls.
    pub task: ItemId<'db>,
    /// The pod the node runs, as the compiler emits it (`retries` and `timeout` included), each
    /// value with its origin, and the errors that keep it from being built.
    pub pod: Cow<'db, EffectivePod<'db>>,
    /// The task's own pod, without the call's overrides: what [`Explained::changes`] compares to.
    pub task_pod: &'db EffectivePod<'db>,
}

impl<'db> Explained<'db> {
    /// What the call's overrides changed against the task's own pod, leaf by leaf. Computed on
    /// demand: a build needs only the pod.
    pub fn changes(&self) -> Vec<Change<Origin<'db>>> {
        // A call without overrides runs its task's pod itself.
        if let Cow::Borrowed(pod) = &self.pod
            && std::ptr::eq(*pod, self.task_pod)
        {
            return Vec::new();
        }
        skiff_k8s::merge::diff(self.task_pod.tree.as_ref().map(|t| &t.0), self.pod.tree.as_ref().map(|t| &t.0))
    }

    /// Why the pod cannot be built, at the places that cause it.
    pub fn errors(&self) -> &[PodError<'db>] {
        &self.pod.errors
    }
}

/// The node's pod and where its values came from. `None` when the node does not call a task
/// (reported by the checks).
pub fn explain_node<'db>(db: &'db dyn Db, node: NodeId<'db>) -> Option<Explained<'db>> {
    let (task, _) = node_task(db, node.workflow, node.binding)?;
    let pod = node_pod(db, node.workflow, node.binding)?;
    Some(Explained { node, task, pod, task_pod: task_pod(db, task) })
}

/// Why a name does not name a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeNameError {
    /// Not `WORKFLOW.BINDING`.
    NotANodeName {
        name: String,
    },
    NoWorkflow {
        name: String,
        known: Vec<String>,
    },
    NoBinding {
        workflow: String,
        name: String,
        known: Vec<String>,
    },
}

impl std::fmt::Display for NodeNameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NodeNameError::NotANodeName { name } => {
                write!(f, "`{name}`: name a node as WORKFLOW.BINDING, as in `my_workflow.m2`")
            }
            NodeNameError::NoWorkflow { name, known } => write!(f, "no workflow named `{name}`{}", hint(name, known)),
            NodeNameError::NoBinding { workflow, name, known } => {
                write!(f, "workflow `{workflow}` has no binding `{name}`{}", hint(name, known))
            }
        }
    }
}

impl std::error::Error for NodeNameError {}

fn hint(name: &str, known: &[String]) -> String {
    match skiff_k8s::names::suggest(name, known.iter().map(String::as_str)) {
        Some(near) => format!("; did you mean `{near}`?"),
        None if known.is_empty() => String::new(),
        None => format!(" (there are: {})", known.join(", ")),
    }
}

/// `workflow.binding` split in two; the error when it is not of that form. Front ends check
/// this before loading anything.
pub fn split_node_name(name: &str) -> Result<(&str, &str), NodeNameError> {
    name.split_once('.').ok_or_else(|| NodeNameError::NotANodeName { name: name.to_owned() })
}

/// The node named `workflow.binding`, as `skiff explain` takes it.
pub fn node_by_name<'db>(db: &'db dyn Db, name: &str) -> Result<NodeId<'db>, NodeNameError> {
    let (workflow_name, binding_name) = split_node_name(name)?;
    let all = workflows(db);
    let Some(workflow) = all.iter().copied().find(|w| w.name(db) == workflow_name) else {
        let known = all.iter().map(|w| w.name(db).to_string()).collect();
        return Err(NodeNameError::NoWorkflow { name: workflow_name.to_owned(), known });
    };
    let lets = bindings(db, workflow);
    match lets.iter().position(|b| b.name.text == binding_name) {
        Some(index) => Ok(NodeId { workflow, binding: index as u32 }),
        None => Err(NodeNameError::NoBinding {
            workflow: workflow_name.to_owned(),
            name: binding_name.to_owned(),
            known: lets.iter().map(|b| b.name.text.to_string()).collect(),
        }),
    }
}

/// The node whose `let` (its call, its overrides) holds byte `offset` of `file`, as hover
/// finds it.
pub fn node_at<'db>(db: &'db dyn Db, file: SourceFile, offset: u32) -> Option<NodeId<'db>> {
    let at = item_offsets(db, file).partition_point(|start| *start <= offset).checked_sub(1)?;
    let workflow = *file_items(db, file).get(at)?;
    if workflow.tag(db) != ItemTag::Workflow {
        return None;
    }
    let ItemKind::Workflow(ast) = &item_ast(db, workflow)?.kind else { return None };
    let offset = offset - item_offsets(db, file)[at];
    let binding = ast.lets().position(|b| b.span.start <= offset && offset <= b.span.end)?;
    Some(NodeId { workflow, binding: binding as u32 })
}

/// The node's name as `skiff explain` takes it: `workflow.binding`.
pub fn node_name(db: &dyn Db, node: NodeId<'_>) -> String {
    let binding = crate::pod::workflow_binding(db, node.workflow, node.binding).map(|b| b.name.text.to_string());
    format!("{}.{}", node.workflow.name(db), binding.unwrap_or_default())
}

/// The first line `skiff explain` prints above the pod: `# my_workflow.m2: task train_model`.
pub fn explain_header(db: &dyn Db, explained: &Explained<'_>) -> String {
    format!("# {}: task {}\n", node_name(db, explained.node), explained.task.name(db))
}

/// What `skiff explain` prints below the pod: the call's overrides' changes against the task's
/// own pod, one `#` line each under a heading (nothing when they change nothing).
pub fn explain_changes(explained: &Explained<'_>) -> String {
    let changes = explained.changes();
    if changes.is_empty() {
        return String::new();
    }
    let mut text = "# changed by the overrides, against the task's own pod:\n".to_string();
    for change in &changes {
        text.push_str(&format!("#   {}\n", change_text(change)));
    }
    text
}

/// Where a value came from, for people.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OriginNote {
    /// `base`, `template v100`, `task train_model`, `override resources`, ...
    pub layer: String,
    /// The file and 1-based line it was written at; `None` for the built-in base.
    pub at: Option<(String, usize)>,
}

impl std::fmt::Display for OriginNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.at {
            Some((file, line)) => write!(f, "{} ({file}:{line})", self.layer),
            None => f.write_str(&self.layer),
        }
    }
}

/// One line of an explained pod.
pub type ExplainLine = NotedLine<OriginNote>;

/// The node's pod as YAML lines, laid out as `skiff build` prints it, each value beside where
/// it came from (render them with `skiff_k8s::yaml::render_noted`).
pub fn explain_lines<'db>(db: &'db dyn Db, explained: &Explained<'db>) -> Vec<ExplainLine> {
    let Some(tree) = &explained.pod.tree else { return Vec::new() };
    let mut indexes = HashMap::new();
    let mut notes = HashMap::new();
    to_noted_yaml(&tree.0, Shape::pod_template_spec(), &mut |origin| {
        notes.entry(origin).or_insert_with(|| origin_note(db, origin, &mut indexes)).clone()
    })
}

/// The lines as text, notes as `# ...` comments aligned in one column.
pub fn render_plain(lines: &[ExplainLine]) -> String {
    skiff_k8s::yaml::render_noted(lines, |note| format!("# {note}"))
}

/// Describes where a value came from.
pub fn describe_origin(db: &dyn Db, origin: Origin<'_>) -> OriginNote {
    origin_note(db, origin, &mut HashMap::new())
}

fn origin_note(db: &dyn Db, origin: Origin<'_>, indexes: &mut HashMap<SourceFile, LineIndex>) -> OriginNote {
    let layer = match origin.layer() {
        Layer::Base => "base".to_owned(),
        Layer::DefaultTemplate => "default template".to_owned(),
        Layer::Template(template) => format!("template {}", template.name(db)),
        Layer::Task(task) => format!("task {}", task.name(db)),
        Layer::Override { workflow, binding, clause } => {
            let field =
                node_task(db, workflow, binding).and_then(|(_, b)| b.overrides.get(clause as usize)).map(|o| &o.field);
            match field {
                Some(field) => {
                    let key = &field.key.name.text;
                    match field.op {
                        FieldOp::Replace { .. } => format!("override replace {key}"),
                        FieldOp::Delete => format!("override delete {key}"),
                        FieldOp::Append(_) => format!("override {key} +="),
                        FieldOp::Set { .. } | FieldOp::Error => format!("override {key}"),
                    }
                }
                None => "override".to_owned(),
            }
        }
    };
    let (file, offset) = match origin.place() {
        Place::Builtin => return OriginNote { layer, at: None },
        Place::Item { item, span } => (item.file(db), item_offset(db, item) + span.start),
        Place::Data { file, span } => (file, span.start),
    };
    let index = indexes.entry(file).or_insert_with(|| LineIndex::new(file.text(db)));
    OriginNote { layer, at: Some((file.path(db).clone(), index.line(offset) + 1)) }
}

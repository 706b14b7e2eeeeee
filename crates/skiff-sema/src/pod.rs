//! Effective pods: the layers of docs/merge.md ("The layers of a pod") merged into the pod one workflow node runs, every
//! value remembering where it was written.
//!
//! Lowest layer first: the built-in base (`restartPolicy: Never` and the primary container),
//! the project default template of `skiff.toml`, the task's template (its `extends` chain root
//! first), the task's own container fields, then the call's overrides in the order written.
//! Each layer is one strategic-merge patch (`crate::body::lower_body`), applied by the engine of
//! `skiff_k8s::merge`; Flyte's container roles (`default`, `primary`) are resolved here, just
//! before a template-shaped layer is applied.
//!
//! Spans in origins are relative to their item (or point into a YAML file), so what these
//! queries compare does not move when text above an item does. The task's pod is a tracked
//! query; a node's pod adds a few small overrides on top of it and is computed on demand, so
//! that 50,000 nodes do not each hold a tree in the database.

use rustc_hash::FxHashMap;
use std::borrow::Cow;

use skiff_k8s::BodyShape;
use skiff_k8s::documents::{PodDocument, pod_document};
use skiff_k8s::merge::{self, Map, MergeError, Node, Shape, Value};
use skiff_k8s::yaml::ByteRange;
use skiff_syntax::Span;
use skiff_syntax::ast::{self, Field, FieldOp, ItemKind, SmolStr, Stmt, TemplateBody, ValueKind};

use crate::codes;
use crate::config::{DefaultTemplate, project_config};
use crate::db::{Db, SourceFile};
use crate::extends::template_chain;
use crate::items::{ItemId, ItemTag, file_items, item_ast};
use crate::resolve::{Resolution, resolve_import_path, resolve_path};
use crate::task_fields::{self, DEFAULT_PRIMARY, TaskField};

/// Which layer a value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub enum Layer<'db> {
    /// The built-in base: `restartPolicy: Never` and the primary container.
    Base,
    /// The project default template named in `skiff.toml`.
    DefaultTemplate,
    /// A `pod_template` item used by the task (its own or one it extends).
    Template(ItemId<'db>),
    /// The task's body: its container fields, or an inline `pod_template { ... }`.
    Task(ItemId<'db>),
    /// The `clause`-th `override` of the `binding`-th `let` of a workflow.
    Override { workflow: ItemId<'db>, binding: u32, clause: u32 },
}

/// Where a value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub enum Place<'db> {
    /// Made by skiff, not written anywhere.
    Builtin,
    /// In a skiff item; `span` is relative to the item's chunk ([`crate::items::item_offsets`]).
    Item { item: ItemId<'db>, span: Span },
    /// In a YAML file (`pod_template NAME from "..."`, or `skiff.toml`'s default template).
    Data { file: SourceFile, span: Span },
}

/// The provenance of one node of an effective pod: a [`Layer`] and a [`Place`], packed.
///
/// Every node of every tree carries one: as the two enums side by side it took 40 of a node's
/// 64 bytes (two tags and two ids); packed it takes 32, and a node 56. Each layout has exactly one packing (unused parts are zero), so the
/// derived equality and hash are the enums'.
#[derive(Clone, Copy, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct Origin<'db> {
    /// The layer's kind (bits 0-2), the place's kind (bits 3-4), and an override's clause
    /// (bits 8-31: a file of at most 64 MiB cannot hold 2^24 clauses of one `let`).
    kinds_and_clause: u32,
    /// An override's `let`.
    binding: u32,
    /// The layer's item: the template, the task, or the override's workflow.
    layer_item: Option<salsa::Id>,
    /// The place's item or file.
    place_id: Option<salsa::Id>,
    span: Span,
    /// The ids are the database's, as in the enums.
    ids_of: std::marker::PhantomData<ItemId<'db>>,
}

const BASE: u32 = 0;
const DEFAULT_TEMPLATE: u32 = 1;
const TEMPLATE: u32 = 2;
const TASK: u32 = 3;
const OVERRIDE: u32 = 4;
const BUILTIN: u32 = 0;
const ITEM: u32 = 1;
const DATA: u32 = 2;

impl<'db> Origin<'db> {
    pub fn new(layer: Layer<'db>, place: Place<'db>) -> Self {
        use salsa::plumbing::AsId;
        let (layer_kind, layer_item, binding, clause) = match layer {
            Layer::Base => (BASE, None, 0, 0),
            Layer::DefaultTemplate => (DEFAULT_TEMPLATE, None, 0, 0),
            Layer::Template(item) => (TEMPLATE, Some(item.as_id()), 0, 0),
            Layer::Task(item) => (TASK, Some(item.as_id()), 0, 0),
            Layer::Override { workflow, binding, clause } => (OVERRIDE, Some(workflow.as_id()), binding, clause),
        };
        debug_assert!(clause < 1 << 24, "override clause {clause} does not fit in an origin");
        let (place_kind, place_id, span) = match place {
            Place::Builtin => (BUILTIN, None, Span::default()),
            Place::Item { item, span } => (ITEM, Some(item.as_id()), span),
            Place::Data { file, span } => (DATA, Some(file.as_id()), span),
        };
        Origin {
            kinds_and_clause: layer_kind | place_kind << 3 | clause << 8,
            binding,
            layer_item,
            place_id,
            span,
            ids_of: std::marker::PhantomData,
        }
    }

    /// Made by skiff's built-in base layer.
    pub fn base() -> Self {
        Origin::new(Layer::Base, Place::Builtin)
    }

    pub fn layer(self) -> Layer<'db> {
        use salsa::plumbing::FromId;
        let item = || ItemId::from_id(self.layer_item.expect("a layer with an item has one"));
        match self.kinds_and_clause & 0b111 {
            BASE => Layer::Base,
            DEFAULT_TEMPLATE => Layer::DefaultTemplate,
            TEMPLATE => Layer::Template(item()),
            TASK => Layer::Task(item()),
            _ => Layer::Override { workflow: item(), binding: self.binding, clause: self.kinds_and_clause >> 8 },
        }
    }

    pub fn place(self) -> Place<'db> {
        use salsa::plumbing::FromId;
        let id = || self.place_id.expect("a place in an item or file has one");
        match self.kinds_and_clause >> 3 & 0b11 {
            BUILTIN => Place::Builtin,
            ITEM => Place::Item { item: ItemId::from_id(id()), span: self.span },
            _ => Place::Data { file: SourceFile::from_id(id()), span: self.span },
        }
    }

    /// The same place, credited to another layer.
    pub fn with_layer(self, layer: Layer<'db>) -> Self {
        Origin::new(layer, self.place())
    }
}

impl std::fmt::Debug for Origin<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Origin").field("layer", &self.layer()).field("place", &self.place()).finish()
    }
}

/// A tree of values with their origins.
pub type Tree<'db> = Node<Origin<'db>>;

/// A tree held by the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Patch<'db>(pub Tree<'db>);

// SAFETY: a `Tree` is owned data whose only database-lifetime parts are `Origin`s, which are
// `SalsaValue` (interned ids and inputs); the derive cannot see through `Node<O>`, a type of a
// crate that knows nothing of salsa.
#[allow(unsafe_code)]
unsafe impl salsa::SalsaValue for Patch<'_> {}

/// Something that stops a pod from being built, at the place that causes it.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct PodError<'db> {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub origin: Origin<'db>,
    /// A second place the error is about (the limit a request exceeds), with what it is.
    pub also: Option<(Origin<'db>, String)>,
}

/// The merged pod of a task or of one workflow node.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub struct EffectivePod<'db> {
    /// The `PodTemplateSpec` (`{metadata, spec}`); `None` when a layer could not be applied.
    pub tree: Option<Patch<'db>>,
    /// The name of the primary container.
    pub primary: SmolStr,
    /// `retries`, with where it was set.
    pub retries: Option<(i64, Origin<'db>)>,
    /// `timeout` in whole seconds (rounded up), with where it was set.
    pub timeout: Option<(i64, Origin<'db>)>,
    pub errors: Vec<PodError<'db>>,
}

/// The lowered body of one `pod_template` item, without its `extends` chain. `None` when
/// there is nothing to apply (a YAML file that is missing or does not read: reported by the
/// item's checks).
#[salsa::tracked(returns(ref))]
pub fn template_patch<'db>(db: &'db dyn Db, template: ItemId<'db>) -> Option<Patch<'db>> {
    let item = item_ast(db, template)?;
    let ItemKind::Template(ast) = &item.kind else { return None };
    let layer = Layer::Template(template);
    match &ast.body {
        TemplateBody::Block(block) => {
            let mut tree = crate::body::lower_body(block, BodyShape::PodTemplate, &[], &mut |span| {
                Origin::new(layer, Place::Item { item: template, span })
            });
            // Kept for the whole run, and shared by every task pod built on it.
            tree.shrink_to_fit();
            Some(Patch(tree))
        }
        TemplateBody::File(path) => {
            let key = resolve_import_path(template.file(db).path(db), &path.value).ok()?;
            let file = *db.files().data_files(db).get(&key)?;
            let tree = yaml_template(file.text(db)).ok()?;
            Some(Patch(tree.map_origins(&mut |span| Origin::new(layer, Place::Data { file, span }))))
        }
    }
}

/// A Kubernetes `PodTemplate` document, or a bare `PodTemplateSpec` (`{metadata, spec}`), as a
/// template patch with the spans of its text. The error has the span to report, if known.
pub fn yaml_template(text: &str) -> Result<Node<Span>, (String, Option<Span>)> {
    let span = |range: ByteRange| Span::new(range.start, range.end);
    let document =
        skiff_k8s::yaml::read_yaml_with(text, &mut |range| span(range)).map_err(|e| (e.message, e.span.map(span)))?;
    match pod_document(&document) {
        PodDocument::NotAnObject => {
            Err(("a template file holds a PodTemplate or a `{metadata, spec}` object".into(), None))
        }
        PodDocument::PodTemplate(_) => match document.get_path(&["template"]) {
            Some(template) if template.as_map().is_some() => Ok(template.clone()),
            _ => Err(("this PodTemplate has no `template` object".into(), Some(document.origin))),
        },
        PodDocument::Pod(kind) => Err((
            "this is a Pod, not a template: remove its `apiVersion` and `kind` (a bare `{metadata, spec}` is a \
             template; a `name` in its metadata is dropped), or make it a `PodTemplate` with them under `template`"
                .into(),
            Some(kind.origin),
        )),
        PodDocument::OtherKind(kind) => {
            Err(("a template file holds a `PodTemplate` (or a bare `{metadata, spec}`)".into(), Some(kind.origin)))
        }
        PodDocument::StrayKey(key, value) => Err((
            format!("a template without `kind` is a bare `{{metadata, spec}}`; `{key}` does not belong here"),
            Some(value.origin),
        )),
        PodDocument::Bare => Ok(document),
    }
}

/// The project default template's layers (its `extends` chain for a skiff template).
#[salsa::tracked(returns(ref))]
pub fn default_template_patches<'db>(db: &'db dyn Db) -> Vec<Patch<'db>> {
    let files = db.files();
    let relabel = |tree: &Tree<'db>| Patch(tree.map_origins(&mut |o| o.with_layer(Layer::DefaultTemplate)));
    match &project_config(db).0.default_template {
        None => Vec::new(),
        Some(DefaultTemplate::Skiff { path, name }) => {
            let Some(file) = files.skiff_files(db).get(path) else { return Vec::new() };
            let found = file_items(db, *file).iter().find(|i| i.tag(db) == ItemTag::Template && i.name(db) == name);
            let Some(template) = found else { return Vec::new() };
            chain_patches(db, *template).map(|p| relabel(&p.0)).collect()
        }
        Some(DefaultTemplate::Yaml { path }) => {
            let Some(file) = files.data_files(db).get(path).copied() else { return Vec::new() };
            let Ok(tree) = yaml_template(file.text(db)) else { return Vec::new() };
            vec![Patch(tree.map_origins(&mut |span| Origin::new(Layer::DefaultTemplate, Place::Data { file, span })))]
        }
    }
}

/// The pod of a task on its own: layers 1 to 4.
#[salsa::tracked(returns(ref))]
pub fn task_pod<'db>(db: &'db dyn Db, task: ItemId<'db>) -> EffectivePod<'db> {
    kept(build_task_pod(db, task, None))
}

/// A pod the database keeps, without the spare room its merge left (the task's lowered body
/// included: the pod holds it alone once the pod is built).
fn kept(mut pod: EffectivePod<'_>) -> EffectivePod<'_> {
    if let Some(Patch(tree)) = &mut pod.tree {
        tree.shrink_to_fit();
    }
    pod
}

/// The pod one workflow node runs: its task's pod with the call's overrides on top. `binding`
/// counts the `let`s of the workflow from 0. `None` when there is no such binding or its
/// callee is not a task (reported by the checks). A call without overrides runs its task's pod
/// as it is: borrowed, not copied.
pub fn node_pod<'db>(db: &'db dyn Db, workflow: ItemId<'db>, binding: u32) -> Option<Cow<'db, EffectivePod<'db>>> {
    let (task, binding_ast) = node_task(db, workflow, binding)?;
    let overrides = &binding_ast.overrides;
    if overrides.is_empty() {
        return Some(Cow::Borrowed(task_pod(db, task)));
    }
    let at = |clause: usize, span: Span| {
        Origin::new(Layer::Override { workflow, binding, clause: clause as u32 }, Place::Item { item: workflow, span })
    };
    // `override replace pod_template: other` swaps layer 3, wherever it is written.
    let swap = overrides.iter().enumerate().rev().find_map(|(i, clause)| {
        let field = &clause.field;
        let FieldOp::Replace { value, .. } = &field.op else { return None };
        (field.key.name.text == TaskField::PodTemplate.name() && field.key.index.is_none()).then_some((i, value))
    });
    // The task's pod, when the node's starts as it: what the two share was checked there.
    let mut checked = None;
    let mut pod = match swap {
        Some((i, value)) => match template_ref(db, workflow, value) {
            // The swapped templates' values are the override's: relabelled, then merged. Not
            // kept in the database: each such pod is one node's (a large build had 30 MB of
            // them), and relabelling a kept pod copied all of it anyway.
            Some(template) => {
                let layer = at(i, value.span).layer();
                let mut relabel = |origin: Origin<'db>| match origin.layer() {
                    Layer::Template(_) => origin.with_layer(layer),
                    _ => origin,
                };
                let patches = chain_patches(db, template).map(|p| Patch(p.0.map_origins(&mut relabel))).collect();
                build_task_pod(db, task, Some(patches))
            }
            None => build_task_pod(db, task, Some(template_value(db, workflow, value, &mut |span| at(i, span)))),
        },
        None => {
            let task_pod = task_pod(db, task);
            checked = task_pod.tree.as_ref().map(|t| &t.0);
            task_pod.clone()
        }
    };
    for (i, clause) in overrides.iter().enumerate() {
        apply_override(db, workflow, &mut pod, &clause.field, &mut |span| at(i, span));
    }
    finish(&mut pod, Origin::new(Layer::Task(task), Place::Item { item: workflow, span: binding_ast.span }), checked);
    placeholders(db, task, &mut pod, checked);
    Some(Cow::Owned(pod))
}

/// The patches of a template's `extends` chain, root first: the layers it stands for.
fn chain_patches<'db>(db: &'db dyn Db, template: ItemId<'db>) -> impl Iterator<Item = &'db Patch<'db>> {
    template_chain(db, template).iter().filter_map(move |t| template_patch(db, *t).as_ref())
}

/// The `pod_template` item a value names, if it is a reference to one.
fn template_ref<'db>(db: &'db dyn Db, owner: ItemId<'db>, value: &ast::Value) -> Option<ItemId<'db>> {
    let ValueKind::Ref(path) = &value.kind else { return None };
    let segments: Vec<SmolStr> = path.segments.iter().map(|s| s.text.clone()).collect();
    match resolve_path(db, owner.file(db), &segments) {
        Resolution::Item(template) if template.tag(db) == ItemTag::Template => Some(template),
        _ => None,
    }
}

/// Where each `let` of a workflow is among its statements: a workflow's nodes are found by
/// number, and counting `let`s for each would make a workflow of n calls cost n² steps.
#[salsa::tracked(returns(ref))]
fn let_statements<'db>(db: &'db dyn Db, workflow: ItemId<'db>) -> Vec<u32> {
    let Some(ItemKind::Workflow(ast)) = item_ast(db, workflow).map(|item| &item.kind) else { return Vec::new() };
    (0..ast.body.len() as u32).filter(|&i| matches!(ast.body[i as usize], Stmt::Let(_))).collect()
}

/// The `binding`-th `let` of a workflow (counted from 0).
pub fn workflow_binding<'db>(db: &'db dyn Db, workflow: ItemId<'db>, binding: u32) -> Option<&'db ast::Let> {
    let ItemKind::Workflow(ast) = &item_ast(db, workflow)?.kind else { return None };
    match ast.body.get(*let_statements(db, workflow).get(binding as usize)? as usize)? {
        Stmt::Let(binding) => Some(binding),
        _ => None,
    }
}

/// The first `let` of each name in a workflow, by number.
#[salsa::tracked(returns(ref))]
pub fn binding_numbers<'db>(db: &'db dyn Db, workflow: ItemId<'db>) -> FxHashMap<SmolStr, u32> {
    let mut numbers = FxHashMap::default();
    if let Some(ItemKind::Workflow(ast)) = item_ast(db, workflow).map(|item| &item.kind) {
        for (number, binding) in ast.lets().enumerate() {
            numbers.entry(binding.name.text.clone()).or_insert(number as u32);
        }
    }
    numbers
}

/// The task a binding calls, and the binding itself (relative to the workflow).
pub fn node_task<'db>(db: &'db dyn Db, workflow: ItemId<'db>, binding: u32) -> Option<(ItemId<'db>, &'db ast::Let)> {
    let binding_ast = workflow_binding(db, workflow, binding)?;
    let segments: Vec<SmolStr> = binding_ast.call.callee.segments.iter().map(|s| s.text.clone()).collect();
    match resolve_path(db, workflow.file(db), &segments) {
        Resolution::Item(task) if task.tag(db) == ItemTag::Task => Some((task, binding_ast)),
        _ => None,
    }
}

/// The template layers a `pod_template` value stands for: a reference's chain, or an inline
/// block. Origins of a referenced template keep their place and take `origin`'s layer.
fn template_value<'db>(
    db: &'db dyn Db,
    owner: ItemId<'db>,
    value: &ast::Value,
    origin: &mut impl FnMut(Span) -> Origin<'db>,
) -> Vec<Patch<'db>> {
    match &value.kind {
        ValueKind::Ref(_) => {
            let Some(template) = template_ref(db, owner, value) else { return Vec::new() };
            let layer = origin(value.span).layer();
            let relabel = |tree: &Tree<'db>| match layer {
                // A task's own template keeps each template's name as its layer.
                Layer::Task(_) => Patch(tree.clone()),
                _ => Patch(tree.map_origins(&mut |o| o.with_layer(layer))),
            };
            chain_patches(db, template).map(|p| relabel(&p.0)).collect()
        }
        ValueKind::Object(block) => vec![Patch(crate::body::lower_body(block, BodyShape::PodTemplate, &[], origin))],
        _ => Vec::new(),
    }
}

fn build_task_pod<'db>(db: &'db dyn Db, task: ItemId<'db>, swap: Option<Vec<Patch<'db>>>) -> EffectivePod<'db> {
    let body = match item_ast(db, task).map(|i| &i.kind) {
        Some(ItemKind::Task(ast)) => Some(&ast.body),
        _ => None,
    };
    let primary = task_fields::primary_container(body);
    let mut pod =
        EffectivePod { tree: Some(Patch(base(&primary))), primary, retries: None, timeout: None, errors: Vec::new() };
    let mut at = |span: Span| Origin::new(Layer::Task(task), Place::Item { item: task, span });
    for patch in default_template_patches(db) {
        apply_template(&mut pod, &patch.0);
    }
    let template = match swap {
        Some(layers) => layers,
        None => match body.and_then(|b| task_fields::last(b, TaskField::PodTemplate)).and_then(|f| f.op.value()) {
            Some(value) => template_value(db, task, value, &mut at),
            None => Vec::new(),
        },
    };
    for patch in &template {
        apply_template(&mut pod, &patch.0);
    }
    if let Some(body) = body {
        let container = crate::body::lower_body(body, BodyShape::Container, &TaskField::NAMES, &mut at);
        apply_container(&mut pod, container, at(body.span));
        for field in &body.fields {
            task_fields::apply(&mut pod, field, &mut at);
        }
    }
    finish(&mut pod, at(body.map_or(Span::empty(0), |b| b.span)), None);
    placeholders(db, task, &mut pod, None);
    // An `image` the body writes but that did not read is reported already.
    if !body.is_some_and(|b| b.fields.iter().any(|f| f.key.name.text == "image")) {
        missing_image(&mut pod, at(body.map_or(Span::empty(0), |b| b.span)));
    }
    pod
}

/// The task's container without an image once every layer has spoken: the API server refuses
/// such a Pod.
fn missing_image<'db>(pod: &mut EffectivePod<'db>, at: Origin<'db>) {
    let Some(Patch(tree)) = &pod.tree else { return };
    let containers = tree.get_path(&["spec", "containers"]).and_then(Node::as_list).unwrap_or_default();
    let primary = containers.iter().find(|c| c.get_path(&["name"]).and_then(Node::as_str) == Some(&pod.primary));
    if primary.is_some_and(|c| c.get_path(&["image"]).is_none()) {
        pod.errors.push(PodError {
            code: codes::MISSING_IMAGE,
            message: format!("container `{}` has no image", pod.primary),
            help: Some(
                "set `image` in the task body, or in its template's `containers[\"NAME\"] { image: ... }`".into(),
            ),
            origin: at,
            also: None,
        });
    }
}

/// The errors of placeholders the task's own text did not write ([`crate::inputs`]).
fn placeholders<'db>(db: &'db dyn Db, task: ItemId<'db>, pod: &mut EffectivePod<'db>, checked: Option<&Tree<'db>>) {
    let Some(Patch(tree)) = &pod.tree else { return };
    for error in crate::inputs::pod_placeholder_errors(db, task, tree, checked) {
        if !pod.errors.contains(&error) {
            pod.errors.push(error);
        }
    }
}

/// `restartPolicy: Never` and the primary container.
fn base<'db>(primary: &str) -> Tree<'db> {
    let at = Origin::base();
    let mut container = Map::default();
    container.insert(SmolStr::new_static("name"), Node::string(primary, at));
    let mut spec = Map::default();
    spec.insert(SmolStr::new_static("restartPolicy"), Node::string("Never", at));
    spec.insert(
        SmolStr::new_static("containers"),
        Node::new(Value::list(vec![Node::new(Value::map(container), at)]), at),
    );
    let mut root = Map::default();
    root.insert(SmolStr::new_static("spec"), Node::new(Value::map(spec), at));
    Node::new(Value::map(root), at)
}

fn apply_override<'db>(
    db: &'db dyn Db,
    workflow: ItemId<'db>,
    pod: &mut EffectivePod<'db>,
    field: &Field,
    at: &mut impl FnMut(Span) -> Origin<'db>,
) {
    let key = field.key.name.text.as_str();
    if key == TaskField::PodTemplate.name() {
        match &field.op {
            FieldOp::Set { value, .. } => {
                for patch in template_value(db, workflow, value, at) {
                    apply_template(pod, &patch.0);
                }
            }
            // Swapped in as layer 3 before the other overrides (`node_pod`).
            FieldOp::Replace { .. } => {}
            FieldOp::Append(_) | FieldOp::Delete | FieldOp::Error => {}
        }
        return;
    }
    if TaskField::named(key).is_some() {
        task_fields::apply(pod, field, at);
        return;
    }
    let container = crate::body::lower_fields([field], field.span, BodyShape::Container, at);
    apply_container(pod, container, at(field.span));
}

/// Applies a `Container` patch to the primary container.
fn apply_container<'db>(pod: &mut EffectivePod<'db>, mut container: Tree<'db>, at: Origin<'db>) {
    if let Some(fields) = container.value.map_mut() {
        // The patch element names the container it patches; its fields follow.
        fields.shift_insert(0, SmolStr::new_static("name"), Node::string(pod.primary.clone(), at));
    }
    let mut spec = Map::default();
    spec.insert(SmolStr::new_static("containers"), Node::new(Value::list(vec![container]), at));
    let mut root = Map::default();
    root.insert(SmolStr::new_static("spec"), Node::new(Value::map(spec), at));
    apply(pod, &Node::new(Value::map(root), at));
}

/// Applies a template-shaped layer, with Flyte's container roles: an entry named `default`
/// patches every container the pod has at this point, then `primary` stands for the primary
/// container; any other entry merges by name, and one that matches nothing is a sidecar, which
/// needs an image.
fn apply_template<'db>(pod: &mut EffectivePod<'db>, patch: &Tree<'db>) {
    let Some(elements) = patch.get_path(&["spec", "containers"]).and_then(Node::as_list) else {
        return apply(pod, patch);
    };
    let existing = container_names(pod);
    let mut defaults = Vec::new();
    let mut rest = Vec::new();
    for element in elements {
        let name = element.get_path(&["name"]).and_then(Node::as_str);
        let is_directive = element.as_map().is_some_and(|m| m.contains_key("$patch"));
        match name {
            Some("default") if !is_directive => defaults.push(element),
            Some("primary") => {
                let mut element = element.clone();
                if let Some(fields) = element.value.map_mut()
                    && let Some(name) = fields.get_mut("name")
                {
                    name.value = Value::String(pod.primary.clone());
                }
                rest.push(element);
            }
            Some(name)
                if !existing.iter().any(|n| n == name) && !is_directive && element.get_path(&["image"]).is_none() =>
            {
                pod.errors.push(PodError {
                    code: codes::UNMATCHED_CONTAINER,
                    message: format!("container `{name}` matches no container of the pod and has no image"),
                    help: Some(format!(
                        "to patch the task's container, name this entry `primary`; a sidecar needs an `image`{}",
                        if pod.primary != DEFAULT_PRIMARY {
                            format!(" (the primary container is `{}`)", pod.primary)
                        } else {
                            String::new()
                        }
                    )),
                    origin: element.origin,
                    also: None,
                });
            }
            _ => rest.push(element.clone()),
        }
    }
    for default in defaults {
        let elements = existing
            .iter()
            .map(|name| {
                let mut element = default.clone();
                if let Some(fields) = element.value.map_mut()
                    && let Some(slot) = fields.get_mut("name")
                {
                    slot.value = Value::String(name.clone());
                }
                element
            })
            .collect();
        // Entries in the pod's own order, so `default` moves nothing.
        let mut spec = Map::default();
        spec.insert(SmolStr::new_static("containers"), Node::new(Value::list(elements), default.origin));
        let mut root = Map::default();
        root.insert(SmolStr::new_static("spec"), Node::new(Value::map(spec), default.origin));
        apply(pod, &Node::new(Value::map(root), default.origin));
    }
    let mut patch = patch.clone();
    if let Some(root) = patch.value.map_mut()
        && let Some(spec) = root.get_mut("spec").and_then(|s| s.value.map_mut())
        && let Some(containers) = spec.get_mut("containers")
    {
        containers.value = Value::list(rest);
    }
    apply(pod, &patch);
}

/// The names of the pod's containers, in the pod's order.
fn container_names(pod: &EffectivePod<'_>) -> Vec<SmolStr> {
    pod.tree
        .as_ref()
        .and_then(|t| t.0.get_path(&["spec", "containers"]))
        .and_then(Node::as_list)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get_path(&["name"]).and_then(Node::as_str).map(SmolStr::new))
        .collect()
}

fn apply<'db>(pod: &mut EffectivePod<'db>, patch: &Tree<'db>) {
    let Some(tree) = pod.tree.take() else { return };
    match merge::apply_patch(tree.0, patch, Shape::pod_template_spec()) {
        Ok(tree) => pod.tree = Some(Patch(tree)),
        Err(error) => pod.errors.push(merge_error(error)),
    }
}

fn merge_error(error: MergeError<Origin<'_>>) -> PodError<'_> {
    PodError {
        code: codes::INVALID_MERGE,
        message: format!("{} (at {})", error.kind, error.path),
        help: None,
        origin: error.origin,
        also: None,
    }
}

/// The elements of `list` but those shared with the element at the same place of `checked`.
fn unchecked<'t, 'db>(list: &'t [Tree<'db>], checked: &'t [Tree<'db>]) -> impl Iterator<Item = &'t Tree<'db>> {
    list.iter().enumerate().filter(move |(i, c)| !checked.get(*i).is_some_and(|b| c.shares_with(b))).map(|(_, c)| c)
}

/// The checks only a merged pod allows: the primary container is still there, and no request
/// exceeds its limit once every layer has spoken. A container shared with `checked` (the task's
/// pod a node's starts as, whose errors it holds) was checked there.
fn finish<'db>(pod: &mut EffectivePod<'db>, at: Origin<'db>, checked: Option<&Tree<'db>>) {
    let Some(tree) = &pod.tree else { return };
    let checked_list =
        |field| checked.and_then(|c| c.get_path(&["spec", field])).and_then(Node::as_list).unwrap_or_default();
    let containers = tree.0.get_path(&["spec", "containers"]).and_then(Node::as_list).unwrap_or_default();
    let has_primary = containers.iter().any(|c| c.get_path(&["name"]).and_then(Node::as_str) == Some(&pod.primary));
    if !has_primary && pod.errors.is_empty() {
        pod.errors.push(PodError {
            code: codes::MISSING_PRIMARY_CONTAINER,
            message: format!("the pod has no primary container `{}`: a layer removed it", pod.primary),
            help: Some(
                "the task's container must stay in the pod; remove the `delete` or `replace` that drops it".into(),
            ),
            origin: at,
            also: None,
        });
    }
    let mut errors = Vec::new();
    let init_containers = tree.0.get_path(&["spec", "initContainers"]).and_then(Node::as_list).unwrap_or_default();
    // A sidecar without an image is `unmatched-container`, reported where a layer made it; the
    // task's own container is checked with its body (`missing_image`).
    for container in
        unchecked(init_containers, checked_list("initContainers")).filter(|c| c.get_path(&["image"]).is_none())
    {
        let name = container.get_path(&["name"]).and_then(Node::as_str).unwrap_or("?");
        errors.push(PodError {
            code: codes::MISSING_IMAGE,
            message: format!("init container `{name}` has no image"),
            help: Some("an init container runs an image of its own: give it `image`".to_owned()),
            origin: container.origin,
            also: None,
        });
    }
    for container in unchecked(containers, checked_list("containers")) {
        let name = container.get_path(&["name"]).and_then(Node::as_str).unwrap_or("?");
        let Some(resources) = container.get_path(&["resources"]) else { continue };
        // Within one layer the body's own check has said it already.
        let found = skiff_k8s::rules::requests_above_limits(resources);
        for request in found.iter().filter(|r| r.request_at.layer() != r.limit_at.layer()) {
            let finding = request.finding_in(name);
            errors.push(PodError {
                code: finding.code,
                message: finding.message,
                help: finding.help,
                origin: finding.origin,
                also: Some((request.limit_at, format!("the limit of {}", request.limit))),
            });
        }
    }
    // A node's pod starts as its task's, which was finished already.
    for error in errors {
        if !pod.errors.contains(&error) {
            pod.errors.push(error);
        }
    }
    compile_skiff_fields(pod);
}

/// What the compiler makes of `retries` and `timeout`: the `skiff.dev/retries` annotation and
/// `activeDeadlineSeconds`, written into the tree with the origin of the field, so that the pod
/// `skiff build` prints and the one `skiff explain` and hover show are the same tree. A node's
/// pod starts as its task's and may set either again: the last one written wins. `metadata`
/// comes first, as in a manifest, whichever layer made it.
fn compile_skiff_fields(pod: &mut EffectivePod<'_>) {
    let (retries, timeout) = (pod.retries, pod.timeout);
    let Some(Patch(tree)) = &mut pod.tree else { return };
    task_fields::write_tree(retries, timeout, tree);
    if let Some(at) = tree.as_map().and_then(|root| root.get_index_of("metadata")).filter(|at| *at != 0)
        && let Some(root) = tree.value.map_mut()
    {
        root.move_index(at, 0);
    }
}

#[cfg(test)]
mod origin_tests {
    use super::*;
    use crate::{RootDatabase, Workspace};

    #[test]
    fn every_layer_and_place_reads_back_as_packed() {
        let mut workspace = Workspace::new(RootDatabase::new());
        let file = workspace.set_file("a.skiff", String::new());
        let data = workspace.set_data_file("t.yaml", String::new());
        let db = &workspace.db;
        let item = |tag, name: &str| ItemId::new(db, file, tag, SmolStr::new(name), 0);
        let (template, task, workflow) =
            (item(ItemTag::Template, "t"), item(ItemTag::Task, "k"), item(ItemTag::Workflow, "w"));
        let layers = [
            Layer::Base,
            Layer::DefaultTemplate,
            Layer::Template(template),
            Layer::Task(task),
            Layer::Override { workflow, binding: 100_000, clause: (1 << 24) - 1 },
            Layer::Override { workflow, binding: 0, clause: 0 },
        ];
        let places = [
            Place::Builtin,
            Place::Item { item: workflow, span: Span::new(3, 9) },
            Place::Data { file: data, span: Span::new(0, u32::MAX) },
        ];
        let mut seen = rustc_hash::FxHashSet::default();
        for layer in layers {
            for place in places {
                let origin = Origin::new(layer, place);
                assert_eq!((origin.layer(), origin.place()), (layer, place));
                assert!(seen.insert(origin), "{origin:?} packs like another origin");
                let moved = origin.with_layer(Layer::Task(task));
                assert_eq!((moved.layer(), moved.place()), (Layer::Task(task), place));
            }
        }
        assert_eq!(std::mem::size_of::<Origin<'_>>(), 32);
    }
}

//! An effective pod as YAML lines, each value beside where it came from: what `skiff explain`
//! prints and what hover shows (DESIGN §2).
//!
//! The output is plain data ([`ExplainLine`]): the CLI colors it, the editor puts it in a
//! hover. Small maps and list elements whose values all come from one place are written in
//! flow style on one line (`requests: {cpu: "2", memory: 8Gi}`), as in the brief's example.

use std::collections::HashMap;

use skiff_k8s::merge::{ListStrategy, Node, Shape, Value};
use skiff_syntax::LineIndex;
use skiff_syntax::ast::FieldOp;

use crate::db::{Db, SourceFile};
use crate::items::item_offset;
use crate::pod::{EffectivePod, Layer, Origin, Place, Tree, node_task};
use crate::task_fields;

/// One line of YAML and, for a value, where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainLine {
    /// The YAML text, indentation included.
    pub text: String,
    pub note: Option<OriginNote>,
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

/// Flow style is used up to this many characters.
const FLOW_WIDTH: usize = 80;

/// The lines of a `PodTemplateSpec` tree (`{metadata, spec}`).
pub fn explain_tree<'db>(db: &'db dyn Db, tree: &Tree<'db>) -> Vec<ExplainLine> {
    let mut renderer = Renderer { db, lines: Vec::new(), indexes: HashMap::new(), notes: HashMap::new() };
    if let Some(entries) = tree.as_map() {
        // `metadata` first, as in a manifest, whichever layer made it.
        let metadata = entries.get_key_value("metadata");
        for (key, value) in metadata.into_iter().chain(entries.iter().filter(|(k, _)| *k != "metadata")) {
            renderer.entry(0, key, value, Shape::pod_template_spec().field(key));
        }
    }
    renderer.lines
}

/// The lines of an effective pod as the compiler emits it: the tree, plus `timeout` as
/// `activeDeadlineSeconds` and `retries` as its annotation, each with its origin.
pub fn explain_pod<'db>(db: &'db dyn Db, pod: &EffectivePod<'db>) -> Vec<ExplainLine> {
    let Some(tree) = &pod.tree else { return Vec::new() };
    let mut tree = tree.0.clone();
    task_fields::write_tree(pod, &mut tree);
    explain_tree(db, &tree)
}

/// The lines as text, notes as `# ...` comments aligned in one column.
pub fn render_plain(lines: &[ExplainLine]) -> String {
    render(lines, |note| format!("# {note}"))
}

/// The lines as text, each note written by `comment` (which adds the `#`) in one column after
/// the YAML.
pub fn render(lines: &[ExplainLine], mut comment: impl FnMut(&OriginNote) -> String) -> String {
    let column = note_column(lines);
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.text);
        if let Some(note) = &line.note {
            let pad = column.saturating_sub(line.text.chars().count()).max(2);
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&comment(note));
        }
        out.push('\n');
    }
    out
}

/// Where the notes start: after the longest line, within reason.
pub fn note_column(lines: &[ExplainLine]) -> usize {
    lines.iter().filter(|l| l.note.is_some()).map(|l| l.text.chars().count() + 2).max().unwrap_or(0).min(48)
}

/// Describes where a value came from.
pub fn describe_origin(db: &dyn Db, origin: Origin<'_>) -> OriginNote {
    let mut indexes = HashMap::new();
    origin_note(db, origin, &mut indexes)
}

fn origin_note(db: &dyn Db, origin: Origin<'_>, indexes: &mut HashMap<SourceFile, LineIndex>) -> OriginNote {
    let layer = match origin.layer {
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
    let (file, offset) = match origin.place {
        Place::Builtin => return OriginNote { layer, at: None },
        Place::Item { item, span } => (item.file(db), item_offset(db, item) + span.start),
        Place::Data { file, span } => (file, span.start),
    };
    let index = indexes.entry(file).or_insert_with(|| LineIndex::new(file.text(db)));
    OriginNote { layer, at: Some((file.path(db).clone(), index.line(offset) + 1)) }
}

struct Renderer<'db> {
    db: &'db dyn Db,
    lines: Vec<ExplainLine>,
    indexes: HashMap<SourceFile, LineIndex>,
    notes: HashMap<Origin<'db>, OriginNote>,
}

impl<'db> Renderer<'db> {
    fn note(&mut self, origin: Origin<'db>) -> OriginNote {
        if let Some(note) = self.notes.get(&origin) {
            return note.clone();
        }
        let note = origin_note(self.db, origin, &mut self.indexes);
        self.notes.insert(origin, note.clone());
        note
    }

    fn push(&mut self, indent: usize, text: String, note: Option<OriginNote>) {
        self.lines.push(ExplainLine { text: format!("{}{text}", "  ".repeat(indent)), note });
    }

    /// `key: value` at `indent`.
    fn entry(&mut self, indent: usize, key: &str, value: &Tree<'db>, shape: Shape) {
        let key = skiff_k8s::yaml::scalar(key);
        match &value.value {
            Value::Map(entries) if entries.is_empty() => {
                let note = self.note(value.origin);
                self.push(indent, format!("{key}: {{}}"), Some(note));
            }
            Value::Map(entries) => {
                if let Some((flow, note)) = self.flow(value) {
                    return self.push(indent, format!("{key}: {flow}"), Some(note));
                }
                self.push(indent, format!("{key}:"), None);
                for (k, v) in entries {
                    self.entry(indent + 1, k, v, shape.field(k));
                }
            }
            Value::List(items) if items.is_empty() => {
                let note = self.note(value.origin);
                self.push(indent, format!("{key}: []"), Some(note));
            }
            Value::List(items) => {
                // A list replaced whole says who set it; a merged one lets its elements say.
                let note = match shape.strategy() {
                    ListStrategy::Atomic => Some(self.note(value.origin)),
                    ListStrategy::Keyed(_) | ListStrategy::Set => None,
                };
                if let (Some(note), Some(flow)) = (&note, self.scalar_flow(items))
                    && key.len() + flow.len() + indent * 2 <= FLOW_WIDTH
                {
                    return self.push(indent, format!("{key}: {flow}"), Some(note.clone()));
                }
                let keyed = note.is_none();
                self.push(indent, format!("{key}:"), note);
                for item in items {
                    self.element(indent, item, shape.item(), keyed);
                }
            }
            _ => {
                let note = self.note(value.origin);
                self.push(indent, format!("{key}: {}", scalar(value)), Some(note));
            }
        }
    }

    /// `- ...` at `indent` (YAML lets a list sit at its key's indentation).
    fn element(&mut self, indent: usize, item: &Tree<'db>, shape: Shape, keyed: bool) {
        match &item.value {
            Value::Map(entries) if !entries.is_empty() => {
                if !keyed && let Some((flow, _)) = self.flow(item) {
                    return self.push(indent, format!("- {flow}"), None);
                }
                let start = self.lines.len();
                for (k, v) in entries {
                    self.entry(indent + 1, k, v, shape.field(k));
                }
                // The first entry moves up beside the dash.
                if let Some(first) = self.lines.get_mut(start) {
                    let text = first.text.trim_start().to_owned();
                    first.text = format!("{}- {text}", "  ".repeat(indent));
                }
            }
            Value::List(_) | Value::Map(_) => self.push(indent, format!("- {}", flow_value(item)), None),
            _ => {
                let note = if keyed { Some(self.note(item.origin)) } else { None };
                self.push(indent, format!("- {}", scalar(item)), note);
            }
        }
    }

    /// A map whose leaves are all scalars from one place, on one line.
    fn flow(&mut self, map: &Tree<'db>) -> Option<(String, OriginNote)> {
        let entries = map.as_map()?;
        let mut note: Option<OriginNote> = None;
        for value in entries.values() {
            if !value.value.is_scalar() {
                return None;
            }
            let here = self.note(value.origin);
            match &note {
                Some(first) if *first != here => return None,
                Some(_) => {}
                None => note = Some(here),
            }
        }
        let text = flow_value(map);
        (text.len() <= FLOW_WIDTH).then_some((text, note?))
    }

    fn scalar_flow(&self, items: &[Tree<'db>]) -> Option<String> {
        items
            .iter()
            .all(|i| i.value.is_scalar())
            .then(|| format!("[{}]", items.iter().map(scalar).collect::<Vec<_>>().join(", ")))
    }
}

fn flow_value(node: &Node<impl Copy>) -> String {
    match &node.value {
        Value::Map(entries) => {
            let parts: Vec<String> =
                entries.iter().map(|(k, v)| format!("{}: {}", skiff_k8s::yaml::scalar(k), flow_value(v))).collect();
            format!("{{{}}}", parts.join(", "))
        }
        Value::List(items) => format!("[{}]", items.iter().map(flow_value).collect::<Vec<_>>().join(", ")),
        _ => scalar(node),
    }
}

fn scalar<O>(node: &Node<O>) -> String {
    match &node.value {
        Value::String(s) => skiff_k8s::yaml::scalar(s),
        other => other.describe(),
    }
}

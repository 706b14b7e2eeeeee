//! YAML with a note beside each value: a merge tree printed by the emitter of [`super::to_yaml`]
//! (same indentation, quoting and keys), each line carrying the note of the value on it.
//!
//! What a note says is the caller's (skiff-sema says which layer and line a value came from);
//! this module only knows that two values with equal notes came from one place. Two layout
//! rules are its own, to keep a pod short enough to read beside its notes:
//! - a map whose values are all scalars with one note is written on one line in flow style
//!   (`requests: {cpu: "2", memory: 8Gi}`), as is a list replaced whole whose elements are all
//!   scalars (`command: [python, -m, train]`);
//! - a list replaced whole (an atomic list: `command`, `tolerations`) has one note, on its
//!   key's line, and its elements none; a merged list (keyed: `containers`) lets its elements say.

use std::fmt::Write;

use crate::merge::{ListStrategy, Node, Shape, Value};

use super::emit::{Emitter, Kind, Lines, float, key_text};
use super::{indent, scalar_into};

/// One line of YAML and the note of the value on it, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotedLine<N> {
    /// The YAML text, indentation included, without the line break.
    pub text: String,
    pub note: Option<N>,
}

/// Flow style is used up to this many characters.
const FLOW_WIDTH: usize = 80;

/// Notes are written after the longest noted line, but never further right than this.
const MAX_NOTE_COLUMN: usize = 48;

/// The lines of `tree`, whose position in the schema is `shape` (for which lists are merged),
/// each with the note `note` gives the origin of its value.
pub fn to_noted_yaml<O: Copy, N: Clone + PartialEq>(
    tree: &Node<O>,
    shape: Shape,
    note: &mut impl FnMut(O) -> N,
) -> Vec<NotedLine<N>> {
    let mut text = String::new();
    let mut walker = Walker { emitter: Emitter::new(&mut text, Ends::default()), notes: Vec::new(), note };
    if let Value::Map(entries) = &tree.value {
        // The document's own line has nothing to note: it has no key.
        let written = walker.emitter.begin(Kind::Map, None).is_ok()
            && entries.iter().all(|(key, value)| {
                walker.emitter.set_key(key);
                walker.entry(value, shape.field(key)).is_ok()
            })
            && walker.emitter.end().is_ok();
        debug_assert!(written, "a merge tree has string keys and balanced collections");
    }
    let Walker { emitter, notes, .. } = walker;
    let ends = emitter.finish().0;
    let mut ends = ends.into_iter().peekable();
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_terminator('\n') {
        let end = start + line.len();
        let note = ends.next_if(|(at, _)| *at == end).map(|(_, id)| notes[id as usize].clone());
        lines.push(NotedLine { text: line.to_owned(), note });
        start = end + 1;
    }
    lines
}

/// The lines as text, each note written by `comment` (which adds the `#`) in one column after
/// the YAML.
pub fn render_noted<N>(lines: &[NotedLine<N>], mut comment: impl FnMut(&N) -> String) -> String {
    let column = note_column(lines);
    let mut out = String::new();
    for line in lines {
        out.push_str(&line.text);
        if let Some(note) = &line.note {
            let pad = column.saturating_sub(line.text.chars().count()).max(2);
            indent(&mut out, pad);
            out.push_str(&comment(note));
        }
        out.push('\n');
    }
    out
}

/// Where the notes start: two spaces after the longest noted line, within reason.
pub fn note_column<N>(lines: &[NotedLine<N>]) -> usize {
    lines
        .iter()
        .filter(|l| l.note.is_some())
        .map(|l| l.text.chars().count() + 2)
        .max()
        .unwrap_or(0)
        .min(MAX_NOTE_COLUMN)
}

/// The end of each noted line, with its note's number.
#[derive(Default)]
struct Ends(Vec<(usize, u32)>);

impl Lines for Ends {
    type Note = Option<u32>;
    fn ended(&mut self, end: usize, note: Option<u32>) {
        if let Some(id) = note {
            self.0.push((end, id));
        }
    }
}

struct Walker<'a, 'f, N, F> {
    emitter: Emitter<'a, Ends>,
    notes: Vec<N>,
    note: &'f mut F,
}

type Written = Result<(), super::emit::EmitError>;

impl<N: Clone + PartialEq, F> Walker<'_, '_, N, F> {
    fn note<O: Copy>(&mut self, origin: O) -> Option<u32>
    where
        F: FnMut(O) -> N,
    {
        let note = (self.note)(origin);
        // Consecutive values mostly share a note: keep one copy.
        if self.notes.last() != Some(&note) {
            self.notes.push(note);
        }
        Some(self.notes.len() as u32 - 1)
    }

    /// The value of the key set on the emitter.
    fn entry<O: Copy>(&mut self, value: &Node<O>, shape: Shape) -> Written
    where
        F: FnMut(O) -> N,
    {
        match &value.value {
            Value::Map(entries) if entries.is_empty() => {
                let note = self.note(value.origin);
                self.emitter.begin(Kind::Map, note)?;
                self.emitter.end()
            }
            Value::Map(entries) => {
                if let Some((flow, note)) = self.flow(value) {
                    return self.emitter.leaf(format_args!("{flow}"), note);
                }
                self.emitter.begin(Kind::Map, None)?;
                for (key, value) in entries.iter() {
                    self.emitter.set_key(key);
                    self.entry(value, shape.field(key))?;
                }
                self.emitter.end()
            }
            Value::List(items) => {
                // A list replaced whole says who set it; a merged one lets its elements say.
                let note = match shape.strategy() {
                    ListStrategy::Atomic => self.note(value.origin),
                    ListStrategy::Keyed(_) | ListStrategy::Set => None,
                };
                if note.is_some() && !items.is_empty() && items.iter().all(|i| i.value.is_scalar()) {
                    let flow = flow_text(value);
                    if self.emitter.depth() + self.emitter.key_len() + flow.len() <= FLOW_WIDTH {
                        return self.emitter.leaf(format_args!("{flow}"), note);
                    }
                }
                let note = if items.is_empty() { self.note(value.origin) } else { note };
                self.emitter.begin(Kind::List, note)?;
                for item in items.iter() {
                    self.element(item, shape.item(), note.is_none())?;
                }
                self.emitter.end()
            }
            _ => {
                let note = self.note(value.origin);
                self.scalar(value, note)
            }
        }
    }

    /// One element of a list; `merged` when the list is merged (its elements carry notes).
    fn element<O: Copy>(&mut self, item: &Node<O>, shape: Shape, merged: bool) -> Written
    where
        F: FnMut(O) -> N,
    {
        match &item.value {
            Value::Map(entries) if !entries.is_empty() => {
                if !merged && self.flow(item).is_some() {
                    return self.emitter.leaf(format_args!("{}", flow_text(item)), None);
                }
                self.emitter.begin(Kind::Map, None)?;
                for (key, value) in entries.iter() {
                    self.emitter.set_key(key);
                    self.entry(value, shape.field(key))?;
                }
                self.emitter.end()
            }
            Value::List(_) | Value::Map(_) => self.emitter.leaf(format_args!("{}", flow_text(item)), None),
            _ => {
                let note = if merged { self.note(item.origin) } else { None };
                self.scalar(item, note)
            }
        }
    }

    fn scalar<O>(&mut self, node: &Node<O>, note: Option<u32>) -> Written {
        match &node.value {
            Value::String(s) => self.emitter.string(s, note),
            other => self.emitter.leaf(format_args!("{}", ScalarText(other)), note),
        }
    }

    /// A map whose values are all scalars with one note, in flow style, if it is short enough.
    fn flow<O: Copy>(&mut self, map: &Node<O>) -> Option<(String, Option<u32>)>
    where
        F: FnMut(O) -> N,
    {
        let entries = map.as_map()?;
        let mut first: Option<N> = None;
        for value in entries.values() {
            if !value.value.is_scalar() {
                return None;
            }
            let here = (self.note)(value.origin);
            match &first {
                Some(first) if *first != here => return None,
                Some(_) => {}
                None => first = Some(here),
            }
        }
        let text = flow_text(map);
        if text.len() > FLOW_WIDTH {
            return None;
        }
        let first = entries.values().next()?;
        Some((text, self.note(first.origin)))
    }
}

/// A tree on one line: `{key: value, ...}`, `[a, b]`.
fn flow_text<O>(node: &Node<O>) -> String {
    let mut out = String::new();
    write_flow(&mut out, node);
    out
}

fn write_flow<O>(out: &mut String, node: &Node<O>) {
    match &node.value {
        Value::Map(entries) => {
            out.push('{');
            for (i, (key, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&key_text(key.to_string()));
                out.push_str(": ");
                write_flow(out, value);
            }
            out.push('}');
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(out, item);
            }
            out.push(']');
        }
        Value::String(s) => scalar_into(out, s),
        other => {
            let _ = write!(out, "{}", ScalarText(other));
        }
    }
}

/// A scalar as the plain writer prints it.
struct ScalarText<'a, O>(&'a Value<O>);

impl<O> std::fmt::Display for ScalarText<'_, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Float(x) => write!(f, "{}", float(*x)),
            Value::String(s) => f.write_str(&super::scalar(s)),
            // Collections are written by the walker, never as one scalar.
            Value::Null | Value::List(_) | Value::Map(_) => f.write_str("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Origins are the layer numbers; a note says `layer N`.
    fn noted(layers: &[(serde_json::Value, u8)]) -> String {
        let mut tree: Option<Node<u8>> = None;
        for (json, layer) in layers {
            let patch = Node::from_json(json, *layer);
            tree = Some(match tree {
                None => patch,
                Some(base) => crate::merge::apply_patch(base, &patch, Shape::pod_template_spec()).unwrap(),
            });
        }
        let lines = to_noted_yaml(&tree.unwrap(), Shape::pod_template_spec(), &mut |layer| layer);
        render_noted(&lines, |layer| format!("# layer {layer}"))
    }

    #[test]
    fn each_value_beside_its_note_in_the_plain_layout() {
        let text = noted(&[
            (json!({"spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "a"}]}}), 1),
            (
                json!({"metadata": {"labels": {"team": "ml"}}, "spec": {
                    "containers": [{"name": "main", "resources": {"limits": {"cpu": "2", "memory": "8Gi"}},
                                    "args": ["--epochs", "3"], "env": []}],
                    "tolerations": [{"key": "gpu", "operator": "Exists"}],
                    "nodeSelector": {"on": "yes", "a:b": "c"},
                    "activeDeadlineSeconds": 60,
                    "volumes": [],
                }}),
                2,
            ),
        ]);
        assert_eq!(
            text,
            "\
spec:
  restartPolicy: Never                   # layer 1
  containers:
  - name: main                           # layer 1
    image: a                             # layer 1
    resources:
      limits: {cpu: \"2\", memory: 8Gi}    # layer 2
    args: [--epochs, \"3\"]                # layer 2
    env: []                              # layer 2
  tolerations:                           # layer 2
  - {key: gpu, operator: Exists}
  nodeSelector: {\"on\": \"yes\", \"a:b\": c}  # layer 2
  activeDeadlineSeconds: 60              # layer 2
  volumes: []                            # layer 2
metadata:
  labels: {team: ml}                     # layer 2
"
        );
    }

    #[test]
    fn values_from_two_places_are_not_flowed_together() {
        let text = noted(&[
            (json!({"spec": {"nodeSelector": {"a": "1"}}}), 1),
            (json!({"spec": {"nodeSelector": {"b": "2"}}}), 2),
        ]);
        assert_eq!(text, "spec:\n  nodeSelector:\n    a: \"1\"  # layer 1\n    b: \"2\"  # layer 2\n");
    }
}

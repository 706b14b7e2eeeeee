//! `{{inputs.NAME}}` and `{{outputs.path}}` placeholders in a task's strings: found here, once,
//! for the checker (which reports names that are no parameter, and `outputs.path` in a task
//! without output), the compiler (which renders them) and the editor (which goes to, hovers and
//! renames the parameter a placeholder names).
//!
//! A placeholder is `{{`, then anything up to the next `}}`; spaces inside are allowed
//! (`{{ inputs.lr }}`). A `{{` with no `}}` after it is text, and so is everything after it.
//! Only what reads as skiff's own ([`Placeholder::is_skiff`]) is rendered or reported; other
//! braces are text, and `{{"text"}}` writes text that would read as skiff's.

use std::ops::Range;

use skiff_k8s::merge::{Node, Value as Tree};
use skiff_syntax::Span;
use skiff_syntax::ast::{Block, ItemKind, Value, ValueKind};

use crate::codes;
use crate::db::Db;
use crate::items::{ItemId, item_ast};
use crate::pod::{Origin, Place, PodError};

/// One `{{ ... }}` of a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder<'a> {
    /// The whole `{{ ... }}`, as bytes of the scanned text.
    pub range: Range<usize>,
    /// What the braces hold, without the spaces around it.
    pub inner: &'a str,
    /// Where `inner` is in the scanned text.
    pub inner_range: Range<usize>,
}

impl<'a> Placeholder<'a> {
    /// What follows `inputs.`, as written (it may be empty or no identifier: the checker says
    /// so), with its bytes; `None` for a placeholder that does not start with `inputs.`.
    pub fn input(&self) -> Option<(&'a str, Range<usize>)> {
        let name = self.inner.strip_prefix("inputs.")?;
        let start = self.inner_range.start + "inputs.".len();
        Some((name, start..start + name.len()))
    }

    /// Whether this is `{{outputs.path}}`: where the task writes its output.
    pub fn is_output_path(&self) -> bool {
        self.inner == OUTPUT_PATH_PLACEHOLDER
    }

    /// [`Self::input`] when the name is an identifier: a placeholder the compiler renders.
    pub fn input_name(&self) -> Option<(&'a str, Range<usize>)> {
        self.input().filter(|(name, _)| is_input_name(name))
    }

    /// `{{"text"}}`: a quoted string between the braces is that text, written as is. It is how
    /// text that would read as skiff's own placeholder is written: `{{"{{"}}inputs.x}}` is the
    /// text `{{inputs.x}}`.
    pub fn literal(&self) -> Option<String> {
        let quoted = self.inner.strip_prefix('"')?.strip_suffix('"')?;
        (!quoted.contains(['"', '\\'])).then(|| quoted.to_owned())
    }

    /// Whether the braces hold what skiff reads as its own placeholder, rendered or reported:
    /// `inputs.` or `outputs.` (in any case, or without the `s`), or the name of one of
    /// `params`. Anything else (`{{ .Values.image }}`, Flyte's `{{.input}}`, a Go template) is
    /// text and reaches the container unchanged.
    pub fn is_skiff(&self, params: &[&str]) -> bool {
        let lower = self.inner.to_ascii_lowercase();
        ["inputs", "outputs", "input.", "output."].iter().any(|root| lower.starts_with(root))
            || params.contains(&self.inner)
    }
}

/// The help of a placeholder skiff does not know: the two it does, and how to write the text.
pub const PLACEHOLDER_HELP: &str = "placeholders are `{{inputs.NAME}}` and `{{outputs.path}}`; to write this text as it is, quote it: `{{\"{{\"}}...}}`";

/// What `{{outputs.path}}` holds between its braces.
pub const OUTPUT_PATH_PLACEHOLDER: &str = "outputs.path";

/// Whether `name` can follow `inputs.`: a parameter name, which is an identifier.
fn is_input_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every `{{ ... }}` of `text`, in order.
pub fn placeholders(text: &str) -> impl Iterator<Item = Placeholder<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let open = find_pair(text, from, *b"{{")?;
        let start = open + 2;
        let close = find_pair(text, start, *b"}}")?;
        from = close + 2;
        let raw = &text[start..close];
        let inner = raw.trim();
        let inner_start = start + (raw.len() - raw.trim_start().len());
        Some(Placeholder { range: open..from, inner, inner_range: inner_start..inner_start + inner.len() })
    })
}

/// Where `pair` first starts in `text` at or after byte `from`. A plain scan: every string of
/// every pod is searched, most are short, and `str::find` builds a searcher on each call (3% of
/// the instructions of the peer workload's build).
fn find_pair(text: &str, from: usize, pair: [u8; 2]) -> Option<usize> {
    let bytes = text.as_bytes().get(from..)?;
    bytes.windows(2).position(|w| w == pair).map(|i| from + i)
}

/// Every well-formed `{{inputs.NAME}}` of `text`: the name and its bytes.
pub fn input_names(text: &str) -> impl Iterator<Item = (&str, Range<usize>)> {
    placeholders(text).filter_map(|p| p.input_name())
}

/// Calls `f` on every string literal in a block, with its span: where placeholders may be.
pub fn visit_strings(block: &Block, f: &mut impl FnMut(&str, Span)) {
    for field in &block.fields {
        if let Some(v) = field.op.value() {
            visit_value_strings(v, f);
        }
    }
}

/// [`visit_strings`] with the path of keys to each string from `path` (list positions left
/// out; `containers["x"]` counts as `containers`).
pub fn visit_strings_at<'b>(block: &'b Block, path: &mut Vec<&'b str>, f: &mut impl FnMut(&[&str], &str, Span)) {
    for field in &block.fields {
        let Some(v) = field.op.value() else { continue };
        path.push(field.key.name.text.as_str());
        visit_value_at(v, path, f);
        path.pop();
    }
}

/// [`visit_strings_at`] for one value at `path`.
pub fn visit_value_at<'b>(v: &'b Value, path: &mut Vec<&'b str>, f: &mut impl FnMut(&[&str], &str, Span)) {
    match &v.kind {
        ValueKind::Str(s) => f(path, s, v.span),
        ValueKind::Object(b) => visit_strings_at(b, path, f),
        ValueKind::List(items) => items.iter().for_each(|i| visit_value_at(i, path, f)),
        _ => {}
    }
}

/// [`visit_strings`] for one value.
pub fn visit_value_strings(v: &Value, f: &mut impl FnMut(&str, Span)) {
    match &v.kind {
        ValueKind::Str(s) => f(s, v.span),
        ValueKind::Object(b) => visit_strings(b, f),
        ValueKind::List(items) => items.iter().for_each(|i| visit_value_strings(i, f)),
        _ => {}
    }
}

/// Placeholders in a task's merged pod that its own body did not write (a template, a YAML
/// template, the project default, an override): in a container's `command`, `args` or `env`
/// values each must name a parameter of `task` (or be `{{outputs.path}}` in a task with an
/// output); anywhere else nothing substitutes them. The task's own text is checked where it is
/// written, with its fixes. What `tree` shares with `checked` at the same place (a node's pod
/// with its task's, whose errors it holds already) is not looked at again.
pub fn pod_placeholder_errors<'db>(
    db: &'db dyn Db,
    task: ItemId<'db>,
    tree: &Node<Origin<'db>>,
    checked: Option<&Node<Origin<'db>>>,
) -> Vec<PodError<'db>> {
    let Some(ItemKind::Task(ast)) = item_ast(db, task).map(|i| &i.kind) else { return Vec::new() };
    let params: Vec<&str> = ast.params.iter().map(|p| p.name.text.as_str()).collect();
    let has_output =
        ast.output.as_ref().is_some_and(|ty| !matches!(crate::types::Ty::from_syntax(ty), crate::types::Ty::Unit));
    let mut errors = Vec::new();
    let mut path = Vec::new();
    walk(tree, checked, &mut path, &mut |path, text, origin| {
        if matches!(origin.place(), Place::Item { item, .. } if item == task) {
            return;
        }
        let substituted = is_substituted(path);
        for placeholder in placeholders(text) {
            if placeholder.literal().is_some() || !placeholder.is_skiff(&params) {
                continue;
            }
            let error = |code, message: String, help: &str| PodError {
                code,
                message,
                help: Some(help.into()),
                origin,
                also: None,
            };
            let known_input = placeholder.input_name().is_some_and(|(name, _)| params.contains(&name));
            let error = match (substituted, placeholder.is_output_path(), placeholder.input().is_some()) {
                (true, true, _) if has_output => continue,
                (true, true, _) => error(
                    codes::UNKNOWN_INPUT,
                    format!("`{{{{outputs.path}}}}`: task `{}` has no output to write", ast.name.text),
                    "declare the task's output, or remove the placeholder",
                ),
                (true, false, true) if known_input => continue,
                (true, false, _) => error(
                    codes::UNKNOWN_INPUT,
                    format!("`{{{{{}}}}}` names no parameter of task `{}`", placeholder.inner, ast.name.text),
                    PLACEHOLDER_HELP,
                ),
                // Misspelled ones too (`{{input.x}}`): nothing substitutes them here either.
                (false, _, _) => error(
                    codes::PLACEHOLDER_NOT_SUBSTITUTED,
                    format!("`{{{{{}}}}}` is not substituted in `{}`", placeholder.inner, path.join(".")),
                    "placeholders are substituted in `command`, `args` and `env` values",
                ),
            };
            if !errors.contains(&error) {
                errors.push(error);
            }
        }
    });
    errors
}

/// Whether a string at `path` (from the pod's root, list positions left out) is one the
/// compiler renders placeholders in.
pub fn is_substituted(path: &[&str]) -> bool {
    matches!(
        path,
        ["spec", "containers" | "initContainers", "command" | "args"]
            | ["spec", "containers" | "initContainers", "env", "value"]
    )
}

/// Every string of a tree with its path of map keys (list positions left out), but for the
/// lists and maps it shares with `checked` at the same place.
fn walk<'t, O: Copy>(
    node: &'t Node<O>,
    checked: Option<&'t Node<O>>,
    path: &mut Vec<&'t str>,
    f: &mut impl FnMut(&[&str], &str, O),
) {
    if checked.is_some_and(|checked| node.shares_with(checked)) {
        return;
    }
    match &node.value {
        Tree::String(text) => f(path, text, node.origin),
        Tree::List(items) => {
            let below = checked.and_then(Node::as_list).unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                walk(item, below.get(i), path, f);
            }
        }
        Tree::Map(map) => {
            let below = checked.and_then(Node::as_map);
            for (key, value) in map.iter() {
                path.push(key.as_str());
                walk(value, below.and_then(|b| b.get(key)), path, f);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The well-formed input names of a text, with their bytes.
    type Names = &'static [(&'static str, Range<usize>)];

    /// (text, every placeholder's inner text, the well-formed input names)
    const CASES: &[(&str, &[&str], Names)] = &[
        ("--epochs={{inputs.epochs}}", &["inputs.epochs"], &[("epochs", 18..24)]),
        ("{{ inputs.lr }} {{other}}", &["inputs.lr", "other"], &[("lr", 10..12)]),
        ("{{inputs.}} {{inputs.a-b}} {{ inputs.c }}", &["inputs.", "inputs.a-b", "inputs.c"], &[("c", 37..38)]),
        ("{{inputs.x", &[], &[]),
        ("{{a}} {{inputs.x", &["a"], &[]),
        ("{{{x}}}", &["{x"], &[]),
        ("no braces", &[], &[]),
        ("é{{inputs.é}}{{inputs.n1}}", &["inputs.é", "inputs.n1"], &[("n1", 24..26)]),
    ];

    #[test]
    fn placeholders_and_input_names() {
        for (text, inners, names) in CASES {
            let found: Vec<&str> = placeholders(text).map(|p| p.inner).collect();
            assert_eq!(&found, inners, "{text}");
            for p in placeholders(text) {
                assert_eq!(&text[p.inner_range.clone()], p.inner, "{text}");
                assert!(text[p.range.clone()].starts_with("{{") && text[p.range.clone()].ends_with("}}"));
            }
            let found: Vec<(&str, Range<usize>)> = input_names(text).collect();
            assert_eq!(&found, names, "{text}");
            for (name, range) in found {
                assert_eq!(&text[range], name);
            }
        }
    }
}

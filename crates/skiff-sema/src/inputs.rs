//! `{{inputs.NAME}}` and `{{outputs.path}}` placeholders in a task's strings: found here, once,
//! for the checker (which reports names that are no parameter, and `outputs.path` in a task
//! without output), the compiler (which renders them) and the editor (which goes to, hovers and
//! renames the parameter a placeholder names).
//!
//! A placeholder is `{{`, then anything up to the next `}}`; spaces inside are allowed
//! (`{{ inputs.lr }}`). A `{{` with no `}}` after it is text, and so is everything after it.

use std::ops::Range;

use skiff_syntax::Span;
use skiff_syntax::ast::{Block, Value, ValueKind};

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
}

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
        let open = from + text.get(from..)?.find("{{")?;
        let start = open + 2;
        let close = start + text[start..].find("}}")?;
        from = close + 2;
        let raw = &text[start..close];
        let inner = raw.trim();
        let inner_start = start + (raw.len() - raw.trim_start().len());
        Some(Placeholder { range: open..from, inner, inner_range: inner_start..inner_start + inner.len() })
    })
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

/// [`visit_strings`] for one value.
pub fn visit_value_strings(v: &Value, f: &mut impl FnMut(&str, Span)) {
    match &v.kind {
        ValueKind::Str(s) => f(s, v.span),
        ValueKind::Object(b) => visit_strings(b, f),
        ValueKind::List(items) => items.iter().for_each(|i| visit_value_strings(i, f)),
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

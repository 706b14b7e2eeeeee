//! Lints: the policy checks of `skiff_k8s::policy` run on every effective pod, reported at the
//! line that wrote the value at fault (an override, a template, a YAML template file), and the
//! levels a project gives them and the other warnings (`[lints]` in `skiff.toml`, and
//! `// skiff: allow(code)` comments in the source).
//!
//! A task's pod is linted once (it is the pod of every call without overrides); a call with
//! overrides is linted in the same pass that merges its pod for its errors, and reports only
//! what its task's pod does not. A finding is placed by its origin, which may be in another
//! item or another file than the pod's: [`lints_by_file`] gathers every item's findings, and a
//! file's diagnostics take the ones placed in it. Which lints are on by default, and why, is
//! [`LINTS`] (and `docs/diagnostics.md`).

use rustc_hash::FxHashMap;
use skiff_k8s::policy::codes as policy;
use skiff_k8s::rules::Replacement;
use skiff_syntax::{Diagnostic, Fix, LineIndex, Severity, Span};

use crate::check::pod_checks;
use crate::config::project_config;
use crate::db::{Db, SourceFile, file_chunks, parse_chunk};
use crate::items::{ItemTag, file_items, item_ast, item_offsets};
use crate::pod::{Origin, Place, Tree};

/// How loud a code is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// A warning: shown, fails nothing unless `--deny warnings`.
    Warn,
    /// An error: `skiff check` exits 1 and `skiff build` builds nothing.
    Deny,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// Every lint and its default level. On by default: what is nearly always a mistake in a batch
/// pod and is written on purpose when it is not (privileges, the node's namespaces and files,
/// an image pinned to `:latest` on purpose). Off by default: what depends on the cluster (a
/// LimitRange may set resources; many images need root to start; a registry may keep tags
/// immutable or an admission policy pin digests), and what is common shorthand (`image:
/// "python"`): those would fire on most workflows written today.
pub const LINTS: &[(&str, Level)] = &[
    (policy::PRIVILEGED_CONTAINER, Level::Warn),
    (policy::PRIVILEGE_ESCALATION, Level::Warn),
    (policy::DANGEROUS_CAPABILITY, Level::Warn),
    (policy::HOST_NETWORK, Level::Warn),
    (policy::HOST_PID, Level::Warn),
    (policy::HOST_IPC, Level::Warn),
    (policy::HOST_PATH, Level::Warn),
    (policy::LATEST_TAG, Level::Warn),
    (policy::UNTAGGED_IMAGE, Level::Allow),
    (policy::MISSING_MEMORY_LIMIT, Level::Allow),
    (policy::MISSING_CPU_REQUEST, Level::Allow),
    (policy::RUN_AS_ROOT, Level::Allow),
];

/// The other codes that are warnings, and so may be given a level too. Errors may not: they
/// are what keeps skiff from building a pod.
pub const WARNINGS: &[&str] = &[crate::codes::UNUSED_IMPORT, skiff_k8s::codes::SUSPICIOUS_QUANTITY];

/// Whether `[lints]` and `skiff: allow(...)` may name this code.
pub fn is_configurable(code: &str) -> bool {
    LINTS.iter().any(|(c, _)| *c == code) || WARNINGS.contains(&code)
}

/// One finding of a lint on a pod, position-free: its place is relative to an item (or in a
/// YAML file).
#[derive(Clone, Debug, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct Lint<'db> {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    /// The value at fault. Built-in values (the base's primary container) are reported at
    /// `fallback`.
    pub origin: Origin<'db>,
    pub fallback: Place<'db>,
    /// What the value should read instead (`false`), and what the fix says.
    pub replace_with: Option<(String, String)>,
}

impl<'db> Lint<'db> {
    /// Where the lint is reported.
    pub fn place(&self) -> Place<'db> {
        match self.origin.place() {
            Place::Builtin => self.fallback,
            place => place,
        }
    }
}

/// The level of a lint or a warning in this project: `[lints]`, else its default.
pub fn level(db: &dyn Db, code: &str) -> Level {
    let default = LINTS.iter().find(|(c, _)| *c == code).map_or(Level::Warn, |(_, l)| *l);
    project_config(db).0.lints.get(code).copied().unwrap_or(default)
}

/// The lints not allowed by the project: the only ones the pods are checked for. Apart from
/// `project_config` so that an edit to `skiff.toml` that leaves them re-merges no pod.
#[salsa::tracked(returns(ref))]
pub fn enabled_lints(db: &dyn Db) -> Vec<&'static str> {
    LINTS.iter().map(|(code, _)| *code).filter(|code| level(db, code) != Level::Allow).collect()
}

/// The enabled lints of a merged pod; `fallback` is where what no file wrote is reported (the
/// task's name, the call).
pub fn pod_lints<'db>(db: &dyn Db, tree: &Tree<'db>, fallback: Place<'db>) -> Vec<Lint<'db>> {
    let enabled = enabled_lints(db);
    skiff_k8s::policy::pod_findings(tree, &|code| enabled.contains(&code))
        .into_iter()
        .map(|finding| Lint {
            code: finding.code,
            message: finding.message,
            help: finding.help,
            origin: finding.origin,
            fallback,
            replace_with: finding.fix.and_then(|fix| match fix.replacement {
                Replacement::Text(text) => Some((fix.message, text)),
                Replacement::Remove => None,
            }),
        })
        .collect()
}

/// Every lint of the workspace, by the file it is reported in. One value written once and read
/// by many pods (a template line used by ten tasks) is reported once.
#[derive(Clone, Debug, Default, PartialEq, Eq, salsa::SalsaValue)]
pub struct LintsByFile<'db>(pub FxHashMap<SourceFile, Vec<Lint<'db>>>);

#[salsa::tracked(returns(ref))]
pub fn lints_by_file<'db>(db: &'db dyn Db) -> LintsByFile<'db> {
    let mut out: FxHashMap<SourceFile, Vec<Lint<'db>>> = FxHashMap::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for file in db.files().skiff_files(db).values() {
        for item in file_items(db, *file) {
            if !matches!(item.tag(db), ItemTag::Task | ItemTag::Workflow) {
                continue;
            }
            for lint in &pod_checks(db, *item).lints {
                let place = lint.place();
                if !seen.insert((lint.code, place)) {
                    continue;
                }
                let file = match place {
                    Place::Item { item, .. } => item.file(db),
                    Place::Data { file, .. } => file,
                    Place::Builtin => continue,
                };
                out.entry(file).or_default().push(lint.clone());
            }
        }
    }
    LintsByFile(out)
}

/// The lints reported in one file: its part of [`lints_by_file`], so that a change of lints in
/// one file leaves the others' diagnostics alone.
#[salsa::tracked(returns(ref))]
pub fn file_lints<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<Lint<'db>> {
    lints_by_file(db).0.get(&file).cloned().unwrap_or_default()
}

/// The lints of one node's pod that its project reports (at their level, not allowed where the
/// value was written), as hover shows them beside the pod: the same findings `skiff check`
/// reports, found on the pod `explain_node` gives.
pub fn node_lints<'db>(db: &'db dyn Db, explained: &crate::explain::Explained<'db>) -> Vec<(Lint<'db>, Level)> {
    let Some(tree) = &explained.pod.tree else { return Vec::new() };
    let node = explained.node;
    let Some((_, binding)) = crate::pod::node_task(db, node.workflow, node.binding) else { return Vec::new() };
    let fallback = Place::Item { item: node.workflow, span: binding.call.span };
    pod_lints(db, &tree.0, fallback)
        .into_iter()
        .filter(|lint| !allowed_at(db, lint))
        .map(|lint| {
            let level = level(db, lint.code);
            (lint, level)
        })
        .collect()
}

/// Whether a `skiff: allow(...)` comment allows `lint` where it is reported.
fn allowed_at(db: &dyn Db, lint: &Lint<'_>) -> bool {
    let (file, offset) = match lint.place() {
        Place::Item { item, span } => (item.file(db), crate::items::item_offset(db, item) + span.start),
        Place::Data { file, span } => (file, span.start),
        Place::Builtin => return false,
    };
    let index = LineIndex::new(file.text(db));
    let allows = match lint.place() {
        Place::Data { .. } => yaml_allows(file.text(db), &index),
        _ => skiff_allows(db, file, &index),
    };
    let line = index.line(offset);
    allows.iter().any(|a| a.lines.0 <= line && line <= a.lines.1 && a.codes.iter().any(|c| c == lint.code))
}

/// The lints of a `.skiff` file as diagnostics, at absolute positions.
pub(crate) fn skiff_lint_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let lints = file_lints(db, file);
    if lints.is_empty() {
        return Vec::new();
    }
    let items = file_items(db, file);
    let offsets = item_offsets(db, file);
    let text = file.text(db);
    lints
        .iter()
        .filter_map(|lint| {
            let Place::Item { item, span } = lint.place() else { return None };
            let offset = items.iter().position(|i| *i == item).and_then(|at| offsets.get(at))?;
            Some(lint_diagnostic(lint, span.shifted(*offset), text, "//"))
        })
        .collect()
}

/// The lints of a YAML data file as diagnostics (levels and allows are applied with the file's
/// other diagnostics, by [`crate::diagnostics::data_file_diagnostics`]).
pub(crate) fn data_lint_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let text = file.text(db);
    file_lints(db, file)
        .iter()
        .filter_map(|lint| match lint.place() {
            Place::Data { span, .. } => Some(lint_diagnostic(lint, span, text, "#")),
            _ => None,
        })
        .collect()
}

fn lint_diagnostic(lint: &Lint<'_>, span: Span, text: &str, comment: &str) -> Diagnostic {
    let mut diagnostic = Diagnostic::warning(lint.code, span, lint.message.clone());
    if let Some(help) = &lint.help {
        diagnostic = diagnostic.with_help(help.clone());
    }
    let written = text.get(span.range()).unwrap_or_default();
    match &lint.replace_with {
        // Only where the text is the plain value the fix replaces.
        Some((message, replacement)) if written == "true" => {
            diagnostic = diagnostic.with_fix(Fix::replace(message.clone(), span, replacement.clone()));
        }
        _ => diagnostic = diagnostic.with_fix(allow_fix(lint.code, span, text, comment)),
    }
    diagnostic
}

/// Inserts `// skiff: allow(code)` on its own line above the line of `span`, indented as it is.
fn allow_fix(code: &str, span: Span, text: &str, comment: &str) -> Fix {
    let start = text[..(span.start as usize).min(text.len())].rfind('\n').map_or(0, |n| n + 1);
    let indent: String = text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    Fix::insert(format!("allow `{code}` here"), start as u32, format!("{indent}{comment} skiff: allow({code})\n"))
}

/// One `skiff: allow(...)` comment: the codes it names and the lines (0-based, inclusive) it
/// covers.
#[derive(Debug)]
pub(crate) struct Allow {
    codes: Vec<String>,
    lines: (usize, usize),
}

/// The codes of a comment's text (after `//` or `#`), if it is a `skiff: allow(...)`.
fn allow_codes(comment: &str) -> Option<Vec<String>> {
    let rest = comment.trim().strip_prefix("skiff:")?.trim_start().strip_prefix("allow(")?;
    let inside = rest.split_once(')')?.0;
    Some(inside.split(',').map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()).collect())
}

/// The `// skiff: allow(...)` comments of a `.skiff` file. At the end of a line, a comment
/// covers that line; on a line of its own, the next line that is not a comment, and when an
/// item starts there, the whole item.
pub(crate) fn skiff_allows(db: &dyn Db, file: SourceFile, index: &LineIndex) -> Vec<Allow> {
    let text = file.text(db);
    let mut allows = Vec::new();
    for &(chunk, offset) in file_chunks(db, file) {
        for comment in &parse_chunk(db, chunk).comments {
            let span = comment.span.shifted(offset);
            let Some(codes) = text.get(span.range()).and_then(|c| c.strip_prefix("//")).and_then(allow_codes) else {
                continue;
            };
            let line = index.line(span.start);
            let before = &text[index.line_start(line) as usize..span.start as usize];
            if !before.trim().is_empty() {
                allows.push(Allow { codes, lines: (line, line) });
                continue;
            }
            let target = next_code_line(text, index, line, "//");
            let item_end = file_items(db, file).iter().zip(item_offsets(db, file)).find_map(|(item, offset)| {
                let ast = item_ast(db, *item)?;
                let keyword = index.line(ast.span.start + offset);
                let first = ast.doc.as_ref().map_or(keyword, |d| index.line(d.span.start + offset));
                (first == target).then(|| index.line(ast.span.end + offset))
            });
            allows.push(Allow { codes, lines: (target, item_end.unwrap_or(target)) });
        }
    }
    allows
}

/// The `# skiff: allow(...)` comments of a YAML file: at the end of a line, that line; on a
/// line of its own, the next line that is not a comment, or the whole file above its first
/// value.
pub(crate) fn yaml_allows(text: &str, index: &LineIndex) -> Vec<Allow> {
    let mut allows = Vec::new();
    let mut content_seen = false;
    for (line, line_text) in text.lines().enumerate() {
        let trimmed = line_text.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(codes) = allow_codes(comment) {
                let lines = if content_seen {
                    let target = next_code_line(text, index, line, "#");
                    (target, target)
                } else {
                    (0, usize::MAX)
                };
                allows.push(Allow { codes, lines });
            }
            continue;
        }
        if !trimmed.is_empty() && trimmed != "---" {
            content_seen = true;
        }
        if let Some(at) = yaml_comment_start(line_text)
            && let Some(codes) = allow_codes(&line_text[at + 1..])
        {
            allows.push(Allow { codes, lines: (line, line) });
        }
    }
    allows
}

/// Where a `#` comment starts on a YAML line: after a space and outside quotes.
fn yaml_comment_start(line: &str) -> Option<usize> {
    let (mut single, mut double, mut previous) = (false, false, ' ');
    for (at, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && previous != '\\' => double = !double,
            '#' if !single && !double && previous.is_whitespace() => return Some(at),
            _ => {}
        }
        previous = c;
    }
    None
}

/// The first line after `line` that is neither blank nor only a comment.
fn next_code_line(text: &str, index: &LineIndex, line: usize, comment: &str) -> usize {
    let mut next = line + 1;
    while next < index.line_count() {
        let start = index.line_start(next) as usize;
        let line_text = text[start..].lines().next().unwrap_or("").trim();
        if !line_text.is_empty() && !line_text.starts_with(comment) {
            break;
        }
        next += 1;
    }
    next
}

/// The project's levels, and the source's `skiff: allow(...)`, on a file's diagnostics: a
/// lint off by default and not turned on goes, an allowed code goes, `warn` and `deny` set the
/// severity. Only lints and warnings change ([`is_configurable`]).
pub(crate) fn apply_levels(
    db: &dyn Db,
    diagnostics: Vec<Diagnostic>,
    index: &LineIndex,
    allows: &[Allow],
) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter_map(|mut diagnostic| {
            if !is_configurable(diagnostic.code) {
                return Some(diagnostic);
            }
            let level = level(db, diagnostic.code);
            let line = index.line(diagnostic.span.start);
            let allowed = allows
                .iter()
                .any(|a| a.lines.0 <= line && line <= a.lines.1 && a.codes.iter().any(|c| c == diagnostic.code));
            match level {
                Level::Allow => None,
                _ if allowed => None,
                Level::Warn => {
                    diagnostic.severity = Severity::Warning;
                    Some(diagnostic)
                }
                Level::Deny => {
                    diagnostic.severity = Severity::Error;
                    Some(diagnostic)
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_comments_name_their_codes() {
        assert_eq!(allow_codes(" skiff: allow(host-network)"), Some(vec!["host-network".to_owned()]));
        assert_eq!(allow_codes("skiff:allow( host-pid , host-ipc )"), Some(vec!["host-pid".into(), "host-ipc".into()]));
        assert_eq!(allow_codes(" the node agent needs it"), None);
    }

    #[test]
    fn yaml_comments_are_found_outside_quotes() {
        assert_eq!(yaml_comment_start("  hostNetwork: true # skiff: allow(host-network)"), Some(20));
        assert_eq!(yaml_comment_start("  image: \"a#b\""), None);
        assert_eq!(yaml_comment_start("  path: /x#y"), None);
        let text = "# skiff: allow(host-path)\nspec:\n  # skiff: allow(host-pid)\n\n  hostPID: true\n";
        let allows = yaml_allows(text, &LineIndex::new(text));
        assert_eq!(allows[0].lines, (0, usize::MAX));
        assert_eq!(allows[1].lines, (4, 4));
    }
}

//! Completion. The parser drops the half-written field under the cursor, so the context comes
//! from two sources: the tree for where the cursor is (which item, which Kubernetes block, which
//! call), and the text of the line before the cursor for what is being written there (a key, a
//! value after `key:`, a name after `let x =`, `pod_template:`, `extends`, `override`, `return`).
//!
//! Every candidate is returned with the span it replaces; the editor filters by what is typed.

use crate::defs::{self, alias_target, scope_items};
use crate::locate::{self, BodyCtx, is_skiff_field};
use crate::{FilePosition, file};
use skiff_k8s::{BodyShape, Kind, schema};
use skiff_sema::items::{ItemId, ItemTag, Signature};
use skiff_sema::{Db, SourceFile, TASK_SKIFF_FIELDS, parse};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A type or signature.
    pub detail: Option<String>,
    /// Markdown.
    pub documentation: Option<String>,
    pub insert_text: String,
    /// The text the completion replaces (what has been typed of it).
    pub replace: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    Field,
    EnumValue,
    Task,
    Template,
    Workflow,
    /// An import alias.
    Module,
    Binding,
    Parameter,
    File,
    Keyword,
}

const ITEM_KEYWORDS: &[&str] = &["import", "pod_template", "task", "workflow"];

pub(crate) fn completion(db: &dyn Db, position: &FilePosition) -> Vec<CompletionItem> {
    let Some(file) = file(db, &position.path) else { return Vec::new() };
    let text = file.text(db);
    let offset = (position.offset as usize).min(text.len());
    if !text.is_char_boundary(offset) {
        return Vec::new();
    }
    let cx = Cx::new(db, file, text, offset as u32);
    cx.complete()
}

struct Cx<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    text: &'a str,
    offset: u32,
    /// The line before the cursor.
    before: &'a str,
    /// The word being typed.
    word: Span,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Cx<'a> {
    fn new(db: &'a dyn Db, file: SourceFile, text: &'a str, offset: u32) -> Self {
        let at = offset as usize;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let before = &text[line_start..at];
        let word_len: usize = before.chars().rev().take_while(|c| is_word(*c)).map(char::len_utf8).sum();
        Cx { db, file, text, offset, before, word: Span::new(offset - word_len as u32, offset) }
    }

    /// The line before the word being typed.
    fn head(&self) -> &'a str {
        &self.before[..self.before.len() - self.word.len() as usize]
    }

    fn complete(&self) -> Vec<CompletionItem> {
        let parsed = parse(self.db, self.file);
        let head = self.head();
        let trimmed = head.trim_start();
        if let Some(partial) = trimmed.strip_prefix("import").map(str::trim_start).and_then(|r| r.strip_prefix('"'))
            && !partial.contains('"')
        {
            return self.import_paths(partial);
        }
        let item = locate::item_at(&parsed.file, self.offset);
        // `alias.` followed by the word: an item of the imported file.
        if let Some(qualifier) = head.strip_suffix('.') {
            let alias_len = qualifier.chars().rev().take_while(|c| is_word(*c)).count();
            let alias = &qualifier[qualifier.len() - alias_len..];
            let context = &qualifier[..qualifier.len() - alias_len];
            let tag = if names_template(context) {
                Some(ItemTag::Template)
            } else {
                self.callee_context(context).then_some(ItemTag::Task)
            };
            if let (Some(tag), Some(target)) = (tag, alias_target(self.db, self.file, alias)) {
                return self.items_of(target, tag, false);
            }
            return Vec::new();
        }
        if names_template(head) {
            return self.items_of(self.file, ItemTag::Template, true);
        }
        if self.callee_context(head) {
            return self.items_of(self.file, ItemTag::Task, true);
        }
        if trimmed == "return " || trimmed.starts_with("return ") && trimmed.trim_end() == "return" {
            return item.map(|i| self.locals(i.ast, None)).unwrap_or_default();
        }
        if trimmed.starts_with("override")
            && trimmed.trim_start_matches("override").trim().trim_start_matches("replace").trim().is_empty()
        {
            return self.override_keys();
        }
        let Some(item) = item else {
            return if trimmed.is_empty() { self.keywords() } else { Vec::new() };
        };
        if let Some(found) = self.in_call(item.ast) {
            return found;
        }
        if let Some((ctx, _)) = locate::block_at(item.ast, self.text, self.offset) {
            return self.in_block(&ctx);
        }
        Vec::new()
    }

    /// `let NAME =` before the word.
    fn callee_context(&self, head: &str) -> bool {
        let Some(rest) = head.trim_start().strip_prefix("let ") else { return false };
        let rest = rest.trim_start();
        let name_len = rest.chars().take_while(|c| is_word(*c)).map(char::len_utf8).sum::<usize>();
        name_len > 0 && rest[name_len..].trim() == "="
    }

    fn item(
        &self,
        label: String,
        kind: CompletionKind,
        detail: Option<String>,
        documentation: Option<String>,
    ) -> CompletionItem {
        CompletionItem { insert_text: label.clone(), label, kind, detail, documentation, replace: self.word }
    }

    fn keywords(&self) -> Vec<CompletionItem> {
        ITEM_KEYWORDS.iter().map(|k| self.item(k.to_string(), CompletionKind::Keyword, None, None)).collect()
    }

    /// Items of `tag` in `file`; with `aliases`, the file's import aliases too (to go on with `.`).
    fn items_of(&self, file: SourceFile, tag: ItemTag, aliases: bool) -> Vec<CompletionItem> {
        let db = self.db;
        let mut out = Vec::new();
        for item in scope_items(db, file) {
            if item.tag(db) == tag {
                let kind = if tag == ItemTag::Task { CompletionKind::Task } else { CompletionKind::Template };
                out.push(self.item(item.name(db).to_string(), kind, item_detail(db, item), item_doc(db, item)));
            } else if aliases && item.tag(db) == ItemTag::Import {
                let detail = match item.summary(db).map(|s| &s.signature) {
                    Some(Signature::Import { path }) => Some(format!("import \"{path}\"")),
                    _ => None,
                };
                out.push(self.item(item.name(db).to_string(), CompletionKind::Module, detail, None));
            }
        }
        out
    }

    fn import_paths(&self, partial: &str) -> Vec<CompletionItem> {
        let db = self.db;
        let importer = self.file.path(db);
        let replace = Span::new(self.offset - partial.len() as u32, self.offset);
        db.files()
            .skiff_files(db)
            .keys()
            .filter(|path| *path != importer)
            .map(|path| {
                let relative = relative_path(importer, path);
                CompletionItem {
                    label: relative.clone(),
                    kind: CompletionKind::File,
                    detail: None,
                    documentation: None,
                    insert_text: relative,
                    replace,
                }
            })
            .collect()
    }

    fn override_keys(&self) -> Vec<CompletionItem> {
        let mut out: Vec<CompletionItem> = ["pod_template", "retries", "timeout"]
            .iter()
            .map(|k| {
                let (ty, doc) = crate::render::skiff_field_doc(k).unwrap_or_default();
                self.item(k.to_string(), CompletionKind::Field, Some(ty.to_string()), Some(doc.to_string()))
            })
            .collect();
        out.extend(self.fields(BodyShape::Container, &[]));
        if !self.head().contains("replace") {
            out.push(self.item("replace".into(), CompletionKind::Keyword, None, None));
        }
        out
    }

    /// Argument names and values inside a call's parentheses.
    fn in_call(&self, item: &Item) -> Option<Vec<CompletionItem>> {
        let ItemKind::Workflow(workflow) = &item.kind else { return None };
        let binding = workflow.body.iter().find_map(|s| match s {
            Stmt::Let(b) if b.call.span.touches(self.offset) && self.offset > b.call.callee.span.end => Some(b),
            _ => None,
        })?;
        let call = &binding.call;
        let closed = self.text.as_bytes().get(call.span.end as usize - 1) == Some(&b')');
        if closed && self.offset >= call.span.end {
            return None;
        }
        let before_word = self.text[call.callee.span.end as usize..self.word.start as usize].trim_end();
        if before_word.ends_with(':') {
            return Some(self.locals(item, Some(binding.span.start)));
        }
        let task = defs::callee(self.db, self.file, call)?;
        let Some(Signature::Task(signature)) = task.summary(self.db).map(|s| &s.signature) else {
            return Some(Vec::new());
        };
        let given: Vec<&str> =
            call.args.iter().filter(|a| !a.name.span.touches(self.offset)).map(|a| a.name.text.as_str()).collect();
        Some(
            signature
                .params
                .iter()
                .filter(|p| !given.contains(&p.name.as_str()))
                .map(|p| CompletionItem {
                    label: p.name.to_string(),
                    kind: CompletionKind::Parameter,
                    detail: Some(p.ty.to_string()),
                    documentation: None,
                    insert_text: format!("{}: ", p.name),
                    replace: self.word,
                })
                .collect(),
        )
    }

    /// Bindings (defined before `before`, if given) and parameters of a workflow.
    fn locals(&self, item: &Item, before: Option<u32>) -> Vec<CompletionItem> {
        let ItemKind::Workflow(workflow) = &item.kind else { return Vec::new() };
        let mut out = Vec::new();
        for stmt in &workflow.body {
            if let Stmt::Let(b) = stmt
                && before.is_none_or(|at| b.span.start < at)
                && !out.iter().any(|c: &CompletionItem| c.label == b.name.text)
            {
                out.push(self.item(
                    b.name.text.to_string(),
                    CompletionKind::Binding,
                    Some(b.call.callee.to_dotted()),
                    None,
                ));
            }
        }
        for p in &workflow.params {
            let ty = skiff_sema::types::Ty::from_syntax(&p.ty).to_string();
            out.push(self.item(p.name.text.to_string(), CompletionKind::Parameter, Some(ty), None));
        }
        out
    }

    /// Keys or values inside a Kubernetes block.
    fn in_block(&self, ctx: &BodyCtx) -> Vec<CompletionItem> {
        let head = self.head();
        let quoted = head.ends_with('"');
        let head = head.strip_suffix('"').unwrap_or(head).trim_end();
        let Some(key_end) = head.strip_suffix(':') else {
            if quoted {
                return Vec::new();
            }
            let mut out = self.fields(ctx.shape, &ctx.path_strs());
            if ctx.allows_skiff_fields() {
                for name in TASK_SKIFF_FIELDS {
                    let (ty, doc) = crate::render::skiff_field_doc(name).unwrap_or_default();
                    out.push(self.item(name.to_string(), CompletionKind::Field, Some(ty.into()), Some(doc.into())));
                }
            }
            return out;
        };
        let key_end = key_end.trim_end();
        let key = match key_end.strip_suffix('"') {
            Some(open) => open.rsplit_once('"').map_or("", |(_, k)| k),
            None => {
                let len: usize = key_end.chars().rev().take_while(|c| is_word(*c)).map(char::len_utf8).sum();
                &key_end[key_end.len() - len..]
            }
        };
        if ctx.allows_skiff_fields() && is_skiff_field(key) {
            return Vec::new();
        }
        let mut path = ctx.path_strs();
        path.push(key);
        let Some(doc) = skiff_k8s::describe(ctx.shape, &path) else { return Vec::new() };
        // Inside quotes the completion replaces the opening quote too, and a closing one the
        // editor inserted.
        let mut replace = self.word;
        if quoted {
            replace.start -= 1;
            if self.text.as_bytes().get(self.offset as usize) == Some(&b'"') {
                replace.end += 1;
            }
        }
        let values: Vec<String> = match (doc.enum_values, schema().kind(doc.ty)) {
            (Some(values), _) => values.iter().map(|v| format!("\"{v}\"")).collect(),
            (None, Kind::Boolean) => vec!["true".into(), "false".into()],
            _ => Vec::new(),
        };
        values
            .into_iter()
            .map(|v| CompletionItem {
                label: v.clone(),
                kind: CompletionKind::EnumValue,
                detail: Some(doc.type_name.clone()),
                documentation: None,
                insert_text: v,
                replace,
            })
            .collect()
    }

    fn fields(&self, shape: BodyShape, path: &[&str]) -> Vec<CompletionItem> {
        skiff_k8s::fields_at(shape, path)
            .into_iter()
            .map(|f| {
                let mut doc = f.description.clone();
                if let Some(values) = f.enum_values {
                    doc.push_str(&format!("\n\nOne of: {}", values.join(", ")));
                }
                self.item(f.name, CompletionKind::Field, Some(f.type_name), Some(doc))
            })
            .collect()
    }
}

/// `pod_template:`, `override [replace] pod_template:` or `extends` before the word.
fn names_template(head: &str) -> bool {
    let head = head.trim_end();
    if let Some(rest) = head.strip_suffix("extends") {
        return rest.trim_start().starts_with("pod_template");
    }
    let Some(rest) = head.strip_suffix(':') else { return false };
    rest.trim_end().ends_with("pod_template")
}

fn item_detail(db: &dyn Db, item: ItemId<'_>) -> Option<String> {
    let summary = item.summary(db)?;
    Some(match &summary.signature {
        Signature::Task(sig) | Signature::Workflow(sig) => {
            let params: Vec<String> = sig.params.iter().map(|p| format!("{}: {}", p.name, p.ty)).collect();
            format!("({}) -> {}", params.join(", "), sig.output)
        }
        Signature::Template { extends: Some(parent), .. } => format!("extends {}", parent.join(".")),
        Signature::Template { from_file: Some(path), .. } => format!("from \"{path}\""),
        _ => return None,
    })
}

fn item_doc(db: &dyn Db, item: ItemId<'_>) -> Option<String> {
    defs::item_syntax(db, item)?.doc.as_ref().map(|d| d.text.clone())
}

/// `target` as an import path written in `importer`.
fn relative_path(importer: &str, target: &str) -> String {
    let from: Vec<&str> = importer.split('/').collect();
    let from = &from[..from.len() - 1];
    let to: Vec<&str> = target.split('/').collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to[common..]);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::{Expect, expect};

    /// The labels that start like the typed word (as an editor filters them), with details.
    fn check(text: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let items = host.analysis().completion(&position).unwrap();
        let source = host.text(&position.path).unwrap();
        let shown: Vec<String> = items
            .iter()
            .filter(|i| {
                let typed = &source[i.replace.start as usize..position.offset as usize];
                i.label.to_lowercase().starts_with(&typed.to_lowercase())
            })
            .map(|i| {
                let detail = i.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                let insert = if i.insert_text != i.label { format!(" => {:?}", i.insert_text) } else { String::new() };
                format!("{:?} {}{detail}{insert}", i.kind, i.label)
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn kubernetes_fields_at_the_top_of_a_template() {
        check("pod_template p {\n  nodeSel$0\n}\n", expect!["Field nodeSelector (map[string]string)"]);
    }

    #[test]
    fn kubernetes_fields_deep_in_a_list() {
        check("pod_template p {\n  tolerations: [{ ke$0 }]\n}\n", expect!["Field key (string)"]);
        check("task t() {\n  resources { li$0 }\n}\n", expect!["Field limits (map[string]Quantity)"]);
    }

    #[test]
    fn task_body_offers_skiff_fields() {
        check("task t() {\n  image: \"i\"\n  ret$0\n}\n", expect!["Field retries (int (0 to 100))"]);
    }

    #[test]
    fn override_bodies() {
        check(
            "task t() {\n  image: \"i\"\n}\nworkflow w() {\n  let a = t()\n    override pod_template {\n      host$0\n    }\n}\n",
            expect![[r#"
                Field hostAliases ([]HostAlias)
                Field hostIPC (boolean)
                Field hostNetwork (boolean)
                Field hostPID (boolean)
                Field hostUsers (boolean)
                Field hostname (string)
                Field hostnameOverride (string)"#]],
        );
        check(
            "task t() {\n  image: \"i\"\n}\nworkflow w() {\n  let a = t()\n    override ti$0\n}\n",
            expect!["Field timeout (duration)"],
        );
    }

    #[test]
    fn enum_values() {
        check(
            "pod_template p {\n  tolerations: [{ operator: $0 }]\n}\n",
            expect![[r#"
            EnumValue "Exists" (string)
            EnumValue "Equal" (string)
            EnumValue "Lt" (string)
            EnumValue "Gt" (string)"#]],
        );
        check(
            "pod_template p {\n  tolerations: [{ effect: \"No$0\" }]\n}\n",
            expect![[r#"
            EnumValue "NoSchedule" (string)
            EnumValue "NoExecute" (string)"#]],
        );
    }

    #[test]
    fn names_in_workflows() {
        let text = "//- main.skiff\nimport \"lib.skiff\" as lib\ntask train(data: File, epochs: int = 1) -> File {\n  image: \"i\"\n}\nworkflow w(input: File) -> File {\n  let first = train(data: input)\n  $0\n}\n//- lib.skiff\ntask clean(x: File) -> File {\n  image: \"i\"\n}\npod_template gpu {}\n";
        check(
            &text.replace("  $0\n", "  let second = $0\n"),
            expect![[r#"
            Module lib (import "lib.skiff")
            Task train ((data: File, epochs: int) -> File)"#]],
        );
        check(&text.replace("  $0\n", "  let second = lib.$0\n"), expect!["Task clean ((x: File) -> File)"]);
        check(
            &text.replace("  $0\n", "  let second = train(data: first, $0)\n"),
            expect![[r#"Parameter epochs (int) => "epochs: ""#]],
        );
        check(
            &text.replace("  $0\n", "  let second = train(data: $0)\n"),
            expect![[r#"
            Binding first (train)
            Parameter input (File)"#]],
        );
        check(
            &text.replace("  $0\n", "  return $0\n"),
            expect![[r#"
            Binding first (train)
            Parameter input (File)"#]],
        );
    }

    #[test]
    fn templates_and_import_paths() {
        let text = "//- main.skiff\nimport \"lib/gpu.skiff\" as gpu\npod_template local {}\ntask t() {\n  image: \"i\"\n  $0\n}\n//- lib/gpu.skiff\npod_template v100 {}\n//- other.skiff\n";
        check(
            &text.replace("  $0\n", "  pod_template: $0\n"),
            expect![[r#"
            Module gpu (import "lib/gpu.skiff")
            Template local"#]],
        );
        check(&text.replace("  $0\n", "  pod_template: gpu.$0\n"), expect!["Template v100"]);
        check(
            &text.replace("import \"lib/gpu.skiff\"", "import \"$0"),
            expect![[r#"
            File lib/gpu.skiff
            File other.skiff"#]],
        );
    }
}

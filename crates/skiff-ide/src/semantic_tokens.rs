//! Semantic tokens: what each name means, for highlighting that a grammar cannot know (an
//! import alias, a task, a template, a parameter, a binding, a Kubernetes field, skiff's own
//! fields). Keywords, strings, numbers and comments are the grammar's job.

use crate::file;
use crate::locate::{self, is_skiff_field};
use skiff_sema::{Db, parse};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An import alias.
    Namespace,
    Template,
    Task,
    Workflow,
    Parameter,
    Binding,
    /// A Kubernetes field or map key.
    Property,
    /// A data type (`int`, `File`, `list`).
    Type,
    /// A unit literal (`8Gi`, `30s`).
    Number,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenModifier {
    Declaration,
    /// Part of skiff itself: its task fields, its data types.
    DefaultLibrary,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub span: Span,
    pub kind: TokenKind,
    pub modifiers: Vec<TokenModifier>,
}

pub(crate) fn semantic_tokens(db: &dyn Db, path: &str) -> Vec<SemanticToken> {
    let Some(file) = file(db, path) else { return Vec::new() };
    let text = file.text(db);
    let mut out = Tokens { out: Vec::new(), text };
    for item in locate::items(&parse(db, file).file) {
        out.item(item.ast);
    }
    out.out.sort_by_key(|t| (t.span.start, t.span.end));
    // Tokens may not overlap (a client draws them in order).
    let mut last_end = 0;
    out.out.retain(|t| {
        let keep = t.span.start >= last_end && !t.span.is_empty();
        if keep {
            last_end = t.span.end;
        }
        keep
    });
    out.out
}

struct Tokens<'a> {
    out: Vec<SemanticToken>,
    text: &'a str,
}

impl Tokens<'_> {
    fn push(&mut self, span: Span, kind: TokenKind, modifiers: &[TokenModifier]) {
        self.out.push(SemanticToken { span, kind, modifiers: modifiers.to_vec() });
    }

    fn item(&mut self, item: &Item) {
        use TokenModifier::Declaration;
        match &item.kind {
            ItemKind::Import(import) => {
                if let Some(alias) = &import.alias {
                    self.push(alias.span, TokenKind::Namespace, &[Declaration]);
                }
            }
            ItemKind::Template(t) => {
                self.push(t.name.span, TokenKind::Template, &[Declaration]);
                if let Some(e) = &t.extends {
                    self.path(e, TokenKind::Template);
                }
                if let TemplateBody::Block(b) = &t.body {
                    self.block(b, false);
                }
            }
            ItemKind::Task(t) => {
                self.push(t.name.span, TokenKind::Task, &[Declaration]);
                self.params(&t.params);
                if let Some(o) = &t.output {
                    self.ty(o);
                }
                self.block(&t.body, true);
            }
            ItemKind::Workflow(w) => {
                self.push(w.name.span, TokenKind::Workflow, &[Declaration]);
                self.params(&w.params);
                if let Some(o) = &w.output {
                    self.ty(o);
                }
                let mut bound: Vec<&str> = Vec::new();
                for stmt in &w.body {
                    match stmt {
                        Stmt::Let(b) => {
                            self.push(b.name.span, TokenKind::Binding, &[Declaration]);
                            self.path(&b.call.callee, TokenKind::Task);
                            for arg in &b.call.args {
                                self.push(arg.name.span, TokenKind::Parameter, &[]);
                                self.local(&arg.value, &bound);
                            }
                            for o in &b.overrides {
                                self.override_field(&o.field);
                            }
                            bound.push(&b.name.text);
                        }
                        Stmt::Return(r) => self.local(&r.value, &bound),
                        Stmt::Error(_) => {}
                    }
                }
            }
            ItemKind::Error => {}
        }
    }

    fn params(&mut self, params: &[Param]) {
        for p in params {
            self.push(p.name.span, TokenKind::Parameter, &[TokenModifier::Declaration]);
            self.ty(&p.ty);
            if let Some(d) = &p.default {
                self.value(d);
            }
        }
    }

    fn ty(&mut self, ty: &TypeExpr) {
        match &ty.kind {
            TypeKind::Named { name, args } => {
                self.push(name.span, TokenKind::Type, &[TokenModifier::DefaultLibrary]);
                args.iter().for_each(|a| self.ty(a));
            }
            TypeKind::Optional(inner) => self.ty(inner),
            TypeKind::Unit | TypeKind::Error => {}
        }
    }

    /// A path naming an item: its leading segments are import aliases.
    fn path(&mut self, path: &Path, last: TokenKind) {
        let n = path.segments.len();
        for (i, segment) in path.segments.iter().enumerate() {
            self.push(segment.span, if i + 1 == n { last } else { TokenKind::Namespace }, &[]);
        }
    }

    fn local(&mut self, value: &Value, bound: &[&str]) {
        match &value.kind {
            ValueKind::Ref(p) => {
                if let Some(first) = p.segments.first() {
                    let kind =
                        if bound.contains(&first.text.as_str()) { TokenKind::Binding } else { TokenKind::Parameter };
                    self.push(first.span, kind, &[]);
                }
            }
            ValueKind::List(items) => items.iter().for_each(|v| self.local(v, bound)),
            _ => self.value(value),
        }
    }

    fn override_field(&mut self, field: &Field) {
        if field.key.name.text == "pod_template" {
            self.push(field.key.name.span, TokenKind::Property, &[TokenModifier::DefaultLibrary]);
            match field.op.value().map(|v| &v.kind) {
                Some(ValueKind::Ref(p)) => self.path(p, TokenKind::Template),
                Some(ValueKind::Object(b)) => self.block(b, false),
                _ => {}
            }
            return;
        }
        self.field(field, true);
    }

    fn block(&mut self, block: &Block, task_root: bool) {
        for field in &block.fields {
            if task_root && field.key.name.text == "pod_template" {
                self.override_field(field);
                continue;
            }
            self.field(field, task_root);
        }
    }

    fn field(&mut self, field: &Field, root: bool) {
        let modifiers: &[TokenModifier] =
            if root && is_skiff_field(&field.key.name.text) { &[TokenModifier::DefaultLibrary] } else { &[] };
        self.push(field.key.name.span, TokenKind::Property, modifiers);
        if let Some(v) = field.op.value() {
            self.value(v);
        }
    }

    fn value(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Unit(_) => self.push(value.span, TokenKind::Number, &[]),
            ValueKind::Object(b) => self.block(b, false),
            ValueKind::List(items) => items.iter().for_each(|v| self.value(v)),
            ValueKind::Str(_) => {
                for (_, span) in locate::placeholders(self.text, value.span) {
                    self.push(span, TokenKind::Parameter, &[]);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::expect;

    #[test]
    fn names_by_meaning() {
        let (host, _) = fixture(
            "import \"lib.skiff\" as lib\ntask t(n: int = 1) -> File {\n  image: \"{{inputs.n}}\"\n  retries: 2\n  resources { limits { memory: 1Gi } }\n  pod_template: lib.gpu\n}\nworkflow w() -> File {\n  let a = t(n: 2)\n    override resources { limits { cpu: 2 } }\n  return a\n}\n",
        );
        let text = host.text("main.skiff").unwrap();
        let tokens = host.analysis().semantic_tokens("main.skiff").unwrap();
        let shown: Vec<String> =
            tokens.iter().map(|t| format!("{:?} {:?} {:?}", &text[t.span.range()], t.kind, t.modifiers)).collect();
        expect![[r#"
            "lib" Namespace [Declaration]
            "t" Task [Declaration]
            "n" Parameter [Declaration]
            "int" Type [DefaultLibrary]
            "File" Type [DefaultLibrary]
            "image" Property []
            "n" Parameter []
            "retries" Property [DefaultLibrary]
            "resources" Property []
            "limits" Property []
            "memory" Property []
            "1Gi" Number []
            "pod_template" Property [DefaultLibrary]
            "lib" Namespace []
            "gpu" Template []
            "w" Workflow [Declaration]
            "File" Type [DefaultLibrary]
            "a" Binding [Declaration]
            "t" Task []
            "n" Parameter []
            "resources" Property []
            "limits" Property []
            "cpu" Property []
            "a" Binding []"#]]
        .assert_eq(&shown.join("\n"));
    }
}

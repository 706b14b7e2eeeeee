//! A readable, stable rendering of a [`Parse`] for golden tests and `skiff check --dump-ast`.

use crate::Parse;
use crate::ast::*;
use std::fmt::Write;

/// One node a line, indented by depth, each with its span; then the errors.
pub fn dump(parse: &Parse) -> String {
    let mut out = Dumper { out: String::new(), depth: 0 };
    for item in &parse.file.items {
        out.item(item);
    }
    for error in &parse.errors {
        let _ = writeln!(out.out, "error[{}] {:?}: {}", error.code, error.span, error.message);
        if let Some(fix) = &error.fix {
            for edit in &fix.edits {
                let _ = writeln!(out.out, "  fix {:?} {:?}: {}", edit.span, edit.text, fix.message);
            }
        }
    }
    out.out
}

struct Dumper {
    out: String,
    depth: usize,
}

impl Dumper {
    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        let _ = self.out.write_fmt(text);
        self.out.push('\n');
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn item(&mut self, item: &Item) {
        let doc = item.doc.as_ref().map(|d| format!(" doc={:?}", d.text)).unwrap_or_default();
        match &item.kind {
            ItemKind::Import(import) => {
                let alias = import.alias.as_ref().map_or("?", |a| &a.text);
                self.line(format_args!("import {:?} as {alias} {:?}{doc}", import.path.value, item.span));
            }
            ItemKind::Template(template) => {
                let extends =
                    template.extends.as_ref().map(|p| format!(" extends {}", p.to_dotted())).unwrap_or_default();
                self.line(format_args!("pod_template {}{extends} {:?}{doc}", template.name.text, item.span));
                self.nested(|d| match &template.body {
                    TemplateBody::Block(block) => d.block(block),
                    TemplateBody::File(path) => d.line(format_args!("from {:?} {:?}", path.value, path.span)),
                });
            }
            ItemKind::Task(task) => {
                self.line(format_args!("task {} {:?}{doc}", task.name.text, item.span));
                self.nested(|d| {
                    d.params(&task.params);
                    if let Some(output) = &task.output {
                        d.line(format_args!("-> {}", type_text(output)));
                    }
                    d.block(&task.body);
                });
            }
            ItemKind::Workflow(workflow) => {
                self.line(format_args!("workflow {} {:?}{doc}", workflow.name.text, item.span));
                self.nested(|d| {
                    d.params(&workflow.params);
                    if let Some(output) = &workflow.output {
                        d.line(format_args!("-> {}", type_text(output)));
                    }
                    for stmt in &workflow.body {
                        d.stmt(stmt);
                    }
                });
            }
            ItemKind::Error => self.line(format_args!("error-item {:?}", item.span)),
        }
    }

    fn params(&mut self, params: &[Param]) {
        for param in params {
            let default = param.default.as_ref().map(|v| format!(" = {}", value_text(v))).unwrap_or_default();
            self.line(format_args!("param {}: {}{default} {:?}", param.name.text, type_text(&param.ty), param.span));
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Let(binding) => {
                self.line(format_args!(
                    "let {} = {} {:?}",
                    binding.name.text,
                    binding.call.callee.to_dotted(),
                    binding.span
                ));
                self.nested(|d| {
                    for arg in &binding.call.args {
                        d.line(format_args!("arg {}: {} {:?}", arg.name.text, value_text(&arg.value), arg.span));
                        d.nested(|d| d.value_children(&arg.value));
                    }
                    for o in &binding.overrides {
                        d.line(format_args!("override {:?}", o.span));
                        d.nested(|d| d.field(&o.field));
                    }
                });
            }
            Stmt::Return(ret) => self.line(format_args!("return {} {:?}", value_text(&ret.value), ret.span)),
            Stmt::Error(span) => self.line(format_args!("error-stmt {span:?}")),
        }
    }

    fn block(&mut self, block: &Block) {
        self.line(format_args!("block {:?}", block.span));
        self.nested(|d| {
            for field in &block.fields {
                d.field(field);
            }
        });
    }

    fn field(&mut self, field: &Field) {
        let key = key_text(&field.key);
        let (op, value) = match &field.op {
            FieldOp::Set { value, block_sugar: true } => ("{}", Some(value)),
            FieldOp::Set { value, block_sugar: false } => (":", Some(value)),
            FieldOp::Append(value) => ("+=", Some(value)),
            FieldOp::Replace { value, .. } => ("replace", Some(value)),
            FieldOp::Delete => ("delete", None),
            FieldOp::Error => ("error", None),
        };
        let shown = value.map(|v| format!(" {}", value_text(v))).unwrap_or_default();
        self.line(format_args!("field {key} {op}{shown} {:?}", field.span));
        if let Some(value) = value {
            self.nested(|d| d.value_children(value));
        }
    }

    fn value_children(&mut self, value: &Value) {
        match &value.kind {
            ValueKind::Object(block) => {
                for field in &block.fields {
                    self.field(field);
                }
            }
            ValueKind::List(items) => {
                for item in items {
                    if matches!(item.kind, ValueKind::Object(_) | ValueKind::List(_)) {
                        self.line(format_args!("{} {:?}", value_text(item), item.span));
                        self.nested(|d| d.value_children(item));
                    }
                }
            }
            _ => {}
        }
    }
}

fn key_text(key: &Key) -> String {
    let name = if key.quoted { format!("{:?}", key.name.text) } else { key.name.text.to_string() };
    match &key.index {
        Some(index) => format!("{name}[{}]", value_text(index)),
        None => name,
    }
}

fn type_text(ty: &TypeExpr) -> String {
    match &ty.kind {
        TypeKind::Named { name, args } if args.is_empty() => name.text.to_string(),
        TypeKind::Named { name, args } => {
            let args: Vec<String> = args.iter().map(type_text).collect();
            format!("{}[{}]", name.text, args.join(", "))
        }
        TypeKind::Optional(inner) => format!("{}?", type_text(inner)),
        TypeKind::Unit => "()".into(),
        TypeKind::Error => "<error>".into(),
    }
}

/// A one-line summary: scalars in full, containers by size (their children follow indented).
fn value_text(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Int(i) => i.to_string(),
        ValueKind::Float(f) => format!("{f:?}"),
        ValueKind::Unit(u) => format!("unit({u})"),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Null => "null".into(),
        ValueKind::Ref(path) => format!("ref({})", path.to_dotted()),
        ValueKind::Object(block) => format!("object({})", block.fields.len()),
        ValueKind::List(items) => {
            if items.iter().all(|v| !matches!(v.kind, ValueKind::Object(_) | ValueKind::List(_))) {
                let items: Vec<String> = items.iter().map(value_text).collect();
                format!("[{}]", items.join(", "))
            } else {
                format!("list({})", items.len())
            }
        }
        ValueKind::Error => "<error>".into(),
    }
}

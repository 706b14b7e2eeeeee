//! Visiting every span of a syntax tree, to move a chunk's spans to where the chunk sits in its
//! file ([`crate::parse`] puts the chunk parses end to end). Chunk-relative spans make an item's
//! tree independent of where the item sits in its file: a blank line above it leaves the tree
//! equal, which is what lets the semantic layer skip re-checking it.

use crate::Span;
use crate::ast::*;

impl Item {
    /// Where the item's text starts: its doc comment, if it has one.
    pub fn start(&self) -> u32 {
        self.doc.as_ref().map_or(self.span.start, |doc| doc.span.start.min(self.span.start))
    }

    /// Calls `f` on every span in the item, doc comment included.
    pub fn spans_mut(&mut self, f: &mut impl FnMut(&mut Span)) {
        f(&mut self.span);
        if let Some(doc) = &mut self.doc {
            f(&mut doc.span);
        }
        match &mut self.kind {
            ItemKind::Import(import) => {
                f(&mut import.path.span);
                if let Some(alias) = &mut import.alias {
                    f(&mut alias.span);
                }
            }
            ItemKind::Template(template) => {
                f(&mut template.name.span);
                if let Some(extends) = &mut template.extends {
                    path(extends, f);
                }
                match &mut template.body {
                    TemplateBody::Block(b) => block(b, f),
                    TemplateBody::File(file) => f(&mut file.span),
                }
            }
            ItemKind::Task(task) => {
                f(&mut task.name.span);
                params(&mut task.params, f);
                if let Some(output) = &mut task.output {
                    type_expr(output, f);
                }
                block(&mut task.body, f);
            }
            ItemKind::Workflow(workflow) => {
                f(&mut workflow.name.span);
                params(&mut workflow.params, f);
                if let Some(output) = &mut workflow.output {
                    type_expr(output, f);
                }
                f(&mut workflow.body_span);
                for stmt in &mut workflow.body {
                    match stmt {
                        Stmt::Let(binding) => {
                            f(&mut binding.span);
                            f(&mut binding.name.span);
                            f(&mut binding.call.span);
                            path(&mut binding.call.callee, f);
                            for arg in &mut binding.call.args {
                                f(&mut arg.span);
                                f(&mut arg.name.span);
                                value(&mut arg.value, f);
                            }
                            for o in &mut binding.overrides {
                                f(&mut o.span);
                                field(&mut o.field, f);
                            }
                        }
                        Stmt::Return(ret) => {
                            f(&mut ret.span);
                            value(&mut ret.value, f);
                        }
                        Stmt::Error(span) => f(span),
                    }
                }
            }
            ItemKind::Error => {}
        }
    }
}

fn path(p: &mut Path, f: &mut impl FnMut(&mut Span)) {
    f(&mut p.span);
    for segment in &mut p.segments {
        f(&mut segment.span);
    }
}

fn params(params: &mut [Param], f: &mut impl FnMut(&mut Span)) {
    for param in params {
        f(&mut param.span);
        f(&mut param.name.span);
        type_expr(&mut param.ty, f);
        if let Some(default) = &mut param.default {
            value(default, f);
        }
    }
}

fn type_expr(ty: &mut TypeExpr, f: &mut impl FnMut(&mut Span)) {
    f(&mut ty.span);
    match &mut ty.kind {
        TypeKind::Named { name, args } => {
            f(&mut name.span);
            for arg in args {
                type_expr(arg, f);
            }
        }
        TypeKind::Optional(inner) => type_expr(inner, f),
        TypeKind::Unit | TypeKind::Error => {}
    }
}

fn block(b: &mut Block, f: &mut impl FnMut(&mut Span)) {
    f(&mut b.span);
    for fl in &mut b.fields {
        field(fl, f);
    }
}

fn field(fl: &mut Field, f: &mut impl FnMut(&mut Span)) {
    f(&mut fl.span);
    f(&mut fl.key.span);
    f(&mut fl.key.name.span);
    if let Some(index) = &mut fl.key.index {
        value(index, f);
    }
    match &mut fl.op {
        FieldOp::Set { value: v, .. } | FieldOp::Append(v) | FieldOp::Replace { value: v, .. } => value(v, f),
        FieldOp::Delete | FieldOp::Error => {}
    }
}

fn value(v: &mut Value, f: &mut impl FnMut(&mut Span)) {
    f(&mut v.span);
    match &mut v.kind {
        ValueKind::Ref(p) => path(p, f),
        ValueKind::Object(b) => block(b, f),
        ValueKind::List(items) => {
            for item in items {
                value(item, f);
            }
        }
        ValueKind::Str(_)
        | ValueKind::Int(_)
        | ValueKind::Float(_)
        | ValueKind::Unit(_)
        | ValueKind::Bool(_)
        | ValueKind::Null
        | ValueKind::Error => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_item_s_chunk_does_not_see_lines_above() {
        let body = "task t(x: int = 1) -> File {\n  image: \"a\"\n  resources { limits { memory: 8Gi } }\n}\n";
        let item_chunk = |src: &str| {
            let chunk = *crate::chunks(src).last().expect("a chunk");
            crate::parse_chunk(&src[chunk.span.range()], chunk.next).file.items[0].clone()
        };
        let a = crate::parse(body);
        let b = crate::parse(&format!("// a comment\n\n\n{body}"));
        assert_ne!(a.file.items[0], b.file.items[0], "absolute spans differ");
        assert_eq!(item_chunk(body), item_chunk(&format!("// a comment\n\n\n{body}")));
        assert_ne!(item_chunk(body), item_chunk(&body.replace("8Gi", "9Gi")));
    }
}

//! What is at an offset: the syntax node under the cursor with the context features need (which
//! item, which Kubernetes body and path, which call). Works on the file's whole tree with
//! absolute spans; the k-th item that is not an error is the k-th of `file_items`.

use skiff_k8s::BodyShape;
use skiff_sema::inputs::input_names;
use skiff_sema::items::{ItemId, file_items};
use skiff_sema::task_fields::TaskField;
use skiff_sema::{Db, SourceFile};
use skiff_syntax::Span;
use skiff_syntax::ast::*;

/// An item of the file under the cursor, with its identity.
#[derive(Clone, Copy)]
pub(crate) struct ItemAt<'a> {
    pub ast: &'a Item,
    /// Its position among the file's items that are not errors (the index into `file_items`).
    pub index: usize,
}

impl<'a> ItemAt<'a> {
    pub fn id<'db>(&self, db: &'db dyn Db, file: SourceFile) -> Option<ItemId<'db>> {
        file_items(db, file).get(self.index).copied()
    }
}

/// Where the fields of a Kubernetes body sit: the shape of its top level, the keys from there
/// to the block holding the field, and what kind of body it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BodyCtx {
    pub shape: BodyShape,
    pub path: Vec<String>,
    pub root: BodyRoot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyRoot {
    Template,
    /// A task body: container fields plus skiff's own at the top.
    Task,
    /// `pod_template { ... }` inline in a task.
    TaskPodTemplate,
    /// `override pod_template { ... }`.
    OverridePod,
    /// `override resources { ... }` and other container fields of an override.
    OverrideContainer,
}

impl BodyCtx {
    fn new(shape: BodyShape, root: BodyRoot) -> Self {
        BodyCtx { shape, path: Vec::new(), root }
    }

    fn child(&self, key: &str) -> BodyCtx {
        let mut path = self.path.clone();
        path.push(key.to_string());
        BodyCtx { shape: self.shape, path, root: self.root }
    }

    /// Whether skiff's own task fields (`pod_template`, `retries`, ...) may be written here.
    pub fn allows_skiff_fields(&self) -> bool {
        self.path.is_empty() && matches!(self.root, BodyRoot::Task)
    }

    pub fn path_strs(&self) -> Vec<&str> {
        self.path.iter().map(String::as_str).collect()
    }
}

/// How a path that names an item is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefRole {
    Callee,
    Template,
}

pub(crate) enum Hit<'a> {
    ItemName,
    ImportPath(&'a StrLit),
    Param(&'a Param),
    Binding(&'a Let),
    /// A path that names an item (a callee, `extends`, `pod_template: x`); `segment` is the one
    /// under the cursor.
    ItemRef {
        path: &'a Path,
        segment: usize,
        role: RefRole,
    },
    /// A name in a workflow value: a binding or a parameter.
    LocalRef(&'a Path),
    ArgName {
        binding: &'a Let,
        arg: &'a Arg,
    },
    /// The `override` keyword, or the `pod_template` key of an override: the call's pod.
    Override {
        binding: &'a Let,
        clause: &'a Override,
    },
    FieldKey {
        ctx: BodyCtx,
        field: &'a Field,
    },
    /// A value in a body; `ctx.path` ends with the field's key.
    FieldValue {
        ctx: BodyCtx,
        value: &'a Value,
    },
    /// A literal outside any body (a default, an argument).
    Literal(&'a Value),
    /// `{{inputs.NAME}}` in a task's string: the name's span.
    Placeholder {
        name: &'a str,
        span: Span,
    },
}

pub(crate) struct Located<'a> {
    pub item: ItemAt<'a>,
    pub hit: Hit<'a>,
}

/// The items of a parsed file that are not errors, with their index.
pub(crate) fn items(file: &SourceFile_) -> impl Iterator<Item = ItemAt<'_>> {
    file.items
        .iter()
        .filter(|i| !matches!(i.kind, ItemKind::Error))
        .enumerate()
        .map(|(index, ast)| ItemAt { ast, index })
}

pub(crate) type SourceFile_ = skiff_syntax::ast::SourceFile;

/// The item whose text holds `offset` (its span, or at its very end).
pub(crate) fn item_at(file: &SourceFile_, offset: u32) -> Option<ItemAt<'_>> {
    items(file).find(|i| i.ast.span.touches(offset))
}

/// The node under the cursor.
pub(crate) fn locate<'a>(file: &'a SourceFile_, text: &'a str, offset: u32) -> Option<Located<'a>> {
    let item = item_at(file, offset)?;
    let hit = item_hit(item.ast, offset)?;
    let hit = match hit {
        Hit::FieldValue { ctx, value } => {
            placeholder(item.ast, text, value, offset).unwrap_or(Hit::FieldValue { ctx, value })
        }
        other => other,
    };
    Some(Located { item, hit })
}

fn item_hit(item: &Item, offset: u32) -> Option<Hit<'_>> {
    match &item.kind {
        ItemKind::Import(import) => {
            if import.path.span.touches(offset) {
                return Some(Hit::ImportPath(&import.path));
            }
            import.alias.as_ref().filter(|a| a.span.touches(offset)).map(|_| Hit::ItemName)
        }
        ItemKind::Template(template) => {
            if template.name.span.touches(offset) {
                return Some(Hit::ItemName);
            }
            if let Some(extends) = &template.extends
                && let Some(segment) = segment_at(extends, offset)
            {
                return Some(Hit::ItemRef { path: extends, segment, role: RefRole::Template });
            }
            match &template.body {
                TemplateBody::Block(block) => {
                    fields_hit(&block.fields, &BodyCtx::new(BodyShape::PodTemplate, BodyRoot::Template), offset)
                }
                TemplateBody::File(_) => None,
            }
        }
        ItemKind::Task(task) => {
            if task.name.span.touches(offset) {
                return Some(Hit::ItemName);
            }
            if let Some(hit) = params_hit(&task.params, offset) {
                return Some(hit);
            }
            fields_hit(&task.body.fields, &BodyCtx::new(BodyShape::Container, BodyRoot::Task), offset)
        }
        ItemKind::Workflow(workflow) => {
            if workflow.name.span.touches(offset) {
                return Some(Hit::ItemName);
            }
            if let Some(hit) = params_hit(&workflow.params, offset) {
                return Some(hit);
            }
            workflow.body.iter().find_map(|stmt| stmt_hit(stmt, offset))
        }
        ItemKind::Error => None,
    }
}

fn segment_at(path: &Path, offset: u32) -> Option<usize> {
    path.segments.iter().position(|s| s.span.touches(offset))
}

fn params_hit(params: &[Param], offset: u32) -> Option<Hit<'_>> {
    let param = params.iter().find(|p| p.span.touches(offset))?;
    if param.name.span.touches(offset) {
        return Some(Hit::Param(param));
    }
    param.default.as_ref().filter(|d| d.span.touches(offset)).map(Hit::Literal)
}

fn stmt_hit(stmt: &Stmt, offset: u32) -> Option<Hit<'_>> {
    match stmt {
        Stmt::Let(binding) => {
            if !binding.span.touches(offset) {
                return None;
            }
            if binding.name.span.touches(offset) {
                return Some(Hit::Binding(binding));
            }
            let call = &binding.call;
            if let Some(segment) = segment_at(&call.callee, offset) {
                return Some(Hit::ItemRef { path: &call.callee, segment, role: RefRole::Callee });
            }
            for arg in &call.args {
                if arg.name.span.touches(offset) {
                    return Some(Hit::ArgName { binding, arg });
                }
                if arg.value.span.touches(offset) {
                    return Some(value_in_workflow(&arg.value));
                }
            }
            for clause in &binding.overrides {
                if !clause.span.touches(offset) {
                    continue;
                }
                let field = &clause.field;
                let key = field.key.name.text.as_str();
                if offset < field.span.start || (key == "pod_template" && field.key.span.touches(offset)) {
                    return Some(Hit::Override { binding, clause });
                }
                if key == "pod_template" {
                    return match field.op.value().map(|v| &v.kind) {
                        Some(ValueKind::Ref(path)) => segment_at(path, offset).map(|segment| Hit::ItemRef {
                            path,
                            segment,
                            role: RefRole::Template,
                        }),
                        Some(ValueKind::Object(block)) => fields_hit(
                            &block.fields,
                            &BodyCtx::new(BodyShape::PodTemplate, BodyRoot::OverridePod),
                            offset,
                        ),
                        _ => None,
                    };
                }
                return fields_hit(
                    std::slice::from_ref(field),
                    &BodyCtx::new(BodyShape::Container, BodyRoot::OverrideContainer),
                    offset,
                );
            }
            None
        }
        Stmt::Return(ret) => ret.value.span.touches(offset).then(|| value_in_workflow(&ret.value)),
        Stmt::Error(_) => None,
    }
}

fn value_in_workflow(value: &Value) -> Hit<'_> {
    match &value.kind {
        ValueKind::Ref(path) => Hit::LocalRef(path),
        _ => Hit::Literal(value),
    }
}

fn fields_hit<'a>(fields: &'a [Field], ctx: &BodyCtx, offset: u32) -> Option<Hit<'a>> {
    for field in fields.iter().filter(|f| f.span.touches(offset)) {
        let key = field.key.name.text.as_str();
        if field.key.span.touches(offset) {
            return Some(Hit::FieldKey { ctx: ctx.clone(), field });
        }
        let Some(value) = field.op.value().filter(|v| v.span.touches(offset)) else { continue };
        if ctx.allows_skiff_fields() && key == "pod_template" {
            return match &value.kind {
                ValueKind::Ref(path) => {
                    segment_at(path, offset).map(|segment| Hit::ItemRef { path, segment, role: RefRole::Template })
                }
                ValueKind::Object(block) => {
                    fields_hit(&block.fields, &BodyCtx::new(BodyShape::PodTemplate, BodyRoot::TaskPodTemplate), offset)
                }
                _ => None,
            };
        }
        return value_hit(value, ctx.child(key), offset);
    }
    None
}

fn value_hit(value: &Value, ctx: BodyCtx, offset: u32) -> Option<Hit<'_>> {
    match &value.kind {
        ValueKind::Object(block) => fields_hit(&block.fields, &ctx, offset),
        ValueKind::List(items) => items.iter().find(|i| i.span.touches(offset)).and_then(|i| value_hit(i, ctx, offset)),
        _ => Some(Hit::FieldValue { ctx, value }),
    }
}

/// `{{inputs.NAME}}` under the cursor in a task's string value.
fn placeholder<'a>(item: &Item, text: &'a str, value: &Value, offset: u32) -> Option<Hit<'a>> {
    if !matches!(item.kind, ItemKind::Task(_)) || !matches!(value.kind, ValueKind::Str(_)) {
        return None;
    }
    placeholders(text, value.span)
        .into_iter()
        .find(|(_, span)| span.touches(offset))
        .map(|(name, span)| Hit::Placeholder { name, span })
}

/// Every `{{inputs.NAME}}` in the source text of a string literal: the name and its span. Read
/// from the raw text, so that spans are exact (names are identifiers: no escapes inside).
pub(crate) fn placeholders(text: &str, literal: Span) -> Vec<(&str, Span)> {
    let Some(raw) = text.get(literal.range()) else { return Vec::new() };
    let at = |offset: usize| literal.start + offset as u32;
    input_names(raw).map(|(name, range)| (name, Span::new(at(range.start), at(range.end)))).collect()
}

/// The innermost Kubernetes block whose braces hold `offset`, with its context: for completion,
/// which must work where the parser dropped the half-written field under the cursor.
pub(crate) fn block_at<'a>(item: &'a Item, text: &str, offset: u32) -> Option<(BodyCtx, &'a Block)> {
    let inside = |block: &Block| {
        let closed = text.as_bytes().get(block.span.end as usize - 1) == Some(&b'}') && block.span.len() > 1;
        let end = if closed { block.span.end - 1 } else { block.span.end };
        block.span.start < offset && offset <= end
    };
    fn descend<'a>(
        block: &'a Block,
        ctx: BodyCtx,
        offset: u32,
        inside: &dyn Fn(&Block) -> bool,
    ) -> (BodyCtx, &'a Block) {
        for field in &block.fields {
            let Some(value) = field.op.value() else { continue };
            let key = field.key.name.text.as_str();
            if ctx.allows_skiff_fields() && key == "pod_template" {
                if let ValueKind::Object(inner) = &value.kind
                    && inside(inner)
                {
                    return descend(
                        inner,
                        BodyCtx::new(BodyShape::PodTemplate, BodyRoot::TaskPodTemplate),
                        offset,
                        inside,
                    );
                }
                continue;
            }
            if let Some(found) = descend_value(value, ctx.child(key), offset, inside) {
                return found;
            }
        }
        (ctx, block)
    }
    fn descend_value<'a>(
        value: &'a Value,
        ctx: BodyCtx,
        offset: u32,
        inside: &dyn Fn(&Block) -> bool,
    ) -> Option<(BodyCtx, &'a Block)> {
        match &value.kind {
            ValueKind::Object(block) if inside(block) => Some(descend(block, ctx, offset, inside)),
            ValueKind::List(items) => items.iter().find_map(|i| descend_value(i, ctx.clone(), offset, inside)),
            _ => None,
        }
    }
    match &item.kind {
        ItemKind::Template(Template { body: TemplateBody::Block(block), .. }) if inside(block) => {
            Some(descend(block, BodyCtx::new(BodyShape::PodTemplate, BodyRoot::Template), offset, &inside))
        }
        ItemKind::Task(task) if inside(&task.body) => {
            Some(descend(&task.body, BodyCtx::new(BodyShape::Container, BodyRoot::Task), offset, &inside))
        }
        ItemKind::Workflow(workflow) => {
            for stmt in &workflow.body {
                let Stmt::Let(binding) = stmt else { continue };
                for clause in &binding.overrides {
                    let field = &clause.field;
                    let Some(value) = field.op.value() else { continue };
                    let key = field.key.name.text.as_str();
                    let found = if key == "pod_template" {
                        match &value.kind {
                            ValueKind::Object(block) if inside(block) => Some(descend(
                                block,
                                BodyCtx::new(BodyShape::PodTemplate, BodyRoot::OverridePod),
                                offset,
                                &inside,
                            )),
                            _ => None,
                        }
                    } else {
                        let ctx = BodyCtx::new(BodyShape::Container, BodyRoot::OverrideContainer);
                        descend_value(value, ctx.child(key), offset, &inside)
                    };
                    if found.is_some() {
                        return found;
                    }
                }
            }
            None
        }
        _ => None,
    }
}

/// Whether `name` is one of skiff's own task fields.
pub(crate) fn is_skiff_field(name: &str) -> bool {
    TaskField::named(name).is_some()
}

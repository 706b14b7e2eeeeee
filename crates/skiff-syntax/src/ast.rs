//! The syntax tree. Every node carries its byte [`Span`] in the file; a node the parser could not
//! make sense of is an `Error` variant, so a broken file still yields a usable tree.

use crate::Span;
pub use smol_str::SmolStr;

/// An identifier or a quoted key, decoded, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    /// Short names are stored inline: parsing allocates nothing for them.
    pub text: SmolStr,
    pub span: Span,
}

/// `a` or `a.b.c`: a reference to a parameter, binding, template, task or imported item.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    pub segments: Vec<Name>,
    pub span: Span,
}

impl Path {
    pub fn to_dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|n| n.text.as_str()).collect();
        names.join(".")
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct SourceFile {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    /// From the item's keyword to its end; doc comments excluded.
    pub span: Span,
    pub doc: Option<DocComment>,
}

/// The `///` lines directly above an item, joined, with the slashes and one space stripped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocComment {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Import(Import),
    Template(Template),
    Task(Task),
    Workflow(Workflow),
    /// Text at the top level that is not an item (already reported).
    Error,
}

impl Item {
    /// The item's declared name, if it has one (imports are named by their alias).
    pub fn name(&self) -> Option<&Name> {
        match &self.kind {
            ItemKind::Import(import) => import.alias.as_ref(),
            ItemKind::Template(template) => Some(&template.name),
            ItemKind::Task(task) => Some(&task.name),
            ItemKind::Workflow(workflow) => Some(&workflow.name),
            ItemKind::Error => None,
        }
    }
}

/// `import "lib/gpu.skiff" as gpu`
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub path: StrLit,
    pub alias: Option<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    pub value: SmolStr,
    pub span: Span,
}

/// `pod_template NAME [extends OTHER] { ... }` or `pod_template NAME from "file.yaml"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub name: Name,
    pub extends: Option<Path>,
    pub body: TemplateBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplateBody {
    Block(Block),
    File(StrLit),
}

/// `task NAME(params) -> TYPE { fields }`
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    pub name: Name,
    pub params: Vec<Param>,
    pub output: Option<TypeExpr>,
    pub body: Block,
}

/// `workflow NAME(params) -> TYPE { statements }`
#[derive(Clone, Debug, PartialEq)]
pub struct Workflow {
    pub name: Name,
    pub params: Vec<Param>,
    pub output: Option<TypeExpr>,
    pub body: Vec<Stmt>,
    pub body_span: Span,
}

impl Workflow {
    /// The `let` bindings, in order: the workflow's nodes (a node's index counts only these).
    pub fn lets(&self) -> impl Iterator<Item = &Let> {
        self.body.iter().filter_map(|statement| match statement {
            Stmt::Let(binding) => Some(binding),
            _ => None,
        })
    }
}

/// `name: Type [= default]`
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
    pub default: Option<Value>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// `int`, `File`, `list[T]`, `map[str, T]`
    Named {
        name: Name,
        args: Vec<TypeExpr>,
    },
    /// `T?`
    Optional(Box<TypeExpr>),
    /// `()`
    Unit,
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Let(Let),
    Return(Return),
    Error(Span),
}

impl Stmt {
    pub fn span(&self) -> Span {
        match self {
            Stmt::Let(binding) => binding.span,
            Stmt::Return(ret) => ret.span,
            Stmt::Error(span) => *span,
        }
    }
}

/// `let NAME = CALL` and the `override` clauses that follow it.
#[derive(Clone, Debug, PartialEq)]
pub struct Let {
    pub name: Name,
    pub call: Call,
    pub overrides: Vec<Override>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    pub value: Value,
    pub span: Span,
}

/// `task(arg: value, ...)`
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub callee: Path,
    pub args: Vec<Arg>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Name,
    pub value: Value,
    pub span: Span,
}

/// `override FIELD`: the field says what is overridden and how (`pod_template { ... }`,
/// `replace pod_template: other`, `resources { ... }`, `image: "..."`).
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    pub field: Field,
    /// From the `override` keyword to the end of the field.
    pub span: Span,
}

/// `{ field, field }`: the body of a template, task, override or object value.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub fields: Vec<Field>,
    /// Braces included. When the `}` is missing, ends where the block's text ends.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub key: Key,
    pub op: FieldOp,
    pub span: Span,
}

/// `name`, `"quoted.key"`, or a keyed-list element `containers["sidecar"]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: Name,
    /// Whether the name was written in quotes.
    pub quoted: bool,
    pub index: Option<Box<Value>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldOp {
    /// `key: value`, or `key { ... }` when `block_sugar`.
    Set { value: Value, block_sugar: bool },
    /// `key += value`
    Append(Value),
    /// `replace key: value` or `replace key { ... }`
    Replace { value: Value, block_sugar: bool },
    /// `delete key`
    Delete,
    /// A field whose text could not be parsed (already reported).
    Error,
}

impl FieldOp {
    pub fn value(&self) -> Option<&Value> {
        match self {
            FieldOp::Set { value, .. } | FieldOp::Append(value) | FieldOp::Replace { value, .. } => Some(value),
            FieldOp::Delete | FieldOp::Error => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// Short strings are stored inline, long ones shared: lowering a body clones them for free.
    Str(SmolStr),
    Int(i64),
    Float(f64),
    /// A number with a unit as written (`8Gi`, `500m`, `30s`): its meaning comes from the
    /// expected type.
    Unit(SmolStr),
    Bool(bool),
    Null,
    Ref(Path),
    Object(Block),
    List(Vec<Value>),
    /// A value the parser could not read (already reported).
    Error,
}

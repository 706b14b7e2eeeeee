//! Items: stable identities, a position-free summary of each file (the item tree), and each
//! item's own syntax tree with spans relative to its chunk.
//!
//! This is what makes checking incremental. An item is identified by its file, kind, name and
//! ordinal among items of the same kind and name — never by position — so an edit elsewhere
//! keeps its identity. [`item_tree`] holds signatures only (no bodies, no spans) and
//! [`item_ast`] holds one item with spans relative to its chunk: a blank line above an item,
//! or an edit in another item, leaves both equal, salsa backdates them, and nothing that reads
//! them re-runs. Absolute positions live in [`item_offsets`], read only when diagnostics are
//! assembled for a file.
//!
//! Items are read from the file's chunks ([`crate::db::file_chunks`]), each parsed on its own
//! and memoized by its text ([`crate::db::parse_chunk`]), never from a parse of the whole file:
//! an edit inside one item parses that item's chunk again and nothing else, and [`item_chunk`]
//! gives every other item the key it had; an item's tree is its chunk's parse, never copied.

use crate::db::{ChunkKey, Db, SourceFile, file_chunks, parse_chunk};
use crate::types::Ty;
use rustc_hash::FxHashMap;
use skiff_syntax::ast::{self, ItemKind, SmolStr, TemplateBody};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemTag {
    Import,
    Template,
    Task,
    Workflow,
}

impl ItemTag {
    pub fn describe(self) -> &'static str {
        match self {
            ItemTag::Import => "import",
            ItemTag::Template => "pod_template",
            ItemTag::Task => "task",
            ItemTag::Workflow => "workflow",
        }
    }
}

/// A top-level item, by identity.
#[salsa::interned(debug)]
pub struct ItemId<'db> {
    #[returns(copy)]
    pub file: SourceFile,
    #[returns(copy)]
    pub tag: ItemTag,
    #[returns(ref)]
    pub name: SmolStr,
    /// 0 for the first item of this tag and name in the file, 1 for a duplicate, ...
    #[returns(copy)]
    pub ordinal: u32,
}

/// A position-free summary of one file: what each item is called and what its signature is.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemTree {
    pub items: Vec<ItemSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemSummary {
    pub tag: ItemTag,
    pub name: SmolStr,
    pub ordinal: u32,
    pub signature: Signature,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signature {
    /// The path as written.
    Import {
        path: String,
    },
    Template {
        extends: Option<Vec<SmolStr>>,
        from_file: Option<String>,
    },
    Task(FnSignature),
    Workflow(FnSignature),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnSignature {
    pub params: Vec<ParamSignature>,
    pub output: Ty,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamSignature {
    pub name: SmolStr,
    pub ty: Ty,
    /// A parameter with a default, or of an optional type, may be left out of a call.
    pub optional: bool,
}

impl FnSignature {
    fn of(params: &[ast::Param], output: Option<&ast::TypeExpr>) -> FnSignature {
        FnSignature {
            params: params
                .iter()
                .map(|p| {
                    let ty = Ty::from_syntax(&p.ty);
                    ParamSignature { name: p.name.text.clone(), optional: p.default.is_some() || ty.is_optional(), ty }
                })
                .collect(),
            output: output.map_or(Ty::Unit, Ty::from_syntax),
        }
    }
}

/// What an import is named in its file: its alias (an import without one was reported by the
/// parser and is named by its path, so that it still has an identity).
fn item_name(item: &ast::Item) -> Option<SmolStr> {
    match &item.kind {
        ItemKind::Import(import) => {
            Some(import.alias.as_ref().map_or_else(|| SmolStr::from(import.path.value.as_str()), |a| a.text.clone()))
        }
        ItemKind::Template(_) | ItemKind::Task(_) | ItemKind::Workflow(_) => item.name().map(|n| n.text.clone()),
        ItemKind::Error => None,
    }
}

fn item_tag(item: &ast::Item) -> Option<ItemTag> {
    match &item.kind {
        ItemKind::Import(_) => Some(ItemTag::Import),
        ItemKind::Template(_) => Some(ItemTag::Template),
        ItemKind::Task(_) => Some(ItemTag::Task),
        ItemKind::Workflow(_) => Some(ItemTag::Workflow),
        ItemKind::Error => None,
    }
}

/// One item of a file, as found in its chunk.
struct KeyedItem<'a, 'db> {
    tag: ItemTag,
    name: SmolStr,
    ordinal: u32,
    chunk: ChunkKey<'db>,
    /// Where the chunk starts in the file.
    chunk_offset: u32,
    /// With spans relative to the chunk.
    item: &'a ast::Item,
}

/// The items of a file with their identity keys, in source order (error items skipped).
fn keyed_items<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<KeyedItem<'db, 'db>> {
    let mut seen: FxHashMap<(ItemTag, SmolStr), u32> = FxHashMap::default();
    let mut out = Vec::new();
    for &(chunk, chunk_offset) in file_chunks(db, file) {
        // A chunk holds one item at most (the text before the first item may hold none).
        let Some(item) = parse_chunk(db, chunk).file.items.first() else { continue };
        let (Some(tag), Some(name)) = (item_tag(item), item_name(item)) else { continue };
        let ordinal = seen.entry((tag, name.clone())).or_insert(0);
        out.push(KeyedItem { tag, name, ordinal: *ordinal, chunk, chunk_offset, item });
        *ordinal += 1;
    }
    out
}

#[salsa::tracked(returns(ref))]
pub fn item_tree(db: &dyn Db, file: SourceFile) -> ItemTree {
    let items = keyed_items(db, file)
        .into_iter()
        .map(|KeyedItem { tag, name, ordinal, item, .. }| {
            let signature = match &item.kind {
                ItemKind::Import(import) => Signature::Import { path: import.path.value.to_string() },
                ItemKind::Template(template) => Signature::Template {
                    extends: template.extends.as_ref().map(|p| p.segments.iter().map(|s| s.text.clone()).collect()),
                    from_file: match &template.body {
                        TemplateBody::File(path) => Some(path.value.to_string()),
                        TemplateBody::Block(_) => None,
                    },
                },
                ItemKind::Task(task) => Signature::Task(FnSignature::of(&task.params, task.output.as_ref())),
                ItemKind::Workflow(w) => Signature::Workflow(FnSignature::of(&w.params, w.output.as_ref())),
                ItemKind::Error => unreachable!("keyed_items skips error items"),
            };
            ItemSummary { tag, name, ordinal, signature }
        })
        .collect();
    ItemTree { items }
}

/// The file's items, in source order.
#[salsa::tracked(returns(ref))]
pub fn file_items<'db>(db: &'db dyn Db, file: SourceFile) -> Vec<ItemId<'db>> {
    item_tree(db, file).items.iter().map(|s| ItemId::new(db, file, s.tag, s.name.clone(), s.ordinal)).collect()
}

impl<'db> ItemId<'db> {
    /// This item's summary in its file's item tree.
    pub fn summary(self, db: &'db dyn Db) -> Option<&'db ItemSummary> {
        item_tree(db, self.file(db)).items.get(item_position(db, self)?)
    }
}

/// Where each item is in its file's [`file_items`] (and item tree), so that finding an item's
/// summary or offset is a lookup, not a scan of the file: a file of n items would take n² steps.
#[salsa::tracked(returns(ref))]
fn item_positions<'db>(db: &'db dyn Db, file: SourceFile) -> FxHashMap<ItemId<'db>, u32> {
    file_items(db, file).iter().enumerate().map(|(i, item)| (*item, i as u32)).collect()
}

fn item_position<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Option<usize> {
    item_positions(db, item.file(db)).get(&item).map(|&i| i as usize)
}

/// The chunk of each item, by identity. Re-runs after every edit to the file (it is cheap, and
/// not compared), so that finding one item's chunk is a lookup, not a scan.
#[salsa::tracked(returns(ref), no_eq)]
fn item_chunks<'db>(db: &'db dyn Db, file: SourceFile) -> FxHashMap<ItemId<'db>, ChunkKey<'db>> {
    keyed_items(db, file).into_iter().map(|k| (ItemId::new(db, file, k.tag, k.name, k.ordinal), k.chunk)).collect()
}

/// The chunk an item is in. This is the step that keeps an edit from reaching the items it is
/// not in: it re-runs for every item after an edit to the file, but an unchanged chunk has the
/// same key, so the result is equal and salsa does not re-run what reads [`item_ast`].
#[salsa::tracked(returns(copy))]
pub fn item_chunk<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Option<ChunkKey<'db>> {
    item_chunks(db, item.file(db)).get(&item).copied()
}

/// The item's syntax tree, spans relative to the start of its chunk (which starts at the item's
/// doc comment or keyword line): the chunk's own parse, shared, not copied. Blank lines and
/// comments above the item are in the chunk before, so they leave the tree equal.
pub fn item_ast<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Option<&'db ast::Item> {
    parse_chunk(db, item_chunk(db, item)?).file.items.first()
}

/// Where each item's chunk starts, the origin of its spans ([`item_ast`]), in the order of
/// [`file_items`]. Changes with every edit above an item; only the final assembly of a file's
/// diagnostics (and the IDE) reads it.
#[salsa::tracked(returns(ref))]
pub fn item_offsets(db: &dyn Db, file: SourceFile) -> Vec<u32> {
    keyed_items(db, file).into_iter().map(|k| k.chunk_offset).collect()
}

/// The absolute offset of an item in its file.
pub fn item_offset<'db>(db: &'db dyn Db, item: ItemId<'db>) -> u32 {
    item_position(db, item).and_then(|at| item_offsets(db, item.file(db)).get(at).copied()).unwrap_or(0)
}

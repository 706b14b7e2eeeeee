//! The `extends` graph of pod templates: the template each one names as its parent, the chain a
//! template stands for, and the cycles, found once for the whole workspace.
//!
//! Each template has one parent at most, so the graph is a set of chains that may end in a
//! loop. The cycles are found in one linear walk over every template that extends another
//! ([`extends_cycles`]) and every member of a cycle is looked up, not searched for: a chain of
//! 10,000 templates, or a cycle through all of them, costs the same per template as a chain of
//! three. This module is not where a chain's layers are merged (that is [`crate::pod`]), nor
//! where a cycle is reported (the template checks).

use crate::db::Db;
use crate::items::{ItemId, ItemTag, Signature, file_items, item_tree};
use crate::resolve::{Resolution, resolve_path};
use rustc_hash::{FxHashMap, FxHashSet};

/// The template `template`'s `extends` names, if it names one.
pub fn template_parent<'db>(db: &'db dyn Db, template: ItemId<'db>) -> Option<ItemId<'db>> {
    let Some(Signature::Template { extends: Some(parent), .. }) = template.summary(db).map(|s| &s.signature) else {
        return None;
    };
    match resolve_path(db, template.file(db), parent) {
        Resolution::Item(next) if next.tag(db) == ItemTag::Template => Some(next),
        _ => None,
    }
}

/// The templates a template stands for, root of its `extends` chain first and itself last. A
/// chain that loops or names something that is not a template stops there (both reported by
/// the item checks).
#[salsa::tracked(returns(ref))]
pub fn template_chain<'db>(db: &'db dyn Db, template: ItemId<'db>) -> Vec<ItemId<'db>> {
    let mut chain = vec![template];
    let mut seen = FxHashSet::from_iter([template]);
    let mut current = template;
    while let Some(next) = template_parent(db, current) {
        if !seen.insert(next) {
            break;
        }
        chain.push(next);
        current = next;
    }
    chain.reverse();
    chain
}

/// The `extends` cycles of the workspace.
#[derive(Clone, Debug, Default, PartialEq, Eq, salsa::SalsaValue)]
pub struct ExtendsCycles<'db> {
    /// Each cycle once, in `extends` order, starting from the member that comes first in the
    /// workspace (files by path, items in file order): the one the cycle is reported on.
    pub cycles: Vec<Vec<ItemId<'db>>>,
    /// Each member's cycle, an index into `cycles`.
    pub member_of: FxHashMap<ItemId<'db>, u32>,
}

impl<'db> ExtendsCycles<'db> {
    /// The cycle `template` is reported on: the one it is the first member of.
    pub fn reported_on(&self, template: ItemId<'db>) -> Option<&[ItemId<'db>]> {
        let cycle = &self.cycles[*self.member_of.get(&template)? as usize];
        (cycle.first() == Some(&template)).then_some(cycle.as_slice())
    }
}

/// Every `extends` cycle in the workspace. It reads only the files' item trees and scopes, so
/// an edit inside a template's body does not run it again.
#[salsa::tracked(returns(ref))]
pub fn extends_cycles<'db>(db: &'db dyn Db) -> ExtendsCycles<'db> {
    // Workspace order: the files by path (a BTreeMap), the items in file order.
    let mut order = Vec::new();
    let mut parent = FxHashMap::default();
    for file in db.files().skiff_files(db).values() {
        for (item, summary) in file_items(db, *file).iter().zip(&item_tree(db, *file).items) {
            if let Signature::Template { extends: Some(_), .. } = summary.signature
                && let Some(next) = template_parent(db, *item)
            {
                order.push(*item);
                parent.insert(*item, next);
            }
        }
    }
    let position: FxHashMap<ItemId<'db>, usize> = order.iter().enumerate().map(|(i, t)| (*t, i)).collect();
    let mut out = ExtendsCycles::default();
    // A walk from each template not yet seen follows parents until it reaches a template seen
    // before; if that one was first seen on this same walk, the walk closed a cycle.
    let mut walk_of: FxHashMap<ItemId<'db>, usize> = FxHashMap::default();
    for (walk, &start) in order.iter().enumerate() {
        let mut current = start;
        let mut path = Vec::new();
        loop {
            if let Some(&seen_on) = walk_of.get(&current) {
                if seen_on == walk {
                    let from = path.iter().position(|t| *t == current).expect("seen on this walk");
                    let mut cycle: Vec<ItemId<'db>> = path[from..].to_vec();
                    let first = (0..cycle.len()).min_by_key(|&i| position[&cycle[i]]).expect("a cycle has members");
                    cycle.rotate_left(first);
                    let index = out.cycles.len() as u32;
                    out.member_of.extend(cycle.iter().map(|t| (*t, index)));
                    out.cycles.push(cycle);
                }
                break;
            }
            walk_of.insert(current, walk);
            path.push(current);
            match parent.get(&current) {
                Some(next) => current = *next,
                None => break,
            }
        }
    }
    out
}

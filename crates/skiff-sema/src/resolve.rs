//! Name resolution: import paths, each file's scope, and dotted references.

use crate::db::{Db, SourceFile};
use crate::items::{ItemId, ItemTag, Signature, file_items, item_tree};
use skiff_syntax::ast::SmolStr;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportPathError {
    /// `/etc/x.skiff`: paths are relative to the importing file.
    Absolute,
    /// `../../x.skiff` reaching above the workspace root.
    EscapesWorkspace,
}

/// The workspace path an import names, from the importing file's workspace path.
pub fn resolve_import_path(importer: &str, target: &str) -> Result<String, ImportPathError> {
    if target.starts_with('/') || target.starts_with('\\') || target.get(1..3) == Some(":\\") {
        return Err(ImportPathError::Absolute);
    }
    let mut parts: Vec<&str> = importer.split('/').collect();
    parts.pop();
    for segment in target.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(ImportPathError::EscapesWorkspace);
                }
            }
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

/// What one name in a file's scope stands for.
#[derive(Clone, Debug, PartialEq, Eq, salsa::SalsaValue)]
pub enum ScopeEntry<'db> {
    Item(ItemId<'db>),
    /// An import alias and the file it names, if that file is in the workspace.
    Import {
        item: ItemId<'db>,
        target: Option<SourceFile>,
    },
}

/// A file's names: its items and its import aliases. The first definition of a name wins;
/// later ones are reported as duplicates by the item checks.
#[salsa::tracked(returns(ref))]
pub fn file_scope<'db>(db: &'db dyn Db, file: SourceFile) -> BTreeMap<String, ScopeEntry<'db>> {
    let mut scope = BTreeMap::new();
    for (item, summary) in file_items(db, file).iter().zip(&item_tree(db, file).items) {
        let entry = match &summary.signature {
            Signature::Import { path } => ScopeEntry::Import { item: *item, target: import_target(db, file, path) },
            _ => ScopeEntry::Item(*item),
        };
        scope.entry(summary.name.to_string()).or_insert(entry);
    }
    scope
}

/// The workspace file an import path names, if it resolves and exists.
pub fn import_target(db: &dyn Db, importer: SourceFile, path: &str) -> Option<SourceFile> {
    let key = resolve_import_path(importer.path(db), path).ok()?;
    db.files().skiff_files(db).get(&key).copied()
}

/// What a dotted reference resolves to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution<'db> {
    Item(ItemId<'db>),
    /// The whole path names an import alias (a file, not an item).
    Import(ItemId<'db>),
    /// Segment `at` is unknown; `candidates` are the names that would have been valid there.
    Unknown {
        at: usize,
        candidates: Vec<SmolStr>,
    },
    /// The import the path goes through does not resolve (reported on the import).
    BrokenImport,
    /// `a.b.c`: items have no members.
    TooLong {
        at: usize,
    },
}

/// Resolves `name` or `alias.name` in `file`'s scope. Imports are not re-exported: `a.b`
/// looks `b` up among the items of the file imported as `a`, not its imports.
pub fn resolve_path<'db>(db: &'db dyn Db, file: SourceFile, segments: &[SmolStr]) -> Resolution<'db> {
    let scope = file_scope(db, file);
    let Some(first) = segments.first() else { return Resolution::Unknown { at: 0, candidates: Vec::new() } };
    match scope.get(first.as_str()) {
        None => Resolution::Unknown { at: 0, candidates: scope.keys().map(SmolStr::from).collect() },
        Some(ScopeEntry::Item(item)) if segments.len() == 1 => Resolution::Item(*item),
        Some(ScopeEntry::Item(_)) => Resolution::TooLong { at: 1 },
        Some(ScopeEntry::Import { item, .. }) if segments.len() == 1 => Resolution::Import(*item),
        Some(ScopeEntry::Import { target: None, .. }) => Resolution::BrokenImport,
        Some(ScopeEntry::Import { target: Some(target), .. }) => {
            let items = file_items(db, *target);
            // The target's scope finds the name at once; a name its import aliases took first
            // (reported there as a duplicate) is looked for among its items.
            let found = match file_scope(db, *target).get(segments[1].as_str()) {
                Some(ScopeEntry::Item(item)) => Some(item),
                Some(ScopeEntry::Import { .. }) => items
                    .iter()
                    .find(|i| i.tag(db) != ItemTag::Import && i.ordinal(db) == 0 && i.name(db) == &segments[1]),
                None => None,
            };
            match found {
                Some(item) if segments.len() == 2 => Resolution::Item(*item),
                Some(_) => Resolution::TooLong { at: 2 },
                None => Resolution::Unknown {
                    at: 1,
                    candidates: items
                        .iter()
                        .filter(|i| i.tag(db) != ItemTag::Import)
                        .map(|i| i.name(db).clone())
                        .collect(),
                },
            }
        }
    }
}

/// The files a file imports (those that exist), in import order.
#[salsa::tracked(returns(ref))]
pub fn imported_files(db: &dyn Db, file: SourceFile) -> Vec<SourceFile> {
    item_tree(db, file)
        .items
        .iter()
        .filter_map(|s| match &s.signature {
            Signature::Import { path } => import_target(db, file, path),
            _ => None,
        })
        .collect()
}

/// Every file (by path) that is part of an import cycle, with the cycle's members (a strongly connected
/// component of the import graph with more than one file, or a file importing itself).
#[salsa::tracked(returns(ref))]
pub fn import_cycles(db: &dyn Db) -> BTreeMap<String, Vec<SourceFile>> {
    let files: Vec<SourceFile> = db.files().skiff_files(db).values().copied().collect();
    let index: std::collections::HashMap<SourceFile, usize> = files.iter().enumerate().map(|(i, f)| (*f, i)).collect();
    let edges: Vec<Vec<usize>> =
        files.iter().map(|f| imported_files(db, *f).iter().filter_map(|t| index.get(t).copied()).collect()).collect();
    let mut cycles = BTreeMap::new();
    for component in strongly_connected(&edges) {
        let is_cycle = component.len() > 1 || edges[component[0]].contains(&component[0]);
        if is_cycle {
            let members: Vec<SourceFile> = component.iter().map(|&i| files[i]).collect();
            for &member in &members {
                cycles.insert(member.path(db).clone(), members.clone());
            }
        }
    }
    cycles
}

/// Tarjan's algorithm, iterative (an import chain may be long).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut out, mut counter) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut next)) = work.last_mut() {
            if *next == 0 && index[v] == usize::MAX {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*next) {
                *next += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths() {
        assert_eq!(resolve_import_path("seed/train.skiff", "lib/gpu.skiff"), Ok("seed/lib/gpu.skiff".into()));
        assert_eq!(resolve_import_path("a/b/c.skiff", "../x.skiff"), Ok("a/x.skiff".into()));
        assert_eq!(resolve_import_path("c.skiff", "./x.skiff"), Ok("x.skiff".into()));
        assert_eq!(resolve_import_path("a/c.skiff", "../../x.skiff"), Err(ImportPathError::EscapesWorkspace));
        assert_eq!(resolve_import_path("c.skiff", "/etc/x.skiff"), Err(ImportPathError::Absolute));
    }

    #[test]
    fn cycles_are_components() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 -> 0
        let components = strongly_connected(&[vec![1], vec![2], vec![0], vec![3], vec![0]]);
        let mut sizes: Vec<usize> = components.iter().map(Vec::len).collect();
        sizes.sort();
        assert_eq!(sizes, [1, 1, 3]);
    }
}

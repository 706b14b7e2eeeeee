//! The architecture's rules, checked: every crate depends only on the skiff crates its row of
//! the layers table in `docs/dev/architecture.md` allows, and every crate opens with a `//!`
//! paragraph saying what it is for. The table is the one statement of the rule; this test reads it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root").to_path_buf()
}

/// The rows between the `<!-- layers -->` markers: crate → the skiff crates it may depend on.
fn allowed_layers() -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(root().join("docs/dev/architecture.md")).expect("read the architecture doc");
    let start = text.find("<!-- layers").expect("the layers table's opening marker");
    let end = text.find("<!-- /layers -->").expect("the layers table's closing marker");
    let mut layers = BTreeMap::new();
    for line in text[start..end].lines().filter(|line| line.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() < 2 || cells[0] == "crate" || cells[0].starts_with("---") {
            continue;
        }
        let allowed = cells[1].split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
        layers.insert(cells[0].to_string(), allowed);
    }
    layers
}

struct Package {
    name: String,
    /// The workspace crates its code is built on (normal and build dependencies).
    skiff_dependencies: BTreeSet<String>,
    /// The workspace crates only its tests use (dev-dependencies).
    test_dependencies: BTreeSet<String>,
    /// Its library or binary roots.
    roots: Vec<PathBuf>,
}

fn workspace_packages() -> Vec<Package> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
        .output()
        .expect("run cargo metadata");
    assert!(output.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let names: BTreeSet<String> =
        packages.iter().map(|p| p["name"].as_str().expect("a package name").to_string()).collect();
    packages
        .iter()
        .map(|package| Package {
            name: package["name"].as_str().unwrap_or_default().to_string(),
            skiff_dependencies: skiff_dependencies(package, &names, |kind| kind != Some("dev")),
            test_dependencies: skiff_dependencies(package, &names, |kind| kind == Some("dev")),
            roots: package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|target| {
                    target["kind"].as_array().into_iter().flatten().any(|kind| kind == "lib" || kind == "bin")
                })
                .filter_map(|target| target["src_path"].as_str().map(PathBuf::from))
                .collect(),
        })
        .collect()
}

fn skiff_dependencies(
    package: &serde_json::Value,
    workspace: &BTreeSet<String>,
    kind: impl Fn(Option<&str>) -> bool,
) -> BTreeSet<String> {
    package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|dependency| kind(dependency["kind"].as_str()))
        .filter_map(|dependency| dependency["name"].as_str())
        .filter(|name| workspace.contains(*name))
        .map(String::from)
        .collect()
}

#[test]
fn every_crate_depends_only_on_the_layers_its_row_allows() {
    let layers = allowed_layers();
    let mut problems = Vec::new();
    for package in workspace_packages() {
        let Some(allowed) = layers.get(&package.name) else {
            problems.push(format!("`{}` has no row in the layers table of docs/dev/architecture.md", package.name));
            continue;
        };
        for dependency in package.skiff_dependencies.difference(allowed) {
            problems.push(format!(
                "`{}` depends on `{dependency}`, which its row of docs/dev/architecture.md does not allow",
                package.name
            ));
        }
    }
    assert!(problems.is_empty(), "the architecture is broken:\n{}", problems.join("\n"));
}

/// Tests may use a crate beside their own (skiff-fmt's tests check that formatting keeps every
/// diagnostic of skiff-sema), but never one built on the crate under test: cargo allows such a
/// dev-dependency cycle, and it would make the lower crate's tests depend on the upper one.
#[test]
fn no_test_uses_a_crate_built_on_the_crate_it_tests() {
    let packages = workspace_packages();
    let built_on: BTreeMap<&str, &BTreeSet<String>> =
        packages.iter().map(|p| (p.name.as_str(), &p.skiff_dependencies)).collect();
    let reaches = |from: &str, target: &str| {
        let mut pending = vec![from.to_string()];
        let mut seen = BTreeSet::new();
        while let Some(next) = pending.pop() {
            if next == target {
                return true;
            }
            if seen.insert(next.clone()) {
                pending.extend(built_on.get(next.as_str()).into_iter().flat_map(|deps| deps.iter().cloned()));
            }
        }
        false
    };
    let mut problems = Vec::new();
    for package in &packages {
        for used in &package.test_dependencies {
            if used != &package.name && reaches(used, &package.name) {
                problems.push(format!("the tests of `{}` use `{used}`, which is built on it", package.name));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layers_table_names_only_crates_that_exist_and_lists_each_once() {
    let packages: BTreeSet<String> = workspace_packages().into_iter().map(|p| p.name).collect();
    let layers = allowed_layers();
    assert!(layers.len() >= 8, "the layers table was not read: {layers:?}");
    for (name, allowed) in &layers {
        assert!(packages.contains(name), "the layers table names `{name}`, which is no workspace crate");
        for dependency in allowed {
            assert!(layers.contains_key(dependency), "`{name}` may depend on `{dependency}`, which has no row");
        }
    }
}

#[test]
fn every_crate_root_opens_with_a_doc_paragraph() {
    let mut missing = Vec::new();
    for package in workspace_packages() {
        for path in &package.roots {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or_default();
            if !first.starts_with("//!") {
                missing.push(format!("{} ({})", package.name, path.display()));
            }
        }
    }
    assert!(missing.is_empty(), "crate roots without a `//!` paragraph at the top:\n{}", missing.join("\n"));
}

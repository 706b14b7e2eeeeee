//! Fixtures written as data, shared by the test files: several files in one text, in the format
//! of `skiff_sema::fixture` (`//- path` starts a skiff file, `#- path` a YAML data file).

use std::path::{Path, PathBuf};

/// The `*.skiff` fixtures of `tests/NAME`, in path order.
pub fn fixtures(name: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join(name);
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "skiff"))
        .collect();
    fixtures.sort();
    fixtures
}

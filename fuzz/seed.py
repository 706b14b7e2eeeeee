#!/usr/bin/env python3
"""Seeds the fuzz corpora (fuzz/corpus/TARGET/, git-ignored) from the project's own inputs:
the examples, the parser, formatter and checker fixtures, and the strategic-merge cases.

Run from anywhere: `python3 fuzz/seed.py`. Files are named by content hash, so running it
again adds nothing twice and never removes what the fuzzer found.
"""

import hashlib
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("seed-" + hashlib.sha1(data).hexdigest())).write_bytes(data)


def skiff_files():
    dirs = [
        "examples",
        "crates/skiff-syntax/tests/fixtures",
        "crates/skiff-fmt/tests/fixtures",
        "crates/skiff-sema/tests/diagnostics",
        "crates/skiff-sema/tests/pods",
    ]
    for d in dirs:
        yield from sorted((ROOT / d).rglob("*.skiff"))


def workspaces():
    """Each example directory as one input in fixture form (`//- path`, `#- path`)."""
    for example in sorted(p for p in (ROOT / "examples").iterdir() if p.is_dir()):
        parts = []
        for path in sorted(example.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(example).as_posix()
            if path.suffix == ".skiff":
                parts.append(f"//- {rel}\n" + path.read_text())
            elif path.suffix in (".yaml", ".yml") or path.name == "skiff.toml":
                parts.append(f"#- {rel}\n" + path.read_text())
        yield "".join(parts)


def main():
    count = 0
    for path in skiff_files():
        text = path.read_text()
        for target in ("parse", "fmt"):
            put(target, text)
        # The checker fixtures are already multi-file inputs in the fuzz targets' format.
        for target in ("check", "compile"):
            put(target, text)
        count += 1
    for text in workspaces():
        for target in ("parse", "check", "compile"):
            put(target, text)
        count += 1
    cases = json.loads((ROOT / "crates/skiff-k8s/tests/fixtures/merge_cases.json").read_text())
    for case in cases:
        base = json.dumps(case["lower"], indent=1)
        patch = json.dumps(case["upper"], indent=1)
        put("patch", base + "\0" + patch)
        count += 1
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        put("patch", path.read_text() + "\0" + "spec:\n  nodeSelector:\n    pool: gpu\n")
        count += 1
    print(f"fuzz/seed.py: {count} seeds in {CORPUS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()

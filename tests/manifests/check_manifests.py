"""Independent checks of what `skiff build` emits (docs/robustness.md).

For every workspace under the directories given, and for a workspace of strings that YAML 1.1 readers are known to
misread, this script runs the real `skiff` binary and checks, with tools that are not skiff's:

- every Pod validates with `kubernetes-validate` in strict mode against Kubernetes 1.37;
- the YAML stream read by PyYAML (a YAML 1.1 reader) equals the items of `--format json`;
- the YAML 1.1 look-alikes (`on`, `yes`, `0777`, `1e3`, `~`, ...) come back as strings.

Usage: python check_manifests.py SKIFF DIR...   (each DIR holds workspaces: examples/, tests/fidelity/)
"""

import json
import re
import pathlib
import subprocess
import sys
import tempfile

import kubernetes_validate
import yaml

KUBERNETES = "1.37"

# Strings a YAML 1.1 reader turns into booleans, numbers, nulls or dates when unquoted.
LOOK_ALIKES = ["on", "off", "yes", "no", "y", "n", "true", "False", "null", "~", "0777", "0x1F", "1e3",
               "1_000", "1:20", "2026-01-01", ".inf", "-.5", "+1", "012", "",
               # and strings a careless writer breaks: comments, map syntax, line breaks, controls
               "a: b", "#c", "a #c", "- x", "'q'", "tab\there", "line\nbreak", "nel\u0085", "ls\u2028x", "bom\ufeff"]


def build(skiff, workspace, *extra):
    def run(fmt):
        done = subprocess.run([skiff, "build", str(workspace), "--format", fmt, "--color", "never", *extra],
                              capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"skiff build {workspace} --format {fmt} failed ({done.returncode}):\n{done.stderr}")
        return done.stdout
    return run("json"), run("yaml")


def check_workspace(skiff, workspace, *extra):
    json_text, yaml_text = build(skiff, workspace, *extra)
    listing = json.loads(json_text)
    assert listing["apiVersion"] == "v1" and listing["kind"] == "List", listing.keys()
    items = listing["items"]
    assert items, f"{workspace}: no pods"
    documents = list(yaml.safe_load_all(yaml_text))
    if documents != items:
        for i, (doc, item) in enumerate(zip(documents, items)):
            if doc != item:
                sys.exit(f"{workspace}: YAML document {i} read by PyYAML differs from the JSON item:\n"
                         f"yaml: {json.dumps(doc, sort_keys=True)}\njson: {json.dumps(item, sort_keys=True)}")
        sys.exit(f"{workspace}: {len(documents)} YAML documents but {len(items)} JSON items")
    for item in items:
        try:
            kubernetes_validate.validate(item, KUBERNETES, strict=True)
        except kubernetes_validate.ValidationError as error:
            sys.exit(f"{workspace}: pod {item['metadata']['name']} is not valid for Kubernetes {KUBERNETES} "
                     f"(strict): {error.message} at {list(error.path)}")
    return items


def skiff_string(text):
    """A skiff string literal: JSON's escapes, and `\\u{...}` for what JSON writes as `\\uXXXX`."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u{" + m.group(1) + "}", json.dumps(text, ensure_ascii=True))


LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")


def look_alike_workspace(directory):
    env = ", ".join(f'V{i}: {skiff_string(text)}' for i, text in enumerate(LOOK_ALIKES))
    labels = ", ".join(f'"l{i}": {json.dumps(text)}' for i, text in enumerate(LOOK_ALIKES) if LABEL_VALUE.match(text))
    (directory / "tricky.skiff").write_text(f"""
task echo(word: str) {{
  image: "busybox:1.36"
  command: ["echo", "{{{{inputs.word}}}}"]
  env {{ {env} }}
}}

workflow tricky() {{
  let first = echo(word: "on")
  let second = echo(word: "0777")
    override pod_template {{ metadata {{ labels {{ {labels} }} }} }}
}}
""")


def main():
    skiff, directories = sys.argv[1], [pathlib.Path(d) for d in sys.argv[2:]]
    workspaces = sorted(p.parent for d in directories for p in d.glob("*/*.skiff"))
    checked = 0
    for workspace in dict.fromkeys(workspaces):
        checked += len(check_workspace(skiff, workspace))
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        look_alike_workspace(scratch)
        items = check_workspace(skiff, scratch)
        checked += len(items)
        env = {var["name"]: var.get("value") for var in items[0]["spec"]["containers"][0]["env"]}
        for i, text in enumerate(LOOK_ALIKES):
            assert env[f"V{i}"] == text or (text == "" and env[f"V{i}"] in ("", None)), (text, env[f"V{i}"])
        assert env["SKIFF_INPUT_WORD"] == "on", env
        assert items[1]["spec"]["containers"][0]["env"][0] == {"name": "SKIFF_INPUT_WORD", "value": "0777"}
    print(f"manifests: {checked} pods valid for Kubernetes {KUBERNETES} (strict); PyYAML reads the YAML as the JSON")


if __name__ == "__main__":
    main()

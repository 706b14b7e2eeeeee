"""The JSON Schema of skiff.toml against skiff itself.

Usage: check_config_schema.py SKIFF SCHEMA EXAMPLES

Every case is a skiff.toml in a workspace made by `skiff init`; the schema (read by the
`jsonschema` package, as an editor would) and `skiff check` must both accept it or both refuse
it, and agree with what the case expects. Every skiff.toml under EXAMPLES must be valid.
"""

import json
import pathlib
import subprocess
import sys
import tempfile
import tomllib

import jsonschema

skiff, schema_path, examples = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
schema = json.loads(schema_path.read_text())
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

CASES = [
    ("the one skiff init writes", None, True),
    ("an empty file", "", True),
    ("both keys", '[defaults]\npod_template = "lib/platform.skiff:platform"\nnamespace = "ml"\n', True),
    ("a YAML template", '[defaults]\npod_template = "cluster/template.yaml"\n', True),
    ("a misspelled key", '[defaults]\npod_templte = "lib/platform.skiff:platform"\n', False),
    ("a misspelled table", '[default]\npod_template = "lib/platform.skiff:platform"\n', False),
    ("a namespace that is no DNS label", '[defaults]\nnamespace = "ML_Team"\n', False),
    ("a namespace that is a number", "[defaults]\nnamespace = 3\n", False),
    ("a template without its name", '[defaults]\npod_template = "lib/platform.skiff"\n', False),
    ("lint levels", '[lints]\n"host-path" = "allow"\n"untagged-image" = "deny"\n"unused-import" = "warn"\n', True),
    ("an unknown lint", '[lints]\n"host-pth" = "allow"\n', False),
    ("a level that is not one", '[lints]\n"host-path" = "never"\n', False),
    ("an error given a level", '[lints]\n"unknown-name" = "allow"\n', False),
    ("the Argo settings", '[argo]\nkind = "Workflow"\nservice_account_name = "argo-workflow"\n'
     'artifact_repository_ref = { config_map = "artifact-repositories", key = "default" }\n', True),
    ("an Argo kind that does not exist", '[argo]\nkind = "CronWorkflow"\n', False),
    ("an Argo account that is no DNS name", '[argo]\nservice_account_name = "Argo_Workflow"\n', False),
    ("a misspelled Argo key", '[argo]\nartifact_repository = "default"\n', False),
]

failures = []
with tempfile.TemporaryDirectory() as tmp:
    for name, text, expected in CASES:
        workspace = pathlib.Path(tmp) / name.replace(" ", "-")
        subprocess.run([skiff, "init", str(workspace)], check=True, capture_output=True)
        (workspace / "cluster").mkdir()
        (workspace / "cluster/template.yaml").write_text("template:\n  spec:\n    restartPolicy: Never\n")
        if text is not None:
            (workspace / "skiff.toml").write_text(text)
        document = tomllib.loads((workspace / "skiff.toml").read_text())
        errors = [e.message for e in validator.iter_errors(document)]
        by_schema = not errors
        check = subprocess.run([skiff, "check", "--color", "never", str(workspace)], capture_output=True, text=True)
        by_skiff = check.returncode == 0
        if by_schema != expected or by_skiff != expected:
            failures.append(
                f"{name}: expected {'valid' if expected else 'invalid'}, schema says "
                f"{'valid' if by_schema else errors}, skiff check exits {check.returncode}: {check.stderr.strip()}"
            )
        else:
            print(f"ok: {name} ({'valid' if expected else 'invalid'})")

for path in sorted(examples.rglob("skiff.toml")):
    errors = [e.message for e in validator.iter_errors(tomllib.loads(path.read_text()))]
    if errors:
        failures.append(f"{path}: {errors}")
    else:
        print(f"ok: {path}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"skiff.toml schema: {len(CASES)} cases agree with skiff check")

"""Independent checks of `skiff build --target argo` and `--target podtemplates` (docs/argo.md).

For every example workspace, tests/argo/features and the pods of tests/fidelity:
- every Argo object validates against Argo Workflows' own JSON schema, with closed objects;
- the YAML stream read by PyYAML equals the items of `--format json`;
- every PodTemplate validates with `kubernetes-validate` in strict mode (Kubernetes 1.37).

Usage: python check_argo.py SKIFF REPO_ROOT
"""

import json
import pathlib
import subprocess
import sys

import jsonschema
import kubernetes_validate
import yaml

KUBERNETES = "1.37"
WIDENED = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": ["string", "integer"],
    "io.k8s.apimachinery.pkg.api.resource.Quantity": ["string", "number"],
}


def strict_schema(path):
    schema = json.loads(path.read_text())
    for name, definition in schema["definitions"].items():
        if "properties" in definition and "additionalProperties" not in definition:
            definition["additionalProperties"] = False
        if name in WIDENED:
            definition["type"] = WIDENED[name]
    return schema


def build(skiff, workspace, target, fmt):
    done = subprocess.run([skiff, "build", str(workspace), "--target", target, "--format", fmt, "--color", "never"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"skiff build {workspace} --target {target} --format {fmt} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def same_as_json(workspace, target, json_text, yaml_text):
    items = json.loads(json_text)["items"]
    documents = list(yaml.safe_load_all(yaml_text))
    if documents != items:
        sys.exit(f"{workspace} --target {target}: the YAML stream read by PyYAML differs from the JSON items")
    return items


def main():
    skiff, root = sys.argv[1], pathlib.Path(sys.argv[2])
    schema = strict_schema(root / "tests/argo/schema.json")
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    workspaces = ([p for p in sorted((root / "examples").iterdir()) if p.is_dir()] + [root / "tests/argo/features"]
                  + [p for p in sorted((root / "tests/fidelity").iterdir()) if p.is_dir()])
    objects = templates = 0
    for workspace in workspaces:
        items = same_as_json(workspace, "argo", build(skiff, workspace, "argo", "json"),
                             build(skiff, workspace, "argo", "yaml"))
        for item in items:
            kind = item["kind"]
            definition = {"$ref": f"#/definitions/io.argoproj.workflow.v1alpha1.{kind}",
                          "definitions": schema["definitions"]}
            errors = sorted(validator_class(definition).iter_errors(item), key=lambda e: list(e.path))
            if errors:
                error = errors[0]
                sys.exit(f"{workspace}: {kind} is not valid for Argo's schema: {error.message} "
                         f"at {'.'.join(str(p) for p in error.path)}")
            objects += 1
        items = same_as_json(workspace, "podtemplates", build(skiff, workspace, "podtemplates", "json"),
                             build(skiff, workspace, "podtemplates", "yaml"))
        for item in items:
            try:
                kubernetes_validate.validate(item, KUBERNETES, strict=True)
            except kubernetes_validate.ValidationError as error:
                sys.exit(f"{workspace}: PodTemplate {item['metadata']['name']} is not valid for Kubernetes "
                         f"{KUBERNETES} (strict): {error.message} at {list(error.path)}")
            templates += 1
    # A closed schema must refuse a misspelled field, or it checks nothing.
    wrong = json.loads(build(skiff, root / "tests/argo/features", "argo", "json"))["items"][0]
    wrong["spec"]["templates"][1]["nodeSelecter"] = {"pool": "gpu"}
    definition = {"$ref": "#/definitions/io.argoproj.workflow.v1alpha1.WorkflowTemplate",
                  "definitions": schema["definitions"]}
    if not list(validator_class(definition).iter_errors(wrong)):
        sys.exit("the strict Argo schema accepted a misspelled field")
    print(f"argo: {objects} workflows valid for Argo's schema (closed objects), "
          f"{templates} PodTemplates valid for Kubernetes {KUBERNETES} (strict)")


if __name__ == "__main__":
    main()

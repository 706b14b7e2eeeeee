#!/usr/bin/env python3
"""Writes the peer benchmark's workload, the same work in every language.

2,000 pods: one base pod template, 200 templates extending it, two tasks per template and 200
workflows of ten calls each; every other call overrides the pod template's nodeSelector (maps
merge) and tolerations (replaced whole). Deterministic: the same files on every run.

  gen.py OUT_DIR   writes OUT_DIR/skiff, OUT_DIR/jsonnet, OUT_DIR/nickel, OUT_DIR/pkl, OUT_DIR/kcl,
                   OUT_DIR/cue
                   (OUT_DIR is replaced only if an earlier run wrote it)

Each peer gets a hand-written library (bench/peers/<tool>/lib.*, copied beside the generated
files) that does the merge the way a user of that language would: maps merged, tolerations
replaced whole, containers merged by name. The generated files only declare data: templates,
tasks, workflows, calls and overrides, as a user would write them.
"""
import argparse
import os
import shutil
import sys

GROUPS = 200          # templates (one per group), workflows
CALLS = 10            # calls per workflow
PER_FILE = 20         # groups per source file
HERE = os.path.dirname(os.path.abspath(__file__))


def group_data(g):
    """Everything that varies with the group, in one place for every language."""
    return {
        "g": f"{g:03d}",
        "pool": f"pool-{g:03d}",
        "zone": f"zone-{g % 3}",
        "team": f"team-{g % 7}",
        "prep_image": f"ghcr.io/acme/prep:{g}.0",
        "train_image": f"ghcr.io/acme/train:{g}.4",
        "seed": str(g),
    }


def calls(g):
    """(node, task kind, literal inputs (ordered), runtime input node or None, override or None)."""
    out = []
    for k in range(CALLS):
        node = f"c{k}"
        if k == 0:
            out.append((node, "prep", [("shard", g)], None, None))
            continue
        lits = [("epochs", k)] if k % 4 != 2 else []  # some calls keep the default epochs
        ov = None
        if k % 2 == 1:
            ov = {
                "nodeSelector": [("pool", f"burst-{k}"), ("node.kubernetes.io/lifecycle", "spot")],
                "tolerations": [
                    [("key", "spot"), ("operator", "Exists"), ("effect", "NoSchedule")],
                    [("key", "burst"), ("operator", "Equal"), ("value", f"c{k}"), ("effect", "NoExecute")],
                ],
            }
        out.append((node, "train", lits, f"c{k - 1}", ov))
    return out


def files():
    """Source file index -> groups."""
    return [(f, range(f * PER_FILE, (f + 1) * PER_FILE)) for f in range(GROUPS // PER_FILE)]


def q(s):
    return '"' + s + '"'


# ---------------------------------------------------------------- skiff

SKIFF_BASE = '''/// The platform team's default placement.
pod_template base {
  nodeSelector { pool: "general" }
  tolerations: [{ key: "dedicated", operator: "Equal", value: "platform", effect: "NoSchedule" }]
  securityContext { runAsNonRoot: true, runAsUser: 1000 }
  serviceAccountName: "runner"
  volumes: [{ name: "scratch", emptyDir { medium: "Memory", sizeLimit: 2Gi } }]
  containers["log-shipper"] { image: "fluent/fluent-bit:3.0" }
}
'''


def skiff_map(pairs):
    return "{ " + ", ".join(f"{q(k)}: {q(v)}" for k, v in pairs) + " }"


def skiff_group(g):
    d = group_data(g)
    s = f'''
/// Placement of group {d["g"]}.
pod_template t_{d["g"]} extends base.base {{
  nodeSelector {{ pool: "{d["pool"]}", "topology.kubernetes.io/zone": "{d["zone"]}" }}
  tolerations += [{{ key: "group", operator: "Equal", value: "g-{d["g"]}", effect: "NoSchedule" }}]
  priorityClassName: "{d["team"]}"
  containers["primary"] {{ volumeMounts: [{{ name: "scratch", mountPath: "/scratch" }}] }}
}}

task prep_{d["g"]}(shard: int) -> File {{
  image: "{d["prep_image"]}"
  args: ["--shard", "{{{{inputs.shard}}}}"]
  resources {{ requests {{ cpu: 500m, memory: 2Gi }} limits {{ memory: 4Gi }} }}
  pod_template: t_{d["g"]}
}}

task train_{d["g"]}(data: File, epochs: int = 10) -> File {{
  image: "{d["train_image"]}"
  command: ["python", "-m", "train"]
  args: ["--epochs", "{{{{inputs.epochs}}}}", "--data", "{{{{inputs.data}}}}"]
  env {{ SEED: "{d["seed"]}" }}
  resources {{ requests {{ cpu: 4, memory: 16Gi }} limits {{ "nvidia.com/gpu": 1, memory: 16Gi }} }}
  pod_template: t_{d["g"]}
}}

workflow flow_{d["g"]}() -> File {{
'''
    for node, kind, lits, dep, ov in calls(g):
        args = [f"{k}: {v}" for k, v in lits]
        if dep:
            args.insert(0, f"data: {dep}")
        s += f'  let {node} = {kind}_{d["g"]}({", ".join(args)})\n'
        if ov:
            tols = ", ".join(skiff_map(t) for t in ov["tolerations"])
            s += (f'    override pod_template {{ nodeSelector {skiff_map(ov["nodeSelector"])} '
                  f'tolerations: [{tols}] }}\n')
    s += f"  return c{CALLS - 1}\n}}\n"
    return s


def write_skiff(out):
    d = os.path.join(out, "skiff")
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "base.skiff"), "w").write(SKIFF_BASE)
    for f, groups in files():
        text = 'import "base.skiff" as base\n'
        for g in groups:
            text += skiff_group(g)
        open(os.path.join(d, f"group_{f:02d}.skiff"), "w").write(text)


# ---------------------------------------------------------------- values in each language

class M(dict):
    """A map with arbitrary string keys (nodeSelector, labels, resources), as opposed to an object
    with field names; only Pkl tells them apart (entries against properties)."""


IDENT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def ident(k):
    return set(k) <= IDENT_CHARS and not k[0].isdigit()


def literal(v, quote, assign, pad="", booleans=("true", "false")):
    """A dict, list, bool, int or string as a literal of a JSON-like language: `assign` between
    a key and its value, `pad` inside an object's braces, a key quoted only when it is no
    identifier."""
    def write(x):
        return literal(x, quote, assign, pad, booleans)
    if isinstance(v, dict):
        return "{" + pad + ", ".join(f"{k if ident(k) else quote(k)}{assign}{write(x)}" for k, x in v.items()) + pad + "}"
    if isinstance(v, list):
        return "[" + ", ".join(write(x) for x in v) + "]"
    if isinstance(v, bool):
        return booleans[0] if v else booleans[1]
    if isinstance(v, int):
        return str(v)
    return quote(v)


def jv(v):
    """Jsonnet (single quotes)."""
    return literal(v, lambda s: "'" + s + "'", ": ", " ")


def nv(v):
    """Nickel."""
    return literal(v, q, " = ", " ")


def pv(v):
    """Pkl: an object body (members after the name), or a value after `=`."""
    if isinstance(v, (dict, list)):
        return "new " + pbody(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return q(v)


def pmember(k, x, m):
    key = f"[{q(k)}]" if m else k
    if isinstance(x, (dict, list)):
        return f"{key} {pbody(x)}"
    return f"{key} = {pv(x)}"


def pbody(v):
    if isinstance(v, dict):
        return "{ " + "; ".join(pmember(k, x, isinstance(v, M)) for k, x in v.items()) + " }"
    return "{ " + "; ".join(pv(x) for x in v) + " }"


def kv(v, op="="):
    """KCL: `=` overrides, `:` unions."""
    return literal(v, q, f" {op} ", booleans=("True", "False"))


# The same data for every peer (the skiff text above says it in skiff).
BASE = {
    "nodeSelector": M(pool="general"),
    "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "platform", "effect": "NoSchedule"}],
    "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
    "serviceAccountName": "runner",
    "volumes": [{"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "2Gi"}}],
}
LOG_SHIPPER = {"image": "fluent/fluent-bit:3.0"}
MOUNTS = [{"name": "scratch", "mountPath": "/scratch"}]


def template_layer(d):
    return (M(pool=d["pool"], **{"topology.kubernetes.io/zone": d["zone"]}),
            [{"key": "group", "operator": "Equal", "value": "g-" + d["g"], "effect": "NoSchedule"}],
            d["team"])


def containers(d):
    """(task kind, the task's primary container without env, param injected, other env)."""
    prep = {"image": d["prep_image"], "args": ["--shard", "$(SKIFF_INPUT_SHARD)"],
            "resources": {"requests": M(cpu="500m", memory="2Gi"), "limits": M(memory="4Gi")}}
    train = {"image": d["train_image"], "command": ["python", "-m", "train"],
             "args": ["--epochs", "$(SKIFF_INPUT_EPOCHS)", "--data", "$(SKIFF_INPUT_DATA)"],
             "resources": {"requests": M(cpu="4", memory="16Gi"),
                           "limits": M(**{"nvidia.com/gpu": "1", "memory": "16Gi"})}}
    return prep, train


def override(ov):
    return M(ov["nodeSelector"]), [dict(t) for t in ov["tolerations"]]


def write_groups(out, tool, ext, head, group, tail_item, tail):
    d = os.path.join(out, tool)
    os.makedirs(d, exist_ok=True)
    shutil.copy(os.path.join(HERE, tool, "lib." + ext), d)
    names = []
    for f, groups in files():
        text = head
        for g in groups:
            text += group(g)
        text += tail(groups)
        name = f"group_{f:02d}.{ext}"
        open(os.path.join(d, name), "w").write(text)
        names.append(name)
    return d, names


# ---------------------------------------------------------------- Jsonnet

def write_jsonnet(out):
    def group(g):
        d = group_data(g)
        ns, tols, team = template_layer(d)
        prep, train = containers(d)
        s = f"""
// Placement of group {d["g"]}.
local t_{d["g"]} = base.base {{
  nodeSelector+: {jv(ns)},
  tolerations+: {jv(tols)},
  priorityClassName: '{team}',
  containerMap+:: {{ primary+: {{ volumeMounts: {jv(MOUNTS)} }} }},
}};
local prep_{d["g"]}_task = lib.task('prep_{d["g"]}', t_{d["g"]}, {jv(prep)});
local prep_{d["g"]}(shard) = lib.call(prep_{d["g"]}_task, null, [{{ name: 'SKIFF_INPUT_SHARD', value: std.toString(shard) }}]);
local train_{d["g"]}_task = lib.task('train_{d["g"]}', t_{d["g"]}, {jv(train)});
local train_{d["g"]}(data, epochs=10) = lib.call(train_{d["g"]}_task, data, [{{ name: 'SKIFF_INPUT_EPOCHS', value: std.toString(epochs) }}, {{ name: 'SEED', value: '{d["seed"]}' }}]);
local flow_{d["g"]} = [
"""
        for node, kind, lits, dep, ov in calls(g):
            args = [f"{k}={v}" for k, v in lits]
            if dep:
                args.insert(0, f"data='{dep}'")
            o = ""
            if ov:
                ons, otols = override(ov)
                o = f", {{ nodeSelector+: {jv(ons)}, tolerations: {jv(otols)} }}"
            s += f"  lib.pod('flow_{d['g']}', '{node}', {kind}_{d['g']}({', '.join(args)}){o}),\n"
        return s + "];\n"
    head = "local base = import 'base.libsonnet';\nlocal lib = import 'lib.libsonnet';\n"
    d, names = write_groups(out, "jsonnet", "libsonnet", head, group, None,
                            lambda gs: "\n" + " + ".join(f"flow_{g:03d}" for g in gs) + "\n")
    base = dict(BASE)
    open(os.path.join(d, "base.libsonnet"), "w").write(
        "// The platform team's default placement.\n{\n  base:: "
        + jv(base)[:-2] + ", containerMap:: { 'log-shipper': " + jv(LOG_SHIPPER) + " } },\n}\n")
    open(os.path.join(d, "main.jsonnet"), "w").write(
        "{\n  apiVersion: 'v1',\n  kind: 'List',\n  items: "
        + "\n    + ".join(f"(import '{n}')" for n in names) + ",\n}\n")


# ---------------------------------------------------------------- Nickel

def write_nickel(out):
    def group(g):
        d = group_data(g)
        ns, tols, team = template_layer(d)
        prep, train = containers(d)
        s = f"""
# Placement of group {d["g"]}.
let t_{d["g"]} = base & {{
  nodeSelector = {nv(ns)},
  tolerations = base.tolerations @ {nv(tols)},
  priorityClassName = "{team}",
  containers = {{ primary = {{ volumeMounts = {nv(MOUNTS)} }} }},
}} in
let prep_{d["g"]} = fun {{ shard }} => {{
  task = "prep_{d["g"]}", template = t_{d["g"]}, after = null,
  container = {nv(prep)[:-2]}, env = [{{ name = "SKIFF_INPUT_SHARD", value = std.to_string shard }}] }},
}} in
let train_{d["g"]} = fun {{ data, epochs ? 10 }} => {{
  task = "train_{d["g"]}", template = t_{d["g"]}, after = data,
  container = {nv(train)[:-2]}, env = [{{ name = "SKIFF_INPUT_EPOCHS", value = std.to_string epochs }}, {{ name = "SEED", value = "{d["seed"]}" }}] }},
}} in
let flow_{d["g"]} = [
"""
        for node, kind, lits, dep, ov in calls(g):
            args = [f"{k} = {v}" for k, v in lits]
            if dep:
                args.insert(0, f'data = "{dep}"')
            o = "{}"
            if ov:
                ons, otols = override(ov)
                nsf = ", ".join(f"{k if ident(k) else q(k)} | force = {q(v)}" for k, v in ons.items())
                o = f"{{ nodeSelector = {{ {nsf} }}, tolerations | force = {nv(otols)} }}"
            s += f"  lib.pod \"flow_{d['g']}\" \"{node}\" ({kind}_{d['g']} {{ {', '.join(args)} }}) {o},\n"
        return s + "] in\n"
    head = "let base = (import \"base.ncl\").base in\nlet lib = import \"lib.ncl\" in\n"
    d, names = write_groups(out, "nickel", "ncl", head, group, None,
                            lambda gs: "\n" + " @ ".join(f"flow_{g:03d}" for g in gs) + "\n")
    # The platform's values are defaults: templates change them.
    b = BASE
    base = ("# The platform team's default placement: every value a default that templates may change.\n"
            "{\n  base = {\n"
            f"    nodeSelector = {{ pool | default = \"general\" }},\n"
            f"    tolerations | default = {nv(b['tolerations'])},\n"
            f"    securityContext = {nv(b['securityContext'])},\n"
            f"    serviceAccountName = \"runner\",\n"
            f"    volumes = {nv(b['volumes'])},\n"
            f"    containers = {{ \"log-shipper\" = {nv(LOG_SHIPPER)} }},\n"
            "  },\n}\n")
    open(os.path.join(d, "base.ncl"), "w").write(base)
    open(os.path.join(d, "main.ncl"), "w").write(
        "{\n  apiVersion = \"v1\",\n  kind = \"List\",\n  items =\n    "
        + "\n    @ ".join(f"(import \"{n}\")" for n in names) + ",\n}\n")


# ---------------------------------------------------------------- Pkl

def write_pkl(out):
    def group(g):
        d = group_data(g)
        ns, tols, team = template_layer(d)
        prep, train = containers(d)
        s = f"""
/// Placement of group {d["g"]}.
local t_{d["g"]} = (base.base) {{
  nodeSelector {pbody(ns)}
  tolerations {pbody(tols)}
  priorityClassName = "{team}"
  containerMap {{ ["primary"] {{ volumeMounts {pbody(MOUNTS)} }} }}
}}
local prep_{d["g"]} = new Dynamic {{
  shard = 0
  task = "prep_{d["g"]}"
  after = null
  spec = (t_{d["g"]}) {{ containerMap {{ ["primary"] {pbody(prep)[:-2]}; env {{ new {{ name = "SKIFF_INPUT_SHARD"; value = shard.toString() }} }} }} }} }}
}}
local train_{d["g"]} = new Dynamic {{
  epochs = 10
  task = "train_{d["g"]}"
  after = "?"
  spec = (t_{d["g"]}) {{ containerMap {{ ["primary"] {pbody(train)[:-2]}; env {{ new {{ name = "SKIFF_INPUT_EPOCHS"; value = epochs.toString() }} new {{ name = "SEED"; value = "{d["seed"]}" }} }} }} }} }}
}}
flow_{d["g"]} = new Listing {{
"""
        for node, kind, lits, dep, ov in calls(g):
            args = [f"{k} = {v}" for k, v in lits]
            if dep:
                args.insert(0, f'after = "{dep}"')
            o = "null"
            if ov:
                ons, otols = override(ov)
                o = f"new Mixin {{ nodeSelector {pbody(ons)}; tolerations = new Dynamic {pbody(otols)} }}"
            s += f"  lib.pod(\"flow_{d['g']}\", \"{node}\", ({kind}_{d['g']}) {{ {'; '.join(args)} }}, {o})\n"
        return s + "}\n"
    head = 'import "base.pkl"\nimport "lib.pkl"\n'
    d, names = write_groups(out, "pkl", "pkl", head, group, None,
                            lambda gs: "\npods = new Listing {\n" + "".join(f"  ...flow_{g:03d}\n" for g in gs) + "}\n")
    base = dict(BASE)
    open(os.path.join(d, "base.pkl"), "w").write(
        "/// The platform team's default placement.\nbase = new Dynamic "
        + pbody(base)[:-2] + "; containerMap = new Mapping { [\"log-shipper\"] " + pbody(LOG_SHIPPER) + " } }\n")
    open(os.path.join(d, "main.pkl"), "w").write(
        "".join(f"import \"{n}\" as g{i:02d}\n" for i, n in enumerate(names))
        + "\napiVersion = \"v1\"\nkind = \"List\"\nitems = new Listing {\n"
        + "".join(f"  ...g{i:02d}.pods\n" for i in range(len(names)))
        # Compact JSON (`indent = ""`): half the bytes of the default two-space indent, and the
        # module's renderer is used even under `pkl eval -f json`.
        + "}\n\noutput { renderer = new JsonRenderer { indent = \"\" } }\n")


# ---------------------------------------------------------------- KCL

def write_kcl(out):
    def group(g):
        d = group_data(g)
        ns, tols, team = template_layer(d)
        prep, train = containers(d)
        s = f"""
# Placement of group {d["g"]}.
_t_{d["g"]} = base.base | {{
    nodeSelector: {kv(ns)}
    tolerations += {kv(tols)}
    priorityClassName = "{team}"
    containerMap: {{primary: {{volumeMounts = {kv(MOUNTS)}}}}}
}}
_prep_{d["g"]} = lambda shard: int {{
    {{task = "prep_{d["g"]}", after = None, spec = _t_{d["g"]} | {{containerMap: {{primary: {kv(prep)[:-1]}, env = [{{name = "SKIFF_INPUT_SHARD", value = str(shard)}}]}}}}}}}}
}}
_train_{d["g"]} = lambda data: str, epochs: int = 10 {{
    {{task = "train_{d["g"]}", after = data, spec = _t_{d["g"]} | {{containerMap: {{primary: {kv(train)[:-1]}, env = [{{name = "SKIFF_INPUT_EPOCHS", value = str(epochs)}}, {{name = "SEED", value = "{d["seed"]}"}}]}}}}}}}}
}}
_flow_{d["g"]} = [
"""
        for node, kind, lits, dep, ov in calls(g):
            args = [f"{k}={v}" for k, v in lits]
            if dep:
                args.insert(0, f'data="{dep}"')
            o = "{}"
            if ov:
                ons, otols = override(ov)
                o = f"{{nodeSelector: {kv(ons)}, tolerations = {kv(otols)}}}"
            s += f"    lib.pod(\"flow_{d['g']}\", \"{node}\", _{kind}_{d['g']}({', '.join(args)}), {o})\n"
        return s + "]\n"
    head = "import base\nimport lib\n"
    d, names = write_groups(out, "kcl", "k", head, group, None,
                            lambda gs: "\npods = " + " + ".join(f"_flow_{g:03d}" for g in gs) + "\n")
    shutil.copy(os.path.join(HERE, "kcl", "run.py"), d)
    open(os.path.join(d, "kcl.mod"), "w").write('[package]\nname = "peers"\nversion = "0.1.0"\n')
    base = dict(BASE)
    open(os.path.join(d, "base.k"), "w").write(
        "# The platform team's default placement.\nbase = " + kv(base)[:-1]
        + ", containerMap = {\"log-shipper\" = " + kv(LOG_SHIPPER) + "}}\n")
    open(os.path.join(d, "main.k"), "w").write(
        "".join(f"import group_{i:02d}\n" for i in range(len(names)))
        + "\napiVersion = \"v1\"\nkind = \"List\"\nitems = "
        + " + ".join(f"group_{i:02d}.pods" for i in range(len(names))) + "\n")


# ---------------------------------------------------------------- CUE

def cv(v):
    """CUE."""
    return literal(v, q, ": ")


def write_cue(out):
    def group(g):
        d = group_data(g)
        ns, tols, team = template_layer(d)
        prep, train = containers(d)
        s = f"""
// Placement of group {d["g"]}.
_t_{d["g"]}: _base & {{
	nodeSelector: {cv(ns)}
	tolerations: list.Concat([_base.tolerations, {cv(tols)}])
	priorityClassName: "{team}"
	_containers: primary: volumeMounts: {cv(MOUNTS)}
}}
_prep_{d["g"]}_spec: _t_{d["g"]} & {{_containers: primary: {cv(prep)}}}
_prep_{d["g"]}: {{
	shard: int
	task: "prep_{d["g"]}"
	after: null
	spec: _prep_{d["g"]}_spec
	env: [{{name: "SKIFF_INPUT_SHARD", value: "\\(shard)"}}]
}}
_train_{d["g"]}_spec: _t_{d["g"]} & {{_containers: primary: {cv(train)}}}
_train_{d["g"]}: {{
	data: string
	epochs: *10 | int
	task: "train_{d["g"]}"
	after: data
	spec: _train_{d["g"]}_spec
	env: [{{name: "SKIFF_INPUT_EPOCHS", value: "\\(epochs)"}}, {{name: "SEED", value: "{d["seed"]}"}}]
}}
_flow_{d["g"]}: [
"""
        for node, kind, lits, dep, ov in calls(g):
            args = [f"{k}: {v}" for k, v in lits]
            if dep:
                args.insert(0, f'data: "{dep}"')
            o = ""
            if ov:
                ons, otols = override(ov)
                o = f", override: {{nodeSelector: {cv(ons)}, tolerations: {cv(otols)}}}"
            s += (f"\t(#Pod & {{workflow: \"flow_{d['g']}\", node: \"{node}\", "
                  f"call: _{kind}_{d['g']} & {{{', '.join(args)}}}{o}}}).out,\n")
        return s + "]\n"
    head = "package peers\n\nimport \"list\"\n"
    d, names = write_groups(out, "cue", "cue", head, group, None,
                            lambda gs: f"\n_group_{gs[0] // PER_FILE:02d}: list.Concat(["
                            + ", ".join(f"_flow_{g:03d}" for g in gs) + "])\n")
    # The platform's values that templates change are defaults.
    b = BASE
    open(os.path.join(d, "base.cue"), "w").write(
        "package peers\n\n"
        "import \"list\"\n\n"
        "// The platform team's default placement: the values a template changes are defaults.\n"
        "_base: {\n"
        f"\tnodeSelector: pool: *\"{b['nodeSelector']['pool']}\" | string\n"
        f"\ttolerations: *{cv(b['tolerations'])} | [...{{...}}]\n"
        f"\tsecurityContext: {cv(b['securityContext'])}\n"
        f"\tserviceAccountName: {cv(b['serviceAccountName'])}\n"
        f"\tvolumes: {cv(b['volumes'])}\n"
        f"\t_containers: \"log-shipper\": {cv(LOG_SHIPPER)}\n"
        "\t// The containers by name (CUE's own field order follows the evaluation), once per task.\n"
        "\t_containerList: [for k in list.SortStrings([for k, _ in _containers {k}]) {name: k, _containers[k]}]\n"
        "}\n")
    open(os.path.join(d, "main.cue"), "w").write(
        "package peers\n\nimport \"list\"\n\napiVersion: \"v1\"\nkind: \"List\"\nitems: list.Concat(["
        + ", ".join(f"_group_{i:02d}" for i in range(len(names))) + "])\n")


# ---------------------------------------------------------------- main

# Written into OUT_DIR so that a later run may replace it: a directory without it is never
# deleted (`gen.py .` must not empty the repository).
MARKER = ".peers-workload"


def main():
    parser = argparse.ArgumentParser(description="Writes the peer benchmark's workload into OUT_DIR.")
    parser.add_argument("out", metavar="OUT_DIR", help="a new directory, or one an earlier run wrote")
    out = parser.parse_args().out
    if os.path.exists(out):
        # (Runs before the marker existed left only the tools' folders.)
        ours = {MARKER, "skiff", "jsonnet", "nickel", "pkl", "kcl", "cue"}
        if os.path.isdir(out) and set(os.listdir(out)) <= ours:
            shutil.rmtree(out)
        else:
            sys.exit(f"gen.py: {out} exists and was not written by gen.py: not replacing it")
    os.makedirs(out)
    open(os.path.join(out, MARKER), "w").close()
    write_skiff(out)
    for name in ("jsonnet", "nickel", "pkl", "kcl", "cue"):
        writer = globals().get("write_" + name)
        if writer:
            writer(out)


if __name__ == "__main__":
    main()

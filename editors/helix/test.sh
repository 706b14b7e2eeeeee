#!/usr/bin/env bash
# Checks the Helix support:
#   1. languages.toml parses (python3 tomllib) and has the expected keys, and its grammar path,
#      rendered as install.sh renders it, is the repository's grammar;
#   2. every query in queries/skiff/ compiles against the grammar (`tree-sitter query` over the
#      examples), and uses only capture names Helix knows for that kind of query;
#   3. highlights.scm captures no node twice (so it does not depend on which of two matching
#      patterns an editor prefers) and leaves no token of the examples uncaptured;
#   4. install.sh into a temporary config directory: it keeps what languages.toml had, adds
#      skiff once (a second run changes nothing), and the parser it builds runs the queries;
#   5. Helix's highlights give the same token classes as the TextMate grammar (and so as the
#      grammar's own highlights.scm), with editors/tests/compare_tokens.mjs;
#   6. the language server entry runs: `skiff` with languages.toml's args accepts `--help`, and
#      answers `initialize` (hover among its capabilities), `shutdown` and `exit` as Helix
#      sends them.
#
# Usage: editors/helix/test.sh [path/to/tree-sitter]
#   default: the repository's .tools/bin/tree-sitter, else `tree-sitter` on PATH.
#   SKIFF_BIN is the `skiff` binary of step 6 (default: the repository's target/debug/skiff).
# Needs python3 >= 3.11, a C compiler, and for step 5 `npm ci` done in editors/vscode.
set -euo pipefail

started=$SECONDS
helix_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$helix_dir/../.." && pwd)

source "$repo_root/editors/lib.sh"
skiff_tree_sitter helix/test.sh "${1:-}"

skiff_scratch

# The CLI in isolation, as grammar/test.sh runs it.
skiff_isolated_parsers

mapfile -d '' files < <(find "$repo_root/examples" "$repo_root/editors/tests/cases" -name '*.skiff' -type f -print0 | sort -z)
((${#files[@]} > 0)) || { : >"$log"; fail "no example"; }
mapfile -t queries < <(find "$helix_dir/queries/skiff" -name '*.scm' | sort)
((${#queries[@]} > 0)) || { : >"$log"; fail "no query"; }

echo "==> languages.toml"
python3 - "$helix_dir/languages.toml" "$repo_root" >"$log" 2>&1 <<'EOF' || fail "languages.toml"
import os, sys, tomllib
path, repo = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
cfg = tomllib.loads(text)
langs = [l for l in cfg["language"] if l["name"] == "skiff"]
assert len(langs) == 1, cfg["language"]
lang = langs[0]
expect = {
    "scope": "source.skiff",
    "file-types": ["skiff"],
    "comment-token": "//",
    "indent": {"tab-width": 2, "unit": "  "},
    "language-servers": ["skiff-lsp"],
    "roots": ["skiff.toml"],
}
for key, value in expect.items():
    assert lang.get(key) == value, f"language.{key} = {lang.get(key)!r}, want {value!r}"
server = cfg["language-server"]["skiff-lsp"]
assert server == {"command": "skiff", "args": ["lsp"]}, server
grammars = [g for g in cfg["grammar"] if g["name"] == "skiff"]
assert len(grammars) == 1, cfg["grammar"]
source = grammars[0]["source"]
assert set(source) == {"path"}, source
rendered = tomllib.loads(text.replace("@SKIFF_REPO@", repo))
grammar_dir = [g for g in rendered["grammar"] if g["name"] == "skiff"][0]["source"]["path"]
assert os.path.isabs(grammar_dir), grammar_dir
assert os.path.isfile(os.path.join(grammar_dir, "src", "parser.c")), grammar_dir
assert os.path.samefile(grammar_dir, os.path.join(repo, "grammar")), grammar_dir
print("ok")
EOF

echo "==> queries compile, with Helix's capture names"
for q in "${queries[@]}"; do
  "$ts" query --quiet "$q" "${files[@]}" >"$log" 2>&1 || fail "$(basename "$q") does not compile"
done
python3 - "${queries[@]}" >"$log" 2>&1 <<'EOF' || fail "a query uses a capture name Helix does not know"
import os, re, sys
# Helix's highlight scopes (https://docs.helix-editor.com/themes.html#scopes) used by skiff,
# and the captures of its other queries.
highlight = {
    "comment", "comment.line", "comment.line.documentation", "comment.block",
    "constant", "constant.builtin", "constant.builtin.boolean", "constant.character.escape",
    "constant.numeric", "constant.numeric.integer", "constant.numeric.float",
    "string", "string.special", "string.special.path",
    "keyword", "keyword.control", "keyword.control.import", "keyword.control.return",
    "keyword.operator", "keyword.function", "keyword.storage", "keyword.storage.type",
    "keyword.storage.modifier",
    "operator", "punctuation.bracket", "punctuation.delimiter", "punctuation.special",
    "type", "type.builtin", "function", "namespace",
    "variable", "variable.parameter", "variable.other.member",
}
allowed = {
    "highlights": lambda c: c in highlight,
    "locals": lambda c: c in ("local.scope", "local.reference") or c.startswith("local.definition.") and c[len("local.definition."):] in highlight,
    "indents": lambda c: c in ("indent", "outdent", "indent.always", "outdent.always", "align", "anchor", "extend", "extend.prevent-once"),
    "textobjects": lambda c: re.fullmatch(r"(function|class|parameter|comment|test|entry)\.(inside|around)", c) is not None,
    "rainbows": lambda c: c in ("rainbow.scope", "rainbow.bracket"),
}
bad = []
for path in sys.argv[1:]:
    kind = os.path.basename(path)[:-4]
    assert kind in allowed, f"unexpected query file {path}"
    text = re.sub(r";[^\n]*", "", open(path, encoding="utf-8").read())
    for cap in re.findall(r"@([A-Za-z_][\w.-]*)", text):
        if not cap.startswith("_") and not allowed[kind](cap):
            bad.append(f"{os.path.basename(path)}: @{cap}")
assert not bad, "\n".join(bad)
EOF

echo "==> highlights.scm: one capture per node, every token captured"
"$ts" query "$helix_dir/queries/skiff/highlights.scm" "${files[@]}" >"$work/captures" 2>"$log" || fail "tree-sitter query"
python3 - "$work/captures" "$repo_root" >"$log" 2>&1 <<'EOF' || fail "highlights.scm"
import collections, re, sys
out, repo = sys.argv[1], sys.argv[2]
by_file = collections.defaultdict(list)
current = None
for line in open(out, encoding="utf-8"):
    if not line.startswith(" "):
        current = line.strip()
        continue
    m = re.search(r"capture: (?:\d+ - )?([\w.]+), start: \((\d+), (\d+)\), end: \((\d+), (\d+)\)", line)
    if m:
        name, *pos = m.groups()
        by_file[current].append((name, tuple(map(int, pos))))
problems = []
for path, caps in by_file.items():
    seen = collections.defaultdict(set)
    for name, pos in caps:
        seen[pos].add(name)
    for pos, names in seen.items():
        if len(names) > 1:
            problems.append(f"{path}:{pos[0]+1}:{pos[1]+1}: one node captured as {sorted(names)}")
    # Every non-blank byte is in some capture.
    lines = open(path, "rb").read().split(b"\n")
    covered = [bytearray(len(l)) for l in lines]
    for name, (sr, sc, er, ec) in caps:
        for r in range(sr, er + 1):
            a = sc if r == sr else 0
            b = ec if r == er else len(lines[r])
            for c in range(a, b):
                covered[r][c] = 1
    for r, l in enumerate(lines):
        for c, byte in enumerate(l):
            if not covered[r][c] and byte not in b" \t\r":
                problems.append(f"{path}:{r+1}:{c+1}: {l[c:c+12].decode(errors='replace')!r}... has no capture")
                break
assert len(by_file) > 0, "no capture at all"
assert not problems, "\n".join(problems[:50])
print(sum(len(c) for c in by_file.values()), "captures")
EOF
captures=$(tail -n 1 "$log" | cut -d' ' -f1)

echo "==> install.sh"
cfg=$work/helix-config
mkdir -p "$cfg"
printf '[[language]]\nname = "rust"\nauto-format = false\n' >"$cfg/languages.toml"
CC=${CC:-cc} bash "$helix_dir/install.sh" "$cfg" >"$log" 2>&1 || fail "install.sh"
CC=${CC:-cc} bash "$helix_dir/install.sh" "$cfg" >"$log" 2>&1 || fail "install.sh (second run)"
grep -q "already configures skiff" "$log" || fail "install.sh added skiff twice"
python3 - "$cfg/languages.toml" "$repo_root" >"$log" 2>&1 <<'EOF' || fail "languages.toml written by install.sh"
import os, sys, tomllib
cfg = tomllib.loads(open(sys.argv[1], encoding="utf-8").read())
names = [l["name"] for l in cfg["language"]]
assert names == ["rust", "skiff"], names
assert cfg["language"][0] == {"name": "rust", "auto-format": False}, cfg["language"][0]
[grammar] = cfg["grammar"]
assert os.path.samefile(grammar["source"]["path"], os.path.join(sys.argv[2], "grammar")), grammar
EOF
for q in "${queries[@]}"; do
  cmp -s "$q" "$cfg/runtime/queries/skiff/$(basename "$q")" || { : >"$log"; fail "install.sh did not copy $(basename "$q")"; }
  "$ts" query --quiet --lib-path "$cfg/runtime/grammars/skiff.so" --lang-name skiff "$q" "${files[@]}" >"$log" 2>&1 ||
    fail "$(basename "$q") does not run with the parser install.sh built"
done

echo "==> token classes: Helix's highlights vs TextMate"
compare_note=
if [[ -d $repo_root/editors/vscode/node_modules/vscode-textmate ]]; then
  node "$repo_root/editors/tests/compare_tokens.mjs" --tree-sitter "$ts" \
    --highlights "$helix_dir/queries/skiff/highlights.scm" >"$log" 2>&1 || fail "Helix's highlights and the TextMate grammar disagree"
  compare_note="token classes agree with TextMate ($(sed -n 's/^OK compare_tokens: //p' "$log"))"
else
  compare_note="token comparison skipped: run npm ci in editors/vscode (editors/test.sh does)"
fi

echo "==> the language server entry runs"
skiff_bin=${SKIFF_BIN:-$repo_root/target/debug/skiff}
[[ -x $skiff_bin ]] || { : >"$log"; fail "no skiff binary at $skiff_bin: build it with \`cargo build -p skiff-cli\`, or set SKIFF_BIN"; }
python3 - "$helix_dir/languages.toml" "$skiff_bin" "$repo_root" >"$log" 2>&1 <<'EOF' || fail "the language server entry of languages.toml"
import json, signal, subprocess, sys, tomllib
signal.alarm(60)  # a server that does not answer fails the test instead of hanging it
cfg = tomllib.loads(open(sys.argv[1], encoding="utf-8").read())
server = cfg["language-server"]["skiff-lsp"]
skiff, repo = sys.argv[2], sys.argv[3]
assert server["command"] == "skiff", server
argv = [skiff, *server["args"]]
help = subprocess.run([*argv, "--help"], capture_output=True, text=True, timeout=30)
assert help.returncode == 0, f"{argv} --help exited {help.returncode}: {help.stderr}"
assert "Usage: skiff lsp" in help.stdout, help.stdout
def send(proc, msg):
    body = json.dumps(msg).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()
def reply(proc, id):
    while True:
        length = None
        while (line := proc.stdout.readline().strip()):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        assert length is not None, "the server closed its output"
        msg = json.loads(proc.stdout.read(length))
        if msg.get("id") == id and "method" not in msg:
            assert "result" in msg, msg
            return msg["result"]
# As Helix does: initialize, wait for its result, initialized; at the end shutdown, then exit.
proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=repo)
send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "processId": None, "rootUri": "file://" + repo, "clientInfo": {"name": "helix", "version": "25.07"},
    "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown"]}}}}})
init = reply(proc, 1)
assert init["capabilities"]["hoverProvider"], init
assert init["serverInfo"]["name"] == "skiff", init
send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
assert reply(proc, 2) is None
send(proc, {"jsonrpc": "2.0", "method": "exit"})
proc.stdin.close()
assert proc.wait(timeout=30) == 0, proc.stderr.read().decode()
print("ok")
EOF

echo "helix OK: languages.toml valid, the server entry runs ($skiff_bin lsp), ${#queries[@]} queries compile, ${captures} highlight captures without overlap, install.sh works, ${compare_note} ($((SECONDS - started))s)"

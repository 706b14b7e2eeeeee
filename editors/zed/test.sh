#!/usr/bin/env bash
# Checks the Zed extension (Zed itself is not run):
#   1. extension.toml and languages/skiff/config.toml parse (python3 tomllib) with the expected
#      keys, and prepare.sh renders a dev extension whose grammar is this checkout at a commit
#      that exists;
#   2. every query in languages/skiff compiles against the grammar (`tree-sitter query` over
#      the examples) and uses capture names Zed knows for that kind of query;
#   3. the extension's Rust part (src/lib.rs: the language server is `skiff lsp`, `skiff` found
#      with worktree.which) passes its unit test and builds for wasm32-wasip1 as Zed builds it,
#      into a module that exports the extension interface (init-extension,
#      language-server-command). The target is added with rustup when missing; the build
#      directory is kept in ~/.cache/skiff/zed-extension-target (SKIFF_ZED_TARGET_DIR), so only
#      the first run on a machine compiles the dependencies (~45 s; then ~1 s, offline).
#
# Usage: editors/zed/test.sh [path/to/tree-sitter]
# Needs python3 >= 3.11, and rustup with cargo for step 3.
set -euo pipefail

started=$SECONDS
zed_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$zed_dir/../.." && pwd)

source "$repo_root/editors/lib.sh"
skiff_tree_sitter zed/test.sh "${1:-}"

skiff_scratch
skiff_isolated_parsers

echo "==> extension.toml, config.toml, prepare.sh"
bash "$zed_dir/prepare.sh" "$work/ext" >"$log" 2>&1 || fail "prepare.sh"
python3 - "$zed_dir" "$work/ext" "$repo_root" >"$log" 2>&1 <<'EOF' || fail "the extension's TOML files"
import os, re, subprocess, sys, tomllib
zed, ext, repo = sys.argv[1:]
load = lambda p: tomllib.loads(open(p, encoding="utf-8").read())
src = load(os.path.join(zed, "extension.toml"))
for key in ("id", "name", "version", "schema_version", "authors", "description", "repository"):
    assert key in src, key
assert src["id"] == "skiff" and src["schema_version"] == 1
assert src["grammars"]["skiff"]["path"] == "grammar"
lang = load(os.path.join(zed, "languages", "skiff", "config.toml"))
assert lang["name"] == "skiff" and lang["grammar"] == "skiff", lang
assert lang["path_suffixes"] == ["skiff"], lang
assert lang["line_comments"][0] == "// ", lang
assert {b["start"] for b in lang["brackets"]} == {"{", "[", "(", '"'}, lang["brackets"]
out = load(os.path.join(ext, "extension.toml"))
g = out["grammars"]["skiff"]
assert g["repository"].startswith("file://"), g
assert os.path.samefile(g["repository"][len("file://"):], repo), g
assert re.fullmatch(r"[0-9a-f]{40}", g["rev"]), g
subprocess.run(["git", "-C", repo, "cat-file", "-e", g["rev"] + "^{commit}"], check=True)
assert os.path.isfile(os.path.join(repo, g["path"], "src", "parser.c"))
assert os.path.isfile(os.path.join(ext, "languages", "skiff", "highlights.scm"))
for f in ("Cargo.toml", "Cargo.lock", "src/lib.rs"):
    assert os.path.isfile(os.path.join(ext, f)), f"prepare.sh did not copy {f}"
assert out["language_servers"] == src["language_servers"], out
EOF

echo "==> queries"
mapfile -d '' files < <(find "$repo_root/examples" "$repo_root/editors/tests/cases" -name '*.skiff' -type f -print0 | sort -z)
mapfile -t queries < <(find "$zed_dir/languages/skiff" -name '*.scm' | sort)
for q in "${queries[@]}"; do
  "$ts" query --quiet "$q" "${files[@]}" >"$log" 2>&1 || fail "$(basename "$q") does not compile"
done
python3 - "${queries[@]}" >"$log" 2>&1 <<'EOF' || fail "a query uses a capture name Zed does not know"
import os, re, sys
# The syntax names of Zed's themes, and the captures of its other queries.
highlight = {"boolean", "comment", "comment.doc", "constant", "function", "keyword", "number",
             "operator", "property", "punctuation.bracket", "punctuation.delimiter", "string",
             "string.escape", "string.special", "type", "variable"}
allowed = {
    "highlights": lambda c: c in highlight,
    "brackets": lambda c: c in ("open", "close"),
    "indents": lambda c: c in ("indent", "end", "start", "outdent"),
    "outline": lambda c: c in ("item", "name", "context", "annotation"),
}
bad = []
for path in sys.argv[1:]:
    kind = os.path.basename(path)[:-4]
    assert kind in allowed, path
    text = re.sub(r";[^\n]*", "", open(path, encoding="utf-8").read())
    bad += [f"{os.path.basename(path)}: @{c}" for c in re.findall(r"@([\w.]+)", text) if not allowed[kind](c)]
assert not bad, "\n".join(bad)
EOF

echo "==> the extension's Rust part: unit test and wasm32-wasip1 build"
t0=$SECONDS
command -v rustup >/dev/null || { echo "zed/test.sh: rustup is needed to add the wasm32-wasip1 target" >&2; exit 2; }
if ! rustup target list --installed | grep -qx wasm32-wasip1; then
  rustup target add wasm32-wasip1 >"$log" 2>&1 || fail "rustup target add wasm32-wasip1"
fi
export CARGO_TARGET_DIR=${SKIFF_ZED_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skiff/zed-extension-target}
(cd "$zed_dir" && cargo test --locked) >"$log" 2>&1 || fail "cargo test (editors/zed)"
grep -q "^test result: ok. [1-9]" "$log" || fail "the extension's unit test did not run"
(cd "$zed_dir" && cargo build --locked --quiet --target wasm32-wasip1) >"$log" 2>&1 || fail "cargo build --target wasm32-wasip1 (editors/zed)"
wasm=$CARGO_TARGET_DIR/wasm32-wasip1/debug/zed_skiff.wasm
python3 - "$wasm" "$zed_dir" >"$log" 2>&1 <<'EOF' || fail "the WebAssembly module"
import os, re, sys, tomllib
wasm, zed = sys.argv[1:]
d = open(wasm, "rb").read()
assert d[:8] == b"\0asm\x01\0\0\0", f"not a WebAssembly module: {d[:8]!r}"
def leb(i):
    r = s = 0
    while True:
        b = d[i]; i += 1; r |= (b & 0x7F) << s; s += 7
        if b < 0x80: return r, i
exports, i = [], 8
while i < len(d):
    size, j = leb(i + 1)
    if d[i] == 7:  # the export section: name, kind, index
        n, k = leb(j)
        for _ in range(n):
            length, k = leb(k)
            exports.append(d[k:k + length].decode())
            _, k = leb(k + length + 1)
    i = j + size
for name in ("init-extension", "language-server-command"):
    assert name in exports, f"{name} not exported: {exports}"
# The server id in src/lib.rs is the one extension.toml declares, for the skiff language.
ext = tomllib.loads(open(os.path.join(zed, "extension.toml"), encoding="utf-8").read())
servers = ext["language_servers"]
lib = open(os.path.join(zed, "src", "lib.rs"), encoding="utf-8").read()
[server_id] = re.findall(r'pub const SERVER_ID: &str = "([^"]+)";', lib)
assert list(servers) == [server_id], (list(servers), server_id)
assert servers[server_id]["languages"] == ["skiff"], servers
assert 'pub const BINARY: &str = "skiff";' in lib and "worktree.which(BINARY)" in lib
print(len(exports), "exports")
EOF
wasm_kb=$(($(wc -c <"$wasm") / 1024))
rust_s=$((SECONDS - t0))

echo "zed OK: extension.toml and config.toml valid, prepare.sh works, ${#queries[@]} queries compile, the language-server extension builds for wasm32-wasip1 (${wasm_kb} KB, ${rust_s}s) ($((SECONDS - started))s)"

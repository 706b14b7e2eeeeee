#!/usr/bin/env bash
# Checks the Zed extension (Zed itself is not run):
#   1. extension.toml and languages/skiff/config.toml parse (python3 tomllib) with the expected
#      keys, and prepare.sh renders a dev extension whose grammar is this checkout at a commit
#      that exists;
#   2. every query in languages/skiff compiles against the grammar (`tree-sitter query` over
#      the examples) and uses capture names Zed knows for that kind of query.
#
# Usage: editors/zed/test.sh [path/to/tree-sitter]
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

echo "zed OK: extension.toml and config.toml valid, prepare.sh works, ${#queries[@]} queries compile ($((SECONDS - started))s)"

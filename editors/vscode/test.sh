#!/usr/bin/env bash
# Checks the VS Code extension:
#   1. `npm ci` (no install scripts: see .npmrc), type check (tsc) and bundle (esbuild);
#   2. node tests (test/node): finding the server binary, the messages when it is missing or
#      fails, the client against a stand-in server, the contributions, the snippets (which
#      must parse with tree-sitter), and the real language server (lsp.test.ts): the extension
#      starts and stops `skiff lsp`, and the server, started with the extension's server options
#      and the client's capabilities, publishes diagnostics and hovers an override;
#   3. TextMate grammar tests: assertions (test/unit/*.test.skiff, vscode-tmgrammar-test) and
#      snapshots of the examples and editors/tests/cases (test/snapshots.sh);
#   4. `vsce package` into a temporary directory, and the .vsix holds what the extension needs;
#   5. the token-class agreement test (editors/tests/compare_tokens.mjs) between the TextMate
#      grammar and tree-sitter's highlights.scm, and a control run with a broken copy of the
#      TextMate grammar, which must fail.
#
# Usage: editors/vscode/test.sh [path/to/tree-sitter]
#   default: the repository's .tools/bin/tree-sitter, else `tree-sitter` on PATH.
#   SKIFF_NPM_CI=0 skips `npm ci` when node_modules is already installed (for quick runs).
#   SKIFF_BIN is the `skiff` binary the language-server test runs (`cargo xtask test` builds it
#   and sets it); default: the repository's target/debug/skiff (cargo build -p skiff-cli).
# Needs node >= 20 with npm (the npm registry, or npm's cache, for `npm ci`) and a C compiler.
set -euo pipefail

started=$SECONDS
vscode_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$vscode_dir/../.." && pwd)

source "$repo_root/editors/lib.sh"
skiff_tree_sitter vscode/test.sh "${1:-}"
command -v npm >/dev/null || { echo "vscode/test.sh: npm is needed" >&2; exit 2; }

skiff_bin=${SKIFF_BIN:-$repo_root/target/debug/skiff}
if [[ ! -x $skiff_bin ]]; then
  echo "vscode/test.sh: no skiff binary at $skiff_bin: build it with \`cargo build -p skiff-cli\`, or set SKIFF_BIN" >&2
  exit 2
fi

skiff_scratch
t0=$SECONDS
timing=()
step_done() { timing+=("$1 $((SECONDS - t0))s"); t0=$SECONDS; }

cd -- "$vscode_dir"

echo "==> npm ci"
if [[ ${SKIFF_NPM_CI:-1} != 0 || ! -d node_modules ]]; then
  npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1 || fail "npm ci"
fi
step_done "npm-ci"

echo "==> tsc, esbuild"
npm run -s typecheck >"$log" 2>&1 || fail "tsc: type errors"
npm run -s build >"$log" 2>&1 || fail "esbuild"
[[ -s dist/extension.js ]] || fail "esbuild wrote no dist/extension.js"
step_done "build"

echo "==> node tests"
SKIFF_TREE_SITTER=$ts SKIFF_BIN=$skiff_bin node --test out-test/test/node/ >"$log" 2>&1 || fail "node tests"
node_pass=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log")
node_skip=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log")
[[ ${node_pass:-0} -gt 0 ]] || fail "no node test ran"
[[ ${node_skip:-0} -eq 0 ]] || fail "$node_skip node tests were skipped"
step_done "node-tests"

echo "==> TextMate grammar: assertions and snapshots"
mapfile -t unit_files < <(find test/unit -name '*.test.skiff' | sort)
((${#unit_files[@]} > 0)) || { : >"$log"; fail "no test/unit/*.test.skiff"; }
node_modules/.bin/vscode-tmgrammar-test -g syntaxes/skiff.tmLanguage.json "${unit_files[@]}" >"$log" 2>&1 ||
  fail "vscode-tmgrammar-test"
bash test/snapshots.sh >"$log" 2>&1 || fail "TextMate snapshots"
snapshots=$(sed -n 's/^snapshots: \([0-9]*\) files match$/\1/p' "$log")
step_done "tmgrammar"

echo "==> vsce package"
node_modules/.bin/vsce package --no-dependencies --allow-missing-repository --out "$work/skiff.vsix" </dev/null >"$log" 2>&1 ||
  fail "vsce package"
[[ -s $work/skiff.vsix ]] || fail "vsce wrote no .vsix"
python3 - "$work/skiff.vsix" >"$log" 2>&1 <<'EOF' || fail "the .vsix lacks a file the extension needs"
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
need = ["extension/package.json", "extension/dist/extension.js", "extension/syntaxes/skiff.tmLanguage.json",
        "extension/language-configuration.json", "extension/snippets/skiff.json", "extension.vsixmanifest",
        "extension/schemas/skiff.toml.json"]
missing = [n for n in need if n not in names]
assert not missing, f"missing {missing}; has {sorted(names)}"
assert not any("node_modules" in n or n.endswith(".ts") for n in names), sorted(names)
pkg = json.loads(z.read("extension/package.json"))
assert pkg["contributes"]["grammars"][0]["scopeName"] == "source.skiff"
# skiff.toml is checked from its JSON Schema by TOML extensions that read tomlValidation.
schema = pkg["contributes"]["tomlValidation"][0]
assert schema["fileMatch"] == "skiff.toml" and "extension/" + schema["url"].removeprefix("./") in names, schema
EOF
vsix_kb=$(($(wc -c <"$work/skiff.vsix") / 1024))
step_done "vsce"

echo "==> token classes: TextMate vs tree-sitter"
node ../tests/compare_tokens.mjs --tree-sitter "$ts" >"$log" 2>&1 || fail "TextMate and tree-sitter disagree"
agreement=$(sed -n 's/^OK compare_tokens: //p' "$log")
# Control: the same comparison with the unit scope broken in a copy of the TextMate grammar
# must fail, or the comparison would not be testing anything.
sed 's/keyword\.other\.unit\.skiff/constant.numeric.unit-broken.skiff/' syntaxes/skiff.tmLanguage.json >"$work/broken.json"
if node ../tests/compare_tokens.mjs --tree-sitter "$ts" --tm-grammar "$work/broken.json" >"$log" 2>&1; then
  fail "the token comparison passed with a broken TextMate grammar"
fi
grep -q "TextMate says number .*tree-sitter says unit" "$log" || fail "the control run failed for another reason"
step_done "compare"

echo "vscode OK: ${node_pass} node tests (the language server: $skiff_bin), ${#unit_files[@]} grammar assertion files, ${snapshots} snapshots, .vsix ${vsix_kb} KB, token classes agree (${agreement}) ($((SECONDS - started))s: ${timing[*]})"

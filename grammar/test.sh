#!/usr/bin/env bash
# Checks the skiff tree-sitter grammar:
#   1. `tree-sitter generate` reproduces the committed src/ exactly;
#   2. `tree-sitter test` passes (corpus, highlight and tag tests under test/);
#   3. every *.skiff file under examples/ parses without an ERROR or MISSING node;
#   4. every query in queries/ compiles, and highlighting and tagging run on an example.
#
# Usage: grammar/test.sh [path/to/tree-sitter]   (default: `tree-sitter` on PATH)
# Needs node (to evaluate grammar.js) and a C compiler (to build the parser).
set -euo pipefail

started=$SECONDS
ts_arg=${1:-tree-sitter}
if ! ts=$(command -v -- "$ts_arg"); then
  echo "test.sh: tree-sitter CLI not found: $ts_arg" >&2
  echo "  install it with: cargo install --locked tree-sitter-cli@0.27.1 --root .tools" >&2
  exit 2
fi
case $ts in /*) ;; *) ts=$PWD/$ts ;; esac
command -v node >/dev/null || { echo "test.sh: node is needed to evaluate grammar.js" >&2; exit 2; }

grammar_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$grammar_dir/.." && pwd)
examples_dir=$repo_root/examples

# Run the CLI in isolation: a fresh library directory (so no stale compiled parser is reused)
# and a config of our own (so grammars configured on this machine cannot be picked instead).
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
# The grammar is linked into that config's parser directory, where the CLI finds it by the
# file types in tree-sitter.json.
mkdir -p "$work/lib" "$work/config/parsers"
ln -s "$grammar_dir" "$work/config/parsers/tree-sitter-skiff"
printf '{"parser-directories": ["%s"]}\n' "$work/config/parsers" >"$work/config/config.json"
export TREE_SITTER_LIBDIR=$work/lib TREE_SITTER_DIR=$work/config
cd -- "$grammar_dir"

log=$work/log
# fail MESSAGE: reports the failure with the output of the step that failed ($log).
fail() {
  echo "FAIL: $*" >&2
  if [[ -s $log ]]; then
    sed 's/^/  | /' "$log" >&2
  fi
  exit 1
}

# 1. The generated parser is committed and up to date.
echo "==> tree-sitter generate ($("$ts" --version))"
if [[ -d src ]]; then cp -R src "$work/src.before"; else mkdir "$work/src.before"; fi
"$ts" generate >"$log" 2>&1 || fail "tree-sitter generate"
if ! diff -r "$work/src.before" src >"$log" 2>&1; then
  fail "src/ was out of date with grammar.js; it is regenerated now, commit it"
fi
if git -C "$grammar_dir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if [[ -n $(git -C "$grammar_dir" ls-files -- src) ]]; then
    git -C "$grammar_dir" diff --exit-code --stat -- src >"$log" 2>&1 ||
      fail "the generated src/ differs from the committed one"
    git -C "$grammar_dir" ls-files --others --exclude-standard -- src >"$log"
    [[ ! -s $log ]] || fail "generated files in src/ are not committed"
    generate_note="matches git"
  else
    echo "    note: src/ is not in git yet; compared with the work tree only"
    generate_note="matches the work tree (src/ not committed yet)"
  fi
else
  generate_note="matches the work tree (not a git checkout)"
fi

# 2. Corpus, highlight and tag tests.
echo "==> tree-sitter test"
"$ts" test >"$log" 2>&1 || fail "tree-sitter test"
corpus=$(sed -n 's/.*Total parses: \([0-9]*\);.*/\1/p' "$log" | tail -n 1)
assertions=$(grep -o '([0-9]* assertions)' "$log" | awk '{ n += substr($1, 2) } END { print n + 0 }')
if grep -q '✗' "$log"; then
  fail "tree-sitter test reported a failure"
fi

# 3. The examples parse without errors.
echo "==> tree-sitter parse examples/**/*.skiff"
mapfile -d '' examples < <(find "$examples_dir" -name '*.skiff' -type f -print0 | sort -z)
((${#examples[@]} > 0)) || { : >"$log"; fail "no .skiff file under $examples_dir"; }
for file in "${examples[@]}"; do
  # The exit status flags a tree with an ERROR or MISSING node; the printed tree is checked
  # as well, in case the CLI's search for the first error misses one.
  if ! "$ts" parse "$file" >"$log" 2>&1; then
    fail "${file#"$repo_root"/} does not parse cleanly"
  fi
  if grep -Eq '\((ERROR|MISSING)[ )]' "$log"; then
    fail "${file#"$repo_root"/} has an ERROR or MISSING node"
  fi
done

# 4. The queries compile against the grammar and run on every example.
echo "==> queries"
queries=0
for query in queries/*.scm; do
  "$ts" query --quiet "$query" "${examples[@]}" >"$log" 2>&1 || fail "$query does not compile"
  queries=$((queries + 1))
done
"$ts" highlight --html "${examples[@]}" >"$log" 2>&1 || fail "tree-sitter highlight"
grep -q "class='keyword'" "$log" || fail "tree-sitter highlight marked no keyword in the examples"
"$ts" tags "${examples[@]}" >"$log" 2>&1 || fail "tree-sitter tags"
grep -Eq '[[:space:]]def[[:space:]]' "$log" || fail "tree-sitter tags found no definition in the examples"

echo "grammar OK: src/ ${generate_note}; ${corpus:-?} corpus tests and ${assertions:-?} highlight/tag assertions pass; ${#examples[@]} example files parse cleanly; ${queries} queries compile ($((SECONDS - started))s)"

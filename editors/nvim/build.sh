#!/usr/bin/env bash
# Compiles the skiff tree-sitter parser for Neovim into editors/nvim/parser/skiff.so, where
# Neovim finds it once editors/nvim is on 'runtimepath'. Needs a C compiler (cc, or $CC).
# Usage: editors/nvim/build.sh [OUTPUT.so]
set -euo pipefail
nvim_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
src=$nvim_dir/../../grammar/src
out=${1:-$nvim_dir/parser/skiff.so}
mkdir -p -- "$(dirname -- "$out")"
"${CC:-cc}" -shared -fPIC -O2 -I "$src" "$src/parser.c" -o "$out"
echo "built $out"

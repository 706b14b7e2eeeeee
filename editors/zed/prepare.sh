#!/usr/bin/env bash
# Writes a Zed dev extension for skiff into OUT_DIR (default: editors/zed/build), with
# extension.toml pointing at this checkout (file://) and its HEAD commit, which Zed clones to
# build the grammar: commit grammar changes before running it. Zed also builds the extension's
# Rust part (Cargo.toml, src/lib.rs: it starts `skiff lsp`) to WebAssembly. Then, in Zed:
# "zed: install dev extension" and pick OUT_DIR.
set -euo pipefail
zed_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$zed_dir/../.." && pwd)
out=${1:-$zed_dir/build}
rev=$(git -C "$repo_root" rev-parse HEAD)
if [[ -n $(git -C "$repo_root" status --porcelain -- grammar) ]]; then
  echo "note: grammar/ has uncommitted changes; Zed builds the committed grammar at $rev" >&2
fi
rm -rf -- "$out"
mkdir -p -- "$out"
cp -R -- "$zed_dir/languages" "$zed_dir/src" "$zed_dir/Cargo.toml" "$zed_dir/Cargo.lock" "$out/"
sed -e "s|@SKIFF_REPOSITORY@|file://$repo_root|g" -e "s|@SKIFF_REV@|$rev|g" "$zed_dir/extension.toml" >"$out/extension.toml"
echo "wrote $out: in Zed, run \"zed: install dev extension\" and pick it"

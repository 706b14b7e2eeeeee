#!/usr/bin/env bash
# Installs skiff support into Helix's user configuration:
#   - the queries (editors/helix/queries/skiff) into runtime/queries/skiff/,
#   - the parser, compiled from grammar/src, as runtime/grammars/skiff.so (so that
#     `hx --grammar fetch/build` is not needed),
#   - the [[language]], [language-server.skiff-lsp] and [[grammar]] entries of languages.toml,
#     appended to languages.toml unless it already has a language named "skiff".
#
# Usage: editors/helix/install.sh [HELIX_CONFIG_DIR]
#   default: $XDG_CONFIG_HOME/helix, else ~/.config/helix. Needs a C compiler ($CC or cc).
set -euo pipefail
helix_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$helix_dir/../.." && pwd)
config=${1:-${XDG_CONFIG_HOME:-$HOME/.config}/helix}

mkdir -p -- "$config/runtime/queries/skiff" "$config/runtime/grammars"
cp -- "$helix_dir"/queries/skiff/*.scm "$config/runtime/queries/skiff/"
"${CC:-cc}" -shared -fPIC -O2 -I "$repo_root/grammar/src" "$repo_root/grammar/src/parser.c" \
  -o "$config/runtime/grammars/skiff.so"

languages=$config/languages.toml
if [[ -f $languages ]] && grep -Eq '^[[:space:]]*name[[:space:]]*=[[:space:]]*"skiff"' "$languages"; then
  echo "$languages already configures skiff: left as it is (compare with $helix_dir/languages.toml)"
else
  { [[ -s $languages ]] && echo; sed "s|@SKIFF_REPO@|$repo_root|g" "$helix_dir/languages.toml"; } >>"$languages"
  echo "added skiff to $languages"
fi
echo "installed skiff queries and parser into $config/runtime; check with: hx --health skiff"

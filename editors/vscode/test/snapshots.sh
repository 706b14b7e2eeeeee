#!/usr/bin/env bash
# Snapshot tests of the TextMate grammar: vscode-tmgrammar-snap tokenizes every file under
# examples/ and editors/tests/cases/ and compares the scopes with the snapshots committed
# under editors/vscode/test/snap/ (the same relative path, plus `.snap`).
#
# The inputs live where they belong (examples/ is the project's, cases/ is shared with the
# token-class agreement test), so they are copied with their snapshots into a temporary tree
# for the tool. An input without a committed snapshot, or a snapshot without an input, fails.
#
# Usage: test/snapshots.sh [--update]   (run from anywhere; needs `npm ci` in editors/vscode)
#   --update  rewrites the snapshots; read the diff (`git diff editors/vscode/test/snap`)
#             before committing it: every changed scope must be intended.
set -euo pipefail

update=false
case ${1:-} in
  --update | -u) update=true ;;
  "") ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

vscode_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
repo_root=$(cd -- "$vscode_dir/../.." && pwd)
snap_dir=$vscode_dir/test/snap
tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT

# rel path (as in test/snap) -> input file
declare -A inputs=()
while IFS= read -r -d '' f; do inputs["examples/${f#"$repo_root/examples/"}"]=$f; done \
  < <(find "$repo_root/examples" -name '*.skiff' -type f -print0)
while IFS= read -r -d '' f; do inputs["cases/${f#"$repo_root/editors/tests/cases/"}"]=$f; done \
  < <(find "$repo_root/editors/tests/cases" -name '*.skiff' -type f -print0)
((${#inputs[@]} > 0)) || { echo "snapshots: no input file" >&2; exit 1; }

missing=()
for rel in "${!inputs[@]}"; do
  mkdir -p "$(dirname -- "$tmp/$rel")"
  cp -- "${inputs[$rel]}" "$tmp/$rel"
  if [[ -f $snap_dir/$rel.snap ]]; then
    cp -- "$snap_dir/$rel.snap" "$tmp/$rel.snap"
  else
    missing+=("$rel")
  fi
done

stale=()
if [[ -d $snap_dir ]]; then
  while IFS= read -r -d '' s; do
    rel=${s#"$snap_dir/"}
    rel=${rel%.snap}
    [[ -n ${inputs[$rel]+x} ]] || stale+=("$rel.snap")
  done < <(find "$snap_dir" -name '*.snap' -type f -print0)
fi

snap=("$vscode_dir/node_modules/.bin/vscode-tmgrammar-snap" -g "$vscode_dir/syntaxes/skiff.tmLanguage.json")
if $update; then
  "${snap[@]}" --updateSnapshot "$tmp/**/*.skiff" >/dev/null
  for rel in "${!inputs[@]}"; do
    mkdir -p "$(dirname -- "$snap_dir/$rel")"
    cp -- "$tmp/$rel.snap" "$snap_dir/$rel.snap"
  done
  for s in "${stale[@]}"; do rm -- "$snap_dir/$s"; done
  echo "snapshots: ${#inputs[@]} written, ${#stale[@]} stale removed; review them with git diff"
  exit 0
fi

status=0
if ((${#missing[@]} > 0)); then
  printf 'snapshots: no snapshot for %s (run editors/vscode/test/snapshots.sh --update and review it)\n' "${missing[@]}" >&2
  status=1
fi
if ((${#stale[@]} > 0)); then
  printf 'snapshots: %s has no input file any more (run with --update to remove it)\n' "${stale[@]}" >&2
  status=1
fi
if ((status == 0)); then
  if ! "${snap[@]}" "$tmp/**/*.skiff" >"$tmp/log" 2>&1; then
    sed "s|$tmp/||g" "$tmp/log" >&2
    echo "snapshots: the grammar's scopes changed; if intended, run editors/vscode/test/snapshots.sh --update and review the diff" >&2
    status=1
  fi
fi
((status == 0)) && echo "snapshots: ${#inputs[@]} files match"
exit $status

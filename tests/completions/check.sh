#!/usr/bin/env bash
# check.sh SKIFF: each completion script `skiff completions SHELL` prints passes its own shell's
# syntax check. Installs zsh and fish from Debian's packages when missing and this runs as root
# (CI does); a shell that cannot be installed here is reported as skipped, never as passed.
set -euo pipefail
skiff=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

missing=()
for shell in zsh fish; do command -v "$shell" >/dev/null || missing+=("$shell"); done
if ((${#missing[@]})) && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (Debian packages, once)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
        || echo "could not install ${missing[*]}"
fi

checked=0
for shell in bash zsh fish; do
    "$skiff" completions "$shell" > "$tmp/skiff.$shell"
    if ! command -v "$shell" >/dev/null; then
        echo "skipped: $shell is not installed and could not be installed here"
        continue
    fi
    "$shell" -n "$tmp/skiff.$shell"
    echo "ok: $shell -n accepts the $shell completion script ($(wc -l < "$tmp/skiff.$shell") lines)"
    checked=$((checked + 1))
done
# In zsh, the script also loads: compdef is defined by compinit.
if command -v zsh >/dev/null; then
    zsh -c "autoload -U compinit && compinit -u -D && source $tmp/skiff.zsh && (( \$+functions[_skiff] ))"
    echo "ok: zsh loads the script and defines _skiff"
fi
echo "completion scripts: $checked shells checked"

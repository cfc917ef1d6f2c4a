#!/usr/bin/env bash
# Runs a benchmark against real servers started on 127.0.0.1 for the run:
#   scripts/bench.sh store [--commits N] [--batch B]   store_commit throughput, SQLite and PostgreSQL
#   scripts/bench.sh import [REPO] [--commits N]         full import and sync against git log -p
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests
export PATH="$HOME/.cargo/bin:$PATH"
which="${1:-store}"; shift || true
services="$(mktemp -d /tmp/repovault-services.XXXXXX)"
trap 'scripts/services.sh stop "$services"' EXIT
scripts/services.sh start "$services"
# shellcheck disable=SC1091
source "$services/env"
case "$which" in
  store) cargo bench --quiet -p repovault-storage --bench store_commit -- "$@" ;;
  import)
    cargo build --quiet --release -p repovault-cli
    python3 scripts/bench_import.py "$@" ;;
  *) echo "unknown benchmark $which (known: store, import)" >&2; exit 2 ;;
esac

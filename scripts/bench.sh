#!/usr/bin/env bash
# Runs a benchmark against real servers started on 127.0.0.1 for the run:
#   scripts/bench.sh store [--commits N] [--batch B]   store_commit throughput, SQLite and PostgreSQL
#   scripts/bench.sh import [REPO] [--commits N]         full import and sync against git log -p
#   scripts/bench.sh query                               query latency on a 100,000-commit store, against git log
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
  query)
    cargo build --quiet --release -p repovault-cli
    cache="$HOME/.cache/repovault/bench"
    repo="$cache/generated-100000"
    [ -d "$repo" ] || python3 tests/fixtures/make-repo.py "$repo" --commits 100000 >/dev/null
    store="$cache/store-100000"
    [ -f "$store/repovault.db" ] || target/release/repovault-cli --data-dir "$store" import "$repo" --name bench
    pg="${REPOVAULT_TEST_POSTGRES_URL%/*}/bench"
    psql "$REPOVAULT_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench"
    target/release/repovault-cli --data-dir "$store" --database-url "$pg" import "$repo" --name bench >/dev/null
    cargo bench --quiet -p repovault-storage --bench query -- --repo "$repo" --sqlite "$store/repovault.db" --postgres "$pg" "$@" ;;
  *) echo "unknown benchmark $which (known: store, import, query)" >&2; exit 2 ;;
esac

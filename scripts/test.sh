#!/usr/bin/env bash
# Sets everything up and runs every test: formatting, lints, the strict TypeScript check and UI unit
# tests, the Rust suites (the storage conformance suite on SQLite and on a real PostgreSQL server,
# large diffs on a local folder and on a real S3-compatible server), the generated TypeScript
# bindings check, and the end-to-end tests of the real app window.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

scripts/setup.sh --for-tests
export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "UI: strict type check, build, unit tests"
(cd ui && npm run build --silent && npm test --silent) | tee "${TMPDIR:-/tmp}/repovault-ui-test.log"

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

services="$(mktemp -d /tmp/repovault-services.XXXXXX)"
trap 'scripts/services.sh stop "$services"' EXIT
say "starting PostgreSQL and the S3-compatible server on 127.0.0.1"
scripts/services.sh start "$services"
# shellcheck disable=SC1091
source "$services/env"

say "Rust tests (both backends)"
cargo test --workspace --quiet 2>&1 | tee "$services/cargo-test.log"

say "generated TypeScript bindings match the Rust types"
if [ -n "$(git -C "$root" status --porcelain -- ui/src/bindings)" ]; then
  git -C "$root" status --porcelain -- ui/src/bindings
  echo "error: ui/src/bindings is out of date with the Rust types; commit the regenerated files" >&2
  exit 1
fi

say "end-to-end tests of the real app"
cargo build --quiet --bins
tests/e2e/run.sh | tee "$services/e2e.log"

# One closing line over every runner: Rust, Vitest and the end-to-end tests.
sum() { grep -oE "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
rust_passed=$(sum '[0-9]+ passed;' "$services/cargo-test.log")
rust_failed=$(sum '[0-9]+ failed;' "$services/cargo-test.log")
ui_passed=$(sed 's/\x1b\[[0-9;]*m//g' "${TMPDIR:-/tmp}/repovault-ui-test.log" | grep -E '^ +Tests ' | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
e2e_passed=$(grep -oE '^# pass [0-9]+' "$services/e2e.log" | grep -oE '[0-9]+')
e2e_failed=$(grep -oE '^# fail [0-9]+' "$services/e2e.log" | grep -oE '[0-9]+')
echo "total: $((rust_passed + ${ui_passed:-0} + ${e2e_passed:-0})) passed, $((rust_failed + ${e2e_failed:-0})) failed"

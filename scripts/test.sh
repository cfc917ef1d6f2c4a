#!/usr/bin/env bash
# Sets everything up and runs every test: formatting, lints, the strict TypeScript check and UI unit
# tests, the Rust suites (the storage conformance suite on SQLite and on a real PostgreSQL server,
# large diffs on a local folder and on a real S3-compatible server), the generated TypeScript
# bindings check, and the end-to-end tests of the real app window. Ends with the time of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Phase timing: `phase NAME` closes the previous phase; the table prints on exit, failed or not.
phase_names=() phase_secs=() phase_name="" phase_start=$SECONDS run_start=$SECONDS
phase() {
  if [ -n "$phase_name" ]; then phase_names+=("$phase_name"); phase_secs+=($((SECONDS - phase_start))); fi
  phase_name="$1" phase_start=$SECONDS
  [ -n "$1" ] && say "$1"
  return 0
}
print_phases() {
  phase ""
  echo "time per phase:"
  for i in "${!phase_names[@]}"; do
    printf '  %5ds  %s\n' "${phase_secs[$i]}" "${phase_names[$i]}"
  done
  printf '  %5ds  total\n' $((SECONDS - run_start))
}
services=""
on_exit() {
  status=$?
  [ -n "$services" ] && scripts/services.sh stop "$services"
  print_phases
  exit "$status"
}
trap on_exit EXIT

phase "setup: system packages, npm packages, tools"
scripts/setup.sh --for-tests
# shellcheck source=scripts/build-env.sh
source scripts/build-env.sh
echo "build folder: $CARGO_TARGET_DIR"

phase "UI: strict type check, build, unit tests"
(cd ui && npm run build --silent && npm test --silent) | tee "${TMPDIR:-/tmp}/repovault-ui-test.log"

phase "cargo fmt --check"
cargo fmt --all --check

# One compile pass for lints and tests: clippy's driver compiles the workspace's own crates (lints
# with warnings as errors, and full code generation), so the test binaries are built once instead
# of a `cargo clippy` check pass plus a separate test build. Dependencies build with plain rustc.
phase "compile with clippy lints (warnings are errors): every target, test binaries, app binaries"
clippy_driver="$(rustc --print sysroot)/bin/clippy-driver"
[ -x "$clippy_driver" ] || { echo "error: clippy-driver is missing: rustup component add clippy" >&2; exit 1; }
export RUSTC_WORKSPACE_WRAPPER="$clippy_driver"
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
scripts/lint-canary.sh
# REPOVAULT_TIMINGS=1 adds cargo's --timings report (cargo-timings/ in the build folder).
timings=()
[ "${REPOVAULT_TIMINGS:-0}" = 1 ] && timings=(--timings)
cargo test --workspace --all-targets --no-run --quiet "${timings[@]+"${timings[@]}"}"
cargo build --bins --quiet

services="$(mktemp -d /tmp/repovault-services.XXXXXX)"
phase "start PostgreSQL and the S3-compatible server on 127.0.0.1"
scripts/services.sh start "$services"
# shellcheck disable=SC1091
source "$services/env"

phase "Rust tests (both backends)"
cargo test --workspace --quiet 2>&1 | tee "$services/cargo-test.log"

phase "generated TypeScript bindings match the Rust types"
if [ -n "$(git -C "$root" status --porcelain -- ui/src/bindings)" ]; then
  git -C "$root" status --porcelain -- ui/src/bindings
  echo "error: ui/src/bindings is out of date with the Rust types; commit the regenerated files" >&2
  exit 1
fi

phase "end-to-end tests of the real app"
tests/e2e/run.sh | tee "$services/e2e.log"

# Packages the debug build compiled above (no second build), installs it, runs it, purges it.
phase "package: build the .deb, install it, run both binaries, purge"
tests/package/deb-test.sh | tee "$services/package.log"
phase ""

# One closing line over every runner: Rust, Vitest and the end-to-end tests.
sum() { grep -oE "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }
rust_passed=$(sum '[0-9]+ passed;' "$services/cargo-test.log")
rust_failed=$(sum '[0-9]+ failed;' "$services/cargo-test.log")
ui_passed=$(sed 's/\x1b\[[0-9;]*m//g' "${TMPDIR:-/tmp}/repovault-ui-test.log" | grep -E '^ +Tests ' | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
e2e_passed=$(grep -oE '^# pass [0-9]+' "$services/e2e.log" | grep -oE '[0-9]+')
e2e_failed=$(grep -oE '^# fail [0-9]+' "$services/e2e.log" | grep -oE '[0-9]+')
package_passed=$(grep -c '^PASS: package' "$services/package.log" || true)
echo "total: $((rust_passed + ${ui_passed:-0} + ${e2e_passed:-0} + package_passed)) passed, $((rust_failed + ${e2e_failed:-0})) failed"

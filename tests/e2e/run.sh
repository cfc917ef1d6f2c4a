#!/usr/bin/env bash
# End-to-end smoke tests of the real RepoVault desktop app.
#
# Builds nothing: run `npm ci && npm run build` in ui/ and then `cargo build` first, so that
# debug/repovault (with ui/dist embedded) and debug/repovault-cli exist in cargo's build folder
# (./target, or CARGO_TARGET_DIR).
#
# What it does: installs this folder's npm packages if missing, makes sure tauri-driver and
# WebKitWebDriver are there, and runs the tests under a virtual X server (xvfb-run) with a
# private D-Bus session. Each test starts its own tauri-driver (on free ports), because
# tauri-driver hands its own environment (REPOVAULT_DATA_DIR, DATABASE_URL) down to the app and
# the tests need different ones; each test stops its tauri-driver, and this script ends any of
# its own processes still running on exit. Exits with the tests' status.
#
# Screenshots land in tests/e2e/screenshots/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# Test files named on the command line may be relative to the caller's folder or to this one.
args=()
for arg in "$@"; do
  if [[ "$arg" != /* && -e "$arg" ]]; then args+=("$PWD/$arg"); else args+=("$arg"); fi
done
set -- "${args[@]+"${args[@]}"}"
cd "$HERE"

die() { echo "e2e: $*" >&2; exit 2; }

# REPOVAULT_APP / REPOVAULT_CLI point at other builds (scripts/bench.sh ui uses release ones); by
# default the debug build in cargo's build folder, which CARGO_TARGET_DIR may move.
TARGET_DIR="$("$ROOT/scripts/target-dir.sh")"
export REPOVAULT_APP="${REPOVAULT_APP:-$TARGET_DIR/debug/repovault}"
export REPOVAULT_CLI="${REPOVAULT_CLI:-$TARGET_DIR/debug/repovault-cli}"
APP_BIN="$REPOVAULT_APP"
for bin in "$APP_BIN" "$REPOVAULT_CLI"; do
  [[ -x "$bin" ]] || die "$bin is missing: build the UI (cd ui && npm ci && npm run build) and run cargo build first"
done
[[ -f "$ROOT/ui/dist/index.html" ]] || die "ui/dist is missing: cd ui && npm ci && npm run build (before cargo build)"
if [[ -n "$(find "$ROOT/ui/dist" -newer "$APP_BIN" -print -quit)" ]]; then
  die "ui/dist is newer than $APP_BIN, which embeds it: run cargo build again"
fi

if [[ -z "${TAURI_DRIVER:-}" ]]; then
  if command -v tauri-driver >/dev/null 2>&1; then
    TAURI_DRIVER="$(command -v tauri-driver)"
  elif [[ -x "$HOME/.cargo/bin/tauri-driver" ]]; then
    TAURI_DRIVER="$HOME/.cargo/bin/tauri-driver"
  else
    echo "e2e: installing tauri-driver (cargo install tauri-driver --locked)" >&2
    cargo install tauri-driver --locked
    TAURI_DRIVER="$HOME/.cargo/bin/tauri-driver"
  fi
fi
export TAURI_DRIVER
command -v WebKitWebDriver >/dev/null 2>&1 || die "WebKitWebDriver is missing: apt-get install webkit2gtk-driver"
command -v xvfb-run >/dev/null 2>&1 || die "xvfb-run is missing: apt-get install xvfb"
command -v dbus-run-session >/dev/null 2>&1 || die "dbus-run-session is missing: apt-get install dbus-x11 (or dbus)"

if [[ ! -d node_modules/webdriverio ]]; then
  npm ci --no-audit --no-fund
fi

mkdir -p screenshots

# Note: do not set WEBKIT_DISABLE_COMPOSITING_MODE / WEBKIT_DISABLE_DMABUF_RENDERER here: with
# them WebKitWebDriver's screenshot command hangs under Xvfb (checked on this machine kind), and
# WebKitGTK renders fine in Xvfb without them.
export NO_AT_BRIDGE=1
export RUST_LOG="${RUST_LOG:-warn}"

# Run the tests in the background of this shell so that an interrupt still ends them.
# Arguments name other test files to run instead of the suite (scripts/bench.sh ui).
if [[ $# -gt 0 ]]; then
  xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- node --test --test-concurrency=1 --test-timeout=900000 "$@" &
else
  xvfb-run -a -s "-screen 0 1280x900x24" dbus-run-session -- npm test &
fi
tests_pid=$!
cleanup() {
  if kill -0 "$tests_pid" 2>/dev/null; then
    kill -TERM "$tests_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT INT TERM
status=0
wait "$tests_pid" || status=$?
trap - EXIT INT TERM
echo "e2e: exit status $status (screenshots in $HERE/screenshots)"
exit "$status"

#!/usr/bin/env bash
# Prints cargo's build folder for this workspace as an absolute path: CARGO_TARGET_DIR when set,
# else whatever cargo resolves (a build.target-dir in a cargo config, or ./target). Every script
# and harness that runs a built binary asks here, so a shared build folder works everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  case "$CARGO_TARGET_DIR" in
    /*) echo "$CARGO_TARGET_DIR" ;;
    *) echo "$PWD/$CARGO_TARGET_DIR" ;;
  esac
  exit 0
fi
PATH="$HOME/.cargo/bin:$PATH" cargo metadata --format-version 1 --no-deps --offline 2>/dev/null |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'

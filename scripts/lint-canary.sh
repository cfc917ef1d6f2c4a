#!/usr/bin/env bash
# Proves the lint pass of scripts/test.sh can fail: compiles a two-line crate with a known clippy
# violation through the same RUSTC_WORKSPACE_WRAPPER/CLIPPY_ARGS and expects the compile to stop.
# Without this, a clippy version that changed how the driver takes its arguments would turn the
# lint pass silently into a plain build.
set -euo pipefail
: "${RUSTC_WORKSPACE_WRAPPER:?set by scripts/test.sh}" "${CLIPPY_ARGS:?set by scripts/test.sh}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/src"
printf '[package]\nname = "lint-canary"\nversion = "0.0.0"\nedition = "2021"\n[workspace]\n' >"$dir/Cargo.toml"
printf 'fn main() {\n    let v = vec![1];\n    if v.len() == 0 {}\n}\n' >"$dir/src/main.rs"
if CARGO_TARGET_DIR="$dir/target" cargo build --quiet --manifest-path "$dir/Cargo.toml" 2>"$dir/log"; then
  echo "error: the lint pass did not reject a known clippy violation (clippy::len_zero): lints are not running" >&2
  exit 1
fi
grep -q 'len_zero\|len-zero' "$dir/log" || { cat "$dir/log" >&2; echo "error: the canary failed, but not on the clippy lint" >&2; exit 1; }
echo "lint pass: clippy rejects the canary's violation, as it should"

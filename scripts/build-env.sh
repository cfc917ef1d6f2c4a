# Sourced by the scripts that build (launch.sh, test.sh, bench.sh): one build folder per user that
# survives a fresh clone, so a second run recompiles only this checkout's own crates.
# CARGO_TARGET_DIR set by the caller wins.
export PATH="$HOME/.cargo/bin:$PATH"
# Read by storage's build script: builds from another checkout into the same folder start over for
# the workspace's own crates instead of reusing the other checkout's (see storage/build.rs).
REPOVAULT_CHECKOUT="$(pwd -P)"
export REPOVAULT_CHECKOUT
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/repovault/target"
  mkdir -p "$CARGO_TARGET_DIR"
  # Release builds, old dependency versions and --timings reports pile up over time; past a size
  # cap the folder starts over (one cold build) instead of filling the disk.
  cap_mb="${REPOVAULT_TARGET_CAP_MB:-25000}"
  used_mb="$(du -sm "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1)"
  if [ "${used_mb:-0}" -gt "$cap_mb" ]; then
    echo "build folder $CARGO_TARGET_DIR holds ${used_mb} MB (cap ${cap_mb}): emptying it" >&2
    rm -rf "$CARGO_TARGET_DIR" && mkdir -p "$CARGO_TARGET_DIR"
  fi
fi

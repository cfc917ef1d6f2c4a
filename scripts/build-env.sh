# Sourced by the scripts that build (launch.sh, test.sh, bench.sh): one build folder per user that
# survives a fresh clone, so a second run recompiles only this checkout's own crates.
# CARGO_TARGET_DIR set by the caller wins.
export PATH="$HOME/.cargo/bin:$PATH"
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/repovault/target"
  mkdir -p "$CARGO_TARGET_DIR"
  # Every checkout path compiles its own copy of the workspace crates into the shared folder, so
  # it only grows; past a size cap it starts over (one cold build) instead of filling the disk.
  cap_mb="${REPOVAULT_TARGET_CAP_MB:-25000}"
  used_mb="$(du -sm "$CARGO_TARGET_DIR" 2>/dev/null | cut -f1)"
  if [ "${used_mb:-0}" -gt "$cap_mb" ]; then
    echo "build folder $CARGO_TARGET_DIR holds ${used_mb} MB (cap ${cap_mb}): emptying it" >&2
    rm -rf "$CARGO_TARGET_DIR" && mkdir -p "$CARGO_TARGET_DIR"
  fi
fi

#!/usr/bin/env bash
# Builds RepoVault's Debian package with Tauri's bundler: the desktop app `repovault` with its
# desktop entry and icons, the `repovault-cli` binary beside it in /usr/bin, and the system
# libraries it needs declared as dependencies (WebKitGTK, GTK; the bundler adds those).
#
# Usage: scripts/package.sh [--debug]
#   default  release build (for users)
#   --debug  the debug build the tests already compiled (for the package test: no second build)
# Prints the path of the .deb on its last line.
#
# The bundler is the npm package @tauri-apps/cli (a prebuilt binary; no `cargo install`), run as
# `tauri bundle`, which packages binaries already built instead of building them again.
# No AppImage: Tauri's AppImage bundler downloads linuxdeploy and its plugins while it builds.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/build-env.sh
source scripts/build-env.sh
profile=release cargo_flags=(--release) bundle_flags=()
if [ "${1:-}" = "--debug" ]; then
  profile=debug cargo_flags=() bundle_flags=(--debug)
fi
[ -x ui/node_modules/.bin/tauri ] || (cd ui && npm ci --no-audit --no-fund --loglevel=error)
(cd ui && npm run build --silent >/dev/null)
# The same command as scripts/test.sh, so the package test reuses its build (a -p list would
# unify features differently and rebuild).
cargo build --quiet "${cargo_flags[@]+"${cargo_flags[@]}"}" --bins
target="$(scripts/target-dir.sh)"
cli="$target/$profile/repovault-cli"
# The packaging settings live here rather than in tauri.conf.json (bundle.active stays false, so
# plain builds skip bundling).
config="$(python3 - "$cli" <<'PY'
import json, sys
print(json.dumps({"bundle": {
    "active": True,
    "targets": ["deb"],
    "category": "Development",
    "shortDescription": "Git history in a real database",
    "longDescription": "RepoVault keeps the history of git repositories in SQLite or PostgreSQL: "
                       "search, analyses, exports and verified backups. Includes repovault-cli.",
    "linux": {"deb": {
        "files": {"/usr/bin/repovault-cli": sys.argv[1]},
        # git is not needed (gix reads and fetches); ssh:// URLs use the ssh program.
        "recommends": ["openssh-client"],
    }},
}}))
PY
)"
rm -rf "$target/$profile/bundle/deb"
ui/node_modules/.bin/tauri bundle "${bundle_flags[@]+"${bundle_flags[@]}"}" --bundles deb --config "$config" >&2
ls "$target/$profile/bundle/deb/"*.deb

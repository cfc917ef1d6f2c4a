#!/usr/bin/env bash
# The installable package, end to end: builds the .deb from the debug build (scripts/package.sh
# --debug), installs it with dpkg -i (and apt-get install -f for its dependencies), checks that
# both binaries answer --version from /usr/bin, starts the installed `repovault` under Xvfb and
# waits for its window, then purges the package and checks that nothing is left in /usr/bin.
# Needs root (or sudo), Xvfb and xwininfo (scripts/setup.sh --for-tests installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "FAIL: $*" >&2; exit 1; }

deb="$(scripts/package.sh --debug | tail -n 1)"
[ -f "$deb" ] || fail "no .deb built"
package="$(dpkg-deb --field "$deb" Package)"
echo "built $deb (package $package)"
dpkg-deb --field "$deb" Depends | grep -q "libwebkit2gtk-4.1" || fail "the WebKitGTK dependency is not declared"
contents="$(dpkg-deb --contents "$deb" | awk '{ print $6 }' | sed 's|^\./||')"
for path in usr/bin/repovault usr/bin/repovault-cli usr/share/applications/RepoVault.desktop \
  usr/share/icons/hicolor/128x128/apps/repovault.png; do
  grep -qx "$path" <<<"$contents" || fail "$path is not in the package"
done

work="$(mktemp -d)"
xvfb_pid="" app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  as_root dpkg --purge "$package" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

if ! as_root dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
  # Missing dependencies: apt brings them and finishes the installation.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq >>"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log"; fail "cannot install $deb"; }
fi
dpkg-query -W -f='${Status}' "$package" | grep -q "install ok installed" || fail "$package is not installed"

version="$(grep -m1 '^version = ' Cargo.toml | cut -d'"' -f2)"
[ "$(/usr/bin/repovault-cli --version)" = "repovault-cli $version" ] || fail "repovault-cli --version"
[ "$(/usr/bin/repovault --version)" = "repovault $version" ] || fail "repovault --version"
REPOVAULT_DATA_DIR="$work/data" /usr/bin/repovault-cli repos >/dev/null || fail "the installed CLI cannot open a store"
grep -q "^Exec=repovault" /usr/share/applications/*.desktop || fail "the desktop entry does not start repovault"

# The installed app under a virtual display: its top-level window "RepoVault" appears.
# -displayfd: Xvfb picks a free display itself, so another Xvfb on this machine (and its windows)
# is never mistaken for ours.
Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || fail "Xvfb did not start"
display=":$(tr -d '[:space:]' <"$work/display")"
DISPLAY="$display" REPOVAULT_DATA_DIR="$work/data" WEBKIT_DISABLE_COMPOSITING_MODE=1 /usr/bin/repovault \
  >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 60); do
  if DISPLAY="$display" xwininfo -root -tree 2>/dev/null | grep -q '"RepoVault"'; then
    echo "the installed app shows its window"
    DISPLAY="$display" xwininfo -root -tree | grep '"RepoVault"' | head -1
    break
  fi
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log"; fail "repovault exited"; }
  sleep 0.5
done
DISPLAY="$display" xwininfo -root -tree 2>/dev/null | grep -q '"RepoVault"' || { cat "$work/app.log"; fail "no window"; }
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""

as_root dpkg --purge "$package" >/dev/null
[ ! -e /usr/bin/repovault ] && [ ! -e /usr/bin/repovault-cli ] || fail "purge left binaries behind"
echo "PASS: package built, installed, run and purged"

#!/usr/bin/env bash
# Installs whatever RepoVault needs that this machine lacks: system packages (apt, through sudo
# when not root), the UI's npm packages, and the cargo tools the tests use. Safe to run again.
# Usage: scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

for_tests=0
[ "${1:-}" = "--for-tests" ] && for_tests=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# Packages for building the app (Tauri 2 on WebKitGTK), and for testing it.
packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libayatana-appindicator3-dev
          librsvg2-dev libxdo-dev git python3 curl)
if [ "$for_tests" = 1 ]; then
  # fonts-noto-cjk: the end-to-end tests check that Korean author names render as real glyphs.
  packages+=(webkit2gtk-driver xvfb dbus-x11 postgresql xauth fonts-noto-cjk)
  # The repository-by-URL tests: git's daemon and http-backend (in git), a certificate for the
  # HTTPS case (openssl), ssh for ssh:// URLs; the package test: dpkg-deb, xwininfo (x11-utils).
  packages+=(openssl openssh-client x11-utils)
fi
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || { echo "error: cargo (Rust 1.80 or newer) is needed; install it with rustup" >&2; exit 1; }
if [ "$for_tests" = 1 ] && command -v rustup >/dev/null 2>&1; then
  # The tests run rustfmt and clippy's driver.
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
  done
fi

if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ "$for_tests" = 1 ]; then
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    say "installing tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
  # The S3-compatible test server (moto) lives in its own virtualenv outside the repository.
  venv="${REPOVAULT_TOOLS_VENV:-$HOME/.cache/repovault/venv}"
  if [ ! -x "$venv/bin/moto_server" ]; then
    say "installing the S3 test server (moto) into $venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
      python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5,<6' boto3
  fi
fi

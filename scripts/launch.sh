#!/usr/bin/env bash
# Sets everything up and launches RepoVault on its embedded default: SQLite in the user's data
# folder (override with REPOVAULT_DATA_DIR or DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=scripts/build-env.sh
source scripts/build-env.sh
(cd ui && npm run build --silent)
exec cargo run --quiet --bin repovault

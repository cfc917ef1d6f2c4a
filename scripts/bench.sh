#!/usr/bin/env bash
# Runs a benchmark against real servers started on 127.0.0.1 for the run:
#   scripts/bench.sh store [--commits N] [--batch B]   store_commit throughput, SQLite and PostgreSQL
#   scripts/bench.sh import [REPO] [--commits N] [--only full] [--postgres]   full import and sync against git log -p
#   scripts/bench.sh query                               query latency on a 100,000-commit store, against git log
#   scripts/bench.sh backup                              backup + verify of the 100,000-commit store, against VACUUM INTO + zip
#   scripts/bench.sh analysis [TREE]                     each analysis on that store (SQLite, PostgreSQL); tech spec + structure of a tree
#   scripts/bench.sh ui                                  the app window on that store: first page, scrolling, a 5 MB diff
#   scripts/bench.sh sync                                a sync after 1, 100 and 10,000 new commits on that store, against git log -p of them
#   scripts/bench.sh history                             graph, file history, blame, compare, line history on that store, against git
#   scripts/bench.sh copy                                store copy of that store SQLite -> PostgreSQL (verified) against pgloader, and back
#                                                        (REPOVAULT_BENCH_BASELINE_CLI=PATH: another build's CLI copies it too, for before/after)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for-tests
# shellcheck source=scripts/build-env.sh
source scripts/build-env.sh
which="${1:-store}"; shift || true
services="$(mktemp -d /tmp/repovault-services.XXXXXX)"
trap 'scripts/services.sh stop "$services"' EXIT
scripts/services.sh start "$services"
# shellcheck disable=SC1091
source "$services/env"
# The release binaries, wherever cargo builds them (CARGO_TARGET_DIR may move the build folder).
release="$(scripts/target-dir.sh)/release"
# The generated 100,000-commit repository and its SQLite store, made once and cached.
large_store() {
  cargo build --quiet --release -p repovault-cli
  cache="$HOME/.cache/repovault/bench"
  repo="$cache/generated-100000"
  [ -d "$repo" ] || python3 tests/fixtures/make-repo.py "$repo" --commits 100000 >/dev/null
  store="$cache/store-100000"
  [ -f "$store/repovault.db" ] || "$release"/repovault-cli --data-dir "$store" import "$repo" --name bench
}
case "$which" in
  store) cargo bench --quiet -p repovault-storage --bench store_commit -- "$@" ;;
  import)
    cargo build --quiet --release -p repovault-cli
    python3 scripts/bench_import.py --cli "$release/repovault-cli" "$@" ;;
  query)
    large_store
    pg="${REPOVAULT_TEST_POSTGRES_URL%/*}/bench"
    psql "$REPOVAULT_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench"
    "$release"/repovault-cli --data-dir "$store" --database-url "$pg" import "$repo" --name bench >/dev/null
    cargo bench --quiet -p repovault-storage --bench query -- --repo "$repo" --sqlite "$store/repovault.db" --postgres "$pg" "$@" ;;
  sync)
    # On copies of the store and the repository (commits are appended to main).
    large_store
    python3 scripts/bench_sync.py --cli "$release/repovault-cli" --store "$store" --repo "$repo" "$@" ;;
  history)
    # On copies of the store and the repository (a 2,000-line file with 300 commits is added).
    large_store
    python3 scripts/bench_history.py --cli "$release/repovault-cli" --store "$store" --repo "$repo" "$@" ;;
  analysis)
    # Each history analysis on a copy of the 100k store (opening a store applies this build's
    # migrations), on SQLite and PostgreSQL; then tech spec + structure of TREE (a git repository)
    # or of a generated 5,000-file one.
    large_store
    work="$(mktemp -d /tmp/repovault-bench-analysis.XXXXXX)"
    trap 'rm -rf "$work"; scripts/services.sh stop "$services"' EXIT
    cp "$store/repovault.db" "$work/repovault.db"
    tree="${1:-$cache/tree-5000}"
    [ -d "$tree" ] || python3 - "$tree" <<'PY'
import os, random, subprocess, sys
dest, rnd = sys.argv[1], random.Random(7)
body = {
    "rs": ("pub fn f{n}(x: u32) -> u32 {{\n    if x > {n} {{\n        for i in 0..x {{\n            if i % 7 == 0 {{ return i; }}\n        }}\n    }}\n    x\n}}\n\n", "pub struct S{n} {{ a: u32 }}\nimpl S{n} {{\n    pub fn get(&self) -> u32 {{ self.a }}\n}}\n\n"),
    "py": ("def f{n}(x):\n    if x > {n}:\n        for i in range(x):\n            if i % 7 == 0:\n                return i\n    return x\n\n", "class C{n}:\n    def get(self):\n        return {n}\n\n"),
    "ts": ("export function f{n}(x: number): number {{\n  if (x > {n}) {{\n    for (let i = 0; i < x; i++) {{ if (i % 7 === 0) {{ return i; }} }}\n  }}\n  return x;\n}}\n\n", "export class C{n} {{\n  get(): number {{ return {n}; }}\n}}\n\n"),
    "go": ("func F{n}(x int) int {{\n\tif x > {n} {{\n\t\tfor i := 0; i < x; i++ {{\n\t\t\tif i%7 == 0 {{\n\t\t\t\treturn i\n\t\t\t}}\n\t\t}}\n\t}}\n\treturn x\n}}\n\n", "type S{n} struct{{ a int }}\n\nfunc (s S{n}) Get() int {{ return s.a }}\n\n"),
    "java": ("  static int f{n}(int x) {{\n    if (x > {n}) {{\n      for (int i = 0; i < x; i++) {{ if (i % 7 == 0) {{ return i; }} }}\n    }}\n    return x;\n  }}\n\n", "  int get{n}() {{ return {n}; }}\n\n"),
}
for k in range(5000):
    ext = rnd.choice(list(body) + ["md"])
    path = os.path.join(dest, f"pkg{k % 50}", f"sub{k % 7}", f"file{k}.{ext}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    parts = [body[ext][n % 2].format(n=n) for n in range(rnd.randint(5, 60))] if ext != "md" else ["Some text.\n"] * 40
    text = "".join(parts)
    if ext == "go": text = "package p\n\n" + text
    if ext == "java": text = f"class File{k} {{\n" + text + "}\n"
    open(path, "w").write(text)
open(os.path.join(dest, "Cargo.toml"), "w").write('[package]\nname = "t"\n[dependencies]\nserde = "1"\n')
open(os.path.join(dest, "package.json"), "w").write('{"dependencies": {"react": "^18"}}')
subprocess.run(["git", "init", "-q", "-b", "main", dest], check=True)
subprocess.run(["git", "-C", dest, "add", "-A"], check=True)
subprocess.run(["git", "-C", dest, "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "tree"], check=True)
PY
    cargo build --quiet --release -p repovault-analysis --example analysis_bench
    bench="$release"/examples/analysis_bench
    "$bench" --data-dir "$work" --repo bench --tree "$tree"
    pg="${REPOVAULT_TEST_POSTGRES_URL%/*}/bench_analysis"
    psql "$REPOVAULT_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench_analysis"
    "$release"/repovault-cli --data-dir "$work" --database-url "$pg" import "$repo" --name bench --detail numstat >/dev/null
    "$bench" --data-dir "$work" --database-url "$pg" --repo bench ;;
  ui)
    # The release app on a copy of the 100k store plus one commit with a 5 MB diff.
    large_store
    work="$(mktemp -d /tmp/repovault-ui-bench.XXXXXX)"
    cp -r "$store" "$work/data"
    big="$work/big-diff"
    git init -q -b main "$big"
    python3 -c "import sys; sys.stdout.write(''.join(f'line {i:07d} of a generated file that is five megabytes long\n' for i in range(80000)))" >"$big/big.txt"
    git -C "$big" add big.txt
    git -C "$big" -c user.name=Bench -c user.email=bench@example.com commit -q -m "A 5 MB file"
    "$release"/repovault-cli --data-dir "$work/data" import "$big" --name big-diff >/dev/null
    (cd ui && npm run build --silent)
    cargo build --quiet --release --bins
    REPOVAULT_APP="$release/repovault" REPOVAULT_CLI="$release/repovault-cli" \
      REPOVAULT_BENCH_DATA_DIR="$work/data" REPOVAULT_BENCH_BIG_DIFF_HASH="$(git -C "$big" rev-parse HEAD)" \
      tests/e2e/run.sh perf.bench.mjs
    rm -rf "$work" ;;
  backup)
    # Backup + verify of the 100k store against a consistent copy (VACUUM INTO) zipped by the zip command.
    command -v zip >/dev/null || { apt-get update -qq && apt-get install -y -qq zip >/dev/null; } 2>/dev/null \
      || sudo apt-get install -y -qq zip >/dev/null
    large_store
    work="$(mktemp -d /tmp/repovault-bench-backup.XXXXXX)"
    trap 'rm -rf "$work"; scripts/services.sh stop "$services"' EXIT
    now() { date +%s.%N; }
    cli=("$release"/repovault-cli --data-dir "$store")
    t0=$(now)
    python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("VACUUM INTO ?", (sys.argv[2],))' \
      "$store/repovault.db" "$work/repovault.db"
    t1=$(now)
    (cd "$work" && ln -s "$store/blobs" blobs && zip -q -r "$work/baseline.zip" repovault.db blobs/)
    t2=$(now)
    rm -f "$work/repovault.db" "$work/blobs"
    "${cli[@]}" backup create --dest "$work/ours" --json >"$work/created.json"
    t3=$(now)
    file="$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["results"][0]["backup"]["path"])' "$work/created.json")"
    "${cli[@]}" backup verify "$file" >/dev/null
    t4=$(now)
    python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$work/baseline.zip" "$file" "$store/repovault.db" <<'PY'
import os, sys
t0, t1, t2, t3, t4 = map(float, sys.argv[1:6])
base, ours, db = sys.argv[6:9]
mib = lambda p: os.path.getsize(p) / 2**20
print(f"store: {mib(db):.0f} MiB database")
print(f"{'':34} {'seconds':>8} {'archive MiB':>12}")
print(f"{'VACUUM INTO':34} {t1 - t0:8.2f}")
print(f"{'zip (default level)':34} {t2 - t1:8.2f} {mib(base):12.1f}")
print(f"{'baseline total':34} {t2 - t0:8.2f}")
print(f"{'repovault-cli backup create':34} {t3 - t2:8.2f} {mib(ours):12.1f}")
print(f"{'repovault-cli backup verify':34} {t4 - t3:8.2f}")
print(f"{'backup + verify':34} {t4 - t2:8.2f}")
print(f"ratio (backup + verify) / (VACUUM INTO + zip): {(t4 - t2) / (t2 - t0):.2f}")
print(f"ratio backup alone / (VACUUM INTO + zip):      {(t3 - t2) / (t2 - t0):.2f}")
PY
    ;;
  copy)
    # A copy of the 100k store (never the cached file itself), opened once so this build's
    # migrations and search index are in place before anything is timed; then pgloader and
    # `store copy` load the very same file into empty databases, and `store copy` goes back.
    command -v pgloader >/dev/null || { echo "pgloader is not installed (apt-get install pgloader)" >&2; exit 2; }
    large_store
    work="$(mktemp -d /tmp/repovault-bench-copy.XXXXXX)"
    trap 'rm -rf "$work"; scripts/services.sh stop "$services"' EXIT
    mkdir -p "$work/src"
    cp "$store/repovault.db" "$work/src/repovault.db"
    ln -s "$store/blobs" "$work/src/blobs"
    baseline="${REPOVAULT_BENCH_BASELINE_CLI:-}"
    if [ -n "$baseline" ]; then
      # Its own copy of the store: opening it with this build's migrations would make it too new.
      mkdir -p "$work/base"
      cp "$store/repovault.db" "$work/base/repovault.db"
      ln -s "$store/blobs" "$work/base/blobs"
      "$baseline" --data-dir "$work/base" repos >/dev/null
    fi
    "$release"/repovault-cli --data-dir "$work/src" repos >/dev/null
    base="${REPOVAULT_TEST_POSTGRES_URL%/*}"
    psql "$REPOVAULT_TEST_POSTGRES_URL" -qc "CREATE DATABASE bench_pgloader" -c "CREATE DATABASE bench_copy" \
      -c "CREATE DATABASE bench_copy_baseline"
    now() { python3 -c 'import time; print(time.time())'; }
    t0=$(now)
    # pgloader's defaults exhaust its heap on this store; smaller batches load it.
    printf 'LOAD DATABASE FROM sqlite://%s INTO %s\n  WITH include drop, create tables, create indexes, reset sequences,\n       workers = 2, concurrency = 1, prefetch rows = 2000, batch rows = 2000;\n' \
      "$work/src/repovault.db" "$base/bench_pgloader" >"$work/load.cmd"
    pgloader --quiet "$work/load.cmd" >"$work/pgloader.log" 2>&1 || { tail -20 "$work/pgloader.log" >&2; exit 1; }
    t1=$(now)
    "$release"/repovault-cli --data-dir "$work/src" --json store copy --to "$base/bench_copy" >"$work/there.json"
    t2=$(now)
    "$release"/repovault-cli --data-dir "$work/src" --json store copy --from "$base/bench_copy" \
      --to "sqlite://$work/back.db" >"$work/back.json"
    t3=$(now)
    if [ -n "$baseline" ]; then
      "$baseline" --data-dir "$work/base" --json store copy --to "$base/bench_copy_baseline" >"$work/baseline.json"
    fi
    t4=$(now)
    python3 - "$t0" "$t1" "$t2" "$t3" "$t4" "$work" <<'PY'
import json, os, sys
t0, t1, t2, t3, t4 = map(float, sys.argv[1:6])
work = sys.argv[6]
there, back = (json.load(open(os.path.join(work, f))) for f in ("there.json", "back.json"))
rows = sum(t["target_rows"] for t in there["tables"])
print(f"store: {os.path.getsize(os.path.join(work, 'src/repovault.db')) / 2**20:.0f} MiB SQLite, {rows:,} rows in {len(there['tables'])} tables")
print(f"{'':44} {'seconds':>8}")
print(f"{'pgloader SQLite -> PostgreSQL':44} {t1 - t0:8.2f}")
print(f"{'store copy SQLite -> PostgreSQL (verified)':44} {t2 - t1:8.2f}   verified={there['verified']}")
print(f"{'store copy PostgreSQL -> SQLite (verified)':44} {t3 - t2:8.2f}   verified={back['verified']}")
print(f"ratio store copy / pgloader: {(t2 - t1) / (t1 - t0):.2f}")
if os.path.exists(os.path.join(work, "baseline.json")):
    baseline = json.load(open(os.path.join(work, "baseline.json")))
    print(f"{'baseline build: SQLite -> PostgreSQL (verified)':44} {t4 - t3:8.2f}   verified={baseline['verified']}")
PY
    ;;
  *) echo "unknown benchmark $which (known: store, import, sync, query, ui, backup, analysis, history, copy)" >&2; exit 2 ;;
esac

#!/usr/bin/env python3
"""Team mirror benchmark (issue 14), in one run on this machine:

1. the user's path: a full import into a fresh SQLite store with no mirror, against the same
   import with a mirror enabled (the outbox written in each batch's transaction), once with no
   drainer and once with `mirror run` draining beside the import;
2. drain throughput: `mirror sync` of the whole outbox into a fresh PostgreSQL database, against a
   direct import of the same repository into another fresh PostgreSQL database, in commits/s.

Usage: bench_mirror.py CLI_BINARY POSTGRES_ADMIN_URL [--commits N] [--runs R]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def timed(cmd):
    start = time.perf_counter()
    run(cmd)
    return time.perf_counter() - start


counter = 0


def fresh_db(admin):
    global counter
    counter += 1
    name = f"mirror_bench_{os.getpid()}_{counter}"
    run(["psql", admin, "-qc", f"CREATE DATABASE {name}"])
    return admin.rsplit("/", 1)[0] + "/" + name


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cli")
    p.add_argument("admin_url")
    p.add_argument("--commits", type=int, default=3000)
    p.add_argument("--runs", type=int, default=3)
    a = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="mirror-bench."))
    repo = work / "repo"
    run([sys.executable, str(ROOT / "tests/fixtures/make-repo.py"), str(repo), "--commits", str(a.commits)])
    cli = a.cli

    def data(tag):
        d = work / f"{tag}-{time.time_ns()}"
        return ["--data-dir", str(d)], d

    off, on, on_drain = [], [], []
    for _ in range(a.runs):
        args, _ = data("off")
        off.append(timed([cli, *args, "import", str(repo), "--no-backup", "--name", "r"]))

        args, _ = data("on")
        run([cli, *args, "mirror", "enable", fresh_db(a.admin_url)])
        on.append(timed([cli, *args, "import", str(repo), "--no-backup", "--name", "r"]))

        args, _ = data("drain")
        run([cli, *args, "mirror", "enable", fresh_db(a.admin_url)])
        drainer = subprocess.Popen([cli, *args, "mirror", "run", "--poll", "0.2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            on_drain.append(timed([cli, *args, "import", str(repo), "--no-backup", "--name", "r"]))
        finally:
            drainer.kill()
            drainer.wait()

    commits = int(json.loads(run([cli, *args, "repos", "--json"]).stdout)[0]["commit_count"])

    drains, direct = [], []
    for _ in range(a.runs):
        args, _ = data("sync")
        run([cli, *args, "import", str(repo), "--no-backup", "--name", "r"])
        run([cli, *args, "mirror", "enable", fresh_db(a.admin_url)])
        drains.append(timed([cli, *args, "mirror", "sync"]))
        args, _ = data("pg")
        direct.append(timed([cli, *args, "--database-url", fresh_db(a.admin_url), "import", str(repo), "--no-backup", "--name", "r"]))

    m = statistics.median
    print(f"repository: make-repo.py --commits {a.commits} ({commits} commits); median of {a.runs} runs")
    print("| import into SQLite | s | vs off |")
    print("| --- | ---: | ---: |")
    print(f"| mirror off | {m(off):.2f} | 1.00 |")
    print(f"| mirror on, no drainer | {m(on):.2f} | {m(on) / m(off):.2f} |")
    print(f"| mirror on, `mirror run` draining beside it | {m(on_drain):.2f} | {m(on_drain) / m(off):.2f} |")
    print()
    print("| into PostgreSQL | s | commits/s |")
    print("| --- | ---: | ---: |")
    print(f"| `mirror sync` of the whole outbox | {m(drains):.2f} | {commits / m(drains):.0f} |")
    print(f"| direct `import` with `--database-url` | {m(direct):.2f} | {commits / m(direct):.0f} |")


if __name__ == "__main__":
    main()

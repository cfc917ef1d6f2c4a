#!/usr/bin/env python3
"""Sync benchmark: what a sync costs after N new commits on the 100k-commit benchmark store, against
git reading the same N commits (`git log -p OLD..NEW`), in the same run.

    scripts/bench.sh sync

Works on copies: the store is copied into a scratch folder (opened once first, so this build's
migrations and search index are in place before anything is timed) and its repository is cloned
(--mirror, objects hard-linked). Then, for each N, N commits are appended to `main` with
`git fast-import` (each one edits a few lines of one of 200 source files and adds a line to a log,
as a busy project's commits do), and the whole `repovault-cli sync` process is timed. A sync must
cost in proportion to N, not to the 100k commits already stored.
"""
import os, random, shutil, subprocess, sys, tempfile, time

from bench_store import copy_store_and_repo, store_arguments

SIZES = (1, 100, 10_000)


def run(cmd, **kw):
    out = subprocess.run(cmd, check=False, capture_output=True, **kw)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr.decode(errors='replace')}")
    return out.stdout


def timed(cmd):
    start = time.perf_counter()
    run(cmd)
    return time.perf_counter() - start


def append_commits(clone, count, serial):
    """`count` new commits on main through one fast-import stream."""
    rnd = random.Random(serial)
    tip = run(["git", "-C", clone, "rev-parse", "refs/heads/main"]).decode().strip()
    stream = []
    when = 2_000_000_000 + serial * 100_000
    for n in range(count):
        path = f"bench/sync/src_{rnd.randrange(200):03d}.c"
        body = "".join(f"int value_{serial}_{n}_{i} = {rnd.randrange(10**6)};\n" for i in range(rnd.randint(3, 30)))
        message = f"sync benchmark: change {serial}.{n}\n"
        stream.append(f"commit refs/heads/main\nmark :{n + 1}\n"
                      f"author Bench <bench@example.com> {when + n} +0000\n"
                      f"committer Bench <bench@example.com> {when + n} +0000\n"
                      f"data {len(message)}\n{message}")
        if n == 0:
            stream.append(f"from {tip}\n")
        stream.append(f"M 100644 inline {path}\ndata {len(body.encode())}\n{body}\n")
    run(["git", "-C", clone, "fast-import", "--quiet"], input="".join(stream).encode())
    return tip


def main():
    a = store_arguments()
    work = tempfile.mkdtemp(prefix="repovault-bench-sync.")
    try:
        data, clone = copy_store_and_repo(a.store, a.repo, work)
        cli = [a.cli, "--data-dir", data]
        run(cli + ["repos"])  # migrations and the one-time re-index, before anything is timed
        # The copied store knows the cached repository's path: importing the clone under the same
        # name is a sync of the clone (the walk stops at the stored tips).
        sync = cli + ["import", clone, "--name", "bench"]
        run(sync)
        print(f"store: {a.store} (copied), repository cloned from {a.repo}")
        print(f"{'new commits':>11} {'git log -p s':>13} {'sync s':>8} {'ratio':>6} {'sync ms/commit':>15}")
        noop = timed(sync)
        print(f"{0:>11} {'':>13} {noop:>8.3f} {'':>6} {'':>15}")
        for serial, count in enumerate(SIZES, start=1):
            old = append_commits(clone, count, serial)
            git_s = timed(["git", "-C", clone, "log", "-p", "--no-renames", "--diff-merges=first-parent",
                           f"{old}..refs/heads/main"])
            sync_s = timed(sync)
            print(f"{count:>11} {git_s:>13.3f} {sync_s:>8.3f} {sync_s / git_s:>6.2f} {sync_s * 1000 / count:>15.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

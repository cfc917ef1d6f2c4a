#!/usr/bin/env python3
"""History views benchmark: each question answered by RepoVault's CLI against git asking the same
question, in the same run, on the 100k-commit benchmark store and its repository.

    scripts/bench.sh history

Works on copies: the store is copied into a scratch folder and the repository is cloned (--mirror,
objects hard-linked) so that a file of 2,000 lines with 300 commits of history can be added to
`main` (the generated history has none) and synced into the copied store. Each figure is the median
of RUNS whole-process runs (start-up included) of the release CLI; git runs the same question.
"""
import json, os, random, shutil, statistics, subprocess, sys, tempfile, time

from bench_store import copy_store_and_repo, store_arguments

RUNS = 7
BLAME_FILE = "hot/blame_2000.txt"


def run(cmd, env=None):
    out = subprocess.run(cmd, check=False, capture_output=True, env=env)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed: {out.stderr.decode(errors='replace')}")
    return out.stdout


def median_ms(cmd, env=None):
    run(cmd, env)  # warm the page cache and the store's lazily built parts (graph rows)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run(cmd, env)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def add_blame_history(worktree):
    """A 2,000-line file created on main, then changed by 299 more commits (a few lines replaced,
    inserted or deleted each time), as a long-lived source file is."""
    rnd = random.Random(2000)
    path = os.path.join(worktree, BLAME_FILE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    serial = iter(range(10**9))
    lines = [f"line {next(serial)}: initial text of the file\n" for _ in range(2000)]
    env = {**os.environ, "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for n in range(300):
        if n > 0:
            for _ in range(rnd.randint(1, 6)):
                at = rnd.randrange(len(lines))
                kind = rnd.random()
                if kind < 0.6:
                    lines[at] = f"line {next(serial)}: changed in commit {n}\n"
                elif kind < 0.8 or len(lines) < 1990:
                    lines[at:at] = [f"line {next(serial)}: inserted in commit {n}\n" for _ in range(rnd.randint(1, 3))]
                else:
                    del lines[at:at + rnd.randint(1, 3)]
        with open(path, "w") as f:
            f.writelines(lines)
        date = f"2031-01-01T00:00:00Z" if n == 0 else f"2031-01-01T{n // 60:02d}:{n % 60:02d}:00Z"
        run(["git", "-C", worktree, "add", BLAME_FILE])
        run(["git", "-C", worktree, "commit", "-q", "-m", f"blame benchmark: edit {n}"],
            env={**env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
    return len(lines)


def main():
    a = store_arguments()
    work = tempfile.mkdtemp(prefix="repovault-bench-history.")
    try:
        data, clone = copy_store_and_repo(a.store, a.repo, work)
        worktree = os.path.join(work, "wt")
        run(["git", "-C", clone, "worktree", "add", "-q", worktree, "main"])
        lines = add_blame_history(worktree)
        cli = [a.cli, "--data-dir", data]
        run(cli + ["migrate"])
        # Sync the 300 new commits into the copied store (the stored folder stays the original).
        run(cli + ["import", clone, "--name", "bench"])
        git = ["git", "-C", clone]
        # The figure is only worth something if the answer is right: the same commit for every line.
        ours = [l["commit"] for l in json.loads(run(cli + ["--json", "blame", BLAME_FILE, "--rev", "main"]))["lines"]]
        theirs = [l.split()[0] for l in run(git + ["blame", "--porcelain", "main", "--", BLAME_FILE]).decode().splitlines()
                  if len(l) > 40 and l[40] == " " and all(c in "0123456789abcdef" for c in l[:40])]
        if ours != theirs:
            sys.exit(f"blame of {BLAME_FILE} differs from git's ({len(ours)} against {len(theirs)} lines)")
        print(f"blame of {BLAME_FILE}: {len(ours)} lines, equal to git blame --porcelain")
        rows = []

        def row(label, ours, theirs, note=""):
            ours_ms = median_ms(cli + ours)
            git_ms = median_ms(git + theirs) if theirs else None
            rows.append((label, ours_ms, git_ms, " ".join(theirs[:3]) if theirs else "", note))
            print(f"{label}: {ours_ms:.1f} ms" + (f" (git {git_ms:.1f} ms)" if git_ms else ""), flush=True)

        row("first History page, 200 rows", ["log", "--repo", "bench", "--limit", "200"], ["log", "--format=%H", "-n", "200", "--branches", "--tags"])
        row("graph rows 0-200, every commit", ["graph", "--limit", "200"], ["log", "--graph", "--format=%H", "-n", "200", "--branches", "--tags"])
        row("graph rows 0-200 of main", ["graph", "--branch", "main", "--limit", "200"], ["log", "--graph", "--format=%H", "-n", "200", "main"])
        row("file history of data/large_0.csv", ["file-log", "data/large_0.csv"], ["log", "--follow", "--format=%H", "--branches", "--tags", "--", "data/large_0.csv"])
        row(f"blame {BLAME_FILE} at main ({lines} lines, 300 commits)", ["blame", BLAME_FILE, "--rev", "main"], ["blame", "--porcelain", "main", "--", BLAME_FILE])
        row("blame data/large_0.csv at main", ["blame", "data/large_0.csv", "--rev", "main"], ["blame", "--porcelain", "main", "--", "data/large_0.csv"])
        row("compare v0.90.0...main, three-dot", ["compare", "v0.90.0", "main", "--three-dot"], ["diff", "--numstat", "v0.90.0...main"], "git: the file list only")
        row(f"line history of {BLAME_FILE} lines 900-950", ["line-log", f"{BLAME_FILE}:900,950", "--rev", "main"], ["log", "-L", f"900,950:{BLAME_FILE}", "--format=%H", "--no-patch", "main"])
        print()
        print("| question | RepoVault ms | git ms | git command |")
        print("| --- | ---: | ---: | --- |")
        for label, ours_ms, git_ms, cmd, note in rows:
            theirs = f"{git_ms:,.1f}" if git_ms is not None else "—"
            print(f"| {label} | {ours_ms:,.1f} | {theirs} | `{cmd} ...`{' (' + note + ')' if note else ''} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

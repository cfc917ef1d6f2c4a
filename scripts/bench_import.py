#!/usr/bin/env python3
"""Import benchmark: RepoVault's full import against git reading the same history, same run.

    scripts/bench.sh import [REPO] [--commits N] [--only full,numstat,metadata] [--postgres]

Without REPO, a generated repository of N commits (default 20,000) is made once under
~/.cache/repovault/bench/. For each comparison it runs git, then a fresh import into a new SQLite
store (with --postgres: a new database on the PostgreSQL server bench.sh starts), and prints both wall times, their ratio (import / git, lower is better) and peak memory.
The full import's time is also split: commits stored (the repository complete and browsable)
and the change index built after them (what `change:` searches use), from the CLI's own report.
Then it times a sync with nothing new on the imported store.
"""
import argparse, contextlib, json, os, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sample_memory(pid, peaks):
    """Peak anonymous and file-backed resident memory (MiB), from /proc every 0.2 s: the file-backed
    part is mostly the mapped pack files (git's own resident set is too), which the kernel can drop."""
    while True:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key in ("RssAnon", "RssFile"):
                        peaks[key] = max(peaks.get(key, 0), int(value.split()[0]) / 1024)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return
        time.sleep(0.2)


def timed(cmd, keep_output=False):
    """Wall seconds, peak resident memory (MiB), standard output (with `keep_output`, else b"") and
    the sampled peaks of one child process. git's output is not kept: held by this process (a GiB
    for git/git's `log -p`), it was counted in the next child's peak resident set, which starts as
    a fork of this one."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out if keep_output else subprocess.DEVNULL, stderr=err)
        peaks = {}
        threading.Thread(target=sample_memory, args=(proc.pid, peaks), daemon=True).start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if status != 0:
            err.seek(0)
            sys.exit(f"{cmd[0]} failed: {err.read().decode(errors='replace')}")
        out.seek(0)
        return seconds, usage.ru_maxrss / 1024, out.read() if keep_output else b"", peaks


@contextlib.contextmanager
def fresh_database(postgres):
    """With `postgres`, the URL of a new, empty database on the test server (dropped afterwards);
    else None (the import makes a SQLite store in its data folder)."""
    if not postgres:
        yield None
        return
    server = os.environ.get("REPOVAULT_TEST_POSTGRES_URL")
    if not server:
        sys.exit("--postgres needs REPOVAULT_TEST_POSTGRES_URL (scripts/bench.sh import sets it)")
    name = f"bench_import_{os.getpid()}"
    psql = ["psql", server, "-v", "ON_ERROR_STOP=1", "-qc"]
    quiet = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(psql + [f"DROP DATABASE IF EXISTS {name}"], check=True, env=quiet)
    subprocess.run(psql + [f"CREATE DATABASE {name}"], check=True, env=quiet)
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        subprocess.run(psql + [f"DROP DATABASE IF EXISTS {name}"], check=False, env=quiet)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repo", nargs="?")
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--cli", required=True, help="the release repovault-cli")
    ap.add_argument("--only", default="full,numstat,metadata", help="which imports to compare")
    ap.add_argument("--postgres", action="store_true",
                    help="import into a fresh PostgreSQL database on the server of REPOVAULT_TEST_POSTGRES_URL "
                         "(bench.sh starts one) instead of a SQLite store")
    a = ap.parse_args()
    only = set(a.only.split(","))
    repo = a.repo
    if repo is None:
        repo = os.path.expanduser(f"~/.cache/repovault/bench/generated-{a.commits}")
        if not os.path.exists(repo):
            os.makedirs(os.path.dirname(repo), exist_ok=True)
            print(f"generating {repo} ...", flush=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "tests/fixtures/make-repo.py"), repo,
                            "--commits", str(a.commits)], check=True, stdout=subprocess.DEVNULL)
    count = subprocess.run(["git", "-C", repo, "rev-list", "--count", "--branches", "--tags"],
                           check=True, capture_output=True, text=True).stdout.strip()
    workers = os.cpu_count()
    print(f"repository: {repo} ({count} commits on branches and tags), {workers} cores")
    git = ["git", "-C", repo, "log", "--branches", "--tags", "--no-renames", "--diff-merges=first-parent"]
    # Warm the page cache so neither side pays for the first read.
    subprocess.run(git + ["--format=%H"], check=True, stdout=subprocess.DEVNULL)
    rows = []
    comparisons = [
        ("full, with diff text", ["-p"], "full"),
        ("line counts", ["--numstat", "--format=%H"], "numstat"),
        ("metadata only", ["--format=%H%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%P%x00%B"], "metadata"),
    ]
    sync_s = size = split = None
    for label, git_args, detail in comparisons:
        if detail not in only:
            continue
        git_s, git_mem, _, git_peaks = timed(git + git_args)
        with tempfile.TemporaryDirectory() as data, fresh_database(a.postgres) as database:
            target = ["--database-url", database] if database else []
            imp_s, imp_mem, out, imp_peaks = timed([a.cli, "--data-dir", data, *target, "--json", "import", repo,
                                                    "--name", "bench", "--detail", detail], keep_output=True)
            if detail == "full":
                report = json.loads(out)
                index_s = report["index_seconds"]
                split = (imp_s - index_s, index_s, git_s)
                start = time.perf_counter()
                subprocess.run([a.cli, "--data-dir", data, *target, "sync", "bench"], check=True,
                               stdout=subprocess.DEVNULL)
                sync_s = time.perf_counter() - start
                size = None if database else sum(os.path.getsize(os.path.join(d, f))
                                                 for d, _, fs in os.walk(data) for f in fs)
        rows.append((label, git_s, git_mem, imp_s, imp_mem))
        for who, peaks in (("git", git_peaks), ("import", imp_peaks)):
            if peaks:  # a process shorter than one sample has none
                print(f"{label}, {who}: peak anonymous {peaks.get('RssAnon', 0):.0f} MiB, "
                      f"file-backed {peaks.get('RssFile', 0):.0f} MiB")
    print(f"{'import':<22} {'git s':>7} {'git MiB':>8} {'import s':>9} {'import MiB':>11} {'ratio':>6}")
    for label, git_s, git_mem, imp_s, imp_mem in rows:
        print(f"{label:<22} {git_s:>7.2f} {git_mem:>8.0f} {imp_s:>9.2f} {imp_mem:>11.0f} {imp_s / git_s:>6.2f}")
    if split is not None:
        stored_s, index_s, git_s = split
        print(f"full import split: commits stored after {stored_s:.2f} s (ratio {stored_s / git_s:.2f}), "
              f"then the change index {index_s:.2f} s")
    print("git: log --branches --tags --no-renames --diff-merges=first-parent with -p / --numstat / --format;")
    backend = "PostgreSQL database" if a.postgres else "SQLite store"
    print(f"import: repovault-cli import --detail full|numstat|metadata into a new {backend} (renames detected)")
    if sync_s is not None:
        print(f"sync with nothing new (whole CLI process, after the full import): {sync_s * 1000:.0f} ms")
    if size is not None:
        print(f"store size after the full import: {size / 1024 / 1024:.0f} MiB")

if __name__ == "__main__":
    main()

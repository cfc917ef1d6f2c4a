"""What the benchmarks on the 100k-commit store share: their arguments and a scratch copy of the
store and its repository, so the cached originals are never changed (opening a store migrates it)."""
import argparse, os, shutil, subprocess, sys


def store_arguments():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--store", required=True, help="the 100k store's folder (copied, never changed)")
    ap.add_argument("--repo", required=True, help="its repository (cloned, never changed)")
    return ap.parse_args()


def copy_store_and_repo(store, repo, work):
    """`work/data` with a copy of the database (large diffs live in the blob folder, which the
    benchmarks only read, so it is shared) and `work/repo.git`, a mirror clone with hard-linked
    objects. Returns both paths."""
    data, clone = os.path.join(work, "data"), os.path.join(work, "repo.git")
    os.makedirs(data)
    shutil.copy(os.path.join(store, "repovault.db"), os.path.join(data, "repovault.db"))
    os.symlink(os.path.join(store, "blobs"), os.path.join(data, "blobs"))
    out = subprocess.run(["git", "clone", "-q", "--mirror", repo, clone], capture_output=True)
    if out.returncode != 0:
        sys.exit(f"git clone failed: {out.stderr.decode(errors='replace')}")
    return data, clone

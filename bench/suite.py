"""Wall time of the test suite at two commits, side by side in one run.

    .venv/bin/python bench/suite.py BEFORE [AFTER] [--marks "not browser"] [--workers 2]

Each commit is checked out into a temporary worktree (it shares this checkout's .venv) and its
suite runs as `make test` would run it (-n WORKERS --dist worksteal), one commit after the
other, so both see the same machine. Set DATABASE_URL to time the PostgreSQL suite (CI runs it
with --marks "not browser and not one_database"). AFTER defaults to HEAD. Shared machines vary
by 10% between runs: compare the ratio, and run twice if it is close to 1.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed).*?) in [\d.]+s", re.MULTILINE)


def git(*args):
    subprocess.run([shutil.which("git"), "-C", ROOT, *args], check=True)  # noqa: S603 - our own


def worktree(commit, into):
    git("worktree", "add", "--detach", str(into), commit)
    (Path(into) / ".venv").symlink_to(ROOT / ".venv")


def run_suite(checkout, marks, workers):
    """Seconds the suite took and pytest's summary line."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "CI": "true"}
    if "DATABASE_URL" in env:  # each checkout its own test database, so runs never meet
        env["DATABASE_URL"] = f"{env['DATABASE_URL']}_{Path(checkout).name}"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-n", str(workers), "--dist", "worksteal", "-m", marks]
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command line
        command, cwd=checkout, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    found = SUMMARY.search(result.stdout)
    summary = found.group(1) if found else result.stdout[-2000:]
    # A red suite's time says little: say so beside it.
    return seconds, summary if result.returncode == 0 else f"{summary} (exit {result.returncode})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after", nargs="?", default="HEAD")
    parser.add_argument("--marks", default="not browser")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    times = {}
    try:
        with tempfile.TemporaryDirectory() as scratch:
            for name, commit in (("before", args.before), ("after", args.after)):
                checkout = Path(scratch) / name
                worktree(commit, checkout)
                times[name], summary = run_suite(checkout, args.marks, args.workers)
                print(f"{name:6} {commit:12} {times[name]:7.1f} s  {summary}", flush=True)
    finally:
        git("worktree", "prune")  # once their directories are gone
    print(f"ratio after/before: {times['after'] / times['before']:.3f}")


if __name__ == "__main__":
    main()

"""Load the public submission form: 1,000 submissions at concurrency 50, a quarter with a photo,
against gunicorn (4 workers) on a throwaway PostgreSQL database.

    .venv/bin/python bench/submissions_load.py [--submissions 1000] [--concurrency 50]
        [--workers 4] [--port 18765] [--photo-every 4] [--database postgres://postgres@127.0.0.1:5432]

It creates the database bench_submissions_<pid>, migrates it, adds a station, starts gunicorn on
127.0.0.1 itself, and each submission does what a phone does: GET /submit/ (CSRF cookie and the
form's submission key), then POST it. It reports the POSTs' statuses, the cases created, lost
(answered 302 but not stored) and duplicated (stored twice), gaps in the reference numbers,
submissions per second and the POSTs' p50/p95/p99. gunicorn and the database are removed at
the end, whatever happens.

Bounded and local only: at most 5,000 submissions and concurrency 100, and the web server and
the database must be on a loopback address. The rate limits are lifted through their settings
(SUBMISSION_RATE_PER_IP / _PER_PHONE in the environment of this gunicorn only): every request
comes from one address. Settings: portal.settings.dev with DEBUG=0 (production's differ in
HTTPS and static files, not in the submission's work).
"""

import argparse
import collections
import io
import ipaddress
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
LIMITS = {"submissions": 5000, "concurrency": 100}
HIDDEN = r'name="{}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{}"'


def loopback(host, what):
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return
    except ValueError:
        pass
    sys.exit(f"Refused: {what} {host!r} is not a loopback address (this bench stays local).")


def hidden(html, name):
    match = re.search(HIDDEN.format(name, name), html)
    return match and (match.group(1) or match.group(2))


def small_jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 90, 60)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


class Load:
    def __init__(self, base, photo_every):
        self.base, self.photo_every, self.photo = base, photo_every, small_jpeg()
        self.results, self.lock = [], threading.Lock()
        self.category = None

    def submit(self, n):
        """One phone: open the form, then send it; returns (n, status, seconds of the POST)."""
        with requests.Session() as session:
            form = session.get(f"{self.base}/submit/", timeout=60)
            data = {
                "csrfmiddlewaretoken": hidden(form.text, "csrfmiddlewaretoken"),
                "submission_key": hidden(form.text, "submission_key"),
                "kind": "problem",
                "category": self.category,
                "title": f"压测诉求{n:05d}",
                "description": "园区道路夜间照明不足，货车进出不便，希望增设路灯。",
                "place": "园区大道88号",
                "enterprise_name": "云溪恒通电子科技有限公司",
                "submitter_name": "王小明",
                "submitter_phone": f"139{n:08d}",
                "consent": "on",
                "website": "",
            }
            files = None
            if self.photo_every and n % self.photo_every == 0:
                files = {"photos": ("photo.jpg", self.photo, "image/jpeg")}
            started = time.perf_counter()
            response = session.post(
                f"{self.base}/submit/",
                data=data,
                files=files,
                headers={"Referer": f"{self.base}/submit/"},
                allow_redirects=False,
                timeout=120,
            )
            took = time.perf_counter() - started
        with self.lock:
            self.results.append((n, response.status_code, took))


def run(command, env, **kwargs):
    subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)  # noqa: S603 - our own


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check(database_url, results):
    """What the database holds against what the clients were told."""
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT reference), count(DISTINCT sequence), "
            "coalesce(min(sequence), 0), coalesce(max(sequence), 0), count(DISTINCT title) "
            "FROM submissions_case"
        )
        cases, references, sequences, low, high, titles = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM submissions_casephoto")
        (photos,) = cursor.fetchone()
        cursor.execute("SELECT title FROM submissions_case")
        stored = {title for (title,) in cursor.fetchall()}
    accepted = {f"压测诉求{n:05d}" for n, status, _took in results if status == 302}
    return {
        "cases created": cases,
        "photos stored": photos,
        "lost (302 but not stored)": len(accepted - stored),
        "duplicated (stored twice)": cases - titles,
        "reference gaps": (high - low + 1 - sequences) if cases else 0,
        "repeated references": cases - references,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--photo-every", type=int, default=4, help="0: no photos")
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    for name, limit in LIMITS.items():
        if not 1 <= getattr(args, name) <= limit:
            sys.exit(f"Refused: --{name} must be between 1 and {limit}.")
    loopback(args.host, "the web server")
    server = urllib.parse.urlsplit(args.database)
    loopback(server.hostname or "", "the database server")

    # A timeout's or Ctrl-C's signal still stops gunicorn and drops the database (finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    with socket.socket() as probe:
        if probe.connect_ex((args.host, args.port)) == 0:
            sys.exit(f"Port {args.port} is taken: choose another with --port.")
    name = f"bench_submissions_{os.getpid()}"
    admin_url = args.database.rstrip("/") + "/postgres"
    database_url = args.database.rstrip("/") + f"/{name}"
    scratch = Path(tempfile.mkdtemp(prefix="bench_submissions_"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DEBUG": "0",
        "DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": str(scratch),
        "SITE_BASE_URL": f"http://{args.host}:{args.port}",
        # The bench is one address and one test: lift the limits for this server only.
        "SUBMISSION_RATE_PER_IP": "1000000",
        "SUBMISSION_RATE_PER_PHONE": "1000000",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("REDIS_URL", None)
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    gunicorn = None
    try:
        print(f"migrating {name} ...", flush=True)
        started = time.perf_counter()
        run([sys.executable, "manage.py", "migrate", "-v0"], env)
        run(
            [sys.executable, "manage.py", "shell", "-c"]
            + [
                "from deputies.models import Station; Station.objects.create(name='压测联络站', "
                "reference_prefix='YC')"
            ],
            env,
        )
        print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
        log = open(scratch / "gunicorn.log", "w")  # noqa: SIM115 - closed with the server
        gunicorn = subprocess.Popen(  # noqa: S603 - our own command line
            [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi:application"]
            + ["--workers", str(args.workers), "--bind", f"{args.host}:{args.port}"]
            + ["--backlog", "256", "--timeout", "120"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://{args.host}:{args.port}"
        for _ in range(60):
            try:
                if requests.get(f"{base}/healthz", timeout=10).ok:
                    break
            except requests.RequestException:
                time.sleep(1)
        else:
            sys.exit(f"gunicorn did not start: see {scratch / 'gunicorn.log'}")
        load = Load(base, args.photo_every)
        page = requests.get(f"{base}/submit/", timeout=30).text
        load.category = re.search(r'name="category".*?<option value="(\d+)"', page, re.S)[1]
        started = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(load.submit, range(1, args.submissions + 1)))
        elapsed = time.perf_counter() - started
        times = [took * 1000 for _n, _status, took in load.results]
        statuses = collections.Counter(status for _n, status, _took in load.results)
        print(
            f"{args.submissions} submissions, concurrency {args.concurrency}, "
            f"{args.workers} gunicorn workers, a photo in every {args.photo_every or '-'}"
        )
        print(f"POST statuses: {dict(sorted(statuses.items()))}")
        for label, value in check(database_url, load.results).items():
            print(f"{label}: {value}")
        print(f"submissions/s: {args.submissions / elapsed:.1f} (GET form + POST, {elapsed:.1f} s)")
        print(
            f"POST ms: p50 {percentile(times, 50):.0f}, p95 {percentile(times, 95):.0f}, "
            f"p99 {percentile(times, 99):.0f}, mean {statistics.fmean(times):.0f}"
        )
    finally:
        if gunicorn:
            gunicorn.terminate()
            try:
                gunicorn.wait(60)
            except subprocess.TimeoutExpired:  # a worker stuck in a request: no more waiting
                gunicorn.kill()
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

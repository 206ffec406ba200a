"""Requests per second of the public pages, uncached and cached, beside a static file.

    .venv/bin/python bench/public_pages.py [--main /path/to/checkout/of/main] [--duration 8]

Each server is gunicorn with production settings and 2 sync workers over the demo site (seeded
once into SQLite in a temporary directory, or the PostgreSQL database DATABASE_URL names, which
it then overwrites), loaded by wrk (-t1 -c8) one page at a time: the static file, then each
page with the page cache off (PAGE_CACHE=0) and on. With --main, the same pages are measured on
another checkout (the same database, so its migrations must match) for the "before" figures.
Goals (issue 19): cached >= 0.5 x static; uncached >= 1.5 x main's.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/deputies/",
    "/deputies/{deputy}/",
    "/disclosure/",
    "/disclosure/{notice}/",
    "/stats/",
    "/key-issues/",
    "/key-issues/{issue}/",
    "/news/",
    "/news/{article}/",
    "/rules/",
]
STATIC = "/static/css/site.css"


def environment(var_dir, port, redis_url, **extra):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        REDIS_URL=redis_url,
        PORTAL_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_BASE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def manage(tree, env, *args):
    python = tree / ".venv" / "bin" / "python"
    subprocess.run([str(python), "manage.py", *args], cwd=tree, env=env, check=True)  # noqa: S603


def shell(tree, env, code):
    python = tree / ".venv" / "bin" / "python"
    command = [str(python), "manage.py", "shell", "-c", code]
    done = subprocess.run(  # noqa: S603 - our own command line
        command, cwd=tree, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Redis:
    """A throwaway Redis on loopback: production requires a shared cache, and the page cache
    is what the cached figures measure."""

    def __init__(self):
        port = free_port()
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--logfile", "/dev/null"]
        self.process = subprocess.Popen(command)  # noqa: S603 - our own command line
        self.url = f"redis://127.0.0.1:{port}/0"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def demo_urls(tree, env):
    """The demo's first deputy, notice, key issue and article, for the detail pages."""
    code = (
        "from deputies.models import Deputy;from disclosure.models import DisclosureNotice,"
        "KeyIssue;from home.models import NewsPage;"
        "print(Deputy.objects.live().filter(is_active=True).first().pk,"
        "DisclosureNotice.objects.live().first().slug,KeyIssue.objects.live().first().slug,"
        "NewsPage.objects.live().first().slug)"
    )
    deputy, notice, issue, article = shell(tree, env, code).split()
    return [
        page.format(deputy=deputy, notice=notice, issue=issue, article=article) for page in PAGES
    ]


class Server:
    def __init__(self, tree, env, port):
        gunicorn = tree / ".venv" / "bin" / "gunicorn"
        command = [str(gunicorn), "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        command += ["--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=tree, env=env)  # noqa: S603
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=5)  # noqa: S310
                return
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"gunicorn in {tree} did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def rate(url, duration):
    """wrk's requests per second; every answer must be a 200."""
    for _ in range(4):  # warm both workers: renditions, cached parts, cached pages
        urllib.request.urlopen(url, timeout=10)  # noqa: S310
    command = ["wrk", "-t1", "-c8", f"-d{duration}s", url]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    if "Non-2xx" in output:
        raise RuntimeError(f"{url}: some answers were not 200\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def measure(tree, env, port, urls, duration, with_static=False):
    server = Server(tree, env, port)
    try:
        static = rate(server.base + STATIC, duration) if with_static else None
        return static, {url: rate(server.base + url, duration) for url in urls}
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--main", type=Path, help="a checkout of main, with its own .venv")
    parser.add_argument("--duration", type=int, default=8, help="seconds per page and setting")
    parser.add_argument("--var-dir", type=Path, help="keep the seeded site here for the next run")
    args = parser.parse_args()
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install {tool}")
    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="bench-pages-"))
    redis = Redis()
    try:
        port = free_port()
        env = environment(var_dir, port, redis.url)
        if not (var_dir / "db.sqlite3").exists() or os.environ.get("DATABASE_URL"):
            # seed_demo refuses production settings (it makes demo logins): dev settings.
            seeding = dict(env, DJANGO_SETTINGS_MODULE="portal.settings.dev")
            manage(ROOT, seeding, "migrate", "--noinput", "-v0")
            manage(ROOT, seeding, "seed_demo")
        manage(ROOT, env, "collectstatic", "--noinput", "-v0")
        urls = demo_urls(ROOT, env)
        before = None
        if args.main:
            main_env = environment(
                var_dir, port, redis.url, STATIC_ROOT=str(var_dir / "main-static")
            )
            manage(args.main, main_env, "collectstatic", "--noinput", "-v0")
            _static, before = measure(args.main, main_env, port, urls, args.duration)
        static, uncached = measure(
            ROOT,
            environment(var_dir, port, redis.url, PAGE_CACHE="0"),
            port,
            urls,
            args.duration,
            True,
        )
        _static, cached = measure(ROOT, env, port, urls, args.duration)
    finally:
        redis.stop()
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)
    report(static, before, uncached, cached)


def report(static, before, uncached, cached):
    print(f"\nstatic file {STATIC}: {static:8.0f} req/s\n")
    print(f"{'page':34} {'main':>7} {'uncached':>9} {'x main':>7} {'cached':>8} {'x static':>9}")
    for url in uncached:
        main_rate = f"{before[url]:7.0f}" if before else "      -"
        ratio = f"{uncached[url] / before[url]:7.2f}" if before else "      -"
        print(
            f"{url:34} {main_rate} {uncached[url]:9.0f} {ratio} "
            f"{cached[url]:8.0f} {cached[url] / static:9.2f}"
        )


if __name__ == "__main__":
    main()

"""Two worker processes under production settings share one cache: a rate limit counted in one
holds in the other, and a statistics refresh in one reaches the other. Run against a private
Redis and against the database-cache fallback (CACHE_BACKEND=database)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_settings import GOOD_PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent


class Worker:
    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.shared_cache_worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.pid = int(self.process.stdout.readline())

    def ask(self, *command):
        self.process.stdin.write(" ".join(command) + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)


def production_env(tmp_path, **cache):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        GOOD_PRODUCTION_ENV,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        PORTAL_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **cache,
    )
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(params=["redis", "database"])
def two_workers(request, tmp_path):
    if request.param == "redis":
        env = production_env(tmp_path, REDIS_URL=request.getfixturevalue("private_redis"))
    else:
        env = production_env(tmp_path, CACHE_BACKEND="database")
        subprocess.run(
            [sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True
        )
    workers = [Worker(env), Worker(env)]
    yield workers
    for worker in workers:
        worker.stop()


def test_a_rate_limit_counted_in_one_worker_holds_in_the_other(two_workers):
    first, second = two_workers
    assert [first.ask("hit", "ip:203.0.113.9", "2") for _ in range(2)] == ["True", "True"]
    assert second.ask("hit", "ip:203.0.113.9", "2") == "False"
    assert second.ask("hit", "ip:198.51.100.7", "2") == "True"  # another client is not held


def test_a_statistics_refresh_in_one_worker_reaches_the_other(two_workers):
    first, second = two_workers
    assert first.ask("figures") == str(first.pid)
    assert second.ask("figures") == str(first.pid)  # read from the shared cache
    assert first.ask("invalidate") == "done"
    assert second.ask("figures") == str(second.pid)  # the old figures are gone for it too
    assert first.ask("figures") == str(second.pid)


def test_one_redis_client_serves_every_call_of_a_worker(private_redis):
    """portal.cache.ReusedRedisClient: Django's client would build a redis.Redis per call."""
    from portal.cache import ResilientRedisCache

    shared = ResilientRedisCache(private_redis, {})
    shared.set("page_cache:part:x", {"menu": ["制度墙"]})
    assert shared.get_many(["page_cache:part:x"]) == {"page_cache:part:x": {"menu": ["制度墙"]}}
    assert shared._cache.get_client() is shared._cache.get_client(write=True)

"""The shared cache, and what happens while it is down.

Every worker reads and writes one Redis, so rate limits, statistics and cached pages are the same
whichever worker answers. When Redis cannot be reached, ResilientRedisCache behaves like an empty
cache that keeps nothing (Django's DummyCache) instead of raising: pages are built from the
database, statistics computed afresh, and nothing is served from a copy that might be stale.
After a failure the process leaves Redis alone for OUTAGE_PAUSE seconds, so that a dead server
costs one connect timeout per worker per pause, not one per cache call.

Rate limits, which count in this cache, let requests through during an outage (``incr`` finds no
key and the counter starts again from one each time): refusing every submission because our cache
is down would punish the public for our fault, CSRF, the honeypot and the size limits still hold,
and tracking codes are too long to guess in the minutes an outage lasts. Every outage is logged
as an error so it is noticed and mended.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
OUTAGE_PAUSE = 30.0


class ReusedRedisClient(RedisCacheClient):
    """Django's client makes a new redis.Redis for every call, which copies redis-py's table of
    some 170 reply callbacks each time: a page that reads the cache a dozen times spent a third
    of its time there. One redis.Redis per connection pool serves every call (it holds no
    connection of its own; the pool hands them out, and starts afresh in a forked worker)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient
        self._down_until = 0.0

    def _guarded(self, method, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as error:
            self._down_until = time.monotonic() + OUTAGE_PAUSE
            logger.error("Shared cache unreachable, serving uncached for a while: %s", error)
            return default

    def add(self, key, value, *args, **kwargs):
        return self._guarded("add", False, key, value, *args, **kwargs)

    def get(self, key, default=None, version=None):
        return self._guarded("get", default, key, default, version)

    def set(self, key, value, *args, **kwargs):
        self._guarded("set", None, key, value, *args, **kwargs)

    def touch(self, key, *args, **kwargs):
        return self._guarded("touch", False, key, *args, **kwargs)

    def delete(self, key, version=None):
        return self._guarded("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._guarded("incr", missing, key, delta, version)
        if value is missing:  # what Django's caches say of a key they do not hold
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, *args, **kwargs):
        return self._guarded("set_many", list(data), data, *args, **kwargs)

    def delete_many(self, keys, version=None):
        self._guarded("delete_many", None, keys, version)

    def clear(self):
        return self._guarded("clear", False)

"""Fixed-window counters in the cache; shared across processes when the cache is (Redis)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address, for the rate limits and the login lockouts alike: the first of
    X-Forwarded-For when the proxy is trusted and that is an address, else REMOTE_ADDR."""
    if settings.TRUST_X_FORWARDED_FOR and request.headers.get("X-Forwarded-For"):
        forwarded = request.headers["X-Forwarded-For"].split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # not an address: counted under the proxy's, never stored as one
    return request.META.get("REMOTE_ADDR", "")


def hit(key, limit, window):
    """Count one use of key; False once more than limit uses fell in the current window."""
    cache_key = f"rl:{key}"
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window)
        count = 1
    return count <= limit


def failures(key):
    """(number of recent failures, time of the last one) for a throttled action."""
    return cache.get(f"fail:{key}", (0, 0.0))


def record_failure(key, window):
    # Read-modify-write: concurrent failures may be undercounted by one, which is harmless.
    count, _last = failures(key)
    cache.set(f"fail:{key}", (count + 1, time.time()), window)

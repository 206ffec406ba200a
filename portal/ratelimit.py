"""Fixed-window counters in the cache; shared across processes when the cache is (Redis)."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    """The client's address, for the rate limits and the login lockouts alike.

    Behind TRUSTED_PROXIES proxies, each of which appends the address it was reached from to
    X-Forwarded-For (nginx: proxy_add_x_forwarded_for), the client is the entry the outermost
    proxy added: the n-th from the right. Entries left of it are whatever the client sent, and
    a forged first entry must not make every request a new client. Without trusted proxies, or
    when that entry is missing or no address, REMOTE_ADDR."""
    proxies = settings.TRUSTED_PROXIES
    if proxies and (header := request.headers.get("X-Forwarded-For")):
        entries = [entry.strip() for entry in header.split(",")]
        if len(entries) >= proxies:
            try:
                return str(ipaddress.ip_address(entries[-proxies]))
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

"""Fixed-window counters and locks in the cache; shared across processes when the cache is
(Redis). Keys are keyed hashes: a phone number or an address never sits in the cache as such."""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


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


def cache_key(kind, key):
    return f"{kind}:{salted_hmac('portal.ratelimit', key).hexdigest()}"


def count(key, window, uses=1):
    """Count uses of key in the current window and return the count so far. incr is atomic
    on Redis, so concurrent uses are all counted."""
    name = cache_key("rl", key)
    cache.add(name, 0, window)
    try:
        return cache.incr(name, uses)
    except ValueError:  # expired between add and incr
        cache.set(name, uses, window)
        return uses


def hit(key, limit, window, uses=1):
    """Count uses of key; False once more than limit uses fell in the current window."""
    return count(key, window, uses) <= limit


def used(key):
    """How many uses of key the current window holds, without counting one."""
    return cache.get(cache_key("rl", key), 0)


def reset(key):
    cache.delete(cache_key("rl", key))


def lock(key, seconds):
    """Lock key for a fixed time; locking it again while locked does not extend the lock."""
    cache.add(cache_key("lock", key), time.time() + seconds, seconds)


def locked_until(key):
    """The time the lock on key ends, or None when it is not locked."""
    until = cache.get(cache_key("lock", key))
    return until if until and until > time.time() else None

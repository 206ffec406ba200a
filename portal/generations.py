"""Values kept in the shared cache for one *generation*: a token under one key, replaced
(:meth:`Generations.invalidate`) whenever what the values are made from changes, so nothing has
to know which keys to delete. An entry is read back only while its generation is current, and
expires after its timeout at the latest, which bounds what nothing reports (time passing,
``QuerySet.update()``). The public pages (portal/page_cache.py) and the admin's queue counts
(submissions/count_cache.py) each keep one.

A cache that fails costs only speed: the value is then built every time."""

import logging
import secrets

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class Generations:
    def __init__(self, name, timeout):
        """name prefixes every key; timeout() gives the entries' lifetime in seconds (0: keep
        nothing, build every time)."""
        self.name = name
        self.key = f"{name}:generation"
        self.timeout = timeout

    def lookup(self, key):
        """(the current generation, the entry kept under key if it is of that generation or
        None), in one round trip."""
        found = cache.get_many([self.key, key])
        generation = found.get(self.key) or self.start()
        entry = found.get(key)
        return generation, entry if entry is not None and entry[0] == generation else None

    def remember(self, key, build):
        """build()'s value, from the cache while the generation is current."""
        timeout = self.timeout()
        if not timeout:
            return build()
        try:
            generation, entry = self.lookup(key)
        except Exception:  # noqa: BLE001
            logger.warning("%s: cache unavailable", self.name, exc_info=True)
            return build()
        if entry is not None:
            return entry[1]
        value = build()
        try:
            cache.set(key, (generation, value), timeout)
        except Exception:  # noqa: BLE001
            logger.warning("%s: could not keep %s", self.name, key, exc_info=True)
        return value

    def start(self):
        """The first generation, or the one another process started at the same moment."""
        cache.add(self.key, secrets.token_hex(8), None)
        return cache.get(self.key)

    def invalidate(self, **kwargs):
        """Start a new generation: every kept entry is stale from now on."""
        try:
            cache.set(self.key, secrets.token_hex(8), None)
        except Exception:  # noqa: BLE001 - a cache outage must not fail the save that got here
            logger.warning("%s: could not start a new generation", self.name, exc_info=True)

    def invalidate_now_and_on_commit(self):
        # Now, for this process's next request; and again after the commit, since another
        # process may read the old rows between the two and keep them under the new token.
        self.invalidate()
        transaction.on_commit(self.invalidate)

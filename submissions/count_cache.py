"""The queues' counts (queues.counts_for) kept for a short while in the shared cache, one entry
per reader's scope (roles.scope_key) and menu, so that the admin's every page does not count a
million cases again: at county scale the counts cost seconds, a page must cost milliseconds.

Invalidation as in portal/page_cache.py: one generation token, replaced whenever a case, a
round, a rating or a timeline event is saved or deleted (every workflow move writes all of
them), now and again after the commit. An entry also expires after CASE_COUNTS_TIMEOUT seconds,
which bounds what no signal reports: time passing (a deadline becoming overdue) and
QuerySet.update(). CASE_COUNTS_TIMEOUT = 0 turns the cache off (the tests' default, since many
change rows behind the signals' back). A cache that fails costs only speed."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

GENERATION_KEY = "case_counts:generation"
KEY_PREFIX = "case_counts:"


def remember(name, build):
    """build()'s value for name, from the cache while the generation is current."""
    timeout = settings.CASE_COUNTS_TIMEOUT
    if not timeout:
        return build()
    key = KEY_PREFIX + name
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # noqa: BLE001
        logger.warning("case counts cache unavailable", exc_info=True)
        return build()
    generation, entry = found.get(GENERATION_KEY), found.get(key)
    if generation is None:
        generation = invalidate()
    elif entry is not None and entry[0] == generation:
        return entry[1]
    value = build()
    try:
        cache.set(key, (generation, value), timeout)
    except Exception:  # noqa: BLE001
        logger.warning("case counts cache: could not keep %s", name, exc_info=True)
    return value


def invalidate(**kwargs):
    """Start a new generation: every kept count is stale from now on."""
    generation = secrets.token_hex(8)
    try:
        cache.set(GENERATION_KEY, generation, None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the save that got here
        logger.warning("case counts cache: could not start a new generation", exc_info=True)
    return generation


def on_change(sender, **kwargs):
    # Now, for this process's next request; and again after the commit, since another
    # process may count the old rows between the two and keep them under the new token.
    invalidate()
    transaction.on_commit(invalidate)


def connect_signals():
    """Call from SubmissionsConfig.ready(); connecting twice is fine."""
    from submissions.models import Assignment, Case, CaseEvent, Feedback

    for model in (Case, Assignment, Feedback, CaseEvent):
        for signal in (post_save, post_delete):
            signal.connect(on_change, sender=model, dispatch_uid=f"case_counts.{model.__name__}")

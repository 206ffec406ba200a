"""The queues' counts (queues.counts_for) kept for a short while in the shared cache, one entry
per reader's scope (roles.scope_key) and menu, so that the admin's every page does not count a
million cases again: at county scale the counts cost seconds, a page must cost milliseconds.

Invalidation as for the public pages (portal/generations.py): a new generation whenever a case,
a round, a rating or a timeline event is saved or deleted (every workflow move writes all of
them), now and again after the commit. An entry also expires after CASE_COUNTS_TIMEOUT seconds,
which bounds what no signal reports: time passing (a deadline becoming overdue) and
QuerySet.update(). CASE_COUNTS_TIMEOUT = 0 turns the cache off (the tests' default, since many
change rows behind the signals' back)."""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from portal.generations import Generations

KEPT = Generations("case_counts", lambda: settings.CASE_COUNTS_TIMEOUT)
GENERATION_KEY = KEPT.key
invalidate = KEPT.invalidate


def remember(name, build):
    """build()'s value for name, from the cache while the generation is current."""
    return KEPT.remember(f"case_counts:{name}", build)


def on_change(sender, **kwargs):
    KEPT.invalidate_now_and_on_commit()


def connect_signals():
    """Call from SubmissionsConfig.ready(); connecting twice is fine."""
    from submissions.models import Assignment, Case, CaseEvent, Feedback

    for model in (Case, Assignment, Feedback, CaseEvent):
        for signal in (post_save, post_delete):
            signal.connect(on_change, sender=model, dispatch_uid=f"case_counts.{model.__name__}")

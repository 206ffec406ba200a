"""The public statistics page (/stats/): a period's figures from submissions/metrics.py (the
director's report and the department assessment use the same definitions), cached until the next
workflow move, and the periods a visitor may choose."""

import datetime
import time
from contextlib import suppress
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions import metrics
from submissions.deadlines import SHANGHAI
from submissions.models import Case, CaseEvent, Category

VERSION_KEY = "stats:version"
TIMEOUT = 15 * 60  # a safety net only: every workflow move invalidates at once
KINDS = {"this_year": _("This year"), "last_12_months": _("Last 12 months")}
ACCEPTED, APPROVED = CaseEvent.Action.ACCEPTED, CaseEvent.Action.APPROVED


class Period(NamedTuple):
    key: str  # "this_year", "last_12_months" or the year, e.g. "2025": the ?period= value
    label: str
    start: datetime.date
    end: datetime.date


def period_for(kind, year=None, today=None):
    """(first day, last day) of "this_year", "last_12_months" or the "year" given; the current
    year ends today. Raises ValueError for anything else."""
    today = today or timezone.localdate(timezone=SHANGHAI)
    if kind == "this_year":
        return datetime.date(today.year, 1, 1), today
    if kind == "last_12_months":  # from the first day of the month 11 months ago
        months = today.year * 12 + today.month - 1 - 11
        return datetime.date(months // 12, months % 12 + 1, 1), today
    if kind == "year" and isinstance(year, int) and 1 <= year <= today.year:
        return datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    raise ValueError(f"No statistics period {kind!r} {year!r}")


def periods(today=None):
    """The page's choices: this year, the last 12 months, then every year from the current one
    back to the year of the first case (Shanghai time)."""
    today = today or timezone.localdate(timezone=SHANGHAI)
    first = min(_cached("first-year", _first_year) or today.year, today.year)
    choices = [Period(key, label, *period_for(key, today=today)) for key, label in KINDS.items()]
    for year in range(today.year, first - 1, -1):
        choices.append(Period(str(year), str(year), *period_for("year", year, today)))
    return choices


def choose(key, today=None):
    """The choice whose key is given (e.g. request.GET["period"]); this year if none matches."""
    choices = periods(today)
    return next((choice for choice in choices if choice.key == key), choices[0])


def _first_year():
    first = Case.objects.aggregate(first=Min("received_on"))["first"]
    return first.year if first else 0  # 0, not None: None is not cached


def compute(start, end):
    """The figures from start to end inclusive (submissions/metrics.py), with bar widths."""
    figures = metrics.compute(start, end)
    _with_shares(figures["by_category"], "received", "closed")
    _with_shares(figures["by_channel"], "received")
    _with_shares(figures["by_month"], "received", "closed")
    return figures


def _with_shares(rows, first, *others):
    """Bar widths, 0-100, on one scale per list: "share" for the first column, "<column>_share"
    for the others, as a percentage of the largest value anywhere in the list."""
    top = max((row[column] for row in rows for column in (first, *others)), default=0)
    for row in rows:
        for column, name in [(first, "share")] + [(o, f"{o}_share") for o in others]:
            row[name] = round(100 * row[column] / top, 1) if top else 0.0
    return rows


def figures(start, end):
    """compute(start, end) through the cache: no query at all until something changes."""
    return _cached(f"{start:%Y-%m-%d}:{end:%Y-%m-%d}", lambda: compute(start, end))


def _cached(name, make):
    key = f"stats:{_version()}:{name}"
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, TIMEOUT)
    return value


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def invalidate():
    """Retire every cached figure: later readers use (and fill) keys under a new version."""
    with suppress(ValueError):  # no version (never read, or evicted): the next reader starts
        cache.incr(VERSION_KEY)  # a fresh one, from the clock, unlike every earlier version


def _changed(sender, using=None, **kwargs):
    # After the commit only: a reader in between would cache the old data under the new version.
    transaction.on_commit(invalidate, using=using)


def connect_signals():
    """Every workflow move saves its Case and writes a CaseEvent; a renamed or retired category
    changes the by-category rows. Call from DisclosureConfig.ready(); connecting twice is fine."""
    for model in (Case, CaseEvent, Category):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid="disclosure.stats")

"""The public statistics page (/stats/): a period's figures, computed from the cases by six
aggregate queries (never typed in, no case loaded into Python), cached until the next workflow
move. The definitions are the director's report's (submissions/report.py): the two agree."""

import datetime
import time
from collections import Counter
from contextlib import suppress
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.deadlines import SHANGHAI
from submissions.models import Assignment, Case, CaseEvent, Category, Feedback
from submissions.report import GOOD, _rate, period_bounds

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
    first = Case.objects.aggregate(first=Min("created_at"))["first"]
    return first.astimezone(SHANGHAI).year if first else 0  # 0, not None: None is not cached


def compute(start, end):
    """The figures from start to end inclusive (dates, Shanghai time), in six queries."""
    begin, finish = period_bounds(start, end)
    in_period = Q(created_at__gte=begin, created_at__lt=finish)
    months = _months(start, end)
    cases = Case.objects.filter(in_period).order_by()
    closes = CaseEvent.objects.closings().filter(in_period).order_by()
    received = cases.values("category_id", "channel", "kind").annotate(
        n=Count("pk"), **_per_month(months)
    )
    closed = closes.values("case__category_id").annotate(n=Count("pk"), **_per_month(months))
    events = CaseEvent.objects.filter(in_period, action__in=[ACCEPTED, APPROVED]).aggregate(
        accepted=Count("pk", filter=Q(action=ACCEPTED)),
        handled=Count("case", distinct=True, filter=Q(action=APPROVED)),
    )
    replies = Assignment.objects.filter(replied_at__gte=begin, replied_at__lt=finish).aggregate(
        replied=Count("pk"), on_time=Count("pk", filter=Q(replied_at__lte=F("due_at")))
    )
    feedback = Feedback.objects.filter(in_period).aggregate(
        rated=Count("pk"),
        good=Count("pk", filter=Q(rating__in=GOOD)),
        follow_up=Count("pk", filter=Q(source=Feedback.Source.FOLLOW_UP)),
    )

    # From here on only grouped rows are added up: a few dozen at most, whatever the data.
    by_category, by_channel, by_kind = Counter(), Counter(), Counter()
    received_by_month, closed_by_category, closed_by_month = Counter(), Counter(), Counter()
    for row in received:
        by_category[row["category_id"]] += row["n"]
        by_channel[row["channel"]] += row["n"]
        by_kind[row["kind"]] += row["n"]
        received_by_month.update({i: row[f"m{i}"] for i in range(len(months))})
    for row in closed:
        closed_by_category[row["case__category_id"]] += row["n"]
        closed_by_month.update({i: row[f"m{i}"] for i in range(len(months))})
    category_rows = [
        {"name": c.name, "received": by_category[c.pk], "closed": closed_by_category[c.pk]}
        for c in Category.objects.all()  # display order; inactive ones only if they have cases
        if c.is_active or by_category[c.pk] or closed_by_category[c.pk]
    ]
    channel_rows = [
        {"channel": value, "name": label, "received": by_channel[value]}
        for value, label in Case.Channel.choices
    ]
    month_rows = [
        {"month": first, "received": received_by_month[i], "closed": closed_by_month[i]}
        for i, (first, _last) in enumerate(months)
    ]
    return {
        "start": start,
        "end": end,
        "received": sum(by_kind.values()),
        "problems": by_kind[Case.Kind.PROBLEM],
        "suggestions": by_kind[Case.Kind.SUGGESTION],
        "accepted": events["accepted"],
        "handled": events["handled"],
        "closed": sum(closed_by_category.values()),
        "replied": replies["replied"],
        "on_time_rate": _rate(replies["on_time"], replies["replied"]),
        "rated": feedback["rated"],
        "rated_follow_up": feedback["follow_up"],
        "rated_online": feedback["rated"] - feedback["follow_up"],
        "satisfaction_rate": _rate(feedback["good"], feedback["rated"]),
        "by_category": _with_shares(category_rows, "received", "closed"),
        "by_channel": _with_shares(channel_rows, "received"),
        "by_month": _with_shares(month_rows, "received", "closed"),
    }


def _months(start, end):
    """(first day, last day) of every calendar month the period touches."""
    months, first = [], start.replace(day=1)
    while first <= end:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        months.append((first, following - datetime.timedelta(days=1)))
        first = following
    return months


def _per_month(months):
    """m0, m1, ...: one conditional count per month, midnight to midnight in Shanghai (not
    TruncMonth: with a time zone it is a Python function per row on SQLite, 3-4 times slower)."""
    bounds = [period_bounds(first, last) for first, last in months]
    return {
        f"m{i}": Count("pk", filter=Q(created_at__gte=begin, created_at__lt=finish))
        for i, (begin, finish) in enumerate(bounds)
    }


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

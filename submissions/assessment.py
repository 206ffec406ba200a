"""The department assessment (考核通报): for a month, a quarter or a year, each department's
figures from submissions/metrics.py, ranked, with the station's targets marked where missed.

Ranking: the on-time reply rate first, then the share of 满意 ratings, then the share of 满意
and 基本满意; a department without a figure yet ranks after those with one. Targets are the
station's (Station.target_on_time_rate, Station.target_satisfied_rate)."""

import calendar
import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Station
from submissions import metrics
from submissions.deadlines import SHANGHAI

KINDS = ("month", "quarter", "year")


class Period(NamedTuple):
    kind: str
    year: int
    number: int  # the month (1-12) or quarter (1-4); 0 for a year
    start: datetime.date
    end: datetime.date

    @property
    def label(self):
        if self.kind == "month":
            return _("%(year)d, month %(number)d") % self._asdict()
        if self.kind == "quarter":
            return _("%(year)d, quarter %(number)d") % self._asdict()
        return _("Year %(year)d") % self._asdict()


def period(kind, year, number=0):
    """The Period for a month, quarter or year; ValueError for anything else."""
    if kind not in KINDS or not 2000 <= year <= 2100:
        raise ValueError(f"No assessment period {kind!r} {year!r}")
    if kind == "year":
        return Period(kind, year, 0, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    months = 12 if kind == "month" else 4
    if not 1 <= number <= months:
        raise ValueError(f"No {kind} {number!r}")
    first = number if kind == "month" else 3 * number - 2
    last = number if kind == "month" else 3 * number
    end = datetime.date(year, last, calendar.monthrange(year, last)[1])
    return Period(kind, year, number, datetime.date(year, first, 1), end)


def current_month(today=None):
    today = today or timezone.localdate(timezone=SHANGHAI)
    return period("month", today.year, today.month)


def assess(chosen, station=None):
    """{"period", "targets", "rows", "figures"}: the departments that had rounds in the period,
    ranked, each with "rank" and "below" ({rate name: whether it is below its target})."""
    station = station or Station.default()
    targets = {
        "on_time_rate": float(station.target_on_time_rate) if station else 92.0,
        "satisfied_rate": float(station.target_satisfied_rate) if station else 85.0,
    }
    figures = metrics.compute(chosen.start, chosen.end, by_month=False)
    rows = [row for row in figures["by_department"] if row["rounds"] or row["rated"]]

    def order(row):
        rates = (row["on_time_rate"], row["satisfied_rate"], row["satisfaction_rate"])
        return tuple(-1 if rate is None else rate for rate in rates)

    rows.sort(key=order, reverse=True)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["below"] = {
            name: row[name] is not None and row[name] < target for name, target in targets.items()
        }
    return {"period": chosen, "targets": targets, "rows": rows, "figures": figures}

"""Time the public statistics (/stats/) with 100,000 cases behind them.

    .venv/bin/python bench/stats.py [--cases 100000] [--days 730]

Builds a throwaway test database (SQLite by default, PostgreSQL with DATABASE_URL), fills it
with bench/data.py, then spreads the cases over the last --days days and gives them the
history the figures count (events, replied rounds, feedback), in bulk. Times compute() uncached
(median of 5) for this year, the last 12 months and last year, then the cached figures() call,
and counts their queries.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.data import fill  # noqa: E402

DAY = datetime.timedelta(days=1)
GOOD_RATINGS = ("satisfied", "basically_satisfied")


def history(days):
    """Spread the cases over `days` days back from now, one block of cases per day; on 90% of
    days they are accepted and assigned, on 70% replied (late on every fifth day) and approved,
    on 50% also rated, two ratings in three good, which closes the case."""
    from submissions.models import Assignment, Case, CaseEvent, Category, Feedback

    A, S = CaseEvent.Action, Case.Status
    categories, channels = list(Category.objects.all()), Case.Channel.values
    pks = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    size, now, events, ratings = -(-len(pks) // days), timezone.now(), 0, 0
    for day in range(days):
        block = pks[day * size : (day + 1) * size]
        if not block:
            break
        in_block, at = {"pk__range": (block[0], block[-1])}, now - (days - day) * DAY
        replied, late, rated = day % 10 < 7, day % 5 == 0, day % 10 < 5
        Case.objects.filter(**in_block).update(
            created_at=at,
            category=categories[day % len(categories)],
            channel=channels[day % len(channels)],
            kind="suggestion" if day % 4 == 0 else "problem",
        )
        Assignment.objects.filter(case__in=block).update(
            assigned_at=at + DAY,
            due_at=at + 8 * DAY,
            replied_at=at + (10 if late else 6) * DAY if replied else None,
        )
        steps = [(A.SUBMITTED, "", S.SUBMITTED, 0)]
        if day % 10 < 9:
            steps += [(A.ACCEPTED, S.SUBMITTED, S.LISTED, 0.1)]
            steps += [(A.ASSIGNED, S.LISTED, S.ASSIGNED, 1)]
        if replied:
            steps += [(A.REPLIED, S.ASSIGNED, S.REPLIED, 10 if late else 6)]
            steps += [(A.APPROVED, S.REPLIED, S.AWAITING_FEEDBACK, 11)]
        rows = [
            CaseEvent(case_id=pk, action=a, from_status=f, to_status=t, created_at=at + d * DAY)
            for pk in block
            for a, f, t, d in steps
        ]
        if rated:
            good = {pk: pk % 3 != 0 for pk in block}
            rows += [
                CaseEvent(
                    case_id=pk,
                    action=A.FEEDBACK,
                    from_status=S.AWAITING_FEEDBACK,
                    to_status=S.CLOSED if good[pk] else S.ASSIGNED,
                    created_at=at + 12 * DAY,
                )
                for pk in block
            ]
            Feedback.objects.bulk_create(
                Feedback(case_id=pk, rating=GOOD_RATINGS[pk % 2] if good[pk] else "unsatisfied")
                for pk in block
            )  # created_at is auto_now_add: moved by an update
            Feedback.objects.filter(case__in=block).update(created_at=at + 12 * DAY)
            ratings += len(block)
        CaseEvent.objects.bulk_create(rows)
        events += len(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would have done by then
    return events, ratings


def measure(call, runs=5):
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    return statistics.median(times), len(queries)


def page_timings(stats):
    """The whole /stats/ page through the test client: after a case changed, and cached."""
    from django.test import Client

    from disclosure.models import StatisticsPage
    from home.demo import child, ensure_home_page

    child(ensure_home_page(), StatisticsPage, "stats", title="数据统计")
    client = Client()
    client.get("/stats/")  # the site's settings row is created on the first request

    def after_a_change():
        stats.invalidate()
        assert client.get("/stats/").status_code == 200

    for label, call in [
        ("after a change", after_a_change),
        ("cached", lambda: client.get("/stats/")),
    ]:
        seconds, queries = measure(call)
        print(f"GET /stats/, {label:14} {seconds * 1000:7.1f} ms  {queries:3d} queries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=730)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from disclosure import stats

        start = time.perf_counter()
        fill(args.cases)
        filled = time.perf_counter() - start
        events, ratings = history(args.days)
        print(
            f"fill {filled:5.1f} s, history {time.perf_counter() - start - filled:5.1f} s: "
            f"{args.cases} cases, {events} events, {ratings} ratings ({connection.vendor})"
        )
        today = timezone.localdate()
        for label, period in [
            ("this year", stats.period_for("this_year")),
            ("last 12 months", stats.period_for("last_12_months")),
            ("last year", stats.period_for("year", today.year - 1)),
        ]:
            seconds, queries = measure(lambda period=period: stats.compute(*period))
            received = stats.compute(*period)["received"]
            print(
                f"compute(), {label:15} {seconds * 1000:7.1f} ms  {queries:3d} queries  "
                f"({period[0]}..{period[1]}, {received} received)"
            )
        stats.figures(*stats.period_for("this_year"))  # fill the cache
        seconds, queries = measure(lambda: stats.figures(*stats.period_for("this_year")))
        print(f"figures(), cached         {seconds * 1000:7.3f} ms  {queries:3d} queries")
        page_timings(stats)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

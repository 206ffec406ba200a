"""Every figure the station reports, defined once and computed in the database.

The public statistics (disclosure/stats.py), the director's-meeting report (report.py) and the
department assessment all call compute(); none adds up cases in Python.

Who is counted: the cases *received* from start to end inclusive (Case.received_on: the day the
station got the item, on paper, at a reception day or by scan; not the day it was typed in). Every
figure describes those cases as they stand now: how many were accepted, how their handling rounds
went, how their submitters rated the replies.

- A round is late when it was replied after its deadline, or is still open past it: an open round
  counts as late from the day it falls due, so a silent department cannot keep its rate at 100%.
- A round is taken up on time when the department signed for it, or returned it as not its remit,
  by its signing deadline (Assignment.sign_due_at; rounds from before that was recorded are left
  out of the rate).
- A rating judges one reply: it counts for the department whose round was approved last before it.
- Satisfaction: 满意率 = 满意 / ratings; 基本满意率 = (满意 + 基本满意) / ratings;
  首次满意率 = cases whose first rating was 满意 or 基本满意 / cases rated.
- Repeat cases (重复件): cases merged into another case as the same matter. A department's
  reworked rounds (重办) are those under continued supervision: sent back or rated unsatisfied.
- Outcomes (A–D): the approved replies by their outcome code; a stage reply (B or C approved as
  a promise) counts, and so does the completion report that follows it.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.utils import timezone

from submissions.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Department,
    Feedback,
    overdue_round,
)

GOOD = (Feedback.Rating.SATISFIED, Feedback.Rating.BASICALLY_SATISFIED)

ROUND_COUNTS = (
    "rounds",
    "returned",
    "taken_up",
    "taken_up_on_time",
    "replied",
    "replied_on_time",
    "overdue",
    "extended",
    "reworked",
)
OUTCOMES = tuple(Assignment.Outcome.values)
RATING_COUNTS = ("rated", "satisfied", "good", "unsatisfied", "follow_up")


def rate(part, whole):
    """A percentage to one decimal place; None (shown as —) when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def months_of(start, end):
    """(first day, last day) of every calendar month the period touches."""
    months, first = [], start.replace(day=1)
    while first <= end:
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        months.append((first, following - datetime.timedelta(days=1)))
        first = following
    return months


def compute(start, end, now=None, by_month=True):
    """The period's figures, in five queries whatever the number of cases. by_month adds two
    counts per month to the first query: leave it out for long periods (the director's report
    may span decades)."""
    now = now or timezone.now()
    months = months_of(start, end) if by_month else []
    months = [(max(first, start), min(last, end)) for first, last in months]
    cases = _case_rows(start, end, months)
    rounds = _round_rows(start, end, now)
    ratings = _rating_rows(start, end)

    # From here on only grouped rows are added up: a few hundred at most, whatever the data.
    total, by_kind = Counter(), Counter()
    by_category, by_channel, monthly = defaultdict(Counter), Counter(), defaultdict(Counter)
    by_department = defaultdict(Counter)
    for row in cases:
        total.update({k: row[k] for k in ("received", "accepted", "assigned", "handled")})
        total.update({k: row[k] for k in ("closed", "repeat", "rated_cases", "first_good")})
        by_kind[row["kind"]] += row["received"]
        by_channel[row["channel"]] += row["received"]
        by_category[row["category_id"]].update(received=row["received"], closed=row["closed"])
        for i in range(len(months)):
            monthly[i].update(received=row[f"r{i}"], closed=row[f"c{i}"])
    for row in rounds:
        counts = {k: row[k] for k in (*ROUND_COUNTS, *OUTCOMES)}
        counts["reply_seconds"] = row["reply_time"].total_seconds()
        total.update(counts)
        by_department[row["lead_department_id"]].update(counts)
        by_category[row["case__category_id"]].update(counts)
    for row in ratings:
        counts = {k: row[k] for k in RATING_COUNTS}
        total.update(counts)
        by_department[row["department"]].update(counts)
        by_category[row["case__category_id"]].update(counts)

    categories = [
        {"name": c.name, **_figures(by_category[c.pk])}
        for c in Category.objects.all()  # display order; inactive ones only if they have cases
        if c.is_active or by_category[c.pk]["received"]
    ]
    departments = [
        {"name": d.name, "pk": d.pk, **_figures(by_department[d.pk])}
        for d in Department.objects.order_by("name")  # a few dozen; one query whatever the data
        if d.pk in by_department
    ]
    return {
        "start": start,
        "end": end,
        "now": now,
        **_figures(total),
        "problems": by_kind[Case.Kind.PROBLEM],
        "suggestions": by_kind[Case.Kind.SUGGESTION],
        "accepted": total["accepted"],
        "assigned": total["assigned"],
        "handled": total["handled"],
        "repeat": total["repeat"],
        "rated_cases": total["rated_cases"],
        "first_time_rate": rate(total["first_good"], total["rated_cases"]),
        "by_category": categories,
        "by_department": departments,
        "by_outcome": [
            {
                "code": Assignment.OUTCOME_CODES[value],
                "outcome": value,
                "name": label,
                "approved": total[value],
            }
            for value, label in Assignment.Outcome.choices
        ],
        "by_channel": [
            {"channel": value, "name": label, "received": by_channel[value]}
            for value, label in Case.Channel.choices
        ],
        "by_month": [
            {"month": first.replace(day=1), "received": m["received"], "closed": m["closed"]}
            for first, m in ((first, monthly[i]) for i, (first, _) in enumerate(months))
        ],
    }


def _figures(c):
    """The counts and rates every row carries, from one Counter of grouped sums."""
    late = c["replied"] - c["replied_on_time"] + c["overdue"]
    reply_days = c["reply_seconds"] / c["replied"] / 86400 if c["replied"] else None
    return {
        "received": c["received"],
        "closed": c["closed"],
        "rounds": c["rounds"],
        "replied": c["replied"],
        "replied_on_time": c["replied_on_time"],
        "overdue": c["overdue"],
        "late": late,
        "on_time_rate": rate(c["replied_on_time"], c["replied_on_time"] + late),
        "taken_up_on_time_rate": rate(c["taken_up_on_time"], c["taken_up"]),
        "returned": c["returned"],
        "return_rate": rate(c["returned"], c["rounds"]),
        "extended": c["extended"],
        "extension_rate": rate(c["extended"], c["rounds"]),
        "reworked": c["reworked"],
        "average_reply_days": None if reply_days is None else round(reply_days, 1),
        "rated": c["rated"],
        "rated_follow_up": c["follow_up"],
        "rated_online": c["rated"] - c["follow_up"],
        "unsatisfied": c["unsatisfied"],
        "satisfied_rate": rate(c["satisfied"], c["rated"]),
        "satisfaction_rate": rate(c["good"], c["rated"]),
    }


def _case_rows(start, end, months):
    per_month = {}
    for i, (first, last) in enumerate(months):
        in_month = Q(received_on__gte=first, received_on__lte=last)
        per_month[f"r{i}"] = Count("pk", filter=in_month)
        per_month[f"c{i}"] = Count("pk", filter=in_month & Q(status=Case.Status.CLOSED))
    ratings = Feedback.objects.filter(case=OuterRef("pk")).order_by("created_at", "pk")
    return (
        Case.objects.filter(received_on__gte=start, received_on__lte=end)
        .order_by()
        .annotate(first_rating=Subquery(ratings.values("rating")[:1]))
        .values("category_id", "channel", "kind")
        .annotate(
            received=Count("pk"),
            accepted=Count(
                "pk",
                filter=Q(
                    Exists(
                        CaseEvent.objects.filter(
                            case=OuterRef("pk"), action=CaseEvent.Action.ACCEPTED
                        )
                    )
                ),
            ),
            assigned=Count("pk", filter=Q(Exists(Assignment.objects.filter(case=OuterRef("pk"))))),
            handled=Count(
                "pk",
                filter=Q(
                    Exists(
                        Assignment.objects.filter(case=OuterRef("pk"), approved_at__isnull=False)
                    )
                ),
            ),
            closed=Count("pk", filter=Q(status=Case.Status.CLOSED)),
            repeat=Count("pk", filter=Q(status=Case.Status.MERGED)),
            rated_cases=Count("pk", filter=Q(first_rating__isnull=False)),
            first_good=Count("pk", filter=Q(first_rating__in=GOOD)),
            **per_month,
        )
    )


def _round_rows(start, end, now):
    taken_up_by = Q(signed_at__lte=F("sign_due_at")) | Q(
        signed_at__isnull=True, returned_at__lte=F("sign_due_at")
    )
    return (
        Assignment.objects.filter(case__received_on__gte=start, case__received_on__lte=end)
        .order_by()
        .values("lead_department_id", "case__category_id")
        .annotate(
            rounds=Count("pk"),
            returned=Count("pk", filter=Q(returned_at__isnull=False)),
            taken_up=Count(
                "pk",
                filter=Q(sign_due_at__isnull=False)
                & (
                    Q(signed_at__isnull=False)
                    | Q(returned_at__isnull=False)
                    | Q(sign_due_at__lt=now)
                ),
            ),
            taken_up_on_time=Count("pk", filter=taken_up_by),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            replied_on_time=Count("pk", filter=Q(replied_at__lte=F("due_at"))),
            overdue=Count("pk", filter=overdue_round(now)),
            extended=Count("pk", filter=Q(extension_granted=True)),
            reworked=Count("pk", filter=Q(supervision=Assignment.Supervision.CONTINUED)),
            **{
                outcome: Count("pk", filter=Q(approved_at__isnull=False, outcome=outcome))
                for outcome in OUTCOMES
            },
            reply_time=Sum(
                ExpressionWrapper(F("replied_at") - F("assigned_at"), output_field=DurationField()),
                default=datetime.timedelta(0),
            ),
        )
    )


def _rating_rows(start, end):
    judged = Assignment.objects.filter(
        case=OuterRef("case"), approved_at__isnull=False, approved_at__lte=OuterRef("created_at")
    ).order_by("-approved_at", "-round")
    return (
        Feedback.objects.filter(case__received_on__gte=start, case__received_on__lte=end)
        .order_by()
        .annotate(department=Subquery(judged.values("lead_department_id")[:1]))
        .values("department", "case__category_id")
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(rating=Feedback.Rating.SATISFIED)),
            good=Count("pk", filter=Q(rating__in=GOOD)),
            unsatisfied=Count("pk", filter=Q(rating=Feedback.Rating.UNSATISFIED)),
            follow_up=Count("pk", filter=Q(source=Feedback.Source.FOLLOW_UP)),
        )
    )

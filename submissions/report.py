"""The director's-meeting report (主任会议报告): the period's figures, by category and by
department, and the overdue and unsatisfied cases with their history. Computed, never typed."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Q

from submissions.deadlines import SHANGHAI
from submissions.models import Assignment, Case, CaseEvent, Feedback

GOOD = {Feedback.Rating.SATISFIED, Feedback.Rating.BASICALLY_SATISFIED}


def _rate(part, whole):
    return round(100 * part / whole, 1) if whole else None


def period_bounds(start, end):
    """Aware datetimes covering whole days from start to end inclusive, Shanghai time."""
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=SHANGHAI)
    finish = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=SHANGHAI
    )
    return begin, finish


def build(start, end):
    begin, finish = period_bounds(start, end)
    in_period = Q(created_at__gte=begin, created_at__lt=finish)
    received = Case.objects.filter(in_period).select_related("category")
    accepted = CaseEvent.objects.filter(in_period, action=CaseEvent.Action.ACCEPTED)
    closed = CaseEvent.objects.closings().filter(in_period)
    replies = Assignment.objects.filter(
        replied_at__gte=begin, replied_at__lt=finish
    ).select_related("lead_department", "case__category")
    feedback = Feedback.objects.filter(in_period).select_related(
        "case__current_assignment__lead_department", "case__category"
    )

    by_category = defaultdict(Counter)
    for case in received:
        by_category[case.category.name]["received"] += 1
    by_department = defaultdict(Counter)
    for reply in replies:
        for row in (
            by_department[reply.lead_department.name],
            by_category[reply.case.category.name],
        ):
            row["replied"] += 1
            row["on_time"] += reply.replied_at <= reply.due_at
    for item in feedback:
        assignment = item.case.current_assignment
        for row in (
            by_category[item.case.category.name],
            by_department[assignment.lead_department.name] if assignment else Counter(),
        ):
            row["rated"] += 1
            row["satisfied"] += item.rating in GOOD

    on_time = sum(r.replied_at <= r.due_at for r in replies)
    good = sum(f.rating in GOOD for f in feedback)
    attention = (
        Case.objects.filter(
            Q(pk__in=Case.objects.overdue().values("pk"))
            | Q(feedback__rating=Feedback.Rating.UNSATISFIED, feedback__created_at__lt=finish)
        )
        .distinct()
        .select_related("current_assignment__lead_department")
        .prefetch_related("assignments__lead_department")
        .order_by("reference")
    )
    return {
        "start": start,
        "end": end,
        "received": received.count(),
        "problems": received.filter(kind=Case.Kind.PROBLEM).count(),
        "suggestions": received.filter(kind=Case.Kind.SUGGESTION).count(),
        "accepted": accepted.count(),
        "closed": closed.count(),
        "replied": len(replies),
        "on_time_rate": _rate(on_time, len(replies)),
        "rated": len(feedback),
        "rated_follow_up": sum(f.source == Feedback.Source.FOLLOW_UP for f in feedback),
        "satisfaction_rate": _rate(good, len(feedback)),
        "by_category": _rows(by_category),
        "by_department": _rows(by_department),
        "attention": attention,
    }


def _rows(table):
    return [
        {
            "name": name,
            "received": row["received"],
            "replied": row["replied"],
            "on_time_rate": _rate(row["on_time"], row["replied"]),
            "satisfaction_rate": _rate(row["satisfied"], row["rated"]),
        }
        for name, row in sorted(table.items())
    ]

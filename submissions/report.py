"""The director's-meeting report (主任会议报告): the period's figures (submissions/metrics.py), by
category and by department, and the overdue and unsatisfied cases with their history."""

from django.db.models import Q

from submissions import metrics
from submissions.models import Case, Feedback


def build(start, end):
    figures = metrics.compute(start, end, by_month=False)
    _begin, finish = metrics.period_bounds(start, end)
    figures["attention"] = (
        Case.objects.filter(
            Q(pk__in=Case.objects.overdue(figures["now"]).values("pk"))
            | Q(feedback__rating=Feedback.Rating.UNSATISFIED, feedback__created_at__lt=finish)
        )
        .distinct()
        .select_related("current_assignment__lead_department")
        .prefetch_related("assignments__lead_department")
        .order_by("reference")
    )
    return figures

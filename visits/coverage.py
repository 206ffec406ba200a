"""Coverage figures of visits: which enterprises have a team, what a campaign has reached,
what it has collected and how far it is solved, and how a month's plan is going."""

from collections import Counter

from django.db.models import Count

from deputies.models import Enterprise
from submissions.models import Assignment, Case
from visits.models import MIN_PLAN_DEPUTIES, Visit

ANSWERED = {Case.Status.AWAITING_FEEDBACK, Case.Status.CLOSED}


def enterprises_without_team():
    return Enterprise.objects.filter(is_active=True, visit_teams__isnull=True).order_by("name")


def campaign_targets(campaign):
    targets = campaign.targets.all()
    return targets if targets.exists() else Enterprise.objects.filter(is_active=True)


def campaign_visits(campaign):
    return Visit.objects.filter(
        date__gte=campaign.start,
        date__lte=campaign.end,
        enterprise__in=campaign_targets(campaign),
    )


def campaign_reach(campaign):
    """Enterprises visited and targeted: the two numbers the public statistics show."""
    return {
        "visited": campaign_visits(campaign).values("enterprise").distinct().count(),
        "target": campaign_targets(campaign).count(),
    }


def coverage(campaign):
    """Visited / target for the campaign and per team, and the targets not visited yet."""
    targets = list(campaign_targets(campaign).prefetch_related("visit_teams").order_by("name"))
    visited = set(campaign_visits(campaign).values_list("enterprise_id", flat=True))
    teams = {}
    for enterprise in targets:
        for team in enterprise.visit_teams.all() or [None]:
            row = teams.setdefault(team, Counter())
            row["target"] += 1
            row["visited"] += enterprise.pk in visited
    rows = [
        {"team": team, "target": row["target"], "visited": row["visited"]}
        for team, row in sorted(
            teams.items(), key=lambda item: (item[0] is None, item[0] and item[0].pk)
        )
    ]
    return {
        "target": len(targets),
        "visited": len(visited),
        "rate": round(100 * len(visited) / len(targets), 1) if targets else None,
        "teams": rows,
        "not_visited": [e for e in targets if e.pk not in visited],
    }


def summary(campaign):
    """The numbers a news article about the campaign quotes, computed from the data."""
    cases = Case.objects.filter(visits__in=campaign_visits(campaign)).distinct()
    resolved = Assignment.objects.filter(
        case__in=cases, outcome=Assignment.Outcome.RESOLVED, approved_at__isnull=False
    )
    by_category = (
        cases.order_by()
        .values("category__name")
        .annotate(n=Count("pk", distinct=True))
        .order_by("-n", "category__name")
    )
    return {
        "enterprises_visited": campaign_visits(campaign).values("enterprise").distinct().count(),
        "visits": campaign_visits(campaign).count(),
        "items": cases.count(),
        "by_category": [(row["category__name"], row["n"]) for row in by_category],
        "answered": cases.filter(status__in=ANSWERED).count(),
        "resolved": resolved.values("case").distinct().count(),
    }


def plan_progress(plan):
    """Plan versus visits done in the plan's month."""
    in_month = Visit.objects.filter(date__gte=plan.month, date__lte=plan.month_end)
    deputies = plan.deputies.count()
    planned = plan.enterprises.all()
    return {
        "deputies": deputies,
        "too_few_deputies": deputies < MIN_PLAN_DEPUTIES,
        "planned": planned.count(),
        "planned_visited": in_month.filter(enterprise__in=planned)
        .values("enterprise")
        .distinct()
        .count(),
        "visited_by_deputies": in_month.filter(deputies__in=plan.deputies.all())
        .values("enterprise")
        .distinct()
        .count(),
    }


def enterprises_visited(deputy, year):
    """How many enterprises a deputy visited in a year: the public profile shows this number."""
    return (
        Visit.objects.filter(deputies=deputy, date__year=year)
        .values("enterprise")
        .distinct()
        .count()
    )

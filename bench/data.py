"""Bulk test data for the benchmarks: many assigned cases without going through the workflow."""

import datetime

from django.utils import timezone


def fill(count):
    """count assigned cases, due a week either side of now; returns a committee login."""
    from submissions import roles
    from submissions.models import Assignment, Case, Category
    from tests.factories import DepartmentFactory, StationFactory, make_user

    station, department = StationFactory(), DepartmentFactory()
    category, now = Category.objects.first(), timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            station=station,
            reference=f"B-2026-{n:05d}",
            year=2026,
            sequence=n,
            tracking_code=f"T{n:07d}",
            channel="online",
            category=category,
            title=f"园区诉求{n}",
            description="测试",
            submitter_name="测",
            submitter_phone="1",
            consent_given=True,
            status="assigned",
        )
        for n in range(1, count + 1)
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            case=case,
            lead_department=department,
            assigned_at=now,
            due_at=now + datetime.timedelta(days=(case.sequence % 14) - 7),
        )
        for case in cases
    )
    for case, assignment in zip(cases, assignments, strict=True):
        case.current_assignment = assignment
    Case.objects.bulk_update(cases, ["current_assignment"], batch_size=2000)
    return make_user("bench-committee", roles.COMMITTEE)

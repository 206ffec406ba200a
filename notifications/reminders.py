"""Deadline reminders, overdue notices and the committee's weekly digest. Each message has a
dedupe key, so running this every few minutes, even twice at once, sends each one once."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from notifications import notify
from submissions import roles
from submissions.models import Assignment, Case

EMAIL = "email"


def open_rounds():
    """The current round of every case with a department."""
    return (
        Assignment.objects.open()
        .filter(case__status=Case.Status.ASSIGNED, case__current_assignment=F("pk"))
        .select_related("case", "lead_department")
    )


def department_recipients(department):
    emails = set(department.handlers.exclude(user__email="").values_list("user__email", flat=True))
    return sorted(emails | ({department.email} if department.email else set()))


def committee_recipients():
    return sorted(
        get_user_model()
        .objects.with_perm(roles.ASSIGN, include_superusers=False)
        .filter(is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def queue_reminders(now=None):
    now = now or timezone.now()
    queued = 0
    soon = now + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    rounds = open_rounds()
    for assignment in rounds.filter(due_at__gte=now, due_at__lte=soon):
        queued += _send(
            assignment, "reminder_due", department_recipients(assignment.lead_department)
        )
    for assignment in rounds.overdue(now):
        recipients = department_recipients(assignment.lead_department) + committee_recipients()
        queued += _send(assignment, "reminder_overdue", recipients)
    queued += queue_digest(now)
    return queued


def _send(assignment, template, recipients):
    context = {
        "case": assignment.case,
        "department": assignment.lead_department,
        "due": timezone.localtime(assignment.due_at),
        "url": admin_url(assignment.case),
    }
    sent = 0
    for recipient in recipients:
        sent += bool(
            notify.notify(
                EMAIL,
                recipient,
                template,
                context,
                case=assignment.case,
                dedupe_key=f"{template}:{assignment.pk}:{recipient}",
            )
        )
    return sent


def queue_digest(now):
    year, week, _ = timezone.localtime(now).isocalendar()
    counts = {status: Case.objects.filter(status=status).count() for status in Case.Status.values}
    overdue = list(
        Case.objects.overdue()
        .filter(status=Case.Status.ASSIGNED)
        .select_related("current_assignment__lead_department")[:50]
    )
    context = {"week": f"{year}年第{week}周", "counts": counts, "overdue": overdue}
    return sum(
        bool(
            notify.notify(
                EMAIL,
                recipient,
                "weekly_digest",
                context,
                dedupe_key=f"digest:{year}-{week}:{recipient}",
            )
        )
        for recipient in committee_recipients()
    )


def admin_url(case):
    return settings.WAGTAILADMIN_BASE_URL + reverse("submissions_case", args=[case.pk])

"""Deadline reminders, overdue notices, deputies' reception days and the committee's weekly
digest. Each message has a dedupe key, so running this every few minutes, even twice at once,
sends each one once; a deadline that moves (an extension) is a new occasion."""

import datetime

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from deputies.models import ReceptionDay
from notifications import notify, recipients
from notifications.models import Notification
from submissions.models import Assignment, Case


def open_rounds():
    """The current round of every case with a department."""
    return (
        Assignment.objects.open()
        .filter(case__status=Case.Status.ASSIGNED, case__current_assignment=F("pk"))
        .select_related("case", "lead_department")
    )


def queue_reminders(now=None):
    now = now or timezone.now()
    queued = 0
    soon = now + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    rounds = open_rounds()
    for assignment in rounds.filter(due_at__gte=now, due_at__lte=soon):
        found = recipients.department(assignment.lead_department)
        queued += _send(assignment, Notification.Kind.REMINDER_DUE, found)
    for assignment in rounds.overdue(now):
        found = recipients.department(assignment.lead_department) + recipients.committee()
        queued += _send(assignment, Notification.Kind.REMINDER_OVERDUE, found)
    queued += queue_reception_days(now)
    queued += queue_digest(now)
    return queued


def _send(assignment, kind, found):
    context = {
        "case": assignment.case,
        "title": notify.staff_title(assignment.case),
        "department": assignment.lead_department,
        "assignment": assignment,
        "due": timezone.localtime(assignment.due_at),
        "url": notify.admin_url(assignment.case),
    }
    key = f"{assignment.pk}:{assignment.due_at:%Y%m%d%H%M}"
    return notify.notify_all(found, kind, context, case=assignment.case, key=key)


def queue_reception_days(now):
    """Each deputy on duty at a reception day is reminded the day before (and on the day)."""
    today = timezone.localdate(now)
    days = ReceptionDay.objects.filter(
        kind=ReceptionDay.Kind.RECEPTION, date__gte=today, date__lte=today + datetime.timedelta(1)
    ).prefetch_related("deputies__user_profile__user")
    queued = 0
    dashboard = f"{settings.WAGTAILADMIN_BASE_URL}{reverse('wagtailadmin_home')}"
    for day in days:
        for deputy in day.deputies.all():
            context = {"day": day, "deputy": deputy, "url": dashboard}
            found = recipients.deputy(deputy)
            key = f"{day.pk}:{deputy.pk}"
            queued += notify.notify_all(found, Notification.Kind.RECEPTION_DAY, context, key=key)
    return queued


def queue_digest(now):
    year, week, _ = timezone.localtime(now).isocalendar()
    counts = {status: Case.objects.filter(status=status).count() for status in Case.Status.values}
    overdue = list(
        Case.objects.overdue()
        .filter(status=Case.Status.ASSIGNED)
        .select_related("current_assignment__lead_department")[:50]
    )
    overdue = [(case, notify.staff_title(case)) for case in overdue]
    context = {"week": f"{year}年第{week}周", "counts": counts, "overdue": overdue}
    # By e-mail only: the committee reads the week's figures on its dashboard every day.
    found = [r for r in recipients.committee() if r.channel == recipients.EMAIL]
    key = f"{year}-{week}"
    return notify.notify_all(found, Notification.Kind.WEEKLY_DIGEST, context, key=key)

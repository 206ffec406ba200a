"""Reply deadlines: N calendar days or N Chinese working days, ending at the end of the day
in Asia/Shanghai. Working days follow the official calendar (holidays and make-up workdays,
from the chinesecalendar package), then any local overrides entered in the admin. For a year
the package does not cover, only weekends count as rest days, and admins are warned."""

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
from django.conf import settings

from submissions.models import CalendarOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")
CALENDAR, WORKDAYS = "calendar", "workdays"


def end_of_day(date):
    return datetime.datetime.combine(date, datetime.time.max, tzinfo=SHANGHAI)


def official_workday(date):
    """(is a working day, the official calendar covers this date)."""
    try:
        return chinese_calendar.is_workday(date), True
    except NotImplementedError:
        return date.weekday() < 5, False


def reply_due(assigned_at, days=None, mode=None):
    """When a written reply is due for a case assigned at assigned_at."""
    days = settings.REPLY_PERIOD_DAYS if days is None else days
    mode = mode or settings.REPLY_PERIOD_MODE
    start = assigned_at.astimezone(SHANGHAI).date()
    if mode == CALENDAR:
        return end_of_day(start + datetime.timedelta(days=days))
    # At most days * 3 calendar days are needed even across Spring Festival; read overrides once.
    horizon = start + datetime.timedelta(days=days * 3 + 30)
    overrides = dict(
        CalendarOverride.objects.filter(date__gt=start, date__lte=horizon).values_list(
            "date", "is_workday"
        )
    )
    date, counted = start, 0
    while counted < days:
        date += datetime.timedelta(days=1)
        workday = overrides[date] if date in overrides else official_workday(date)[0]
        counted += workday
    return end_of_day(date)


def sign_due(assigned_at):
    """When a department must have signed for (or returned) a round: the end of its
    SIGN_PERIOD_WORKDAYS-th working day after assignment."""
    return reply_due(assigned_at, settings.SIGN_PERIOD_WORKDAYS, WORKDAYS)


def uncovered_dates(start, days):
    """Dates in the window that neither the official calendar nor an override describes."""
    known = set(
        CalendarOverride.objects.filter(
            date__gte=start, date__lt=start + datetime.timedelta(days=days)
        ).values_list("date", flat=True)
    )
    window = (start + datetime.timedelta(days=n) for n in range(days))
    return [d for d in window if d not in known and not official_workday(d)[1]]

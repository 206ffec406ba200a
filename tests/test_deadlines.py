"""Reply deadlines across Spring Festival and National Day, both modes, end of day Shanghai."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from submissions.deadlines import reply_due, uncovered_dates
from submissions.models import CalendarOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hour=10):
    return datetime.datetime(y, m, d, hour, tzinfo=SHANGHAI)


def due_date(*args, **kwargs):
    due = reply_due(*args, **kwargs)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)  # end of the day
    assert due.tzinfo is not None
    return due.astimezone(SHANGHAI).date()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("assigned", "mode", "expected"),
    [
        # Calendar days ignore holidays.
        (at(2026, 2, 12), "calendar", datetime.date(2026, 2, 19)),
        # Spring Festival 2026: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up workdays.
        (at(2026, 2, 12), "workdays", datetime.date(2026, 2, 28)),
        # National Day 2026: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are make-up workdays;
        # Fri 25 Sep is Mid-Autumn Festival.
        (at(2026, 9, 18), "workdays", datetime.date(2026, 9, 29)),
        (at(2026, 9, 29), "workdays", datetime.date(2026, 10, 14)),
        # An ordinary week: five working days, a weekend, two more.
        (at(2026, 11, 2), "workdays", datetime.date(2026, 11, 11)),
    ],
)
def test_deadline_arithmetic(assigned, mode, expected):
    assert due_date(assigned, 7, mode) == expected


@pytest.mark.django_db
def test_the_assignment_day_is_taken_in_shanghai_time():
    # 17:00 UTC on 12 Feb is 01:00 on 13 Feb in Shanghai.
    late = datetime.datetime(2026, 2, 12, 17, tzinfo=datetime.UTC)
    assert due_date(late, 1, "calendar") == datetime.date(2026, 2, 14)
    assert due_date(late, 1, "workdays") == datetime.date(2026, 2, 14)  # a make-up Saturday


@pytest.mark.django_db
def test_a_year_the_library_does_not_cover_falls_back_to_weekends_and_is_reported():
    # 2027 is not in chinesecalendar 1.11: Mon 4 Jan + 7 working days, weekends only.
    assert due_date(at(2027, 1, 4), 7, "workdays") == datetime.date(2027, 1, 13)
    assert datetime.date(2027, 2, 10) in uncovered_dates(datetime.date(2027, 2, 1), 14)
    assert uncovered_dates(datetime.date(2026, 11, 1), 30) == []


@pytest.mark.django_db
def test_local_overrides_win_over_the_fallback():
    # An administrator enters 2027 Spring Festival days the library does not know yet.
    for day in range(10, 17):
        CalendarOverride.objects.create(
            date=datetime.date(2027, 2, day), is_workday=False, note="2027年春节假期"
        )
    CalendarOverride.objects.create(
        date=datetime.date(2027, 2, 20), is_workday=True, note="调休上班"
    )
    # Tue 9 Feb + 3 working days: 17, 18, 19 Feb (10–16 off).
    assert due_date(at(2027, 2, 9), 3, "workdays") == datetime.date(2027, 2, 19)
    # + 4: Sat 20 Feb is a make-up workday.
    assert due_date(at(2027, 2, 9), 4, "workdays") == datetime.date(2027, 2, 20)
    assert datetime.date(2027, 2, 12) not in uncovered_dates(datetime.date(2027, 2, 1), 28)


@pytest.mark.django_db
def test_admins_are_warned_on_the_dashboard_about_uncovered_days(
    client, admin_user, settings, monkeypatch
):
    settings.REPLY_PERIOD_MODE = "workdays"
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2026, 12, 1)
    )
    client.force_login(admin_user)
    html = client.get("/admin/").content.decode()
    assert 'class="panel help-block help-warning calendar-warning"' in html
    assert "2027-01-01" in html


@pytest.mark.django_db
def test_assigning_uses_the_configured_mode(settings):
    from django.utils import timezone

    from submissions import roles, workflow
    from tests.factories import DepartmentFactory, make_case, make_user

    settings.REPLY_PERIOD_MODE = "workdays"
    case = make_case()
    workflow.accept(case, make_user("s", roles.STAFF))
    case = workflow.assign(case, make_user("c", roles.COMMITTEE), DepartmentFactory())
    expected = reply_due(case.current_assignment.assigned_at, 7, "workdays")
    assert case.current_assignment.due_at == expected
    assert case.current_assignment.due_at > timezone.now()

"""Dates as the station writes them: templates name a format and the locale (portal/formats)
says what it looks like, in words on public pages and numerically on the staff screens."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

from submissions import roles, workflow
from submissions.models import Assignment, Case, CaseEvent
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user

# One-digit month and day and an afternoon hour: padding and the 24-hour clock both show.
WHEN = datetime.datetime(2026, 9, 5, 14, 30, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("DATE_FORMAT", "2026年9月5日"),
        ("DATETIME_FORMAT", "2026年9月5日 14:30"),
        ("SHORT_DATE_FORMAT", "2026-09-05"),
        ("SHORT_DATETIME_FORMAT", "2026-09-05 14:30"),
        ("YEAR_MONTH_FORMAT", "2026年9月"),
        # Django's own zh_Hans module would write 09月5日
        ("MONTH_DAY_FORMAT", "9月5日"),
        ("TIME_FORMAT", "14:30"),
    ],
)
def test_the_sites_language_writes_each_named_format_as_the_station_does(name, written):
    with translation.override(settings.LANGUAGE_CODE):
        assert date_format(WHEN, name) == written


@pytest.fixture
def assigned_case(db):
    """A case handed to a department, its round and timeline moved to WHEN."""
    case = make_case(StationFactory())
    workflow.accept(case, make_user("staff", roles.STAFF))
    case = workflow.assign(case, make_user("committee", roles.COMMITTEE), DepartmentFactory())
    Case.objects.filter(pk=case.pk).update(received_on=WHEN.date())
    Assignment.objects.filter(pk=case.current_assignment_id).update(
        assigned_at=WHEN, due_at=WHEN + datetime.timedelta(days=7)
    )
    CaseEvent.objects.filter(case=case).update(created_at=WHEN)
    return case


def test_the_tracking_page_writes_dates_in_words(client, assigned_case):
    html = client.post(
        "/track/", {"reference": assigned_case.reference, "code": assigned_case.tracking_code}
    ).text
    assert "书面答复期限为2026年9月12日" in html
    assert '<time datetime="2026-09-05T14:30:00+08:00">2026年9月5日 14:30</time>' in html


def test_the_case_page_writes_dates_numerically(client, django_user_model, assigned_case):
    client.force_login(django_user_model.objects.get(username="committee"))
    html = client.get(f"/admin/cases/{assigned_case.pk}/").text
    assert "2026-09-05" in html.split('class="case-fields"')[1].split("</dl>")[0]
    rounds = html.split('class="listing assignments"')[1].split("</table>")[0]
    assert "<td>2026-09-05 14:30</td>" in rounds and "2026-09-12 14:30" in rounds
    timeline = html.split('class="case-timeline"')[1].split("</ol>")[0]
    assert timeline.count("2026-09-05 14:30") == timeline.count("<li>")

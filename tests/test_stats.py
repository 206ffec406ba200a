"""The public statistics on a known data set equal the hand-computed figures, agree with the
director's report, take a fixed number of queries and are cached until a workflow move."""

import datetime
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone, translation

from disclosure import stats
from submissions import report, roles, workflow
from submissions.deadlines import SHANGHAI
from submissions.models import Assignment, Case, CaseEvent, Category, Feedback
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user

UTC = datetime.UTC
TODAY = datetime.date(2026, 3, 15)
YEAR_2025 = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def shanghai(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def shift(case, when):
    """Move the case's whole history (events, rounds, feedback) to start at when."""
    delta = when - Case.objects.get(pk=case.pk).created_at
    moved = F("created_at") + delta
    Case.objects.filter(pk=case.pk).update(
        created_at=moved, received_on=when.astimezone(SHANGHAI).date()
    )
    CaseEvent.objects.filter(case=case).update(created_at=moved)
    Feedback.objects.filter(case=case).update(created_at=moved)
    Assignment.objects.filter(case=case).update(
        **{
            field: F(field) + delta
            for field in ("assigned_at", "due_at", "signed_at", "replied_at", "approved_at")
        }
    )


@pytest.fixture
def people(db):
    department = DepartmentFactory(name="甲局")
    stats.connect_signals()  # until DisclosureConfig.ready() does it; connecting twice is fine
    return SimpleNamespace(
        station=StationFactory(),
        staff=make_user("s", roles.STAFF),
        committee=make_user("c", roles.COMMITTEE),
        handler=make_user("h", roles.HANDLER, department=department),
        department=department,
    )


def replied(case, p):
    """Accept (if needed), assign, sign for and reply: the case's round is replied."""
    if case.status == Case.Status.SUBMITTED:
        case = workflow.accept(case, p.staff)
    if case.status == Case.Status.LISTED:
        case = workflow.assign(case, p.committee, p.department)
    if not case.current_assignment.signed_at:  # a later round keeps the first signature
        workflow.sign(case, p.handler)
    return workflow.reply(case, p.handler, "已办理", "resolved")


def approved(case, p):
    return workflow.approve(replied(case, p), p.committee)


@pytest.fixture
def data(people):
    p, cat = people, {c.name: c for c in Category.objects.all()}

    def case(category, channel, kind="problem"):
        return make_case(p.station, category=cat[category], channel=channel, kind=kind)

    c1 = case("用工招聘", "online")  # January: handled on time, satisfied, closed
    c1 = workflow.record_feedback(approved(c1, p), "satisfied")
    workflow.add_note(c1, p.staff, "回访")  # closed to closed: not another closing
    shift(c1, shanghai(2025, 1, 10, 10))
    c2 = case("用工招聘", "reception")  # March: late, unsatisfied, second round approved
    c2 = workflow.record_feedback(approved(c2, p), "unsatisfied")
    Assignment.objects.filter(case=c2, round=1).update(
        due_at=F("replied_at") - datetime.timedelta(hours=1)
    )
    approved(c2, p)
    shift(c2, shanghai(2025, 3, 5, 9))
    c3 = case("融资贷款", "visit", kind="suggestion")  # 1 March 00:10 in Shanghai: March
    workflow.accept(c3, p.staff)
    shift(c3, datetime.datetime(2025, 2, 28, 16, 10, tzinfo=UTC))
    c4 = case("融资贷款", "online")  # June, rated and closed in August
    workflow.record_feedback(approved(c4, p), "basically_satisfied")
    shift(c4, shanghai(2025, 6, 15, 10))
    CaseEvent.objects.filter(case=c4, to_status="closed").update(created_at=shanghai(2025, 8, 2))
    Feedback.objects.filter(case=c4).update(created_at=shanghai(2025, 8, 2))
    shift(case("物流交通", "wechat"), datetime.datetime(2025, 12, 31, 15, 59, tzinfo=UTC))
    shift(case("物流交通", "online"), datetime.datetime(2025, 12, 31, 16, 30, tzinfo=UTC))
    c7 = case("政务服务", "letter_phone")  # 23:30 on New Year's Eve 2024: last year's
    workflow.accept(c7, p.staff)
    shift(c7, datetime.datetime(2024, 12, 31, 15, 30, tzinfo=UTC))
    c8 = case("环境卫生", "online", kind="suggestion")  # November: replied, not yet approved
    replied(c8, p)
    Assignment.objects.filter(case=c8).update(due_at=F("replied_at"))  # at the last moment
    shift(c8, shanghai(2025, 11, 11, 10))
    # Retired categories: listed only while they have figures in the period.
    Category.objects.filter(name__in=["环境卫生", "惠企政策兑现"]).update(is_active=False)
    return people


def test_headline_figures_equal_the_hand_computed_ones(data):
    f = stats.compute(*YEAR_2025)
    assert (f["received"], f["problems"], f["suggestions"]) == (6, 4, 2)
    assert (f["accepted"], f["handled"], f["closed"]) == (5, 3, 2)
    assert (f["replied"], f["on_time_rate"]) == (5, 80.0)
    assert (f["rated"], f["satisfaction_rate"]) == (3, 66.7)


def test_every_active_category_in_display_order_with_shares(data):
    rows = [
        (r["name"], r["received"], r["closed"], r["share"], r["closed_share"])
        for r in stats.compute(*YEAR_2025)["by_category"]
    ]
    assert rows == [
        ("用工招聘", 2, 1, 100.0, 50.0),
        ("融资贷款", 2, 1, 100.0, 50.0),
        ("物流交通", 1, 0, 50.0, 0.0),
        ("政务服务", 0, 0, 0.0, 0.0),
        ("基础设施与安全", 0, 0, 0.0, 0.0),
        ("环境卫生", 1, 0, 50.0, 0.0),  # retired, but has a case in the period
    ]


def test_every_channel_with_its_label(data):
    rows = stats.compute(*YEAR_2025)["by_channel"]
    assert [(r["channel"], r["received"], r["share"]) for r in rows] == [
        ("online", 3, 100.0),
        ("reception", 1, 33.3),
        ("visit", 1, 33.3),
        ("wechat", 1, 33.3),
        ("liaison_meeting", 0, 0.0),
        ("letter_phone", 0, 0.0),
    ]
    with translation.override("zh-hans"):
        assert str(rows[0]["name"]) == "扫码/网上"


def test_every_month_of_the_period_in_shanghai_time_including_empty_ones(data):
    with timezone.override(UTC):  # whatever zone a request activated
        rows = stats.compute(*YEAR_2025)["by_month"]
    assert [(r["month"].month, r["received"], r["closed"]) for r in rows] == [
        (1, 1, 1),
        (2, 0, 0),
        (3, 2, 0),  # one of them created on 28 February in UTC
        (4, 0, 0),
        (5, 0, 0),
        (6, 1, 1),  # closed in August, but counted with the month it was received
        (7, 0, 0),
        (8, 0, 0),
        (9, 0, 0),
        (10, 0, 0),
        (11, 1, 0),
        (12, 1, 0),  # 23:59 on 31 December; the case of 00:30 on 1 January is next year's
    ]
    assert {r["month"].year for r in rows} == {2025} and rows[0]["month"].day == 1
    assert [(r["share"], r["closed_share"]) for r in rows[:3]] == [(50.0, 50.0), (0, 0), (100, 0)]


def test_figures_agree_with_the_directors_report(data):
    f, r = stats.compute(*YEAR_2025), report.build(*YEAR_2025)
    keys = ["received", "problems", "suggestions", "accepted", "closed", "replied"]
    keys += ["on_time_rate", "rated", "satisfaction_rate"]
    assert {k: f[k] for k in keys} == {k: r[k] for k in keys}
    assert r["received"] == 6  # not two empty reports agreeing


def test_a_case_after_shanghai_midnight_on_new_years_eve_belongs_to_the_new_year(data):
    with timezone.override(UTC):
        new_year = stats.compute(*stats.period_for("year", 2026, today=TODAY))
    assert (new_year["received"], new_year["accepted"]) == (1, 0)
    assert [(r["month"], r["received"]) for r in new_year["by_month"]] == [
        (datetime.date(2026, 1, 1), 1),
        (datetime.date(2026, 2, 1), 0),
        (datetime.date(2026, 3, 1), 0),
    ]
    old_year = stats.compute(*stats.period_for("year", 2024, today=TODAY))
    assert (old_year["received"], old_year["accepted"], old_year["on_time_rate"]) == (1, 1, None)


def test_period_choices_and_their_dates():
    assert stats.period_for("this_year", today=TODAY) == (datetime.date(2026, 1, 1), TODAY)
    assert stats.period_for("last_12_months", today=TODAY) == (datetime.date(2025, 4, 1), TODAY)
    dec, jan = datetime.date(2026, 12, 31), datetime.date(2026, 1, 31)
    assert stats.period_for("last_12_months", today=dec) == (datetime.date(2026, 1, 1), dec)
    assert stats.period_for("last_12_months", today=jan) == (datetime.date(2025, 2, 1), jan)
    assert stats.period_for("year", 2025, today=TODAY) == YEAR_2025
    assert stats.period_for("year", 2026, today=TODAY) == (datetime.date(2026, 1, 1), TODAY)
    for kind, year in [("year", 2027), ("year", None), ("decade", None)]:
        with pytest.raises(ValueError):
            stats.period_for(kind, year, today=TODAY)


def test_the_years_offered_start_with_the_first_cases_year_in_shanghai(people):
    first = make_case(people.station)
    shift(first, datetime.datetime(2025, 12, 31, 16, 30, tzinfo=UTC))  # 2026 in Shanghai
    assert [c.key for c in stats.periods(TODAY)] == ["this_year", "last_12_months", "2026"]
    cache.clear()
    shift(make_case(people.station), shanghai(2024, 6, 1))
    choices = stats.periods(TODAY)
    assert [c.key for c in choices] == ["this_year", "last_12_months", "2026", "2025", "2024"]
    assert (choices[3].start, choices[3].end) == YEAR_2025
    assert stats.choose("2024", TODAY).start == datetime.date(2024, 1, 1)
    assert stats.choose("1999", TODAY).key == stats.choose(None, TODAY).key == "this_year"


@pytest.mark.parametrize("count", [3, 30])
def test_compute_takes_the_same_few_queries_however_many_cases(
    people, count, django_assert_num_queries
):
    categories = list(Category.objects.all())
    for n in range(count):
        case = make_case(people.station, category=categories[n % 7], channel="visit")
        if n % 3:
            workflow.record_feedback(approved(case, people), "satisfied")
    with django_assert_num_queries(5):
        figures = stats.compute(*stats.period_for("this_year"))
    assert (figures["received"], figures["closed"]) == (count, count - len(range(0, count, 3)))


def test_the_cache_serves_until_a_workflow_move_commits(
    people, django_assert_num_queries, django_capture_on_commit_callbacks
):
    period = stats.period_for("this_year")
    first, second = make_case(people.station), make_case(people.station)
    assert stats.figures(*period)["accepted"] == 0
    with django_assert_num_queries(0):
        assert stats.figures(*period)["accepted"] == 0
    with django_assert_num_queries(5):  # another period is computed and cached on its own
        stats.figures(period[0], period[0])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(first, people.staff)
    assert stats.figures(*period)["accepted"] == 1
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.accept(second, people.staff)
    with django_assert_num_queries(0):  # not committed yet: readers keep the cached figures
        assert stats.figures(*period)["accepted"] == 1
    for callback in callbacks:
        callback()
    assert stats.figures(*period)["accepted"] == 2


def rename(category):
    category.name = "改名"
    category.save()


def recategorise(case):  # an edit in the admin: no workflow move, no CaseEvent
    case.category = Category.objects.get(name="融资贷款")
    case.save()


@pytest.mark.parametrize(
    "change, read, value",
    [
        (lambda c: CaseEvent.objects.create(case=c, action="accepted"), "accepted", 1),
        (lambda c: c.delete(), "received", 0),
        (lambda c: rename(c.category), lambda f: f["by_category"][0]["name"], "改名"),
        (recategorise, lambda f: f["by_category"][1]["received"], 1),
    ],
)
def test_events_cases_and_categories_invalidate_on_commit(
    people, change, read, value, django_capture_on_commit_callbacks
):
    read = read if callable(read) else (lambda f, key=read: f[key])
    period, case = stats.period_for("this_year"), make_case(people.station)
    assert read(stats.figures(*period)) != value
    with django_capture_on_commit_callbacks(execute=True):
        change(case)
    assert read(stats.figures(*period)) == value


def test_a_lost_version_key_never_serves_old_figures(people, django_assert_num_queries):
    stats.invalidate()  # no version yet: nothing to do, and no error
    period = stats.period_for("this_year")
    stats.figures(*period)
    make_case(people.station)  # its on-commit invalidation never runs in this test
    cache.delete(stats.VERSION_KEY)
    assert stats.figures(*period)["received"] == 1
    stats.invalidate()
    with django_assert_num_queries(5):
        stats.figures(*period)


def test_cached_figures_expire_after_fifteen_minutes(db, monkeypatch, django_assert_num_queries):
    period, now = stats.period_for("this_year"), time.time()
    stats.figures(*period)
    monkeypatch.setattr(time, "time", lambda: now + 14 * 60)
    with django_assert_num_queries(0):
        stats.figures(*period)
    monkeypatch.setattr(time, "time", lambda: now + 16 * 60)
    with django_assert_num_queries(5):
        stats.figures(*period)

"""submissions/metrics.py on a known data set: every figure computed by hand below, including an
open round past its deadline, a return, an extension, a second round after an unsatisfied rating,
a stage reply turned promise, a duplicate merged away, and a case typed in long after it was
received."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from submissions import metrics, roles, workflow
from submissions.models import Assignment, Case, Category
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user

NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
DAY = datetime.timedelta(days=1)


@pytest.fixture
def figures(db):
    station = StationFactory()
    a, b = DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")
    staff, committee = make_user("s", roles.STAFF), make_user("c", roles.COMMITTEE)
    ha = make_user("ha", roles.HANDLER, department=a)
    hb = make_user("hb", roles.HANDLER, department=b)
    jobs, money = Category.objects.get(name="用工招聘"), Category.objects.get(name="融资贷款")

    def received(day, category=jobs, **fields):
        case = make_case(station, category=category, **fields)
        Case.objects.filter(pk=case.pk).update(received_on=datetime.date(2026, 11, day))
        return Case.objects.get(pk=case.pk)

    def current(case):
        return Assignment.objects.filter(pk=Case.objects.get(pk=case.pk).current_assignment_id)

    # k1: typed in today, received on 2 November. 甲局 signs, replies in 2 days, 满意 → closed.
    k1 = workflow.assign(workflow.accept(received(2), staff), committee, a)
    k1 = workflow.reply(workflow.sign(k1, ha), ha, "已办理", "resolved")
    current(k1).update(assigned_at=F("replied_at") - 2 * DAY)
    k1 = workflow.record_feedback(workflow.approve(k1, committee), "satisfied")

    # k2: 乙局 neither signs nor replies; both deadlines passed three days ago.
    k2 = workflow.assign(workflow.accept(received(5), staff), committee, b)
    current(k2).update(due_at=timezone.now() - 3 * DAY, sign_due_at=timezone.now() - 5 * DAY)

    # k3: 甲局 returns it (not its remit); 乙局 signs, is granted an extension, replies on time
    # (it took a day). 不满意 opens a third round with 乙局, not yet due and not yet signed.
    k3 = workflow.assign(workflow.accept(received(9, money), staff), committee, a)
    k3 = workflow.assign(workflow.return_case(k3, ha, "不属本单位职责"), committee, b)
    k3 = workflow.sign(k3, hb)
    k3 = workflow.request_extension(k3, hb, timezone.localdate() + 20 * DAY, "需现场勘查")
    k3 = workflow.decide_extension(k3, committee, True)
    k3 = workflow.reply(k3, hb, "已协调", "resolved")
    current(k3).update(assigned_at=F("replied_at") - DAY)
    k3 = workflow.approve(k3, committee)
    k3 = workflow.record_feedback(k3, "unsatisfied")

    # k4: received on 31 October: outside the period although typed in with the others.
    workflow.accept(received(1), staff)
    Case.objects.filter(received_on=datetime.date(2026, 11, 1)).update(
        received_on=datetime.date(2026, 10, 31)
    )

    # k5: the same matter as k2, merged into it (a repeat case).
    workflow.merge(received(12), staff, k2)

    # k6: 甲局 replies a day late after 4 days, 不满意; the second round takes 3 days and is
    # 基本满意 → closed.
    k6 = workflow.assign(workflow.accept(received(20, money), staff), committee, a)
    k6 = workflow.reply(workflow.sign(k6, ha), ha, "已答复", "resolved")
    current(k6).update(assigned_at=F("replied_at") - 4 * DAY, due_at=F("replied_at") - DAY)
    k6 = workflow.record_feedback(workflow.approve(k6, committee), "unsatisfied")
    k6 = workflow.reply(k6, ha, "已整改", "resolved")  # signed for once, in the first round
    current(k6).update(assigned_at=F("replied_at") - 3 * DAY)
    workflow.record_feedback(workflow.approve(k6, committee), "basically_satisfied")

    # k7: 甲局 gives a stage reply (B, in 3 days), approved as a promise: a new round, not due.
    k7 = workflow.assign(workflow.accept(received(25), staff), committee, a)
    promised = timezone.localdate() + 30 * DAY
    k7 = workflow.reply(workflow.sign(k7, ha), ha, "正在施工", "in_progress", promised)
    current(k7).update(assigned_at=F("replied_at") - 3 * DAY)
    workflow.approve_stage(k7, committee)

    return metrics.compute(*NOVEMBER)


def test_case_figures_count_the_cases_received_in_the_period(figures):
    f = figures
    assert (f["received"], f["problems"], f["suggestions"]) == (6, 6, 0)
    assert (f["accepted"], f["assigned"], f["handled"], f["closed"]) == (5, 5, 4, 2)
    assert f["repeat"] == 1


def test_round_figures_count_an_open_round_past_its_deadline_as_late(figures):
    f = figures
    assert (f["rounds"], f["returned"], f["extended"]) == (9, 1, 1)
    assert (f["replied"], f["replied_on_time"], f["overdue"], f["late"]) == (5, 4, 1, 2)
    assert f["on_time_rate"] == 66.7  # 4 on time of 6 due: not 80% of the 5 replies
    assert f["average_reply_days"] == 2.6  # (2 + 4 + 3 + 1 + 3) / 5
    outcomes = {row["code"]: row["approved"] for row in f["by_outcome"]}
    assert outcomes == {"A": 4, "B": 1, "C": 0, "D": 0}  # the stage reply is a B


def test_satisfaction_counts_each_rating_and_the_first_rating_of_each_case(figures):
    f = figures
    assert (f["rated"], f["unsatisfied"], f["rated_follow_up"]) == (4, 2, 0)
    assert (f["satisfied_rate"], f["satisfaction_rate"]) == (25.0, 50.0)
    assert (f["rated_cases"], f["first_time_rate"]) == (3, 33.3)


def test_each_department_is_held_to_its_own_rounds_and_ratings(figures):
    keys = ["rounds", "replied", "overdue", "on_time_rate", "taken_up_on_time_rate"]
    keys += ["returned", "return_rate", "extended", "extension_rate", "rated"]
    keys += ["satisfaction_rate", "average_reply_days"]
    rows = {row["name"]: {k: row[k] for k in keys} for row in figures["by_department"]}
    assert rows == {
        "乙局": {
            "rounds": 3,
            "replied": 1,
            "overdue": 1,
            "on_time_rate": 50.0,
            "taken_up_on_time_rate": 50.0,  # k2 never signed; k3's third round is not yet due
            "returned": 0,
            "return_rate": 0.0,
            "extended": 1,
            "extension_rate": 33.3,
            "rated": 1,
            "satisfaction_rate": 0.0,
            "average_reply_days": 1.0,
        },
        "甲局": {
            "rounds": 6,  # with k7's stage reply and its promise round
            "replied": 4,
            "overdue": 0,
            "on_time_rate": 75.0,
            "taken_up_on_time_rate": 100.0,  # a return in time is a round taken up in time
            "returned": 1,
            "return_rate": 16.7,
            "extended": 0,
            "extension_rate": 0.0,
            "rated": 3,
            "satisfaction_rate": 66.7,
            "average_reply_days": 3.0,  # (2 + 4 + 3 + 3) / 4
        },
    }


def test_by_category_and_by_month(figures):
    rows = {row["name"]: row for row in figures["by_category"]}
    assert (rows["用工招聘"]["received"], rows["用工招聘"]["closed"]) == (4, 1)
    assert (rows["融资贷款"]["received"], rows["融资贷款"]["closed"]) == (2, 1)
    assert (rows["融资贷款"]["rated"], rows["融资贷款"]["on_time_rate"]) == (3, 66.7)
    assert [(r["month"], r["received"], r["closed"]) for r in figures["by_month"]] == [
        (datetime.date(2026, 11, 1), 6, 2)
    ]


def test_the_figures_take_five_queries_whatever_the_data(figures, django_assert_num_queries):
    with django_assert_num_queries(5):
        metrics.compute(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))

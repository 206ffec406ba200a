"""Only the submitter rates: online with the tracking code, or through station staff who
record a follow-up (回访). Departments and deputies never see the code and cannot rate."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from submissions import report, roles, workflow
from submissions.models import Case, Feedback
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    make_case,
    make_user,
    race,
)


@pytest.fixture
def world(db):
    station = StationFactory()
    department = DepartmentFactory(name="县卫健委")
    deputy = DeputyFactory(station=station)
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
        "deputy": make_user("deputy", roles.DEPUTY, deputy=deputy),
        "editor": make_user("editor", roles.EDITOR),
        "moderator": make_user("moderator", roles.MODERATOR),
    }
    case = make_case(station, deputy=deputy)
    case = workflow.accept(case, users["staff"])
    case = workflow.assign(case, users["committee"], department)
    case = workflow.sign(case, users["handler"])
    case = workflow.reply(case, users["handler"], "已协调支付9.9万元", "resolved")
    case = workflow.approve(case, users["committee"])
    return {"case": case, "users": users}


def code_forms(case):
    """Every way the tracking code could be written on a page."""
    return (case.tracking_code, case.formatted_tracking_code)


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def track(client, case, **extra):
    data = {"reference": case.reference, "code": case.tracking_code, **extra}
    return client.post("/track/", data)


@pytest.mark.django_db
class TestTrackingCodeIsTheSubmittersAlone:
    @pytest.mark.parametrize("name", ["committee", "handler", "deputy", "editor", "moderator"])
    def test_no_other_role_sees_the_code_or_the_receipt(self, world, name):
        case, client = world["case"], logged_in(world["users"][name])
        for url in (f"/admin/cases/{case.pk}/", f"/admin/cases/{case.pk}/receipt/", "/admin/"):
            html = client.get(url, follow=True).content.decode()
            assert not any(code in html for code in code_forms(case)), url
            assert f"/admin/cases/{case.pk}/receipt/" not in html

    def test_station_staff_print_the_receipt_with_the_code(self, world):
        case, client = world["case"], logged_in(world["users"]["staff"])
        assert f"/admin/cases/{case.pk}/receipt/" in client.get(f"/admin/cases/{case.pk}/").text
        receipt = client.get(f"/admin/cases/{case.pk}/receipt/")
        assert receipt.status_code == 200 and case.formatted_tracking_code in receipt.text

    @pytest.mark.parametrize("name", ["handler", "deputy", "staff", "committee"])
    def test_a_logged_in_account_cannot_rate_even_with_the_code(self, world, name):
        """The department that handled the case got hold of the code somehow: no rating."""
        case = world["case"]
        client = logged_in(world["users"][name])
        page = track(client, case).content.decode()
        assert 'name="rating"' not in page
        response = track(client, case, rating="satisfied", comment="很满意")
        assert 'name="rating"' not in response.text and "回访" in response.text
        case.refresh_from_db()
        assert case.status == Case.Status.AWAITING_FEEDBACK
        assert not Feedback.objects.exists()


@pytest.mark.django_db
class TestOnlineRating:
    def test_the_submitter_rates_online_and_the_rating_says_so(self, world):
        case = world["case"]
        track(Client(), case, rating="satisfied", comment="已收到款项")
        feedback = Feedback.objects.get()
        assert feedback.source == Feedback.Source.ONLINE and feedback.recorded_by is None
        assert case.events.filter(action="feedback", actor=None, is_public=True).exists()

    def test_the_second_rating_is_told_the_case_is_already_rated(self, world):
        """Two tabs (or two people racing): exactly one counts; the other sees why, as an
        error, not a success."""
        case = world["case"]
        first, second = Client(), Client(REMOTE_ADDR="10.0.0.2")
        track(first, case)  # both open the tracker while it awaits a rating
        track(second, case)
        track(first, case, rating="satisfied")
        late = track(second, case, rating="unsatisfied", comment="不满意")
        assert Feedback.objects.count() == 1 and Feedback.objects.get().rating == "satisfied"
        assert re.search(r'class="alert alert-danger"[^>]*>\s*该件已评价', late.text)
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED

    def test_the_workflow_refuses_the_loser_with_the_same_words(self, world):
        case = world["case"]
        workflow.record_feedback(case, "satisfied")
        with pytest.raises(workflow.WorkflowError, match="该件已评价"):
            workflow.record_feedback(case, "unsatisfied")


def follow_up_form(**overrides):
    when = timezone.localtime() - datetime.timedelta(hours=2)
    data = {
        "rate-rating": "basically_satisfied",
        "rate-means": "phone",
        "rate-contacted_person": "王小明",
        "rate-contacted_at": when.strftime("%Y-%m-%dT%H:%M"),
        "rate-comment": "款项已到账，但拖了两个月",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
class TestFollowUp:
    def test_staff_record_a_follow_up_with_who_when_and_how(self, world):
        case, staff = world["case"], world["users"]["staff"]
        client = logged_in(staff)
        response = client.post(f"/admin/cases/{case.pk}/act/rate/", follow_up_form(), follow=True)
        feedback = Feedback.objects.get()
        assert feedback.source == Feedback.Source.FOLLOW_UP and feedback.recorded_by == staff
        assert feedback.means == "phone" and feedback.contacted_person == "王小明"
        assert feedback.comment == "款项已到账，但拖了两个月"
        event = case.events.get(action="follow_up")
        assert event.actor == staff and event.is_public
        html = response.content.decode()
        assert "工作人员回访录入" in html and "电话" in html  # feedback list on the case page
        assert "联络站回访录入评价" in html  # timeline wording
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED
        # the public timeline says it was recorded by the station, without names
        public = track(Client(), case).content.decode()
        assert "联络站回访录入评价" in public and "王小明" not in public

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("rate-means", None, "请选择联系反映人的方式"),
            ("rate-contacted_person", "", "请填写回访对象"),
            ("rate-contacted_at", "", "请填写回访时间"),
            ("rate-contacted_at", "明天上午", "请按“年-月-日 时:分”填写回访时间"),
            ("rate-rating", None, "请选择评价结果"),
        ],
    )
    def test_an_incomplete_follow_up_is_refused_next_to_the_field(
        self, world, field, value, message
    ):
        case = world["case"]
        client = logged_in(world["users"]["staff"])
        data = follow_up_form(**{field: value})
        html = client.post(f"/admin/cases/{case.pk}/act/rate/", data).content.decode()
        assert message in html
        assert "款项已到账，但拖了两个月" in html  # what was typed is kept
        assert not Feedback.objects.exists()

    def test_a_follow_up_in_the_future_is_refused(self, world):
        case = world["case"]
        client = logged_in(world["users"]["staff"])
        later = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        html = client.post(
            f"/admin/cases/{case.pk}/act/rate/", follow_up_form(**{"rate-contacted_at": later})
        ).content.decode()
        assert "回访时间不能晚于现在" in html and not Feedback.objects.exists()

    @pytest.mark.parametrize("name", ["committee", "handler", "deputy"])
    def test_no_other_role_records_a_rating(self, world, name):
        case = world["case"]
        client = logged_in(world["users"][name])
        assert 'data-action="rate"' not in client.get(f"/admin/cases/{case.pk}/").text
        client.post(f"/admin/cases/{case.pk}/act/rate/", follow_up_form())
        assert not Feedback.objects.exists()
        with pytest.raises(workflow.WorkflowError):
            workflow.record_feedback(
                case,
                "satisfied",
                actor=world["users"][name],
                follow_up={
                    "means": "phone",
                    "contacted_person": "王小明",
                    "contacted_at": timezone.now(),
                },
            )

    def test_staff_cannot_record_a_rating_without_the_follow_up(self, world):
        with pytest.raises(workflow.WorkflowError):
            workflow.record_feedback(world["case"], "satisfied", actor=world["users"]["staff"])
        assert not Feedback.objects.exists()

    def test_the_report_and_statistics_tell_online_from_follow_up(self, world):
        from disclosure import stats

        case, staff = world["case"], world["users"]["staff"]
        client = logged_in(staff)
        client.post(f"/admin/cases/{case.pk}/act/rate/", follow_up_form())
        today = timezone.localdate()
        figures = report.build(today - datetime.timedelta(days=1), today)
        assert (figures["rated"], figures["rated_follow_up"]) == (1, 1)
        public = stats.compute(today - datetime.timedelta(days=1), today)
        assert (public["rated_online"], public["rated_follow_up"]) == (0, 1)
        html = logged_in(world["users"]["committee"]).get("/admin/cases/report/").text
        assert "其中1条为工作人员回访录入" in html


def test_two_ratings_at_once_exactly_one_counts_and_the_other_is_told(concurrent_db):
    department = DepartmentFactory()
    people = {
        "staff": make_user("s", roles.STAFF),
        "committee": make_user("c", roles.COMMITTEE),
        "handler": make_user("h", roles.HANDLER, department=department),
    }
    case = make_case()
    case = workflow.accept(case, people["staff"])
    case = workflow.assign(case, people["committee"], department)
    case = workflow.sign(case, people["handler"])
    case = workflow.reply(case, people["handler"], "已解决", "resolved")
    case = workflow.approve(case, people["committee"])
    outcomes = race(
        *(
            lambda r=rating: workflow.record_feedback(case, r)
            for rating in ("satisfied", "unsatisfied")
        )
    )
    assert sorted(outcomes) == sorted(["won", "该件已评价。"])
    assert Feedback.objects.filter(case=case).count() == 1

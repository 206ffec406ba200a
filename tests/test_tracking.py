"""/track/: status and public timeline by reference + code, rating, and guessing protection."""

import pytest
from django.test import Client

from submissions import roles, workflow
from submissions.models import Case, CaseEvent, Feedback
from submissions.workflow import WorkflowError, record_feedback
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user

PERSONAL = ("王小明", "13807961234", "wxm@example.com", "园区大道88号")


@pytest.fixture
def case(db):
    case = make_case(
        StationFactory(reference_prefix="YXGY"),
        place="园区大道88号",
        submitter_email="wxm@example.com",
    )
    CaseEvent.objects.create(
        case=case, action="internal_note", note="王小明 13807961234 来电", is_public=False
    )
    return case


def track(client, reference, code, **extra):
    return client.post("/track/", {"reference": reference, "code": code, **extra})


@pytest.mark.django_db
class TestTracking:
    def test_right_codes_show_status_and_public_timeline(self, client, case):
        html = track(client, case.reference, case.tracking_code).content.decode()
        assert case.reference in html and case.get_status_display() in html
        assert "园区道路照明不足" in html
        assert "已收到" in html  # the first public event

    def test_the_department_and_its_deadline_show_only_while_it_holds_the_case(self, client, case):
        department = DepartmentFactory(name="县住建局")
        handler = make_user("handler", roles.HANDLER, department=department)
        workflow.accept(case, make_user("staff", roles.STAFF))
        case = workflow.assign(case, make_user("committee", roles.COMMITTEE), department)
        assert "正由县住建局办理" in track(client, case.reference, case.tracking_code).text
        case = workflow.sign(case, handler)
        workflow.reply(case, handler, "已安装路灯", "resolved")
        html = track(client, case.reference, case.tracking_code).text
        assert "正由县住建局办理" not in html and "已答复，审核中" in html

    def test_the_link_from_the_confirmation_page_works_and_codes_are_forgiving(self, client, case):
        code = case.formatted_tracking_code.lower()
        url = f"/track/?reference={case.reference.lower()}&code={code}"
        assert case.reference in client.get(url).content.decode()

    @pytest.mark.parametrize("status", Case.Status.values)
    def test_no_personal_data_or_internal_notes_for_any_status(self, client, case, status):
        Case.objects.filter(pk=case.pk).update(status=status)
        html = track(client, case.reference, case.tracking_code).content.decode()
        for secret in PERSONAL + ("来电",):
            assert secret not in html
        assert "/admin/cases/photos/" not in html

    def test_wrong_reference_and_wrong_code_get_the_same_neutral_message(self, case):
        wrong_code = track(Client(), case.reference, "ZZZZZZZZ").content.decode()
        wrong_ref = track(Client(REMOTE_ADDR="10.9.9.9"), "YXGY-2026-9999", case.tracking_code)
        neutral = "编号和查询码不匹配"
        assert neutral in wrong_code and neutral in wrong_ref.content.decode()
        assert case.get_status_display() not in wrong_code

    def test_repeated_wrong_tries_are_slowed_then_refused(self, client, case, monkeypatch):
        now = [1_000_000.0]
        monkeypatch.setattr("submissions.views.time.time", lambda: now[0])
        monkeypatch.setattr("portal.ratelimit.time.time", lambda: now[0])
        for _ in range(3):
            assert track(client, case.reference, "WRONG").status_code == 200
        slowed = track(client, case.reference, case.tracking_code)
        assert slowed.status_code == 429 and "半分钟" in slowed.content.decode()
        for _ in range(7):
            now[0] += 31
            track(client, case.reference, "WRONG")
        now[0] += 31
        refused = track(client, case.reference, case.tracking_code)  # even the right code
        assert refused.status_code == 429 and "15分钟" in refused.content.decode()
        assert (
            track(Client(REMOTE_ADDR="10.1.1.1"), case.reference, case.tracking_code).status_code
            == 200
        )  # another client is not affected


@pytest.mark.django_db
class TestFeedback:
    def test_a_case_awaiting_feedback_can_be_rated_once(self, client, case):
        Case.objects.filter(pk=case.pk).update(status=Case.Status.AWAITING_FEEDBACK)
        page = track(client, case.reference, case.tracking_code).content.decode()
        assert 'name="rating"' in page
        response = track(
            client, case.reference, case.tracking_code, rating="satisfied", comment="路灯亮了"
        )
        feedback = Feedback.objects.get()
        assert feedback.rating == "satisfied" and feedback.comment == "路灯亮了"
        assert case.events.filter(action="feedback", is_public=True).exists()
        assert "评价已记录" in response.content.decode()

    def test_rating_form_refuses_a_bad_rating_and_keeps_the_comment(self, client, case):
        Case.objects.filter(pk=case.pk).update(status=Case.Status.AWAITING_FEEDBACK)
        html = track(
            client, case.reference, case.tracking_code, rating="great", comment="还行"
        ).content.decode()
        assert Feedback.objects.count() == 0
        assert "还行" in html and "invalid-feedback" in html

    @pytest.mark.parametrize("status", [s for s in Case.Status.values if s != "awaiting_feedback"])
    def test_no_rating_unless_awaiting_feedback(self, client, case, status):
        Case.objects.filter(pk=case.pk).update(status=status)
        html = track(
            client, case.reference, case.tracking_code, rating="satisfied"
        ).content.decode()
        assert 'name="rating"' not in html
        assert Feedback.objects.count() == 0
        case.refresh_from_db()
        with pytest.raises(WorkflowError):
            record_feedback(case, "satisfied")


def test_a_public_event_reads_as_its_action_then_what_the_public_may_know():
    closed = CaseEvent.Action.CLOSED.label
    assert (
        CaseEvent(action="closed", public_text="路灯已修复").public_summary
        == f"{closed}：路灯已修复"
    )
    assert CaseEvent(action="closed").public_summary == closed

"""/track/: status and public timeline by reference + code, rating, and guessing protection."""

import re
import time

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from submissions import roles, tracking, workflow
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

    def test_an_old_link_with_the_code_redirects_to_a_clean_signed_link(self, client, case):
        """SMS sent before signed links carry ?reference=…&code=…: they still open the case,
        but the code leaves the address bar before the page can be forwarded."""
        code = case.formatted_tracking_code.lower()
        response = client.get(f"/track/?reference={case.reference.lower()}&code={code}")
        assert response.status_code == 302
        location = response["Location"]
        assert "?" not in location and case.tracking_code not in location
        page = client.get(location)
        assert page.context["case"] == case and case.tracking_code not in page.text
        wrong = client.get(f"/track/?reference={case.reference}&code=ZZZZZZZZ")
        assert wrong.status_code == 200 and wrong.context["case"] is None

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

    def test_wrong_codes_lock_the_reference_not_the_network(self, case, settings):
        """Five wrong codes lock that reference for everyone, a rotating attacker included,
        while other references from the same address keep working."""
        settings.TRACK_LOCK = (5, 15 * 60)
        other = make_case(case.station)
        for n in range(5):  # an attacker on five different addresses
            assert (
                track(Client(REMOTE_ADDR=f"10.2.0.{n}"), case.reference, "WRONG").status_code == 200
            )
        for address in ("10.2.0.9", "10.3.3.3"):
            refused = track(Client(REMOTE_ADDR=address), case.reference, case.tracking_code)
            assert refused.status_code == 429 and refused.context["case"] is None
            assert "锁定15分钟" in refused.text and "查我的反映" in refused.text
        assert case.get_status_display() not in refused.text
        same_network = Client(REMOTE_ADDR="10.2.0.0")
        assert track(same_network, other.reference, other.tracking_code).context["case"] == other

    def test_the_right_code_works_once_the_lock_ends_however_long_an_attacker_tries(
        self, case, monkeypatch
    ):
        now = [1_000_000.0]
        monkeypatch.setattr("portal.ratelimit.time.time", lambda: now[0])
        attacker, owner = Client(REMOTE_ADDR="10.4.4.4"), Client(REMOTE_ADDR="10.5.5.5")
        for _ in range(5):
            track(attacker, case.reference, "WRONG")
        for _ in range(14):  # one wrong try a minute all through the lock does not extend it
            now[0] += 60
            assert track(attacker, case.reference, "WRONG").status_code == 429
        now[0] += 61
        opened = track(owner, case.reference, case.tracking_code)
        assert opened.status_code == 200 and opened.context["case"] == case

    def test_the_signed_link_in_the_sms_opens_a_locked_reference(self, client, case):
        from notifications.notify import tracking_url

        for _ in range(5):
            track(Client(REMOTE_ADDR="10.6.6.6"), case.reference, "WRONG")
        assert track(client, case.reference, case.tracking_code).status_code == 429
        path = tracking_url(case).removeprefix("http://testserver")
        assert client.get(path).context["case"] == case

    def test_one_address_may_not_try_without_end(self, client, case, settings):
        """The wide per-address ceiling: a machine enumerating references is stopped, and
        right codes from other addresses still work."""
        settings.TRACK_FAILURES_PER_IP = (20, 3600)
        for n in range(20):
            assert track(client, f"YXGY-2026-{n + 100:04d}", "WRONG").status_code == 200
        refused = track(client, case.reference, case.tracking_code)
        assert refused.status_code == 429 and "这个网络" in refused.text
        other = Client(REMOTE_ADDR="10.7.7.7")
        assert track(other, case.reference, case.tracking_code).context["case"] == case

    def test_hundreds_of_mistyped_codes_behind_one_address_lock_nobody_else(self, case):
        """A factory's Wi-Fi: 150 workers each mistype their own code once or twice; the one
        whose reference is wanted here still gets in from the same address."""
        client = Client(REMOTE_ADDR="10.8.8.8")
        for n in range(150):
            track(client, f"YXGY-2026-{n + 100:04d}", "WRONG1")
        assert track(client, case.reference, case.tracking_code).context["case"] == case


@pytest.mark.django_db
class TestSignedLinks:
    def test_a_tampered_link_is_refused_plainly(self, client, case):
        path = tracking.link_path(case)
        token = path.split("/")[2]
        other = make_case(case.station)
        tampered = [
            path[:-3] + ("A/" if path[-3] != "A" else "B/"),  # the signature changed
            path.replace(f"/{case.pk}p:", f"/{other.pk}p:"),  # another case's number
            path.replace(f"/{case.pk}p:", f"/{case.pk}s:"),  # a page link passed for an SMS one
            "/track/" + token.rsplit(":", 1)[0] + "/",  # cut short
            "/track/99999p:xx:yy/",
        ]
        for url in tampered:
            response = client.get(url)
            assert response.status_code == 404, url
            assert response.context["case"] is None and "链接不完整或有误" in response.text
            assert 'name="code"' in response.text  # the typed form is offered instead

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        kind=st.sampled_from([tracking.SMS, tracking.PAGE, tracking.LIST]),
        stamp=st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", max_size=8),
        signature=st.text(
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_", max_size=50
        ),
    )
    def test_no_made_up_link_opens_a_case(self, case, kind, stamp, signature):
        """Whoever knows the scheme (case number, kind, time) still needs the signature, which
        holds the tracking code: any other link is refused plainly, never a server error."""
        response = Client().get(f"/track/{case.pk}{kind}:{stamp}:{signature}/")
        assert response.status_code == 404 and response.context["case"] is None

    def test_an_expired_link_is_refused_plainly(self, client, case, settings, monkeypatch):
        sms_path = tracking.link_path(case, tracking.SMS)
        page_path = tracking.link_path(case)
        later = time.time() + settings.TRACK_PAGE_LINK_HOURS * 3600 + 5
        monkeypatch.setattr("django.core.signing.time.time", lambda: later)
        expired = client.get(page_path)
        assert expired.status_code == 410 and "链接已过期" in expired.text
        assert client.get(sms_path).context["case"] == case  # an SMS link lasts 30 days
        later += settings.TRACK_LINK_DAYS * 86400
        assert client.get(sms_path).status_code == 410

    def test_a_link_dies_with_the_tracking_code(self, client, case):
        path = tracking.link_path(case, tracking.SMS)
        Case.objects.filter(pk=case.pk).update(tracking_code="NEWC0DE2")
        assert client.get(path).status_code == 404

    def test_the_case_page_never_holds_the_code_and_rates_through_the_link(self, client, case):
        Case.objects.filter(pk=case.pk).update(status=Case.Status.AWAITING_FEEDBACK)
        page = client.get(tracking.link_path(case, tracking.SMS))
        assert case.tracking_code not in page.text and 'name="rating"' in page.text
        action = re.search(
            r'<form method="post" action="([^"]+)" class="feedback-form"', page.text
        )[1]
        client.post(action, {"rate": "1", "rating": "satisfied", "comment": "好"})
        assert Feedback.objects.get(case=case).rating == "satisfied"


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

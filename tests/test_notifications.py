"""Notifications: stored first, sent after commit, retried; reminders sent exactly once."""

import datetime
import logging
import re
import threading
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from notifications import notify, sms
from notifications.models import Notification
from submissions import roles, workflow
from submissions.models import Assignment, Case
from tests.factories import (
    DepartmentFactory,
    StationFactory,
    make_case,
    make_user,
)


@pytest.fixture
def people(db):
    department = DepartmentFactory(email="zjj@example.gov.cn")
    handler = make_user("handler", roles.HANDLER, department=department)
    handler.email = "handler@example.gov.cn"
    handler.save()
    committee = make_user("committee", roles.COMMITTEE)
    committee.email = "xlgw@example.gov.cn"
    committee.save()
    return {
        "department": department,
        "staff": make_user("staff", roles.STAFF),
        "committee": committee,
    }


def assigned_case(people, due_in):
    case = make_case(submitter_email="wxm@example.com")
    workflow.accept(case, people["staff"])
    case = workflow.assign(case, people["committee"], people["department"])
    Assignment.objects.filter(pk=case.current_assignment_id).update(due_at=timezone.now() + due_in)
    return case


@pytest.mark.django_db
def test_submitter_is_told_by_email_and_sms_when_the_case_is_accepted(
    people, django_capture_on_commit_callbacks, caplog
):
    case = make_case(submitter_email="wxm@example.com")
    with (
        caplog.at_level("INFO", logger="notifications.sms"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow.accept(case, people["staff"])
    assert [m.to for m in mail.outbox] == [["wxm@example.com"]]
    assert case.reference in mail.outbox[0].body and "/track/" in mail.outbox[0].body
    assert "王小明" not in mail.outbox[0].body
    assert "138****1234" in caplog.text  # the logging SMS backend "sent" it, number masked
    accepted = Notification.objects.filter(template="case_accepted")
    assert set(accepted.values_list("channel", "status")) == {("email", "sent"), ("sms", "sent")}


@pytest.mark.django_db
def test_a_failing_email_backend_keeps_the_case_action_and_a_later_run_retries(
    people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_email.FailingEmailBackend"
    case = make_case(submitter_email="wxm@example.com", submitter_phone="13807961234")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(case, people["staff"])
    assert Case.objects.get(pk=case.pk).status == Case.Status.LISTED
    failed = Notification.objects.get(channel="email", template="case_accepted")
    assert failed.status == "failed" and failed.attempts == 1
    assert "SMTP server unreachable" in failed.last_error
    assert failed.next_attempt_at > timezone.now()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert Notification.objects.get(pk=failed.pk).status == "failed"  # backing off
    Notification.objects.filter(pk=failed.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    retried = Notification.objects.get(pk=failed.pk)
    assert retried.status == "sent" and retried.attempts == 2
    accepted = [m.to for m in mail.outbox if case.reference in m.body and "受理" in m.subject]
    assert accepted == [["wxm@example.com"]]


@pytest.mark.django_db
def test_a_message_that_cannot_be_queued_never_undoes_the_move(people, monkeypatch, caplog):
    """The workflow announces the move; the notifier failing (a broken template, a database
    error in its own savepoint) is logged and the case still moves, with its event."""
    from django.db import connection

    def broken(*args, **kwargs):
        with connection.cursor() as cursor, pytest.raises(Exception):  # noqa: B017,PT011
            with transaction.atomic():
                cursor.execute("SELECT * FROM no_such_table")
        raise RuntimeError("template exploded")

    monkeypatch.setattr(notify, "notify_all", broken)
    case = make_case(submitter_email="wxm@example.com")
    with caplog.at_level("ERROR", logger="submissions.signals"):
        workflow.accept(case, people["staff"])
    case.refresh_from_db()
    assert case.status == Case.Status.LISTED and case.events.filter(action="accepted").exists()
    assert "template exploded" in caplog.text
    assert not Notification.objects.filter(template="case_accepted").exists()


@pytest.mark.django_db
def test_reminders_and_overdue_notices_are_sent_exactly_once(people):
    soon = assigned_case(people, datetime.timedelta(days=1))
    late = assigned_case(people, -datetime.timedelta(hours=2))
    mail.outbox.clear()
    for _ in range(3):
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    subjects = sorted(m.subject for m in mail.outbox)
    reminders = [s for s in subjects if soon.reference in s and "到期" in s]
    notices = [s for s in subjects if late.reference in s and "逾期" in s]
    assert len(reminders) == 2  # handler and the department's own address
    assert len(notices) == 3  # handler, department, committee
    assert sum("本周三单办理情况" in s for s in subjects) == 1  # one digest per week


def test_two_reminder_runs_at_once_send_each_reminder_once(concurrent_db):
    from django.db import connections

    department = DepartmentFactory(email="zjj@example.gov.cn")
    people = {
        "department": department,
        "staff": make_user("s", roles.STAFF),
        "committee": make_user("c", roles.COMMITTEE),
    }
    cases = [assigned_case(people, datetime.timedelta(days=1)) for _ in range(5)]
    Notification.objects.all().delete()
    mail.outbox.clear()
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        call_command("send_reminders", stdout=open("/dev/null", "w"))
        connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Notification.objects.filter(template="reminder_due").count() == 5
    assert len([m for m in mail.outbox if "将于" in m.subject]) == 5
    assert {c.reference for c in cases} == {
        m.subject.split()[1] for m in mail.outbox if "将于" in m.subject
    }


@pytest.mark.django_db
def test_a_message_is_sent_once_even_when_delivered_twice(people):
    notification = Notification.objects.create(
        channel="email", recipient="a@example.com", template="x", subject="s", body="b"
    )
    assert notify.deliver(notification.pk) is True
    assert notify.deliver(notification.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_failures_are_visible_in_the_admin_to_the_committee(client, people):
    Notification.objects.create(
        channel="email",
        recipient="a@example.com",
        template="x",
        body="b",
        status="failed",
        last_error="SMTP down",
    )
    client.force_login(people["committee"])
    html = client.get("/admin/notifications/?status=failed").content.decode()
    assert "SMTP down" in html and "a@example.com" in html
    client.force_login(make_user("h2", roles.HANDLER))
    response = client.get("/admin/notifications/")
    # A department may not read the outbox: Wagtail sends a refused admin user to the dashboard.
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_the_message_log_names_each_kind_in_words(client, people):
    for kind in ("case_assigned", "case_received", "reminder_overdue"):
        Notification.objects.create(channel="sms", recipient="13807961234", template=kind, body="b")
    client.force_login(people["committee"])
    html = client.get("/admin/notifications/").content.decode()
    for words, key in [("交办通知", "case_assigned"), ("回执", "case_received")]:
        assert words in html and f">{key}<" not in html
    assert "逾期通知" in html


# Every link in every message opens the right case ---------------------------------------------

NASTY = "A&B <b>\"路灯\"</b> 'x' & <script>"  # what a submitter or a station may type
URL = re.compile(r"https?://[!-~]+")  # printable ASCII: a link ends at the next space or 中文


def notification_templates():
    folder = Path(settings.BASE_DIR) / "templates" / "notifications"
    return {path.stem for path in folder.glob("*.txt")}


def follow(url, case, reader):
    """GET one link from a message as its reader would: the public tracker anonymously, an
    admin page logged in as the staff member the message went to."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == settings.WAGTAILADMIN_BASE_URL
    client = Client()
    if parts.path.startswith("/admin/"):
        client.force_login(reader)
    response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert response.status_code == 200, url
    html = response.content.decode()
    if case is None:  # a reception-day reminder: the deputy's dashboard
        assert parts.path == "/admin/", url
        return response
    assert case.reference in html, url
    if parts.path.startswith(reverse("track")):
        assert response.context["case"] == case, url  # the tracker opened the case ...
        assert response.context["error"] is None, url  # ... and says nothing is wrong
        assert "alert-danger" not in html
    else:
        assert parts.path == reverse("submissions_case", args=[case.pk])
        assert response.context["case"] == case
    return response


def every_kind_of_message(people):
    """A case walked through every move that tells someone, and the reminders' occasions."""
    from deputies.models import ReceptionDay
    from tests.factories import DeputyFactory

    station = StationFactory(name=f"测试联络站 {NASTY}")
    deputy = DeputyFactory(station=station, name="王丽青")
    make_user("wangliqing", roles.DEPUTY, deputy=deputy)
    wrong = DepartmentFactory(name="县人社局")
    make_user("rsj", roles.HANDLER, department=wrong)
    handler = people["department"].handlers.get().user
    staff, committee = people["staff"], people["committee"]
    case = make_case(
        station,
        title=NASTY,
        deputy=deputy,
        submitter_email="wxm@example.com",
        submitter_phone="13807961234",
    )
    case = workflow.accept(case, staff)
    case = workflow.assign(case, committee, wrong)
    case = workflow.return_case(case, wrong.handlers.get().user, "不属于本单位职责")
    case = workflow.assign(case, committee, people["department"])
    case = workflow.sign(case, handler)
    until = timezone.localdate() + datetime.timedelta(days=30)
    case = workflow.request_extension(case, handler, until, "需要协调用地")
    case = workflow.decide_extension(case, committee, True)
    case = workflow.reply(case, handler, "正在协调。", "resolved")
    case = workflow.send_back(case, committee, "答复不具体")  # no second signature
    case = workflow.reply(case, handler, "已加装路灯。", "resolved")
    case = workflow.approve(case, committee)
    case = workflow.record_feedback(case, "unsatisfied", "还是很暗")
    promised = timezone.localdate() + datetime.timedelta(days=20)
    case = workflow.reply(case, handler, "正在增加路灯。", "in_progress", promised)
    case = workflow.approve_stage(case, committee)  # stage_reply, promise_recorded
    case = workflow.reply(case, handler, "已增加两盏路灯。", "resolved")  # 办结报告
    case = workflow.approve(case, committee)
    case = workflow.record_feedback(case, "satisfied")
    # reminder_due, reminder_overdue, weekly_digest, reception_day
    soon = assigned_case(people, datetime.timedelta(days=1))
    late = assigned_case(people, -datetime.timedelta(hours=2))
    Case.objects.filter(pk__in=[soon.pk, late.pk]).update(title=NASTY)
    day = ReceptionDay.objects.create(
        station=station,
        date=timezone.localdate() + datetime.timedelta(days=1),
        start_time=datetime.time(9),
        end_time=datetime.time(11, 30),
    )
    day.deputies.add(deputy)
    day.save()  # a parental many-to-many is written when its page-like owner is saved
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    return {"case": case, "soon": soon, "late": late, "deputy": deputy, "handler": handler}


@pytest.mark.django_db
def test_every_link_in_every_message_opens_the_right_case(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = every_kind_of_message(people)

    messages = list(Notification.objects.select_related("case", "user"))
    assert {n.template for n in messages} == notification_templates()  # none left untested
    assert {n.template for n in messages} == set(Notification.Kind.values)
    assert {n.status for n in messages} == {"sent"}
    cases = {c.pk: c for c in Case.objects.all()}
    links = 0
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;"):
            assert entity not in text, (message.template, text)
        if message.template == "weekly_digest":
            assert NASTY in message.body and made["late"].reference in message.body
            assert not URL.findall(text)  # the digest links nowhere
            continue
        urls = URL.findall(text)
        assert urls, (message.template, text)
        reader = message.user or get_user_model().objects.filter(email=message.recipient).first()
        reader = reader or made["handler"]  # the department's own mailbox
        case = cases.get(message.case_id)
        for url in urls:
            if case and roles.returned_by_own_department(reader, case.pk):
                # The department returned the case as not its remit: it is no longer theirs.
                client = Client()
                client.force_login(reader)
                assert client.get(urlsplit(url).path).status_code == 404
            else:
                follow(url, case, reader)
            links += 1
    assert links == len(messages) - sum(m.template == "weekly_digest" for m in messages)
    assert {m.template for m in messages if m.channel == "sms"} == {
        "case_received",
        "case_accepted",
        "case_replied",
        "stage_reply",
        "case_reopened",
        "case_closed",
    }
    # what was actually sent is what was stored
    assert {m.body for m in mail.outbox} == {n.body for n in messages if n.channel == "email"}


@pytest.mark.django_db
def test_each_party_is_told_in_the_names_people_know(people, django_capture_on_commit_callbacks):
    """Who gets what: each message reaches its audience's own list (and e-mail), names the
    department and the deputy by name, never a login; staff read titles masked; only the
    submitter's receipt carries the tracking code."""
    with django_capture_on_commit_callbacks(execute=True):
        made = every_kind_of_message(people)
    case = made["case"]
    inbox = Notification.objects.filter(channel="inbox", case=case)

    def kinds(username):
        return set(inbox.filter(user__username=username).values_list("template", flat=True))

    assert kinds("handler") == {
        "case_assigned",
        "extension_decided",
        "case_sent_back",
        "promise_recorded",
    }
    assert kinds("rsj") == {"case_assigned"}
    assert kinds("committee") == {
        "case_returned",
        "extension_requested",
        "reply_to_review",
        "case_unsatisfied",
    }
    assert kinds("wangliqing") == {"deputy_assigned", "deputy_replied", "deputy_closed"}
    assert kinds("staff") == set()
    every = list(Notification.objects.all())
    logins = set(get_user_model().objects.values_list("username", flat=True)) - {"staff"}
    for message in every:
        text = f"{message.subject} {message.body}"
        assert not [login for login in logins if login in text.split()], text
        if message.channel != "sms" and message.recipient not in ("wxm@example.com",):
            assert case.tracking_code not in text, message.template
    returned = inbox.get(template="case_returned")
    assert "县人社局退回" in returned.body and "不属于本单位职责" in returned.body
    assert "王丽青代表" in inbox.get(template="deputy_closed").body
    receipt = Notification.objects.get(template="case_received", channel="sms", case=case)
    assert case.tracking_code in receipt.body and case.reference in receipt.body
    masked = make_case(title="王小明13807961234反映路灯", submitter_name="王小明")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(masked, people["staff"])
        workflow.assign(masked, people["committee"], people["department"])
    assigned = Notification.objects.get(template="case_assigned", case=masked, user__isnull=False)
    assert "13807961234" not in assigned.body and "王小明" not in assigned.body


@pytest.mark.django_db
def test_my_messages_are_mine_alone_and_read_once_opened(
    people, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = assigned_case(people, datetime.timedelta(days=10))
    handler = people["department"].handlers.get().user
    mine = Notification.objects.get(user=handler, template="case_assigned")
    other = make_user("other-handler", roles.HANDLER, department=DepartmentFactory())

    client.force_login(other)
    assert client.get(reverse("notifications_open", args=[mine.pk])).status_code == 404
    assert mine.subject not in client.get(reverse("notifications_inbox")).content.decode()
    mine.refresh_from_db()
    assert mine.read_at is None

    client.force_login(handler)
    dashboard = client.get("/admin/").content.decode()
    assert 'class="unread-count">1<' in dashboard and mine.subject in dashboard
    response = client.get(reverse("notifications_open", args=[mine.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions_case", args=[case.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'class="unread-count">0<' in client.get("/admin/").content.decode()
    assert client.get(reverse("notifications_mark_all_read")).status_code == 405  # POST only


@pytest.mark.django_db
@pytest.mark.parametrize("template", sorted(notification_templates()))
def test_no_template_escapes_what_it_prints(people, template):
    """Whatever a template prints stays as typed: plain text is never HTML-escaped."""
    case = make_case(StationFactory(name=NASTY), title=NASTY)
    department = DepartmentFactory(name=NASTY)
    text = notify.render_text(
        template,
        {
            "case": case,
            "title": NASTY,
            "department": department,
            "deputy": SimpleNamespace(name=NASTY),
            "assignment": SimpleNamespace(
                extension_until=timezone.localdate(), extension_reason=NASTY, extension_granted=True
            ),
            "note": NASTY,
            "due": timezone.localtime(),
            "day": SimpleNamespace(
                station=SimpleNamespace(name=NASTY),
                date=timezone.localdate(),
                start_time=datetime.time(9),
                end_time=datetime.time(11),
            ),
            "url": notify.tracking_url(case),
            "week": NASTY,
            "counts": {},
            "overdue": [],
        },
    )
    assert NASTY in text
    assert "&amp;" not in text and "&lt;" not in text and "&#x27;" not in text


@pytest.mark.django_db
def test_the_tracking_link_is_built_in_one_place_and_opens_the_case(client):
    """A signed link without the tracking code or anything in the query string to forward."""
    case = make_case()
    url = notify.tracking_url(case)
    assert url.startswith(f"{settings.WAGTAILADMIN_BASE_URL}/track/") and "?" not in url
    assert case.tracking_code not in url and case.formatted_tracking_code not in url
    response = client.get(url.removeprefix(settings.WAGTAILADMIN_BASE_URL))
    assert response.context["case"] == case and response.context["error"] is None


@pytest.mark.django_db
def test_a_department_that_returns_a_case_no_longer_reads_about_it(people, client):
    """Its messages follow the case's scope: once returned as not its remit, the assignment
    message leaves the department's list and its count."""
    case = assigned_case(people, datetime.timedelta(days=10))
    handler = people["department"].handlers.get().user
    message = Notification.objects.get(user=handler, template="case_assigned")
    client.force_login(handler)
    assert case.reference in client.get(reverse("notifications_inbox")).content.decode()

    workflow.return_case(case, handler, "不属于本单位职责")

    assert case.reference not in client.get(reverse("notifications_inbox")).content.decode()
    assert 'class="unread-count">0<' in client.get("/admin/").content.decode()
    assert client.get(reverse("notifications_open", args=[message.pk])).status_code == 404


@given(
    phone=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    code=st.from_regex(r"[A-Z2-9]{8}|\d{6}", fullmatch=True),
)
@hypothesis_settings(max_examples=30, deadline=None)
def test_without_debug_the_logging_sms_backend_logs_neither_number_nor_text(phone, code):
    """Production left on the default backend: the log (kept, shipped, read by operators)
    gets no phone number, no tracking or one-time code and no link."""
    text = f"您的查询码 {code}，验证码 {code}，查看进度：https://station.example/track/{code}/"
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    sms_logger = logging.getLogger("notifications.sms")
    sms_logger.addHandler(handler)
    old_level = sms_logger.level
    sms_logger.setLevel(logging.INFO)
    try:
        with override_settings(DEBUG=False):
            sms.LoggingSMSBackend().send(phone, text)
    finally:
        sms_logger.removeHandler(handler)
        sms_logger.setLevel(old_level)
    logged = " ".join(record.getMessage() for record in records)
    assert logged  # it still says that a text was not sent
    assert phone not in logged and code not in logged and "track" not in logged
    assert phone[-4:] in logged  # enough for an operator to tell messages apart

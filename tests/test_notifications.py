"""Notifications: stored first, sent after commit, retried; reminders sent exactly once."""

import datetime
import re
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications import notify
from notifications.models import Notification
from submissions import roles, workflow
from submissions.models import Assignment, Case
from tests.factories import (
    DepartmentFactory,
    StationFactory,
    close_through_workflow,
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
    assert case.reference in mail.outbox[0].body and "/track/?reference=" in mail.outbox[0].body
    assert "王小明" not in mail.outbox[0].body
    assert "13807961234" in caplog.text  # the logging SMS backend "sent" it
    assert set(Notification.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("sms", "sent"),
    }


@pytest.mark.django_db
def test_a_failing_email_backend_keeps_the_case_action_and_a_later_run_retries(
    people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_email.FailingEmailBackend"
    case = make_case(submitter_email="wxm@example.com", submitter_phone="13807961234")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(case, people["staff"])
    assert Case.objects.get(pk=case.pk).status == Case.Status.LISTED
    failed = Notification.objects.get(channel="email")
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
    assert [m.to for m in mail.outbox if case.reference in m.body] == [["wxm@example.com"]]


@pytest.mark.django_db
def test_a_message_that_cannot_be_queued_never_undoes_the_move(people, monkeypatch, caplog):
    """The workflow announces the move; the notifier failing (a broken template, a database
    error in its own savepoint) is logged and the case still moves, with its event."""
    from django.db import connection

    def broken(case, template):
        with connection.cursor() as cursor, pytest.raises(Exception):  # noqa: B017,PT011
            with transaction.atomic():
                cursor.execute("SELECT * FROM no_such_table")
        raise RuntimeError("template exploded")

    monkeypatch.setattr(notify, "notify_submitter", broken)
    case = make_case(submitter_email="wxm@example.com")
    with caplog.at_level("ERROR", logger="submissions.workflow"):
        workflow.accept(case, people["staff"])
    case.refresh_from_db()
    assert case.status == Case.Status.LISTED and case.events.filter(action="accepted").exists()
    assert "template exploded" in caplog.text and not Notification.objects.exists()


@pytest.mark.django_db
def test_reminders_and_overdue_notices_are_sent_exactly_once(people):
    soon = assigned_case(people, datetime.timedelta(days=1))
    late = assigned_case(people, -datetime.timedelta(hours=2))
    mail.outbox.clear()
    for _ in range(3):
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    subjects = sorted(m.subject for m in mail.outbox)
    reminders = [s for s in subjects if soon.reference in s]
    notices = [s for s in subjects if late.reference in s]
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


# Every link in every message opens the right case ---------------------------------------------

NASTY = "A&B <b>\"路灯\"</b> 'x' & <script>"  # what a submitter or a station may type
URL = re.compile(r"https?://[!-~]+")  # printable ASCII: a link ends at the next space or 中文


def notification_templates():
    folder = Path(settings.BASE_DIR) / "templates" / "notifications"
    return {path.stem for path in folder.glob("*.txt")}


def follow(url, case, people):
    """GET one link from a message as its reader would: the public tracker anonymously, an
    admin page logged in as the staff member the message went to."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == settings.WAGTAILADMIN_BASE_URL
    client = Client()
    if parts.path.startswith("/admin/"):
        client.force_login(people["reader"])
    response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert case.reference in html, url
    if parts.path == reverse("track"):
        assert response.context["case"] == case, url  # the tracker opened the case ...
        assert response.context["error"] is None, url  # ... and says nothing is wrong
        assert "alert-danger" not in html
    else:
        assert parts.path == reverse("submissions_case", args=[case.pk])
        assert response.context["case"] == case
    return response


@pytest.mark.django_db
def test_every_link_in_every_message_opens_the_right_case(
    people, django_capture_on_commit_callbacks
):
    station = StationFactory(name=f"测试联络站 {NASTY}")
    people["reader"] = people["committee"]
    with django_capture_on_commit_callbacks(execute=True):
        # case_accepted, case_replied, case_closed: the submitter, by e-mail and SMS
        closed = make_case(
            station, title=NASTY, submitter_email="wxm@example.com", submitter_phone="13807961234"
        )
        handler = people["department"].handlers.get().user
        close_through_workflow(
            closed,
            staff=people["staff"],
            committee=people["committee"],
            department=people["department"],
            handler=handler,
            reply="已加装路灯。",
        )
        # reminder_due, reminder_overdue, weekly_digest: the department and the committee
        soon = assigned_case(people, datetime.timedelta(days=1))
        late = assigned_case(people, -datetime.timedelta(hours=2))
        Case.objects.filter(pk__in=[soon.pk, late.pk]).update(title=NASTY)
        call_command("send_reminders", stdout=open("/dev/null", "w"))

    messages = list(Notification.objects.select_related("case"))
    assert {n.template for n in messages} == notification_templates()  # none left untested
    assert {n.status for n in messages} == {"sent"}
    cases = {c.pk: c for c in Case.objects.filter(pk__in=[closed.pk, soon.pk, late.pk])}
    links = 0
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for entity in ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;"):
            assert entity not in text, (message.template, text)
        if message.template == "weekly_digest":
            assert NASTY in message.body and late.reference in message.body
            assert not URL.findall(text)  # the digest links nowhere
            continue
        if message.case_id == closed.pk or message.template.startswith("reminder_"):
            assert NASTY in text  # the station name or the case title, as typed
        urls = URL.findall(text)
        assert urls, (message.template, text)
        case = cases[message.case_id]
        for url in urls:
            if message.template.startswith("reminder_"):
                reader = get_user_model().objects.filter(email=message.recipient).first()
                people["reader"] = reader or handler  # the department's own mailbox
            follow(url, case, people)
            links += 1
    assert links == len(messages) - 1  # one link in each message but the digest
    assert {m.template for m in messages if m.channel == "sms"} == {
        "case_accepted",
        "case_replied",
        "case_closed",
    }
    # what was actually sent is what was stored
    assert {m.body for m in mail.outbox} == {n.body for n in messages if n.channel == "email"}


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
            "department": department,
            "due": timezone.localtime(),
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
    case = make_case()
    url = notify.tracking_url(case)
    assert url == (
        f"{settings.WAGTAILADMIN_BASE_URL}/track/"
        f"?reference={case.reference}&code={case.tracking_code}"
    )
    response = client.get(url.removeprefix(settings.WAGTAILADMIN_BASE_URL))
    assert response.context["case"] == case and response.context["error"] is None

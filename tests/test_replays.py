"""Two cases from the source article, walked end to end as the people involved would, through
the public form, the admin's case page and the messages each party receives."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from notifications import reminders
from notifications.models import Notification
from submissions import deadlines, roles
from submissions.models import Assignment, Case, Category
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    make_user,
)
from tests.test_submissions import form_data

K = Notification.Kind


def login(user):
    client = Client()
    client.force_login(user)
    return client


def act(client, case, action, **fields):
    """Post one action form of the case page, as its button does; fail loudly if refused."""
    data = {f"{action}-{name}": value for name, value in fields.items()}
    response = client.post(f"/admin/cases/{case.pk}/act/{action}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Case.objects.get(pk=case.pk)


def messages_to(kind, case):
    return list(Notification.objects.filter(template=kind, case=case).order_by("pk"))


def path_of(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


@pytest.fixture
def people(db):
    station = StationFactory()
    committee = CommitteeFactory(name="县人大选联工委")
    department = DepartmentFactory(name="县人社局", committee=committee)
    deputy = DeputyFactory(station=station, name="王丽青")
    return {
        "station": station,
        "committee_org": committee,
        "department": department,
        "deputy": deputy,
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
        "deputy_login": make_user("deputy", roles.DEPUTY, deputy=deputy),
    }


def test_replay_one_a_promise_is_held_to_its_date_and_closed_by_a_completion_report(people):
    p = people
    # An enterprise scans 王丽青's QR code and submits: the receipt carries its tracking link.
    response = Client().post(
        f"/q/{p['deputy'].qr_token}/",
        form_data(title="园区企业招工难", category=Category.objects.get(name="用工招聘").pk),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.deputy == p["deputy"]
    receipt = messages_to(K.CASE_RECEIVED, case)
    assert receipt and case.tracking_code in receipt[0].body

    case = act(login(p["staff"]), case, "accept")
    # The committee names itself, writes its instructions and sees the deadline it will set.
    committee = login(p["committee"])
    page = committee.get(f"/admin/cases/{case.pk}/").content.decode()
    due = deadlines.reply_due(timezone.now())
    assert f"{due:%Y}年{due.month}月{due.day}日" in page  # the deadline, before confirming
    case = act(
        committee,
        case,
        "assign",
        committee=p["committee_org"].pk,
        department=p["department"].pk,
        instructions="请于一周内对接企业，组织专场招聘会。",
    )
    first = case.current_assignment
    assert first.instructions == "请于一周内对接企业，组织专场招聘会。"
    assert first.committee == p["committee_org"]
    # The department is told, with the deadline; so is the deputy the case was addressed to.
    (assigned,) = messages_to(K.CASE_ASSIGNED, case)
    assert "县人社局" in assigned.body and "请登录签收" in assigned.body
    assert messages_to(K.DEPUTY_ASSIGNED, case)

    # The handler follows the message's link, signs and gives a stage reply with a date.
    handler = login(p["handler"])
    link = re.search(r"https?://\S+", assigned.body).group(0)
    assert handler.get(path_of(link)).status_code == 200
    case = act(handler, case, "sign")
    promised = timezone.localdate() + datetime.timedelta(days=40)
    case = act(
        handler,
        case,
        "reply",
        text="已联系企业，专场招聘会定于下月举办。",
        outcome="in_progress",
        expected_date=promised.isoformat(),
    )
    assert messages_to(K.REPLY_TO_REVIEW, case)

    # The committee approves it as a stage reply: the case stays open, held to the date.
    case = act(committee, case, "approve_stage")
    promise = case.current_assignment
    assert case.status == Case.Status.ASSIGNED and promise.is_promise
    assert promise.due_at == deadlines.end_of_day(promised)
    assert promise.signed_at is not None  # no second 签收
    stage, *_ = sent = messages_to(K.STAGE_REPLY, case)  # by SMS and by e-mail
    assert all(f"{promised.month}月{promised.day}日" in m.body for m in sent)
    assert messages_to(K.PROMISE_RECORDED, case)
    # The public timeline shows the promise; the submitter cannot rate yet.
    track = Client().get(path_of(re.search(r"https?://\S+", stage.body).group(0)))
    html = track.content.decode()
    assert f"承办单位承诺于{promised.year}年{promised.month}月{promised.day}日前办结" in html
    assert 'name="rating"' not in html

    # Two days before the date, the department is reminded of its promise.
    reminders.queue_reminders(now=promise.due_at - datetime.timedelta(days=1))
    reminded = messages_to(K.REMINDER_DUE, case)
    assert {(m.channel, m.recipient) for m in reminded} == {
        (m.channel, m.recipient) for m in messages_to(K.CASE_ASSIGNED, case)
    }
    assert all("承诺办结日期" in m.body and "办结报告" in m.body for m in reminded)

    # The completion report goes through the same review, then the submitter rates.
    page = handler.get(f"/admin/cases/{case.pk}/").content.decode()
    assert "办结报告" in page
    case = act(handler, case, "reply", text="专场招聘会已举办，企业招到42人。", outcome="resolved")
    case = act(committee, case, "approve")
    assert case.status == Case.Status.AWAITING_FEEDBACK
    replied = messages_to(K.CASE_REPLIED, case)[-1]
    rating_page = path_of(re.search(r"https?://\S+", replied.body).group(0))
    response = Client().post(
        rating_page, {"rating": "satisfied", "comment": "", **dict(_query(rating_page))}
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    rounds = list(case.assignments.order_by("round"))
    assert [a.supervision for a in rounds] == [
        Assignment.Supervision.NORMAL,
        Assignment.Supervision.PROMISE,
    ]
    assert [a.outcome_code for a in rounds] == ["B", "A"]
    assert messages_to(K.DEPUTY_CLOSED, case)


def _query(path):
    from urllib.parse import parse_qsl

    return parse_qsl(urlsplit(path).query)

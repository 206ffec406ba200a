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


def section(html, marker, end="</table>"):
    """The part of a page from marker to the end of its table (or the given end)."""
    assert marker in html, marker
    return html.split(marker, 1)[1].split(end, 1)[0]


def test_replay_two_a_wrong_department_an_extension_a_send_back_and_an_unsatisfied_rating(
    people,
):
    p = people
    other = DepartmentFactory(name="县卫健委", committee=p["committee_org"])
    assisting = DepartmentFactory(name="县交通局", committee=p["committee_org"])
    wrong_handler = make_user("wrong", roles.HANDLER, department=other)
    committee = login(p["committee"])
    response = Client().post("/submit/", form_data(title="园区北门路灯不亮"))
    case = act(login(p["staff"]), Case.objects.get(), "accept")

    # 1. Assigned to the wrong department, which returns it: the committee sees it flagged.
    case = act(committee, case, "assign", committee=p["committee_org"].pk, department=other.pk)
    case = act(login(wrong_handler), case, "return", reason="路灯不属本单位职责，应由住建部门办理")
    assert messages_to(K.CASE_RETURNED, case)
    board = committee.get("/admin/").content.decode()
    assert "已退回" in section(board, "board-tiles", "</ul>")
    returned = committee.get("/admin/cases/returned/").content.decode()
    assert case.reference in returned and "应由住建部门办理" in returned and "县卫健委" in returned

    # 2. Reassigned with an assisting department: still the first handling round.
    case = act(
        committee,
        case,
        "assign",
        committee=p["committee_org"].pk,
        department=p["department"].pk,
        assisting=assisting.pk,
        instructions="请会同县交通局办理",
    )
    assert case.current_assignment.handling_round == 1
    handler = login(p["handler"])
    case = act(handler, case, "sign")

    # 3. An extension request: the committee sees it and decides.
    deadline = timezone.localtime(case.current_assignment.due_at).date()
    until = deadline + datetime.timedelta(days=10)
    case = act(handler, case, "request_extension", until=until.isoformat(), reason="需采购灯具")
    assert messages_to(K.EXTENSION_REQUESTED, case)
    waiting = committee.get("/admin/cases/extensions/").content.decode()
    assert case.reference in waiting and "需采购灯具" in waiting
    case = act(committee, case, "decide_extension", decision="grant", note="同意")
    assert case.current_assignment.due_at == deadlines.end_of_day(until)
    assert case.reference not in committee.get("/admin/cases/extensions/").content.decode()

    # 4. A reply sent back: the same department, no second 签收, the helper kept.
    case = act(handler, case, "reply", text="已报修", outcome="resolved")
    case = act(committee, case, "send_back", reason="请写明修复时间")
    second = case.current_assignment
    assert second.lead_department == p["department"] and second.signed_at is not None
    assert list(second.assisting_departments.all()) == [assisting]
    assert second.instructions == "请会同县交通局办理"

    # 5. Replied, approved, rated unsatisfied by the submitter: continued supervision.
    case = act(handler, case, "reply", text="已于本周修复", outcome="resolved")
    case = act(committee, case, "approve")
    replied = messages_to(K.CASE_REPLIED, case)[-1]
    tracker = path_of(re.search(r"https?://\S+", replied.body).group(0))
    Client().post(
        tracker, {"rating": "unsatisfied", "comment": "仍有两盏不亮", **dict(_query(tracker))}
    )
    case.refresh_from_db()
    third = case.current_assignment
    assert third.supervision == Assignment.Supervision.CONTINUED and third.signed_at is not None
    assert messages_to(K.CASE_UNSATISFIED, case) and messages_to(K.CASE_REOPENED, case)
    supervision = committee.get("/admin/cases/supervision/").content.decode()
    assert case.reference in supervision and "不满意" in section(
        supervision, case.reference, "</tr>"
    )

    # 6. Its deadline passes: red, with the days, on the board and in the lists.
    Assignment.objects.filter(pk=third.pk).update(
        due_at=timezone.now() - datetime.timedelta(days=3)
    )
    supervision = committee.get("/admin/cases/supervision/").content.decode()
    row = section(supervision, case.reference, "</tr>")
    assert "逾期3天" in row.replace(" ", "") and "不满意" in row
    board = committee.get("/admin/").content.decode()
    department_row = section(board, f'data-department="{p["department"].pk}"', "</tr>")
    assert "due-band--overdue" in department_row and "逾期3天" in department_row.replace(" ", "")
    claims = committee.get("/admin/cases/claims/?overdue=true").content.decode()
    assert case.reference in claims and "due-band--overdue" in claims
    assert response.status_code == 302

"""Honest rounds: the assignment form, rounds that keep what they should, stage replies,
reclassifying, internal notes with documents, the submitter's consent to be called, merging
look-alikes and weekly batches, each through the case page as staff use it, with the bad
input each can receive."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications.models import Notification
from submissions import deadlines, roles, workflow
from submissions.models import Assignment, Case, CaseEvent, Category
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    EnterpriseFactory,
    StationFactory,
    make_case,
    make_user,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def p(db):
    station = StationFactory()
    committee = CommitteeFactory(name="县人大选联工委")
    lead = DepartmentFactory(name="县住建局", committee=committee)
    helper = DepartmentFactory(name="县交通局", committee=committee)
    other = DepartmentFactory(name="县人社局", committee=committee)
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "lead": make_user("lead", roles.HANDLER, department=lead),
        "helper": make_user("helper", roles.HANDLER, department=helper),
        "other": make_user("other", roles.HANDLER, department=other),
    }
    clients = {}
    for name, user in users.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return {
        "station": station,
        "committee_org": committee,
        "lead": lead,
        "helper": helper,
        "other": other,
        "users": users,
        "clients": clients,
    }


def post(client, case, action, files=None, **fields):
    data = {f"{action}-{name}": value for name, value in fields.items()}
    if files:
        data.update({f"{action}-{name}": upload for name, upload in files.items()})
    return client.post(f"/admin/cases/{case.pk}/act/{action}/", data)


def listed(p, **fields):
    return workflow.accept(make_case(p["station"], **fields), p["users"]["staff"])


def assigned(p, **fields):
    return workflow.assign(
        listed(p, **fields), p["users"]["committee"], p["lead"], p["committee_org"], [p["helper"]]
    )


def test_the_assignment_form_names_the_committee_and_previews_the_deadline(p):
    case = listed(p)
    page = p["clients"]["committee"].get(f"/admin/cases/{case.pk}/").content.decode()
    due = deadlines.reply_due(timezone.now())
    assert f"书面答复期限为{due:%Y}年{due.month}月{due.day}日" in page
    assert 'type="checkbox" name="assign-assisting"' in page  # checkboxes, not a multi-select
    assert "交办意见" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"committee": ""}, "committee", "请选择交办的选联工委"),
        ({"department": ""}, "department", "请选择牵头承办单位"),
        ({"assisting": "LEAD"}, "assisting", "牵头单位不能同时作为协办单位"),
        ({"instructions": "办" * 1001}, "instructions", "交办意见不超过1000字"),
    ],
)
def test_a_bad_assignment_is_refused_next_to_the_field_and_changes_nothing(
    p, fields, field, message
):
    case = listed(p)
    data = {
        "committee": p["committee_org"].pk,
        "department": p["lead"].pk,
        "instructions": "请尽快办理",
    }
    data.update({k: (p["lead"].pk if v == "LEAD" else v) for k, v in fields.items()})
    response = post(p["clients"]["committee"], case, "assign", **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.LISTED and not case.assignments.exists()
    if data["instructions"] == "请尽快办理":
        assert "请尽快办理" in response.content.decode()  # what was typed is kept


def test_a_return_is_not_a_handling_round_and_later_rounds_keep_helpers_and_signature(p):
    users, committee = p["users"], p["users"]["committee"]
    case = workflow.assign(listed(p), committee, p["other"], p["committee_org"])
    case = workflow.return_case(case, users["other"], "不属本单位职责")
    case = workflow.assign(case, committee, p["lead"], p["committee_org"], [p["helper"]])
    first = case.current_assignment
    assert (first.round, first.handling_round) == (2, 1)  # the return was no handling
    case = workflow.reply(workflow.sign(case, users["lead"]), users["lead"], "已处理", "resolved")
    case = workflow.send_back(case, committee, "请补充措施")
    second = case.current_assignment
    assert (second.round, second.handling_round) == (3, 2)
    assert list(second.assisting_departments.all()) == [p["helper"]]
    assert second.signed_at == Assignment.objects.get(pk=first.pk).signed_at
    page = p["clients"]["lead"].get(f"/admin/cases/{case.pk}/").content.decode()
    assert 'data-action="sign"' not in page  # nothing to sign for a second time
    assert 'data-action="reply"' in page


@pytest.mark.parametrize(
    ("outcome", "expected", "message"),
    [
        ("in_progress", "", "请填写预计办结日期"),
        ("planned", "", "请填写预计办结日期"),
        ("in_progress", "YESTERDAY", "日期应晚于今天"),
        ("in_progress", "2026-02-30", "请按“年-月-日”填写日期"),
        ("", "", "请选择办理结果"),
    ],
)
def test_a_stage_reply_needs_a_future_date(p, outcome, expected, message):
    case = workflow.sign(assigned(p), p["users"]["lead"])
    if expected == "YESTERDAY":
        expected = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = post(
        p["clients"]["lead"],
        case,
        "reply",
        text="正在协调",
        outcome=outcome,
        expected_date=expected,
    )
    assert response.status_code == 200 and message in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED and case.current_assignment.replied_at is None


def test_only_a_b_or_c_reply_can_become_a_promise(p):
    case = workflow.sign(assigned(p), p["users"]["lead"])
    case = workflow.reply(case, p["users"]["lead"], "已解决", "resolved")
    committee = p["clients"]["committee"]
    page = committee.get(f"/admin/cases/{case.pk}/").content.decode()
    assert 'data-action="approve_stage"' not in page
    response = post(committee, case, "approve_stage")
    case.refresh_from_db()
    assert case.status == Case.Status.REPLIED and not case.events.filter(action="promised")
    assert response.status_code == 302


def test_the_committee_rewords_a_case_and_the_submitters_words_are_kept(p):
    case = assigned(p, title="厂门口路灯坏了", description="晚上很黑，原话。")
    committee = p["clients"]["committee"]
    infra = Category.objects.get(name="基础设施与安全")
    response = post(
        committee,
        case,
        "reclassify",
        category=infra.pk,
        kind="problem",
        title="园区北门路灯损坏",
        description="园区北门路灯损坏，夜间照明不足。",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.title, case.category) == ("园区北门路灯损坏", infra)
    assert (case.original_title, case.original_description) == (
        "厂门口路灯坏了",
        "晚上很黑，原话。",
    )
    event = case.events.get(action="reclassified")
    assert "厂门口路灯坏了 → 园区北门路灯损坏" in event.note and not event.is_public
    # Again: the original stays the submitter's, not the first rewording.
    workflow.reclassify(
        case,
        p["users"]["committee"],
        category=infra,
        kind="suggestion",
        title="北门照明",
        description=case.description,
    )
    case.refresh_from_db()
    assert case.original_title == "厂门口路灯坏了" and case.kind == "suggestion"
    # Nothing changed, a blank title, a handler: refused, nothing written.
    before = case.events.count()
    for actor, title in [(p["users"]["committee"], "北门照明"), (p["users"]["committee"], " ")]:
        with pytest.raises(workflow.WorkflowError):
            workflow.reclassify(
                case,
                actor,
                category=infra,
                kind="suggestion",
                title=title,
                description=case.description,
            )
    response = post(
        p["clients"]["lead"],
        case,
        "reclassify",
        category=infra.pk,
        kind="problem",
        title="x",
        description="y",
    )
    assert response.status_code == 302  # refused with a message, back to the case
    case.refresh_from_db()
    assert case.events.count() == before and case.title == "北门照明"


def test_handlers_and_the_committee_add_internal_notes_with_documents(p):
    case = assigned(p)
    response = post(
        p["clients"]["lead"],
        case,
        "note",
        text="已与企业现场对接。",
        files={"attachment": SimpleUploadedFile("现场记录.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302
    note = case.events.get(action="note")
    assert note.attachment and not note.is_public
    url = f"/admin/cases/notes/{note.pk}/"
    page = p["clients"]["committee"].get(f"/admin/cases/{case.pk}/").content.decode()
    assert url in page
    response = p["clients"]["committee"].get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    # Another department, a visitor: as if it did not exist. The public tracker: not a word.
    assert p["clients"]["other"].get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the admin login
    track = Client().get(
        f"/track/?reference={case.reference}&code={case.tracking_code}", follow=True
    )
    assert track.context["case"] == case and "已与企业现场对接" not in track.text


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["a.pdf", "a.docx", "a.xls", "a.png", "a.exe", "a", "a.PDF.html"]),
    body=st.binary(min_size=0, max_size=64),
)
def test_a_note_attachment_must_be_a_document_whatever_its_name(p, name, body):
    case = Case.objects.filter(title="fuzz").first() or assigned(p, title="fuzz")
    files_before = CaseEvent.objects.exclude(attachment="").count()
    response = post(
        p["clients"]["lead"],
        case,
        "note",
        text="附件",
        files={"attachment": SimpleUploadedFile(name, body)},
    )
    genuine = (
        (name.endswith(".pdf") and body.startswith(b"%PDF-"))
        or (name.endswith(".docx") and body.startswith(b"PK\x03\x04"))
        or (name.endswith(".xls") and body.startswith(b"\xd0\xcf\x11\xe0"))
        or (name.endswith(".png") and body.startswith(b"\x89PNG"))
    )
    if genuine:
        assert response.status_code == 302  # the note is written, its document kept
        assert CaseEvent.objects.exclude(attachment="").count() == files_before + 1
    elif not body:  # an empty upload is refused, in words
        assert response.status_code == 200 and "附件是空文件" in response.content.decode()
        assert CaseEvent.objects.exclude(attachment="").count() == files_before
    else:
        assert response.status_code == 200
        assert "请附PDF、Word、Excel、JPEG或PNG文档" in response.content.decode()
        assert CaseEvent.objects.exclude(attachment="").count() == files_before


def test_a_note_over_the_limits_is_refused(p, monkeypatch):
    from submissions import action_forms

    case = assigned(p)
    monkeypatch.setattr(action_forms, "NOTE_DOCUMENT_MAX", 10)
    response = post(
        p["clients"]["lead"],
        case,
        "note",
        text="附件",
        files={"attachment": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert "附件超过0 MB" in response.content.decode()
    response = post(p["clients"]["lead"], case, "note", text="长" * 2001)
    assert "备注不超过2000字" in response.content.decode()
    assert not case.events.filter(action="note").exists()


def test_the_department_calls_the_submitter_only_with_consent(p):
    enterprise = EnterpriseFactory(
        name="恒通电子", contact_name="李经理", contact_phone="0797-8881234"
    )
    silent = assigned(p, submitter_phone="13807961234", enterprise=enterprise)
    willing = assigned(p, submitter_phone="13907961234", allow_direct_contact=True)
    lead = p["clients"]["lead"]
    silent_page = lead.get(f"/admin/cases/{silent.pk}/").content.decode()
    # With consent the department reads the phone, through the recorded read (显示联系方式).
    willing_page = lead.post(f"/admin/cases/{willing.pk}/contact/", {"reason": "电话核实"})
    assert "13807961234" not in silent_page and "13907961234" in willing_page.content.decode()
    refused = lead.post(f"/admin/cases/{silent.pk}/contact/", {"reason": "电话核实"})
    # Without consent the department has no right to the read: Wagtail's refusal, to the
    # dashboard, with nothing of the case.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert "13807961234" not in refused.content.decode()
    assert "李经理" in silent_page and "0797-8881234" in silent_page  # the business contact
    # Consent is the submitter's: unticked on the public form, and kept as given.
    form = Client().get("/submit/").content.decode()
    assert 'name="allow_direct_contact"' in form and "同意承办单位直接联系我" in form
    assert 'name="allow_direct_contact" checked' not in form


def test_look_alikes_are_suggested_and_a_merged_submitter_hears_the_outcome(
    p, django_capture_on_commit_callbacks
):
    staff = p["users"]["staff"]
    target = listed(p, title="园区北门路灯损坏夜间很黑", enterprise_name="恒通电子")
    duplicate = make_case(
        p["station"], title="北门路灯损坏，夜间很黑", submitter_phone="13607961234"
    )
    unrelated = make_case(p["station"], title="招工难，希望办招聘会")
    page = p["clients"]["staff"].get(f"/admin/cases/{duplicate.pk}/").content.decode()
    suggestions = (
        page.split("look-alikes", 1)[1].split("</ul>", 1)[0] if "look-alikes" in page else ""
    )
    assert target.reference in suggestions and unrelated.reference not in suggestions
    # Into itself, into a closed case: refused in words, nothing changes.
    response = post(p["clients"]["staff"], duplicate, "merge", target=duplicate.reference)
    assert "没有这个编号的其他诉求件" in response.content.decode()
    closed = make_case(p["station"])
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    closed.refresh_from_db()
    with pytest.raises(workflow.WorkflowError):
        workflow.merge(duplicate, staff, closed)
    duplicate.refresh_from_db()
    assert duplicate.status == Case.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        workflow.merge(duplicate, staff, target)
        page = p["clients"]["committee"].get(f"/admin/cases/{target.pk}/").content.decode()
        assert duplicate.reference in page.split("merged-cases", 1)[1]
        case = workflow.assign(target, p["users"]["committee"], p["lead"], p["committee_org"])
        case = workflow.sign(case, p["users"]["lead"])
        case = workflow.reply(case, p["users"]["lead"], "路灯已全部修复", "resolved")
        workflow.approve(case, p["users"]["committee"])
    told = Notification.objects.filter(case=duplicate, template="case_replied", channel="sms")
    assert told.get().recipient == "13607961234"
    assert duplicate.reference in told.get().body
    track = Client().get(
        f"/track/?reference={duplicate.reference}&code={duplicate.tracking_code}", follow=True
    )
    assert "路灯已全部修复" in track.text


def test_a_week_of_cases_is_accepted_and_assigned_in_two_batches(p):
    cases = [make_case(p["station"], title=f"第{n}件") for n in range(4)]
    staff, committee = p["clients"]["staff"], p["clients"]["committee"]
    assert staff.get("/admin/cases/bulk/").status_code == 200
    response = staff.post("/admin/cases/bulk/", {"bulk": "accept"})
    assert response.status_code == 200 and "请至少勾选一件" in response.content.decode()
    response = staff.post(
        "/admin/cases/bulk/",
        {"bulk": "accept", "accept-cases": [c.pk for c in cases[:3]]},
    )
    assert response.status_code == 302
    assert Case.objects.filter(status=Case.Status.LISTED).count() == 3
    # The committee assigns two of them; a department is required; a handler may do neither.
    data = {"bulk": "assign", "assign-cases": [c.pk for c in cases[:2]]}
    response = committee.post(
        "/admin/cases/bulk/", {**data, "assign-committee": p["committee_org"].pk}
    )
    assert response.status_code == 200 and "请选择牵头承办单位" in response.content.decode()
    assert Case.objects.filter(status=Case.Status.ASSIGNED).count() == 0
    response = committee.post(
        "/admin/cases/bulk/",
        {
            **data,
            "assign-committee": p["committee_org"].pk,
            "assign-department": p["lead"].pk,
            "assign-instructions": "本周集中交办",
        },
    )
    assert response.status_code == 302
    moved = Assignment.objects.filter(instructions="本周集中交办", lead_department=p["lead"])
    assert moved.count() == 2
    # Refused (Wagtail sends a refused admin user to the dashboard), and nothing moves.
    response = p["clients"]["lead"].get("/admin/cases/bulk/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = staff.post("/admin/cases/bulk/", {**data, "assign-department": p["lead"].pk})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert moved.count() == 2 and Case.objects.filter(status=Case.Status.ASSIGNED).count() == 2


def test_an_extension_stays_within_the_limit_the_station_sets(p):
    case = workflow.sign(assigned(p), p["users"]["lead"])
    deadline = timezone.localtime(case.current_assignment.due_at).date()
    p["station"].max_extension_days = 20
    p["station"].save()
    lead = p["clients"]["lead"]
    for until, message in [
        (deadline + datetime.timedelta(days=21), "延期最多可到期限后20天"),
        (deadline, "申请的日期须晚于当前答复期限"),
        ("", "请填写申请延至的日期"),
    ]:
        response = post(lead, case, "request_extension", until=str(until), reason="需要协调用地")
        assert response.status_code == 200 and message in response.content.decode()
        assert "需要协调用地" in response.content.decode()  # what was typed is kept
        case.refresh_from_db()
        assert case.current_assignment.extension_until is None
    response = post(
        lead,
        case,
        "request_extension",
        until=str(deadline + datetime.timedelta(days=20)),
        reason="需要协调用地",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.current_assignment.extension_until == deadline + datetime.timedelta(days=20)

"""A department reads only the rounds it handled: a case it returned as not its remit leaves
its scope, an earlier round stays readable without the later ones, and Wagtail's own
site-history report shows case log entries only to those who may see the case."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from submissions import roles, workflow
from submissions.models import Assignment, Case
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user


@pytest.fixture
def world(db):
    station = StationFactory()
    a, b = DepartmentFactory(name="县交通局"), DepartmentFactory(name="县住建局")
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "a": make_user("handler_a", roles.HANDLER, department=a),
        "a2": make_user("handler_a2", roles.HANDLER, department=a),
        "b": make_user("handler_b", roles.HANDLER, department=b),
    }
    case = make_case(station, title="园区东门道路坑洼")
    case = workflow.accept(case, users["staff"])
    case = workflow.assign(case, users["committee"], a)
    return {"case": case, "a": a, "b": b, "users": users}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestReturnedCases:
    def test_a_returned_case_leaves_the_department_and_the_next_one_sees_only_its_round(
        self, world
    ):
        users, case = world["users"], world["case"]
        a = client_for(users["a"])
        response = a.post(
            f"/admin/cases/{case.pk}/act/return/", {"return-reason": "属于县住建局职责"}
        )
        assert response.status_code == 302 and response.url == "/admin/cases/claims/"
        assert a.get(f"/admin/cases/{case.pk}/").status_code == 404
        assert "园区东门道路坑洼" not in a.get("/admin/cases/claims/").text
        workflow.assign(case, users["committee"], world["b"])
        assert a.get(f"/admin/cases/{case.pk}/").status_code == 404
        page = client_for(users["b"]).get(f"/admin/cases/{case.pk}/").text
        assert "属于县住建局职责" not in page  # A's return reason belongs to A's round
        assert "县住建局" in page
        # the committee still sees both rounds and the reason
        committee = client_for(users["committee"]).get(f"/admin/cases/{case.pk}/").text
        assert "属于县住建局职责" in committee and "县交通局" in committee

    def test_a_signed_case_cannot_be_returned(self, world):
        users, case = world["users"], world["case"]
        case = workflow.sign(case, users["a"])
        a = client_for(users["a"])
        assert 'data-action="return"' not in a.get(f"/admin/cases/{case.pk}/").text
        with pytest.raises(workflow.WorkflowError, match="已签收的诉求件不能退回"):
            workflow.return_case(case, users["a"], "不属本单位职责")
        case.refresh_from_db()
        assert case.status == Case.Status.ASSIGNED

    def test_the_colleague_who_loses_the_race_is_told_the_truth(self, world):
        """Two handlers of the department open the case; one returns it, the other then
        presses 签收 on the page they still have open."""
        users, case = world["users"], world["case"]
        workflow.return_case(case, users["a"], "属于县住建局职责")
        late = client_for(users["a2"]).post(f"/admin/cases/{case.pk}/act/sign/", follow=True)
        assert late.redirect_chain[-1][0] == "/admin/cases/claims/"
        assert "该件已退回选联工委，无需再办理" in late.text
        assert Assignment.objects.get(case=case).signed_at is None


@pytest.mark.django_db
def test_a_department_keeps_its_own_earlier_round_and_nothing_after(world):
    """Round 1 was A's (replied), round 2 went to B: A reads round 1 only, and its reply
    document; B reads round 2 only."""
    users, case = world["users"], world["case"]
    case = workflow.sign(case, users["a"])
    case = workflow.reply(case, users["a"], "交通局已派员查看", "resolved")
    first = case.current_assignment
    later = timezone.now() + datetime.timedelta(minutes=1)
    second = Assignment.objects.create(
        case=case,
        round=2,
        lead_department=world["b"],
        assigned_at=later,
        due_at=later + datetime.timedelta(days=7),
        reply_text="住建局已安排修补",
        replied_at=later,
    )
    Case.objects.filter(pk=case.pk).update(current_assignment=second)
    a_page = client_for(users["a"]).get(f"/admin/cases/{case.pk}/").text
    assert "交通局已派员查看" in a_page and "住建局已安排修补" not in a_page
    b_page = client_for(users["b"]).get(f"/admin/cases/{case.pk}/").text
    assert "住建局已安排修补" in b_page and "交通局已派员查看" not in b_page
    assert {r.pk for r in roles.visible_rounds(users["a"], case)} == {first.pk}


@pytest.mark.django_db
def test_site_history_shows_case_entries_only_within_scope(world):
    users = world["users"]
    theirs = workflow.accept(make_case(title="别的单位的诉求"), users["staff"])
    workflow.assign(theirs, users["committee"], world["b"])
    a = client_for(users["a"])
    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/?export=csv"):
        response = a.get(url)
        body = (
            b"".join(response.streaming_content).decode()
            if response.streaming
            else response.content.decode()
        )
        assert theirs.reference not in body and "别的单位的诉求" not in body, url
    committee = client_for(users["committee"]).get("/admin/reports/site-history/").text
    assert theirs.reference in committee


@pytest.mark.django_db
def test_free_text_is_masked_for_roles_without_contact_rights(world):
    """Submitters type phones, names and home addresses into the text itself."""
    users = world["users"]
    secrets = ("13812345678", "张建国", "星湖街300号5幢600室", "wxid_zjg1980")
    case = make_case(
        title="张建国经理反映13812345678",
        description="请联系张建国经理，电话138-1234-5678，微信wxid_zjg1980。",
        place="星湖街300号5幢600室",
        submitter_name="李四",
    )
    case = workflow.accept(case, users["staff"])
    case = workflow.assign(case, users["committee"], world["a"])
    workflow.add_note(case, users["staff"], "已致电13812345678，张建国经理说周五前答复")
    handler_page = client_for(users["a"]).get(f"/admin/cases/{case.pk}/").text
    for secret in secrets + ("138-1234-5678", "李四"):
        assert secret not in handler_page, secret
    assert "反映" in handler_page and "经理" in handler_page  # the rest of the text is kept
    # Staff read the text as typed only through the recorded read of contact details.
    staff = client_for(users["staff"])
    staff_page = staff.get(f"/admin/cases/{case.pk}/").text
    for secret in secrets:
        assert secret not in staff_page, secret
    staff_page = staff.post(f"/admin/cases/{case.pk}/contact/", {"reason": "核实"}).text
    for secret in secrets:
        assert secret in staff_page, secret


@pytest.mark.django_db
def test_queue_titles_are_masked_for_roles_without_contact_rights(world):
    users = world["users"]
    case = make_case(title="张建国经理反映13812345678路灯不亮")
    case = workflow.accept(case, users["staff"])
    workflow.assign(case, users["committee"], world["a"])
    listing = client_for(users["a"]).get("/admin/cases/claims/").text
    assert "路灯不亮" in listing
    assert "13812345678" not in listing and "张建国" not in listing
    # The committee's list masks too: the title as typed is read on the case page, through
    # the recorded read of contact details.
    committee = client_for(users["committee"])
    staff_listing = committee.get("/admin/cases/claims/").text
    assert "路灯不亮" in staff_listing and "13812345678" not in staff_listing
    page = committee.post(f"/admin/cases/{case.pk}/contact/", {"reason": "核实"}).text
    assert "张建国经理反映13812345678路灯不亮" in page


@pytest.mark.django_db
def test_rounds_marked_key_before_0019_become_the_cases_key_supervision(world):
    """Key supervision belongs to the case; the data migration moves the old round mark there
    and keeps the round's place: the first round normal, a later one continued."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("submissions.migrations.0019_drop_key_supervision_round")
    case = world["case"]
    first = case.current_assignment
    second = Assignment.objects.create(
        case=case,
        round=2,
        lead_department=world["b"],
        assigned_at=first.assigned_at,
        due_at=first.due_at,
    )
    untouched = make_case(StationFactory(), title="另一件")
    Assignment.objects.filter(pk__in=[first.pk, second.pk]).update(supervision="key")

    migration.move_key_to_the_case(apps, None)

    first.refresh_from_db(), second.refresh_from_db(), case.refresh_from_db()
    untouched.refresh_from_db()
    assert (first.supervision, second.supervision) == ("normal", "continued")
    assert case.key_supervised and not untouched.key_supervised

"""The three ledgers: paper-form columns, role-scoped rows and personal data, logged."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group

from submissions import ledgers, roles, workflow
from submissions.models import Case, LedgerExport
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    close_through_workflow,
    make_case,
    make_user,
)


@pytest.fixture
def world(db):
    station, ours, theirs = StationFactory(), DepartmentFactory(), DepartmentFactory()
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=ours),
    }
    cases = []
    for department, title in ((ours, "我单位的诉求"), (theirs, "别的单位的诉求")):
        case = make_case(station, title=title)
        workflow.accept(case, users["staff"])
        case = workflow.assign(case, users["committee"], department)
        workflow.sign(case, make_user(f"h{department.pk}", roles.HANDLER, department=department))
        cases.append(case)
    return {"users": users, "cases": cases}


def download(client, user, kind):
    client.force_login(user)
    response = client.get(f"/admin/cases/ledgers/{kind}.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "headings"),
    [
        ("problems", ["编号", "收集日期", "渠道", "企业", "类别", "问题内容", "收集代表"]),
        (
            "claims",
            [
                "编号",
                "问题摘要",
                "对口工委",
                "承办单位",
                "交办日期",
                "办结时限",
                "签收日期",
                "答复日期",
                "办理结果",
            ],
        ),
        ("disclosure", ["编号", "问题摘要", "承办单位", "办理结果", "办结日期", "满意度"]),
    ],
)
def test_columns_follow_the_paper_forms_and_personal_data_only_for_staff(
    client, world, kind, headings
):
    handler_rows = download(client, world["users"]["handler"], kind)
    assert handler_rows[0] == headings
    staff_rows = download(client, world["users"]["staff"], kind)
    personal = [] if kind == "disclosure" else ["反映人", "联系电话"]  # 公示清单: never
    assert staff_rows[0] == headings + personal


@pytest.mark.django_db
def test_a_department_exports_only_its_own_cases_and_every_export_is_logged(client, world):
    rows = download(client, world["users"]["handler"], "claims")
    assert [row[1] for row in rows[1:]] == ["我单位的诉求"]
    assert "13807961234" not in str(rows)
    rows = download(client, world["users"]["committee"], "problems")
    assert len(rows) == 3 and "13807961234" in str(rows)
    log = list(
        LedgerExport.objects.order_by("created_at").values_list(
            "user__username", "ledger", "rows", "with_personal_data"
        )
    )
    assert log == [("handler", "claims", 1, False), ("committee", "problems", 2, True)]


@pytest.mark.django_db
def test_unknown_ledger_is_404(client, world):
    client.force_login(world["users"]["staff"])
    assert client.get("/admin/cases/ledgers/secret.xlsx").status_code == 404


DISCLOSURE_HEADINGS = ["编号", "问题摘要", "承办单位", "办理结果", "办结日期", "满意度"]


def every_role(department, deputy):
    """One login per role, a superuser, and one user who holds every role at once."""
    users = {}
    for index, role in enumerate(roles.GROUP_PERMISSIONS):
        users[role] = make_user(
            f"u-{index}",
            role,
            department=department if role == roles.HANDLER else None,
            deputy=deputy if role == roles.DEPUTY else None,
        )
    everything = make_user("all-roles", department=department)
    everything.groups.set(Group.objects.filter(name__in=roles.GROUP_PERMISSIONS))
    users["all roles"] = everything
    superuser = make_user("root")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    users["superuser"] = superuser
    return users


@pytest.mark.django_db
def test_the_disclosure_list_never_carries_the_submitters_name_or_phone(client, world):
    department = DepartmentFactory()
    deputy = DeputyFactory()
    handler = make_user("closer", roles.HANDLER, department=department)
    case = make_case(
        deputy=deputy, submitter_name="赵秘密", submitter_phone="13912345678", title="路灯不亮"
    )
    close_through_workflow(
        case,
        staff=world["users"]["staff"],
        committee=world["users"]["committee"],
        department=department,
        handler=handler,
        reply="已修复。",
    )
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    secrets = ("赵秘密", "13912345678", "反映人", "联系电话")
    for role, user in every_role(department, deputy).items():
        # the export itself, for every role, also those the admin view would not let in
        chunks, _filename, count = ledgers.export("disclosure", user)
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(chunks))).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert rows[0] == DISCLOSURE_HEADINGS, role
        assert count == len(rows) - 1
        assert not any(secret in str(rows) for secret in secrets), role
        if role != roles.EDITOR and role != roles.MODERATOR:
            assert [row[0] for row in rows[1:]] == [case.reference], role
        # and through the admin, for every role that may download ledgers at all
        client.force_login(user)
        response = client.get("/admin/cases/ledgers/disclosure.xlsx")
        if response.status_code == 200:
            content = b"".join(response.streaming_content)
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
            assert rows[0] == DISCLOSURE_HEADINGS, role
            assert not any(secret in str(rows) for secret in secrets), role
    logged = LedgerExport.objects.filter(ledger="disclosure")
    assert logged.exists() and not logged.filter(with_personal_data=True).exists()

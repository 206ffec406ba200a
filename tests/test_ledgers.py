"""The three ledgers: paper-form columns, a chosen period and department, role-scoped rows and
personal data, logged; and files that print as the paper forms (title, 序号, headings on every
page, landscape A4 one page wide, page numbers, real dates and rates)."""

import datetime
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from disclosure import notices
from disclosure.models import DisclosureIndexPage, DisclosureNotice
from submissions import ledgers, roles, workflow
from submissions.models import Case, Category, LedgerExport
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    close_through_workflow,
    make_case,
    make_user,
)

STATION = "云溪县工业园区人大代表联络站"
NOVEMBER = {"month": "2026-11"}
CHINESE_DATE = 'yyyy"年"m"月"d"日"'
DISCLOSURE_HEADINGS = [
    "序号",
    "编号",
    "问题摘要",
    "承办单位",
    "办理情况",
    "办理结果",
    "办结日期",
    "公示日期",
    "满意度",
]


def received(case, day):
    Case.objects.filter(pk=case.pk).update(received_on=day)
    return case


@pytest.fixture
def world(db):
    station = StationFactory(name=STATION)
    ours, theirs = DepartmentFactory(name="县人社局"), DepartmentFactory(name="县交通局")
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
        cases.append(received(case, datetime.date(2026, 11, 5)))
    return {"users": users, "cases": cases, "ours": ours, "theirs": theirs, "station": station}


def get(client, user, kind, **params):
    client.force_login(user)
    return client.get(f"/admin/cases/ledgers/{kind}.xlsx", params or NOVEMBER)


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def download(client, user, kind, **params):
    """The title, the heading row, and the data rows without their 序号."""
    rows = values(sheet_of(get(client, user, kind, **params)))
    title, headings, data = rows[0][0], rows[1], rows[2:]
    assert headings[0] == "序号" and [row[0] for row in data] == list(range(1, len(data) + 1))
    return title, headings[1:], [row[1:] for row in data]


def filename(response):
    header = response["Content-Disposition"]
    match = re.search(r"filename\*=utf-8''([^;]+)", header)
    assert header.startswith("attachment;") and match, header
    return unquote(match[1])


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
                "协办单位",
                "交办日期",
                "办结时限",
                "签收日期",
                "答复日期",
                "轮次",
                "退回",
                "延期",
                "督办级别",
                "办理情况",
                "办理结果",
            ],
        ),
        ("disclosure", DISCLOSURE_HEADINGS[1:]),
    ],
)
def test_columns_follow_the_paper_forms_and_personal_data_only_for_staff(
    client, world, kind, headings
):
    _title, handler_headings, _rows = download(client, world["users"]["handler"], kind)
    assert handler_headings == headings
    _title, staff_headings, _rows = download(client, world["users"]["staff"], kind)
    personal = [] if kind == "disclosure" else ["反映人", "联系电话"]  # 公示清单: never
    assert staff_headings == headings + personal


@pytest.mark.django_db
def test_a_department_exports_only_its_own_cases_and_every_export_is_logged(client, world):
    _title, _headings, rows = download(client, world["users"]["handler"], "claims")
    assert [row[1] for row in rows] == ["我单位的诉求"]
    assert "13807961234" not in str(rows)
    _title, _headings, rows = download(client, world["users"]["committee"], "problems")
    assert len(rows) == 2 and "13807961234" in str(rows)
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


@pytest.mark.django_db
def test_the_file_prints_as_the_paper_form(client, world):
    response = get(client, world["users"]["committee"], "problems")
    assert filename(response) == "问题清单-2026年11月.xlsx"
    sheet = sheet_of(response)
    # The title row across the table names the station, the list and the period.
    title = sheet["A1"].value
    assert title.startswith(f"{STATION} 问题清单") and "2026年11月" in title
    assert [str(cells) for cells in sheet.merged_cells.ranges] == ["A1:J1"]
    assert sheet["A1"].font.b
    # The bold heading row (with the title) comes back on every printed page.
    assert sheet.print_title_rows == "$1:$2"
    assert all(cell.font.b and cell.border.bottom.style == "thin" for cell in sheet[2])
    # Landscape A4, one page wide and as many tall as needed, with page numbers.
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # 1 is the default, left out
    footer = sheet.oddFooter.center.text
    assert "&P" in footer and "&N" in footer
    assert sheet.oddHeader.right.text == "问题清单"
    # Set widths; long text wraps; every cell has its border.
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABG"}
    assert widths["A"] < 8 and 16 <= widths["B"] < 20 and widths["G"] >= 48
    content = sheet["G3"]
    assert content.value.startswith("我单位的诉求") and content.alignment.wrap_text
    assert all(cell.border.left.style == "thin" for cell in sheet[3])
    # A real date, shown the Chinese way.
    date = sheet["C3"]
    assert date.is_date and date.number_format == CHINESE_DATE
    assert date.value == datetime.datetime(2026, 11, 5)


@pytest.mark.django_db
def test_the_period_counts_cases_by_the_date_they_were_received(client, world):
    ours = world["cases"][0]
    staff = world["users"]["staff"]
    for day, title in (
        (datetime.date(2026, 10, 31), "十月底"),
        (datetime.date(2026, 11, 30), "十一月底"),
        (datetime.date(2026, 12, 1), "十二月初"),
    ):
        workflow.accept(received(make_case(ours.station, title=title), day), staff)
    committee = world["users"]["committee"]

    def titles(**params):
        _title, _headings, rows = download(client, committee, "problems", **params)
        return [row[5].split("：")[0] for row in rows]

    assert titles(month="2026-11") == ["我单位的诉求", "别的单位的诉求", "十一月底"]
    assert titles(month="2026年12月") == ["十二月初"]  # as typed where there is no month picker
    assert titles(start="2026-10-31", end="2026-11-05") == [
        "十月底",
        "我单位的诉求",
        "别的单位的诉求",
    ]
    # Dates, when both are given, are used instead of the month.
    response = get(
        client, committee, "problems", month="2026-10", start="2026-11-30", end="2026-12-01"
    )
    name = filename(response)
    assert name.startswith("问题清单-2026年11月30日") and "2026年12月1日" in name
    sheet = sheet_of(response)
    assert "2026年11月30日" in sheet["A1"].value
    assert [row[6].value.split("：")[0] for row in sheet.iter_rows(min_row=3)] == [
        "十一月底",
        "十二月初",
    ]


@pytest.mark.django_db
def test_the_committee_chooses_a_department(client, world):
    committee, theirs = world["users"]["committee"], world["theirs"]
    title, _headings, rows = download(
        client, committee, "claims", month="2026-11", department=theirs.pk
    )
    assert [row[1] for row in rows] == ["别的单位的诉求"] and "县交通局" in title
    _title, _headings, rows = download(
        client, committee, "problems", month="2026-11", department=theirs.pk
    )
    assert [row[5].split("：")[0] for row in rows] == ["别的单位的诉求"]
    response = get(client, committee, "claims", month="2026-11", department=theirs.pk)
    assert filename(response) == "认领清单-县交通局-2026年11月.xlsx"


@pytest.mark.django_db
def test_a_handler_cannot_export_another_departments_rows(client, world):
    handler, theirs = world["users"]["handler"], world["theirs"]
    for kind in ("problems", "claims"):
        title, _headings, rows = download(
            client, handler, kind, month="2026-11", department=theirs.pk
        )
        assert "别的单位的诉求" not in str(rows) and "我单位的诉求" in str(rows), kind
        assert "县交通局" not in title
    page = client.get("/admin/cases/ledgers/").content.decode()
    assert 'name="department"' not in page  # a department has nothing to choose


@pytest.mark.django_db
def test_a_case_is_one_row_with_its_rounds_summarised_and_a_department_reads_its_own(client, world):
    """A case the other department returned and ours then took, with an assisting department,
    an extension and a send-back: one row, its rounds summarised; our department's row never
    shows the other department's round."""
    staff, committee = world["users"]["staff"], world["users"]["committee"]
    case = received(make_case(world["station"], title="转来的诉求"), datetime.date(2026, 11, 9))
    workflow.accept(case, staff)
    case = workflow.assign(case, committee, world["theirs"])
    other = make_user("other-handler", roles.HANDLER, department=world["theirs"])
    case = workflow.return_case(case, other, "不属本单位职责")
    helper = DepartmentFactory(name="县住建局")
    case = workflow.assign(case, committee, world["ours"], assisting=[helper])
    ours = world["users"]["handler"]
    case = workflow.sign(case, ours)
    until = timezone.localtime(case.current_assignment.due_at).date() + datetime.timedelta(days=5)
    case = workflow.request_extension(case, ours, until, "需协调")
    case = workflow.decide_extension(case, committee, True)
    case = workflow.reply(case, ours, "已组织专场招聘会", "resolved")
    workflow.send_back(case, committee, "请写明招聘人数")
    _title, headings, rows = download(client, ours, "claims")
    summary = dict(zip(headings, next(row for row in rows if row[1] == "转来的诉求"), strict=False))
    assert [row[1] for row in rows] == ["我单位的诉求", "转来的诉求"]  # one row per case
    assert (summary["承办单位"], summary["协办单位"], summary["轮次"]) == (
        "县人社局",
        "县住建局",
        2,
    )
    assert summary["退回"] is None  # the other department's round is not ours to read
    assert summary["延期"].endswith("（已同意）") and summary["督办级别"] == "持续督办"
    _title, headings, rows = download(client, committee, "claims")
    summary = dict(zip(headings, next(row for row in rows if row[1] == "转来的诉求"), strict=False))
    assert [row[1] for row in rows].count("转来的诉求") == 1
    assert summary["退回"].startswith("县交通局（") and summary["承办单位"] == "县人社局"
    assert summary["办理情况"] is None  # the current round (after the send-back) has no reply


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"start": "2026-12-01", "end": "2026-11-01"}, "end", "截止日期早于起始日期。"),
        ({"start": "2026-13-45", "end": "2026-11-01"}, "start", None),
        ({"start": "2026-11-01"}, "end", None),
        ({"month": "2026-13"}, "month", "请按“年-月”填写"),
        # longer than the station's limit for a detailed ledger (366 days)
        ({"start": "2024-01-01", "end": "2025-12-31"}, "end", "台账期间最长366天"),
        # a department that does not exist (or was never offered)
        ({"department": "999999"}, "department", "请从列表中选择承办单位"),
    ],
)
def test_bad_choices_come_back_next_to_the_field_with_what_was_typed(
    client, world, params, field, message
):
    response = get(client, world["users"]["committee"], "problems", **params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'aria-describedby="id_{field}_error"' in page
    if message:
        assert message in page
    for name, value in params.items():
        if name != "department":  # a list cannot show a choice it does not offer
            assert f'value="{value}"' in page, name
    assert not LedgerExport.objects.exists()  # nothing was exported


@pytest.mark.django_db
def test_the_ledgers_page_is_a_form_for_the_period(client, world):
    client.force_login(world["users"]["committee"])
    page = client.get("/admin/cases/ledgers/").content.decode()
    for name in ("month", "start", "end", "department"):
        assert f'name="{name}"' in page, name
    for kind in ("problems", "claims", "disclosure"):
        assert f'formaction="/admin/cases/ledgers/{kind}.xlsx"' in page
    this_month = timezone.localdate()
    assert f'name="month" value="{this_month:%Y-%m}"' in page


@pytest.fixture
def disclosure_index(home_page):
    return home_page.add_child(instance=DisclosureIndexPage(title="公示", slug="disclosure"))


def a_notice(index, reference, disclosed_on, live=True, case=None, department=None):
    return index.add_child(
        instance=DisclosureNotice(
            title=f"公示{reference}",
            slug=reference.lower(),
            reference=reference,
            category=Category.objects.first(),
            case=case,
            department=department,
            outcome="resolved",
            rating="satisfied",
            closed_on=disclosed_on - datetime.timedelta(days=3),
            disclosed_on=disclosed_on,
            summary="路灯不亮。",
            handling=f"已修复（{reference}）。",
            live=live,
        )
    )


@pytest.mark.django_db
def test_the_disclosure_ledger_lists_the_live_notices_of_the_period(
    client, world, disclosure_index
):
    ours, theirs = world["cases"]
    november = datetime.date(2026, 11, 20)
    a_notice(disclosure_index, "N-1", november, case=ours, department=world["ours"])
    a_notice(disclosure_index, "N-2", november, case=theirs, department=world["theirs"])
    a_notice(disclosure_index, "N-DRAFT", november, live=False, case=ours)
    a_notice(disclosure_index, "N-OCT", datetime.date(2026, 10, 31), case=ours)
    title, headings, rows = download(client, world["users"]["committee"], "disclosure")
    assert "公示清单" in title
    assert [row[0] for row in rows] == ["N-1", "N-2"]  # live, and disclosed in November
    row = dict(zip(headings, rows[0], strict=True))
    assert row["办理情况"] == "已修复（N-1）。" and row["办理结果"].startswith("A")
    assert row["公示日期"] == datetime.datetime(2026, 11, 20)
    assert row["办结日期"] == datetime.datetime(2026, 11, 17)
    # The committee may choose a department; a department only ever gets its own.
    _title, _headings, rows = download(
        client,
        world["users"]["committee"],
        "disclosure",
        month="2026-11",
        department=world["theirs"].pk,
    )
    assert [row[0] for row in rows] == ["N-2"]
    _title, _headings, rows = download(
        client, world["users"]["handler"], "disclosure", department=world["theirs"].pk, **NOVEMBER
    )
    assert [row[0] for row in rows] == ["N-1"]


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
def test_the_disclosure_list_never_carries_the_submitters_name_or_phone(
    client, world, disclosure_index
):
    department = DepartmentFactory()
    deputy = DeputyFactory()
    handler = make_user("closer", roles.HANDLER, department=department)
    case = make_case(
        deputy=deputy,
        submitter_name="赵秘密",
        submitter_phone="13912345678",
        title="路灯不亮",
        allow_disclosure=True,
        description="赵秘密反映：路灯不亮，电话13912345678。",
    )
    close_through_workflow(
        case,
        staff=world["users"]["staff"],
        committee=world["users"]["committee"],
        department=department,
        handler=handler,
        reply="已修复，已电话13912345678告知。",
    )
    notice, _created = notices.generate(case, world["users"]["staff"])
    notice.save_revision().publish()
    period = ledgers.Period.this_month()
    secrets = ("赵秘密", "13912345678", "反映人", "联系电话")
    for role, user in every_role(department, deputy).items():
        # the export itself, for every role, also those the admin view would not let in
        result = ledgers.export("disclosure", user, period)
        rows = values(openpyxl.load_workbook(result.file).active)
        assert rows[1] == DISCLOSURE_HEADINGS, role
        assert result.rows == len(rows) - 2
        assert not any(secret in str(rows) for secret in secrets), role
        if role != roles.EDITOR and role != roles.MODERATOR:
            assert [row[1] for row in rows[2:]] == [case.reference], role
        # and through the admin, for every role that may download ledgers at all
        client.force_login(user)
        response = client.get("/admin/cases/ledgers/disclosure.xlsx")
        if response.status_code == 200:
            rows = values(sheet_of(response))
            assert rows[1] == DISCLOSURE_HEADINGS, role
            assert not any(secret in str(rows) for secret in secrets), role
    logged = LedgerExport.objects.filter(ledger="disclosure")
    assert logged.exists() and not logged.filter(with_personal_data=True).exists()


@pytest.mark.django_db
def test_the_directors_report_prints_with_rates_as_percentages(client, world):
    committee, staff = world["users"]["committee"], world["users"]["staff"]
    case = make_case(world["station"], title="已答复的诉求")
    close_through_workflow(
        case,
        staff=staff,
        committee=committee,
        department=world["ours"],
        handler=world["users"]["handler"],
        reply="已解决。",
    )
    client.force_login(committee)
    today = timezone.localdate().isoformat()
    response = client.get("/admin/cases/report/", {"start": today, "end": today, "format": "xlsx"})
    assert filename(response).startswith("主任会议报告-")
    sheet = sheet_of(response)
    assert sheet["A1"].value.startswith(f"{STATION} 主任会议报告")
    assert sheet.print_title_rows == "$1:$1"
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert "&P" in sheet.oddFooter.center.text
    figures = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert figures["收到"].value == 1 and figures["收到"].border.left.style == "thin"
    satisfaction = figures["满意率"]
    assert satisfaction.value == 1 and satisfaction.number_format == "0.0%"
    assert isinstance(satisfaction.value, int | float)


@pytest.mark.django_db
def test_text_with_control_characters_exports_cleanly(client, world):
    from submissions.models import Case

    Case.objects.update(title="路灯\x07不亮\x1b[31m\x01")  # PostgreSQL holds no NUL
    _title, _headings, rows = download(client, world["users"]["committee"], "problems")
    cells = [str(value) for row in rows for value in row if value is not None]
    assert any("路灯不亮[31m" in cell for cell in cells), cells
    assert not any(ch in cell for cell in cells for ch in "\x01\x07\x1b")


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_rows(world):
    """An export reads each chunk of rows in a fixed number of queries, however many cases,
    rounds and assisting departments it holds (50,000 rows must not become 50,000 queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    committee, staff = world["users"]["committee"], world["users"]["staff"]
    november = ledgers.Period.month(2026, 11)

    def queries(kind):
        with CaptureQueriesContext(connection) as captured:
            ledgers.export(kind, committee, november).file.close()
        return len(captured)

    before = {kind: queries(kind) for kind in ("problems", "claims", "disclosure")}
    for n in range(3):
        case = received(make_case(world["station"], title=f"又一件{n}"), datetime.date(2026, 11, 7))
        workflow.accept(case, staff)
        helpers = [DepartmentFactory(name=f"协办{n}{m}") for m in range(2)]
        case = workflow.assign(case, committee, world["theirs"], assisting=helpers)
        other = make_user(f"returner{n}", roles.HANDLER, department=world["theirs"])
        case = workflow.return_case(case, other, "不属本单位职责")
        workflow.assign(case, committee, world["ours"], assisting=helpers)
    assert {kind: queries(kind) for kind in before} == before

"""No export carries a formula a submitter planted (OWASP "CSV injection").

Text that begins with = + - @, a tab or a carriage return is written with a leading apostrophe,
by every exporter: the Wagtail listings with list_export (CSV and XLSX), the three print-ready
ledgers, the director's report and the not-visited list. Numbers and dates stay numbers and
dates."""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.base import ViewSet

from disclosure.models import DisclosureIndexPage, DisclosureNotice
from portal.exports import CONTROL, FORMULA_STARTS, neutralise
from portal.xlsx_print import DATE, INTEGER, PERCENT, TEXT, Column, PrintableWorkbook
from submissions import roles, workflow
from submissions.ledgers import ledgers
from submissions.models import Assignment, Case, Category, Committee
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    EnterpriseFactory,
    StationFactory,
    make_case,
    make_user,
)
from visits.models import VisitCampaign

# What a cell read back may not begin with. "\n" too: an XML reader turns a raw "\r" into "\n",
# so an unquoted "\r=..." in an XLSX would come back as "\n=...". No honest cell starts so.
DANGEROUS = (*FORMULA_STARTS, "\n")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")  # a CSV cell written from a real number

# Text as people type it (any script, punctuation, tabs and line breaks), but nothing an XML
# file cannot hold: no other control characters, surrogates or non-characters.
BODY = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cn", "Co"))
    | st.sampled_from("\t\r\n"),
    max_size=15,  # with its first character it fits a 20-character column, as PostgreSQL demands
)
# One text per dangerous first character, so every example plants each of them.
PLANTED = st.tuples(*(BODY.map(lambda body, start=start: start + body) for start in FORMULA_STARTS))


# The neutraliser itself ----------------------------------------------------------------------


@given(text=st.text())
def test_text_that_begins_like_a_formula_gets_an_apostrophe_and_nothing_else_changes(text):
    """...but for control characters, which no spreadsheet can hold: they are dropped first."""
    result = neutralise(text)
    assert not result.startswith(FORMULA_STARTS)
    assert not CONTROL.search(result)
    clean = "".join(ch for ch in text if ch in "\t\n\r" or not (ord(ch) < 32 or ord(ch) == 127))
    assert result == ("'" + clean if clean.startswith(FORMULA_STARTS) else clean)


@given(
    value=st.integers()
    | st.floats(allow_nan=False)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.dates()
    | st.datetimes()
    | st.booleans()
    | st.none()
)
def test_numbers_dates_and_booleans_are_never_touched(value):
    assert neutralise(value) is value


def test_the_print_ready_xlsx_writes_numbers_as_numbers_and_quotes_formula_text():
    texts = ["=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx", "正常"]
    book = PrintableWorkbook()
    sheet = book.sheet("t", "=title", [Column(f"-{n}") for n in range(7)])
    sheet.row(texts)
    kinds = [INTEGER, INTEGER, INTEGER, INTEGER, DATE, TEXT, PERCENT]
    sheet.row([-5, -1.5, Decimal("-2.5"), 0, datetime.date(2026, 1, 2), True, 0.5], kinds)
    sheet.row([None] * 7)
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(book.close()).active]
    title, headings, text, numbers, empty = rows
    assert title[0] == "'=title" and headings == [f"'-{n}" for n in range(7)]
    # A carriage return is stored as Excel's escape _x000D_, which Excel reads back as "\r".
    assert text == ["'=SUM(A1)", "'+1", "'-1", "'@x", "'\tx", "'_x000D_x", "正常"]
    assert numbers == [-5, -1.5, -2.5, 0, datetime.datetime(2026, 1, 2), "是", 0.5]
    assert [type(value) for value in numbers[:4]] == [int, float, float, int]
    assert empty == [None] * 7


def exporting_viewsets():
    """The registered admin listings that offer CSV and XLSX downloads."""
    reverse("wagtailadmin_home")  # loading the admin URLs registers the viewsets
    return [
        viewset
        for viewset in viewsets.viewsets
        if getattr(viewset, "list_export", ViewSet.UNDEFINED) not in (ViewSet.UNDEFINED, [], ())
    ]


def test_every_wagtail_export_goes_through_the_guard():
    """Listings and Wagtail's own reports share SpreadsheetExportMixin; the guard wraps it."""
    from wagtail.admin.views.mixins import SpreadsheetExportMixin
    from wagtail.admin.views.reports.audit_logging import LogEntriesView

    exporting = exporting_viewsets()
    assert {type(viewset).__name__ for viewset in exporting} >= {"EnterpriseViewSet", "AllQueue"}
    for view in [viewset.index_view_class for viewset in exporting] + [LogEntriesView]:
        assert issubclass(view, SpreadsheetExportMixin), view
        assert view.preprocess_field_value is SpreadsheetExportMixin.preprocess_field_value
    assert SpreadsheetExportMixin._formula_guard


@pytest.mark.django_db
def test_the_site_history_report_quotes_a_planted_formula(client, admin_user):
    """A log entry's label is the object's name, typed or imported: =… must not run."""
    from wagtail.log_actions import log

    enterprise = EnterpriseFactory(name='=HYPERLINK("http://x","点我")')
    log(instance=enterprise, action="wagtail.edit", user=admin_user)
    client.force_login(admin_user)
    for export in ("csv", "xlsx"):
        response = client.get("/admin/reports/site-history/", {"export": export})
        rows = read_csv(response) if export == "csv" else read_xlsx(response)
        labels = [v for row in rows for v, _kind in row if isinstance(v, str) and "HYPERLINK" in v]
        assert labels and not unsafe_cells(rows), export
        assert all(label.startswith("'=") for label in labels), labels


# Every exporter, end to end ------------------------------------------------------------------


def exporting_listings():
    return {viewset.name: viewset.menu_url for viewset in exporting_viewsets()}  # the index


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [[(cell, "csv") for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]


def read_xlsx(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[(unescape(cell.value), "xlsx") for cell in row] for row in sheet.iter_rows()]


def unescape(value):
    """A text cell as Excel reads it: XlsxWriter stores control characters as _xHHHH_."""
    if not isinstance(value, str):
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), value)


def unsafe_cells(rows):
    return [
        value
        for row in rows
        for value, kind in row
        if isinstance(value, str)
        and value.startswith(DANGEROUS)
        and not (kind == "csv" and NUMBER.match(value))
    ]


def plant(texts, station, people):
    """Cases in every status, and the names around them, with the planted texts."""
    t = list(texts)
    department = DepartmentFactory(name=t[0] + "局")
    committee = Committee.objects.create(name=t[1] + "工委")
    category = Category.objects.create(name=t[2] + "类")
    deputy = DeputyFactory(station=station, name=t[3])
    EnterpriseFactory(name=t[4], address=t[5], industry=t[0], contact_name=t[1], contact_phone=t[2])
    handler = make_user(f"handler{department.pk}", roles.HANDLER, department=department)

    def case(n):
        return make_case(
            station,
            title=t[n % 6],
            description=t[(n + 1) % 6],
            enterprise_name=t[(n + 2) % 6],
            submitter_name=t[(n + 3) % 6],
            submitter_phone=t[(n + 4) % 6],
            category=category,
            deputy=deputy,
        )

    staff, boss = people["staff"], people["committee"]

    def replied(case):
        case = workflow.assign(workflow.accept(case, staff), boss, department)
        return workflow.reply(workflow.sign(case, handler), handler, "已解决。", "resolved")

    make_case(station, title=t[5], category=category)  # submitted
    workflow.accept(case(0), staff)  # listed
    late = workflow.assign(workflow.accept(case(1), staff), boss, department, committee)
    Assignment.objects.filter(pk=late.current_assignment_id).update(
        due_at=timezone.now() - datetime.timedelta(days=1)
    )  # assigned and overdue: claim list, continued supervision, the report's attention list
    replied(case(2))  # replied
    returned = workflow.assign(workflow.accept(case(5), staff), boss, department, committee)
    workflow.return_case(returned, handler, t[0])  # back on the list, the reason planted
    asking = workflow.sign(
        workflow.assign(workflow.accept(case(0), staff), boss, department), handler
    )
    until = timezone.localtime(asking.current_assignment.due_at).date() + datetime.timedelta(days=5)
    workflow.request_extension(asking, handler, until, t[1])  # awaiting the committee's decision
    workflow.approve(replied(case(3)), boss)  # awaiting feedback
    closed = workflow.record_feedback(workflow.approve(replied(case(4)), boss), "satisfied")
    assert set(Case.objects.values_list("status", flat=True)) >= {
        Case.Status.SUBMITTED,
        Case.Status.LISTED,
        Case.Status.ASSIGNED,
        Case.Status.REPLIED,
        Case.Status.AWAITING_FEEDBACK,
        Case.Status.CLOSED,
    }
    # The privacy logs (issue 17): a reason typed by staff, the words a search was for.
    from privacy.models import Anonymisation, ContactRead, PersonRequest

    ContactRead.objects.create(case=closed, user=staff, reason=t[3])
    PersonRequest.objects.create(
        user=staff, action="search", query=t[4], reason=t[5], references=t[0]
    )
    Anonymisation.objects.create(case=late, trigger="request", user=staff, reason=t[1])
    # 公示清单: a live notice of the closed case, whose text an editor typed or pasted.
    index = DisclosureIndexPage.objects.get()
    index.add_child(
        instance=DisclosureNotice(
            title=t[0],
            slug="notice",
            reference=closed.reference,
            case=closed,
            category=category,
            department=department,
            summary=t[1],
            handling=t[2],
            live=True,
        )
    )


@pytest.fixture
def people(db):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw")
    return {
        "root": root,
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
    }


@pytest.mark.django_db
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # An example takes about a second; shrinking one would take minutes, and the failure
    # message already names each export and the cells that are unsafe.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(texts=PLANTED)
def test_no_export_carries_a_planted_formula(client, people, home_page, texts):
    client.force_login(people["root"])
    quoted = {re.sub(r"\r\n?", "\n", "'" + text) for text in texts}
    with transaction.atomic():  # each example starts from the same database
        home_page.add_child(instance=DisclosureIndexPage(title="公示", slug="disclosure"))
        station = StationFactory()
        plant(texts, station, people)
        campaign = VisitCampaign.objects.create(
            name="走访月", start=timezone.localdate(), end=timezone.localdate()
        )
        exports = {}
        for name, url in exporting_listings().items():
            exports[f"{name}.csv"] = read_csv(client.get(url, {"export": "csv"}))
            exports[f"{name}.xlsx"] = read_xlsx(client.get(url, {"export": "xlsx"}))
        for kind in ledgers():
            exports[f"ledger {kind}"] = read_xlsx(client.get(f"/admin/cases/ledgers/{kind}.xlsx"))
        today = timezone.localdate()
        period = {"start": today - datetime.timedelta(days=29), "end": today, "format": "xlsx"}
        exports["report"] = read_xlsx(client.get("/admin/cases/report/", period))
        exports["not visited"] = read_xlsx(
            client.get(reverse("visits_not_visited", args=[campaign.pk]))
        )
        transaction.set_rollback(True)

    assert {name: unsafe_cells(rows) for name, rows in exports.items() if unsafe_cells(rows)} == {}
    seen = set()
    for name, rows in exports.items():
        assert len(rows) > 1, name  # a heading and at least one planted row
        cells = [value for row in rows for value, _ in row if isinstance(value, str)]
        texts_here = {re.sub(r"\r\n?", "\n", value) for value in cells}
        assert texts_here & quoted, name  # the planted text is there, quoted
        seen |= texts_here & quoted
    assert seen == quoted  # and each kind of planted text reached some export


@pytest.mark.django_db
def test_listing_exports_keep_dates_as_dates(client, people):
    case = make_case(title="=1+1", enterprise_name="-2")
    client.force_login(people["root"])
    rows = read_xlsx(client.get(exporting_listings()["all"], {"export": "xlsx"}))
    headings = [value for value, _ in rows[0]]
    row = dict(zip(headings, [value for value, _ in rows[1]], strict=True))
    assert row["问题内容"] == "'=1+1" and row["企业"] == "'-2"
    received = row["收集日期"]
    assert isinstance(received, datetime.date)  # a real date cell, not text
    assert getattr(received, "date", lambda: received)() == case.received_on
    rows = read_csv(client.get(exporting_listings()["all"], {"export": "csv"}))
    row = dict(zip([v for v, _ in rows[0]], [v for v, _ in rows[1]], strict=True))
    assert row["问题内容"] == "'=1+1" and row["收集日期"] == case.received_on.isoformat()

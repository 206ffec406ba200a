"""The department assessment (考核通报): periods, ranking and targets on a known data set, the
printable page with its bad input, and the public per-department figures."""

import datetime
import re

import pytest
from django.utils import timezone

from deputies.models import Station
from submissions import assessment, roles, workflow
from submissions.models import Assignment
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user


def test_periods_cover_whole_months_quarters_and_years():
    assert assessment.period("month", 2024, 2)[3:] == (
        datetime.date(2024, 2, 1),
        datetime.date(2024, 2, 29),
    )
    assert assessment.period("month", 2026, 12)[3:] == (
        datetime.date(2026, 12, 1),
        datetime.date(2026, 12, 31),
    )
    assert assessment.period("quarter", 2026, 4)[3:] == (
        datetime.date(2026, 10, 1),
        datetime.date(2026, 12, 31),
    )
    assert assessment.period("year", 2026)[3:] == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    for kind, year, number in [("month", 2026, 13), ("quarter", 2026, 5), ("week", 2026, 1)]:
        with pytest.raises(ValueError):
            assessment.period(kind, year, number)


@pytest.fixture
def data(db):
    station = StationFactory()
    good, slow = DepartmentFactory(name="县人社局"), DepartmentFactory(name="县住建局")
    DepartmentFactory(name="县农业农村局")  # no case this month: not listed
    staff, committee = make_user("s", roles.STAFF), make_user("c", roles.COMMITTEE)
    handlers = {
        good: make_user("hg", roles.HANDLER, department=good),
        slow: make_user("hs", roles.HANDLER, department=slow),
    }

    def handled(department, rating):
        case = workflow.assign(workflow.accept(make_case(station), staff), committee, department)
        case = workflow.sign(case, handlers[department])
        case = workflow.reply(case, handlers[department], "已办理", "resolved")
        return workflow.record_feedback(workflow.approve(case, committee), rating)

    handled(good, "satisfied")
    handled(good, "satisfied")
    handled(slow, "basically_satisfied")
    late = workflow.assign(workflow.accept(make_case(station), staff), committee, slow)
    Assignment.objects.filter(pk=late.current_assignment_id).update(
        due_at=timezone.now() - datetime.timedelta(days=2)
    )
    return station


def test_departments_are_ranked_and_missed_targets_marked(data):
    result = assessment.assess(assessment.current_month())
    rows = [
        (r["rank"], r["name"], r["rounds"], r["on_time_rate"], r["satisfied_rate"], r["below"])
        for r in result["rows"]
    ]
    assert rows == [
        (1, "县人社局", 2, 100.0, 100.0, {"on_time_rate": False, "satisfied_rate": False}),
        # one reply on time, one round open past its deadline; its one rating 基本满意
        (2, "县住建局", 2, 50.0, 0.0, {"on_time_rate": True, "satisfied_rate": True}),
    ]
    assert result["targets"] == {"on_time_rate": 92.0, "satisfied_rate": 85.0}
    # The station sets its own targets.
    Station.objects.filter(pk=data.pk).update(target_on_time_rate=50, target_satisfied_rate=0)
    rows = assessment.assess(assessment.current_month(), Station.objects.get(pk=data.pk))["rows"]
    assert rows[1]["below"] == {"on_time_rate": False, "satisfied_rate": False}


def test_the_printable_assessment_for_the_committee(client, data):
    client.force_login(make_user("c2", roles.COMMITTEE))
    html = client.get("/admin/cases/assessment/").content.decode()
    assert "考核通报" in html and "县住建局" in html and "县农业农村局" not in html
    slow_row = html.split('data-department="', 3)[2]
    assert slow_row.count("未达标") == 2 and 'class="missed"' in slow_row
    assert "@page" not in html and "report.css" in html  # printed through the A4 stylesheet
    # A quarter and a year are chosen the same way.
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    html = client.get(
        f"/admin/cases/assessment/?kind=quarter&year={today.year}&number={quarter}"
    ).content.decode()
    assert f"{today.year}年第{quarter}季度" in html and "县人社局" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("kind=month&year=2026&number=13", "请填写月份（1–12）"),
        ("kind=quarter&year=2026&number=0", "请填写季度（1–4）"),
        ("kind=month&year=abc&number=1", "请用四位数字填写年份"),
        ("kind=month&year=1999&number=1", "请填写2000至2100之间的年份"),
        ("kind=week&year=2026&number=1", "请选择按月、按季度或按年"),
    ],
)
def test_a_bad_period_is_refused_next_to_the_field(client, data, query, message):
    client.force_login(make_user("c3", roles.COMMITTEE))
    html = client.get(f"/admin/cases/assessment/?{query}").content.decode()
    assert message in html and 'class="ranking"' not in html
    assert 'role="alert"' in html


def test_a_department_may_not_read_the_assessment(client, data):
    client.force_login(make_user("h9", roles.HANDLER, department=DepartmentFactory()))
    response = client.get("/admin/cases/assessment/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_the_public_statistics_show_each_departments_rates(client, data, home_page):
    from django.core.cache import cache

    from disclosure.models import StatisticsPage

    home_page.add_child(instance=StatisticsPage(title="数据统计", slug="stats"))
    cache.clear()
    html = client.get("/stats/").content.decode()
    table = html.split('data-figure="by_department"', 1)[1].split("</table>", 1)[0]
    rows = [
        [cell.strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    # counts and rates only: no name, no phone, nothing of a submitter
    assert rows[1:] == [["县人社局", "2", "100.0%", "100.0%"], ["县住建局", "2", "50.0%", "100.0%"]]
    assert "县农业农村局" not in table  # no case this year: not listed
    assert "按收到日期统计" in html  # and the page says how it counts


def test_the_assessment_downloads_as_a_sheet_that_prints(client, data):
    import io
    from urllib.parse import unquote

    import openpyxl

    client.force_login(make_user("c4", roles.COMMITTEE))
    chosen = assessment.current_month()
    response = client.get(
        f"/admin/cases/assessment/?kind=month&year={chosen.year}&number={chosen.number}&format=xlsx"
    )
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == f"考核通报-{chosen.label}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value.endswith(f"承办单位考核通报（{chosen.label}）")
    assert [c.value for c in sheet[2]][:3] == ["排名", "承办单位", "交办件次"]
    assert sheet.print_title_rows == "$1:$2"  # title and heading on every printed page
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0)  # one page wide (1: left out)
    assert "&P" in sheet.oddFooter.center.text and sheet.page_setup.paperSize == 9  # A4
    slow = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == "县住建局")
    on_time = slow[4]
    assert on_time.value == 0.5 and on_time.number_format == "0.0%"  # a number, shown as 50.0%
    assert slow[-1].value == "按时答复率、满意率"  # the targets missed, in words
    good = next(row for row in sheet.iter_rows(min_row=3) if row[1].value == "县人社局")
    assert good[4].value == 1 and good[-1].value is None

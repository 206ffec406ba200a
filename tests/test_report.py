"""The director's-meeting report on a known data set equals the hand-computed figures."""

import datetime

import pytest
from django.utils import timezone

from submissions import report, roles, workflow
from submissions.models import Assignment, Case, Category
from tests.factories import DepartmentFactory, StationFactory, make_case, make_user


@pytest.fixture
def figures(db):
    station = StationFactory()
    a, b = DepartmentFactory(name="甲局"), DepartmentFactory(name="乙局")
    staff, committee = make_user("s", roles.STAFF), make_user("c", roles.COMMITTEE)
    handlers = {
        a: make_user("ha", roles.HANDLER, department=a),
        b: make_user("hb", roles.HANDLER, department=b),
    }
    jobs, money = Category.objects.get(name="用工招聘"), Category.objects.get(name="融资贷款")

    def handled(department, late, rating):
        case = make_case(station, category=jobs)
        workflow.accept(case, staff)
        case = workflow.assign(case, committee, department)
        if late:
            Assignment.objects.filter(pk=case.current_assignment_id).update(
                due_at=timezone.now() - datetime.timedelta(days=1)
            )
        workflow.sign(case, handlers[department])
        workflow.reply(case, handlers[department], "已办理", "resolved")
        workflow.approve(case, committee)
        return workflow.record_feedback(case, rating)

    on_time = handled(a, late=False, rating="satisfied")
    unhappy = handled(b, late=True, rating="unsatisfied")
    make_case(station, category=money, kind="suggestion")
    old = make_case(station, category=money)
    Case.objects.filter(pk=old.pk).update(
        received_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    today = timezone.localdate()
    return report.build(today, today), on_time, unhappy


def test_headline_figures_equal_the_hand_computed_ones(figures):
    r, _, _ = figures
    assert (r["received"], r["problems"], r["suggestions"]) == (3, 2, 1)
    assert (r["accepted"], r["closed"]) == (2, 1)
    assert (r["replied"], r["on_time_rate"]) == (2, 50.0)
    assert (r["rated"], r["satisfaction_rate"]) == (2, 50.0)


def test_breakdowns_by_category_and_department(figures):
    r, _, _ = figures
    keys = ("received", "replied", "on_time_rate", "satisfaction_rate")
    categories = {row["name"]: tuple(row[k] for k in keys) for row in r["by_category"]}
    assert categories["用工招聘"] == (2, 2, 50.0, 50.0)
    assert categories["融资贷款"] == (1, 0, None, None)
    keys = ("rounds", "replied", "on_time_rate", "satisfaction_rate")
    departments = [(row["name"], *(row[k] for k in keys)) for row in r["by_department"]]
    # 乙局 has a second round since the unsatisfied rating: assigned, not yet due.
    assert departments == [("乙局", 2, 1, 0.0, 0.0), ("甲局", 1, 1, 100.0, 100.0)]


def test_unsatisfied_and_overdue_cases_head_the_attention_list(figures):
    r, on_time, unhappy = figures
    assert [case.reference for case in r["attention"]] == [unhappy.reference]
    assert r["attention"][0].reasons == [("unsatisfied", "不满意")]  # each says why it is there


def test_report_page_prints_and_exports(client, figures):
    import io

    import openpyxl

    client.force_login(make_user("c2", roles.COMMITTEE))
    today = timezone.localdate().isoformat()
    html = client.get(f"/admin/cases/report/?start={today}&end={today}").content.decode()
    assert 'id="fig-received">3<' in html and 'id="fig-on-time">50.0%<' in html
    # The meeting pack: the figures and, on the same printed page, why each case is supervised.
    _on_time, unhappy = figures[1], figures[2]
    attention = html.split('class="attention"', 1)[1].split("</table>", 1)[0]
    row = attention.split(unhappy.reference, 1)[1].split("</tr>", 1)[0]
    assert "不满意" in row and "按收到日期统计" in html
    response = client.get(f"/admin/cases/report/?start={today}&end={today}&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["收到", 3] in [row[:2] for row in cells]
    assert any(unhappy.reference in row and "不满意" in row for row in cells)


def test_a_backwards_period_is_refused_next_to_the_field(client, figures):
    client.force_login(make_user("c3", roles.COMMITTEE))
    html = client.get("/admin/cases/report/?start=2026-12-01&end=2026-11-01").content.decode()
    assert 'class="error"' in html and 'id="fig-received"' not in html
    assert client.get("/admin/cases/report/?start=abc&end=").status_code == 200
    client.force_login(make_user("h3", roles.HANDLER))
    response = client.get("/admin/cases/report/")
    # A department may not read the report: Wagtail sends a refused admin user to the dashboard.
    assert (response.status_code, response["Location"]) == (302, "/admin/")

"""The committee's supervision board (督办看板): on the dashboard the committee sees the case a
department returned, flagged with its reason, and a department's overdue cases in red with the
days in words; it follows the count to the filtered claim list and sorts it by deadline."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from submissions import workflow
from submissions.deadlines import end_of_day
from submissions.models import Assignment, Department
from tests.browser.conftest import online_case, screenshot, signed_in_as


def new_case(title):
    return online_case(title, f"{title}，请尽快处理。", "钱先生", "13907960005")


def test_the_committee_reads_the_board_and_follows_the_overdue_count(demo_site, browser):
    users = get_user_model().objects
    staff, committee_user, zjj = (users.get(username=n) for n in ("station", "xlgw", "zjj"))
    housing = Department.objects.get(short_name="县住建局")
    # A department of its own, so that its row holds only this test's cases.
    park = Department.objects.create(name="园区督办测试局", short_name="督办测试局")

    returned = workflow.accept(new_case("园区南路井盖缺失"), staff)
    returned = workflow.assign(returned, committee_user, housing)
    workflow.return_case(returned, zjj, "井盖属城管局管理，请改交城管局。")
    late = {}
    for title, days in (("东区围墙倒塌", 4), ("西门积水", 1)):
        case = workflow.assign(workflow.accept(new_case(title), staff), committee_user, park)
        due = end_of_day(timezone.localdate() - datetime.timedelta(days=days))
        Assignment.objects.filter(pk=case.current_assignment_id).update(due_at=due)
        late[days] = case

    page = signed_in_as(browser, demo_site.url, "xlgw")
    board = page.locator(".supervision-board")
    expect(board).to_be_visible()

    # The returned case, among those to assign, says so and why.
    row = page.locator(".work-panel tr", has_text=returned.reference)
    expect(row).to_contain_text("已退回")
    expect(row).to_contain_text("井盖属城管局管理，请改交城管局。")

    # The department's two overdue cases: red, and the longest delay in words.
    overdue = board.locator(f'tr[data-department="{park.pk}"] .board-count--overdue')
    expect(overdue).to_contain_text("逾期 4 天")
    link = overdue.get_by_role("link", name="2", exact=True)
    background = link.evaluate("node => getComputedStyle(node).backgroundColor")
    assert background == "rgb(253, 231, 233)", background  # the red band (.due-band--overdue)
    board.locator(".board-departments").scroll_into_view_if_needed()
    screenshot(page, "supervision-board")

    link.click()
    page.wait_for_url("**/admin/cases/claims/?*overdue=true*")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(late[4].reference)  # by deadline: the oldest first
    expect(rows.nth(0)).to_contain_text("逾期 4 天")
    expect(rows.nth(1)).to_contain_text(late[1].reference)

    page.locator("table.listing thead").get_by_role("link", name="答复期限").click()
    page.wait_for_url("**ordering=-due*")
    expect(rows.nth(0)).to_contain_text(late[1].reference)
    expect(rows.nth(1)).to_contain_text(late[4].reference)
    screenshot(page, "supervision-board-overdue-list")

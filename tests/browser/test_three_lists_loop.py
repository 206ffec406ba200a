from playwright.sync_api import expect

from submissions.models import Case, Department
from tests.browser.conftest import online_case, screenshot, signed_in_as


def act(page, label, fill=None):
    """Open one action's small form on the case page, fill it and confirm."""
    page.locator("summary").get_by_text(label, exact=True).click()
    form = page.locator("details[open] form")
    if fill:
        fill(form)
    form.get_by_role("button", name=f"确认：{label}").click()
    expect(page.locator(".messages")).to_contain_text(f"已完成：{label}")


def test_full_loop_by_four_users_in_turn(demo_site, browser, phone):
    case = online_case(
        "创业大道路灯不亮", "创业大道东段路灯连续一周不亮。", "赵女士", "13907960001"
    )
    case_url = f"{demo_site.url}/admin/cases/{case.pk}/"
    department = Department.objects.get(short_name="县住建局")

    staff = signed_in_as(browser, demo_site.url, "station")
    staff.goto(f"{demo_site.url}/admin/cases/intake/")
    staff.get_by_role("link", name=case.reference).click()
    act(staff, "受理")
    expect(staff.locator(".case-status")).to_contain_text("已受理")

    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(f"{demo_site.url}/admin/cases/problems/")
    committee.get_by_role("link", name=case.reference).click()

    def assign(form):
        form.get_by_label("交办单位（选联工委）").select_option(str(department.committee_id))
        form.get_by_label("牵头承办单位").select_option(str(department.pk))
        form.get_by_label("交办意见").fill("请一周内修复并书面答复。")

    act(committee, "交办", assign)
    expect(committee.locator(".case-status")).to_contain_text("承办单位办理中")

    handler = signed_in_as(browser, demo_site.url, "zjj")
    handler.goto(f"{demo_site.url}/admin/cases/claims/")
    handler.get_by_role("link", name=case.reference).click()
    act(handler, "签收")

    def write_reply(form):
        form.locator("textarea[name=reply-text]").fill(
            "已更换创业大道东段路灯控制箱，路灯恢复正常。"
        )
        form.get_by_label("办理结果").select_option("resolved")

    act(handler, "答复", write_reply)
    expect(handler.locator(".case-status")).to_contain_text("已答复")

    committee.goto(f"{demo_site.url}/admin/cases/review/")
    committee.get_by_role("link", name=case.reference).click()
    act(committee, "审核通过答复")
    screenshot(committee, "case-page-approved")

    phone.goto(f"{demo_site.url}/track/?reference={case.reference}&code={case.tracking_code}")
    expect(phone.locator(".case-status")).to_contain_text("待评价")
    expect(phone.locator(".timeline")).to_contain_text("路灯恢复正常")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator(".case-status")).to_contain_text("已办结销号")
    for step in (
        "已收到",
        "已受理",
        "已交办：云溪县住房和城乡建设局",
        "承办单位已签收",
        "答复已审核通过",
        "反映人已评价",
    ):
        expect(phone.locator(".timeline")).to_contain_text(step)
    assert "赵女士" not in phone.content() and "13907960001" not in phone.content()
    screenshot(phone, "track-closed-phone")

    staff.goto(case_url)
    expect(staff.locator(".case-timeline li")).to_have_count(7)
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_claim_list_colour_bands(demo_site, browser):
    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(f"{demo_site.url}/admin/cases/claims/?ordering=-received_on")
    overdue = committee.locator(".due-band--overdue").first
    on_time = committee.locator(".due-band--ok, .due-band--soon").first
    expect(overdue).to_be_visible()
    expect(overdue).to_contain_text("逾期")
    expect(on_time).to_be_visible()
    colour = "el => getComputedStyle(el).backgroundColor"
    assert overdue.evaluate(colour) != on_time.evaluate(colour)
    screenshot(committee, "claim-list-bands")


def test_directors_report_print_view(demo_site, browser):
    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(f"{demo_site.url}/admin/cases/report/")
    expect(committee.get_by_role("heading", level=1)).to_have_text("主任会议报告")
    committee.emulate_media(media="print")
    expect(committee.locator(".report-period")).to_be_hidden()
    expect(committee.locator("table.figures")).to_be_visible()
    assert int(committee.locator("#fig-received").inner_text()) >= 1
    screenshot(committee, "directors-report-print")

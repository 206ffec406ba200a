"""A department learns of a new assignment from its own messages (我的消息), even with no
e-mail or SMS: the committee hands a case over, the handler sees the unread count on the
dashboard, opens the message, lands on the case and signs for it; the count goes down."""

from playwright.sync_api import expect

from submissions.models import Department
from tests.browser.conftest import online_case, screenshot, signed_in_as
from tests.browser.test_three_lists_loop import act


def test_the_committee_assigns_and_the_handler_finds_it_in_my_messages(demo_site, browser):
    case = online_case("园区西门排水沟堵塞", "雨天积水漫过人行道。", "孙先生", "13907960003")
    department = Department.objects.get(short_name="县住建局")
    staff = signed_in_as(browser, demo_site.url, "station")
    staff.goto(f"{demo_site.url}/admin/cases/{case.pk}/")
    act(staff, "受理")

    handler = signed_in_as(browser, demo_site.url, "zjj")
    before = int(handler.locator(".my-messages .unread-count").inner_text())

    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(f"{demo_site.url}/admin/cases/{case.pk}/")

    def assign(form):
        form.get_by_label("交办单位（选联工委）").select_option(str(department.committee_id))
        form.get_by_label("牵头承办单位").select_option(str(department.pk))

    act(committee, "交办", assign)

    handler.goto(f"{demo_site.url}/admin/")
    panel = handler.locator(".my-messages")
    expect(panel.locator(".unread-count")).to_have_text(str(before + 1))
    message = panel.get_by_role("link", name=f"新交办件 {case.reference}", exact=False)
    expect(message).to_be_visible()
    screenshot(handler, "my-messages-dashboard")
    message.click()
    handler.wait_for_url(f"{demo_site.url}/admin/cases/{case.pk}/")
    act(handler, "签收")

    handler.goto(f"{demo_site.url}/admin/")
    expect(handler.locator(".my-messages .unread-count")).to_have_text(str(before))
    handler.get_by_role("link", name="我的消息").first.click()
    expect(handler.locator("table.inbox")).to_contain_text(case.reference)

"""The rating belongs to the submitter: the department that handled a case sees no tracking
code and cannot rate it, and station staff record a rating as a follow-up (回访)."""

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from submissions import workflow
from submissions.models import Case, Department, Feedback
from tests.browser.conftest import online_case, screenshot, signed_in_as


def awaiting_feedback():
    users = get_user_model().objects
    case = online_case("板房款项拖欠", "县卫健委拖欠板房款9.9万元。", "钱先生", "13907960002")
    case = workflow.accept(case, users.get(username="station"))
    case = workflow.assign(
        case, users.get(username="xlgw"), Department.objects.get(short_name="县住建局")
    )
    case = workflow.sign(case, users.get(username="zjj"))
    case = workflow.reply(case, users.get(username="zjj"), "已协调支付", "resolved")
    return workflow.approve(case, users.get(username="xlgw"))


def test_the_department_cannot_rate_and_staff_record_a_follow_up(demo_site, browser):
    case = awaiting_feedback()
    case_url = f"{demo_site.url}/admin/cases/{case.pk}/"

    handler = signed_in_as(browser, demo_site.url, "zjj")
    handler.goto(case_url)
    expect(handler.locator(".case-status")).to_contain_text("待评价")
    expect(handler.get_by_text("打印回执")).to_have_count(0)
    assert case.formatted_tracking_code not in handler.content()
    # Even holding the code, a signed-in department cannot rate on the public tracker.
    handler.goto(f"{demo_site.url}/track/?reference={case.reference}&code={case.tracking_code}")
    expect(handler.locator(".alert-info")).to_contain_text("回访")
    expect(handler.locator("input[name=rating]")).to_have_count(0)

    staff = signed_in_as(browser, demo_site.url, "station")
    staff.goto(case_url)
    staff.locator("summary").get_by_text("录入回访评价", exact=True).click()
    form = staff.locator("details[open] form")
    form.get_by_label("基本满意").check()
    form.get_by_label("回访对象").fill("钱先生")
    form.locator("textarea[name=rate-comment]").fill("款已到账")
    form.get_by_role("button", name="确认：录入回访评价").click()
    # no means chosen: the error sits next to the field and the words typed are kept
    form = staff.locator("details[open] form")
    expect(form).to_contain_text("请选择联系反映人的方式")
    expect(form.locator("textarea[name=rate-comment]")).to_have_value("款已到账")
    form.get_by_label("电话").check()
    form.get_by_label("基本满意").check()
    form.get_by_role("button", name="确认：录入回访评价").click()
    expect(staff.locator(".messages")).to_contain_text("已完成：录入回访评价")
    expect(staff.locator(".case-feedback")).to_contain_text("工作人员回访录入")
    expect(staff.locator(".case-feedback")).to_contain_text("电话")
    expect(staff.locator(".case-timeline")).to_contain_text("联络站回访录入评价")
    screenshot(staff, "case-follow-up-recorded")
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED
    assert Feedback.objects.get(case=case).source == Feedback.Source.FOLLOW_UP

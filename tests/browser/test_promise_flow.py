"""A department's promise in a real browser: a stage reply with a date, approved as a promise,
shown on the public tracker, then closed by a completion report and the submitter's rating."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from submissions import workflow
from submissions.models import Case, Committee, Department
from tests.browser.conftest import online_case, screenshot, signed_in_as
from tests.browser.test_three_lists_loop import act


def test_a_promise_is_shown_to_the_public_and_kept_by_a_completion_report(
    demo_site, browser, phone
):
    users = get_user_model().objects
    case = online_case("园区北门道路破损", "北门道路坑洼，货车通行困难。", "钱先生", "13907960002")
    department = Department.objects.get(short_name="县住建局")
    case = workflow.accept(case, users.get(username="station"))
    case = workflow.assign(case, users.get(username="xlgw"), department, Committee.objects.first())
    promised = timezone.localdate() + datetime.timedelta(days=30)
    case_url = f"{demo_site.url}/admin/cases/{case.pk}/"

    handler = signed_in_as(browser, demo_site.url, "zjj")
    handler.goto(case_url)
    act(handler, "签收")

    def stage_reply(form):
        form.locator("textarea[name=reply-text]").fill("已完成设计，正在招标施工。")
        form.get_by_label("办理结果").select_option("in_progress")
        form.get_by_label("预计办结日期（B、C类必填）").fill(promised.isoformat())

    act(handler, "答复", stage_reply)

    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(case_url)
    expect(committee.locator(".assignments")).to_contain_text("B 正在解决")
    act(committee, "作为阶段性答复通过（列为承诺事项）")
    expect(committee.locator(".assignments")).to_contain_text("承诺事项")
    expect(committee.locator(".case-status")).to_contain_text("承办单位办理中")

    tracker = f"{demo_site.url}/track/?reference={case.reference}&code={case.tracking_code}"
    phone.goto(tracker)
    date = f"{promised.year}年{promised.month}月{promised.day}日"
    expect(phone.locator(".timeline")).to_contain_text(f"承办单位承诺于{date}前办结")
    expect(phone.get_by_label("满意", exact=True)).to_have_count(0)  # not yet to be rated
    screenshot(phone, "track-promise-phone")

    handler.goto(case_url)
    expect(handler.locator('[data-action="sign"]')).to_have_count(0)  # signed for once

    def completion_report(form):
        form.get_by_label("办结报告").fill("道路已修复并通过验收。")
        form.get_by_label("办理结果").select_option("resolved")

    act(handler, "答复", completion_report)
    committee.goto(case_url)
    act(committee, "审核通过答复")

    phone.goto(tracker)
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator(".case-status")).to_contain_text("已办结销号")
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED

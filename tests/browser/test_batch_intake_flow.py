"""Batch intake in a real browser: paste the weekly meeting's rows, review them, import."""

from playwright.sync_api import expect

from deputies.models import Enterprise
from submissions.models import Case
from tests.browser.conftest import screenshot, signed_in_as

BUS_STOP = "云溪大道公交站台缺少遮雨棚，职工雨天候车不便。"
PARKING = "科技大道沿线货车乱停，早晚高峰通勤车辆通行困难。"


def test_staff_paste_review_untick_and_import(demo_site, browser):
    first, second = Enterprise.objects.order_by("pk")[:2]
    text = (
        "企业\t类别\t内容\t来源\n"
        f"{first.name}\t物流交通\t{BUS_STOP}\t第12次政企例会\n"
        f"{second.credit_code}\t物流交通\t{PARKING}\t县交通运输局台账\n"
        f"不存在的企业\t用工招聘\t{BUS_STOP}\t\n"
    )
    page = signed_in_as(browser, demo_site.url, "station")
    page.goto(f"{demo_site.url}/admin/cases/batch/")
    page.locator("textarea[name=text]").fill(text)
    page.locator("main form button[type=submit]").click()

    expect(page.locator("#line-2")).to_contain_text(first.name)
    expect(page.locator("#line-4 input[type=checkbox]")).to_be_disabled()
    expect(page.locator("#line-4 .help-critical")).to_be_visible()
    expect(page.locator("input[name=import]:checked")).to_have_count(2)
    screenshot(page, "batch-intake-review")
    page.locator("#line-3 input[name=import]").uncheck()
    page.locator("main form[action$='/confirm/'] button[type=submit]").click()

    page.wait_for_url(f"{demo_site.url}/admin/cases/intake/")
    (case,) = Case.objects.filter(channel=Case.Channel.LIAISON_MEETING, description=BUS_STOP)
    assert (case.enterprise, case.received_by) == (first, "第12次政企例会")
    assert not Case.objects.filter(description=PARKING).exists()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()

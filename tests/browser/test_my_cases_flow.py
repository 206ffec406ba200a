import re

from django.db.models import Count
from playwright.sync_api import expect

from notifications import sms
from submissions.models import Case
from tests.browser.conftest import screenshot


def test_find_my_cases_with_an_sms_code_on_a_phone(demo_site, phone, settings):
    settings.SMS_BACKEND = "notifications.sms.OutboxSMSBackend"
    sms.outbox.clear()
    number = (
        Case.objects.exclude(submitter_phone="")
        .values("submitter_phone")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()["submitter_phone"]
    )
    mine = Case.objects.filter(submitter_phone=number)

    phone.goto(f"{demo_site.url}/track/")
    phone.get_by_role("link", name="用手机号查我的反映").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("查我的反映")
    # typed with a Chinese input method: full-width digits and a space
    typed = number[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    phone.get_by_label("手机号码").fill(f"{typed} {number[3:]}")
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_role("status")).to_contain_text(f"{number[:3]}****{number[-4:]}")
    ((to, text),) = sms.outbox
    code = re.search(r"\d{6}", text)[0]
    assert to == number

    phone.get_by_label("短信验证码").fill(f"{(int(code) + 1) % 10**6:06d}")
    phone.get_by_role("button", name="查看我的反映").click()
    expect(phone.locator("#id_code_error")).to_contain_text("还可以再试4次")
    phone.get_by_label("短信验证码").fill(code)
    phone.get_by_role("button", name="查看我的反映").click()

    expect(phone.locator(".my-cases li")).to_have_count(min(mine.count(), 20))
    newest = mine.order_by("-created_at", "-pk").first()
    expect(phone.locator(".my-cases")).to_contain_text(newest.reference)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert all(case.tracking_code not in phone.content() for case in mine)
    screenshot(phone, "my-cases-phone")

    phone.get_by_role("link", name=newest.title).first.click()
    expect(phone.locator(".case-status")).to_contain_text(newest.reference)
    assert newest.tracking_code not in phone.url and "?" not in phone.url
    assert number not in phone.content()

    # On a shared phone the submitter closes the list; going back does not reopen it.
    phone.go_back()
    phone.locator('form[action="/my-cases/close/"] button').click()
    expect(phone.get_by_label("手机号码")).to_be_visible()
    phone.goto(f"{demo_site.url}/my-cases/list/")
    expect(phone.get_by_label("手机号码")).to_be_visible()
    assert phone.url.endswith("/my-cases/") and newest.reference not in phone.content()

"""Contact details are read through a recorded read (显示联系方式), and a person's request is
found and erased by station staff, in a real browser."""

from playwright.sync_api import expect

from privacy.models import Anonymisation, ContactRead, PersonRequest
from submissions.models import Case
from tests.browser.conftest import online_case, screenshot, signed_in_as

PHONE = "13907961357"


def test_staff_reveal_contact_details_with_a_reason_then_erase_on_request(demo_site, browser):
    case = online_case("厂区门口积水", "雨后积水严重，电话13907961357。", "隐私测", PHONE)
    other = online_case("路灯不亮", "夜班出行不便。", "别人家", "13907962468")
    staff = signed_in_as(browser, demo_site.url, "station")
    staff.goto(f"{demo_site.url}/admin/cases/{case.pk}/")
    assert PHONE not in staff.content() and "隐私测" not in staff.content()

    form = staff.locator("form.reveal-contact")
    form.locator("input[name=reason]").fill("回访核实积水位置")
    form.locator("button[data-action=reveal-contact]").click()
    expect(staff.locator(".case-contact")).to_contain_text(PHONE)
    expect(staff.locator(".case-description")).to_contain_text(PHONE)
    screenshot(staff, "case-contact-revealed")
    read = ContactRead.objects.get(case=case)
    assert read.user.username == "station" and read.reason == "回访核实积水位置"

    # The person asks for erasure: staff find the case by the phone as they say it.
    staff.goto(f"{demo_site.url}/admin/privacy/requests/")
    search = staff.locator("form.person-search")
    search.locator("input[name=query]").fill("+86 139 0796 1357")
    search.locator("input[name=reason]").fill("本人来电要求删除")
    search.locator("button[data-action=person-search]").click()
    expect(staff.locator("table.person-cases")).to_contain_text(case.reference)
    expect(staff.locator("table.person-cases")).not_to_contain_text(other.reference)
    erase = staff.locator("form.person-erase")
    erase.locator("input[name=reason]").fill("本人来电要求删除")
    erase.locator("input[name=confirm]").check()
    erase.locator("button[data-action=person-erase]").click()
    expect(staff.locator(".messages")).to_contain_text(case.reference)
    screenshot(staff, "person-request-erased")

    case = Case.objects.get(pk=case.pk)
    assert case.submitter_phone == "" and PHONE not in case.description
    assert Anonymisation.objects.get(case=case).trigger == Anonymisation.Trigger.REQUEST
    assert PersonRequest.objects.filter(action="search", query=PHONE).count() == 0  # masked
    assert PersonRequest.objects.filter(action="erase").exists()
    assert Case.objects.get(pk=other.pk).submitter_phone == "13907962468"

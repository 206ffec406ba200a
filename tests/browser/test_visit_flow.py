from playwright.sync_api import expect

from deputies.models import Enterprise
from submissions.models import Case
from tests.browser.conftest import screenshot, signed_in_as
from visits.models import Visit


def test_staff_record_a_visit_with_two_items_and_find_them_in_the_intake_queue(demo_site, browser):
    base = demo_site.url
    enterprise = Enterprise.objects.filter(is_active=True).order_by("name").first()
    staff = signed_in_as(browser, base, "station")
    staff.goto(f"{base}/admin/visits/record/")
    staff.locator("input[name=date]").fill("2026-11-20")
    staff.locator("select[name=enterprise]").select_option(str(enterprise.pk))
    staff.locator("input[name=deputies]").nth(0).check()
    staff.locator("input[name=deputies]").nth(1).check()
    staff.get_by_label("走访目的").fill("了解四季度生产经营情况")
    for number, (title, category) in enumerate(
        [("夜班通勤车不够", "物流交通"), ("技能补贴申报难", "惠企政策兑现")]
    ):
        item = staff.locator("fieldset.visit-item").nth(number)
        item.locator("select[name$=category]").select_option(label=category)
        item.locator("input[name$=title]").fill(title)
        item.locator("textarea[name$=description]").fill(f"{title}，企业希望尽快协调。")
        item.locator("input[name$=submitter_name]").fill("钱经理")
        item.locator("input[name$=submitter_phone]").fill("13907962222")
    staff.get_by_role("button", name="登记走访").click()
    expect(staff.locator(".messages")).to_contain_text("2 件诉求已进入待受理队列")
    visit = Visit.objects.get(date="2026-11-20", enterprise=enterprise)
    assert visit.deputies.count() == 2

    staff.goto(f"{base}/admin/cases/intake/")
    for title in ("夜班通勤车不够", "技能补贴申报难"):
        case = Case.objects.get(title=title)
        assert case.channel == "visit" and case.enterprise == enterprise
        expect(staff.get_by_role("link", name=case.reference)).to_be_visible()
    screenshot(staff, "visit-items-in-intake")

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from deputies.models import Deputy
from tests.browser.conftest import screenshot, sign_in


def test_wall_filter_profile_and_qr_link_on_a_phone(demo_site, phone):
    phone.goto(demo_site.url + "/deputies/")
    cards = phone.locator(".deputy-card")
    expect(cards).to_have_count(Deputy.objects.filter(is_active=True).count())
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name="联络员", exact=True).click()
    expect(cards).to_have_count(2)
    expect(phone.get_by_role("link", name="联络员", exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    phone.get_by_role("link", name="全部").nth(1).click()
    phone.get_by_role("link", name="乡镇级", exact=True).click()
    township = Deputy.objects.filter(is_active=True, level="township")
    expect(cards).to_have_count(township.count())
    screenshot(phone, "deputy-wall-phone")

    first = township.order_by("sort_order").first()
    cards.filter(has_text=first.name).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(first.name)
    qr = phone.locator(".profile-qr img")
    expect(qr).to_be_visible()
    assert phone.evaluate("img => img.naturalWidth > 0", qr.element_handle())
    phone.get_by_role("link", name="向TA反映问题").click()
    expect(phone).to_have_url(f"{demo_site.url}/q/{first.qr_token}/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(first.name)


def test_printed_poster_shows_the_code(demo_site, desktop):
    deputy = Deputy.objects.filter(is_active=True).first()
    get_user_model().objects.create_superuser("printer", password="pw-print")
    sign_in(desktop, demo_site.url, "printer", "pw-print")
    expect(desktop).to_have_url(demo_site.url + "/admin/")
    desktop.goto(f"{demo_site.url}/admin/deputies/posters/{deputy.pk}/")
    desktop.emulate_media(media="print")
    expect(desktop.locator(".toolbar")).to_be_hidden()
    code = desktop.locator(".poster-qr")
    expect(code).to_be_visible()
    box = code.bounding_box()
    assert box["width"] > 300 and box["height"] > 300  # 95 mm on A4
    assert desktop.evaluate("img => img.naturalWidth > 0", code.element_handle())
    expect(desktop.locator(".poster-name")).to_have_text(deputy.name)
    screenshot(desktop, "deputy-poster-print")

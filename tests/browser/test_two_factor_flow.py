"""Issue 17 in a real browser: a station login's first sign-in enrols a phone (QR code, or the
key typed by hand), confirms it with a code and gets backup codes once; later sign-ins ask for
the phone's code, or a backup code, which works one time only."""

import re
from base64 import b32decode

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, screenshot


def app_code(secret):
    """What an authenticator app shows for the key typed in by hand."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def password_step(browser, base_url):
    page = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", "station")
    page.fill("#id_password", "demo-2026")
    page.locator("form button[type=submit]").click()
    return page


def test_a_station_login_enrols_a_phone_then_signs_in_with_codes(demo_site, browser):
    base = demo_site.url
    assert not TOTPDevice.objects.filter(user__username="station").exists()

    page = password_step(browser, base)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/enrol/\?next=%2Fadmin%2F$"))
    qr = page.locator(".two-factor-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150
    secret = page.locator("[data-two-factor-secret]").inner_text()
    # Nothing else opens before the second step, whatever is typed in the address bar.
    page.goto(base + "/admin/cases/all/")
    expect(page).to_have_url(re.compile(r"/admin/two-factor/"))
    page.goto(base + "/admin/two-factor/enrol/")
    screenshot(page, "two-factor-enrol")

    page.fill("#id_code", "000000" if app_code(secret) != "000000" else "111111")
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator(".messages .error")).to_be_visible()
    page.wait_for_timeout(1100)  # the throttle's first wait: one second
    page.fill("#id_code", app_code(secret))
    page.locator("form.login-form button[type=submit]").click()
    codes = page.locator("[data-backup-codes] code")
    expect(codes).to_have_count(10)
    backup = codes.nth(0).inner_text()
    screenshot(page, "two-factor-backup-codes")
    page.locator("main a.button").click()
    expect(page).to_have_url(base + "/admin/")
    page.goto(base + "/admin/cases/all/")
    expect(page).to_have_url(base + "/admin/cases/all/")
    page.context.close()

    # The next sign-in asks for the code; a backup code works once.
    page = password_step(browser, base)
    expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    page.fill("#id_code", backup)
    page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(base + "/admin/")
    expect(page.locator(".messages")).to_contain_text("9")
    page.context.close()

    page = password_step(browser, base)
    page.fill("#id_code", backup)
    page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/two-factor/verify/"))
    # The phone's next code (the test moves the device past the code used at enrolment, as
    # the next 30-second window would).
    TOTPDevice.objects.filter(user__username="station").update(
        last_t=-1, throttling_failure_count=0
    )
    page.fill("#id_code", app_code(secret))
    page.locator("form.login-form button[type=submit]").click()
    expect(page).to_have_url(base + "/admin/")
    screenshot(page, "two-factor-signed-in")

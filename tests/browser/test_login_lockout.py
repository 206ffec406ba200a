"""Issue 17, in a real browser: wrong passwords lock a login, the sign-in page says so and for
how long, and an administrator lifts the lock under 设置 → 登录锁定."""

from django.utils import translation
from playwright.sync_api import expect

from accounts import lockouts
from tests.browser.conftest import DESKTOP, screenshot, sign_in, signed_in_as


def try_password(page, base_url, username, password):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()


def test_a_locked_login_is_told_and_an_administrator_unlocks_it(browser, demo_site):
    with translation.override("zh-hans"):
        message = lockouts.lockout_message()
        unlock_label = translation.gettext("Unlock")
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    for n in range(5):
        try_password(page, demo_site.url, "station", f"wrong-{n}")
    expect(page.locator(".messages")).to_contain_text(message)
    screenshot(page, "login-locked")
    try_password(page, demo_site.url, "station", "demo-2026")  # the right password, while locked
    expect(page.locator(".messages")).to_contain_text(message)
    expect(page).to_have_url(demo_site.url + "/admin/login/")

    admin = signed_in_as(browser, demo_site.url, "admin")
    admin.goto(demo_site.url + "/admin/accounts/lockouts/")
    row = admin.locator("tbody tr").filter(has_text="station")
    expect(row).to_be_visible()
    screenshot(admin, "login-lockouts")
    row.get_by_role("button", name=unlock_label).click()
    expect(admin.locator(".messages")).to_contain_text("station")
    expect(admin.locator("tbody tr").filter(has_text="station")).to_have_count(0)

    sign_in(page, demo_site.url, "station")  # the password, then the code from the phone
    page.wait_for_url(demo_site.url + "/admin/")
    context.close()

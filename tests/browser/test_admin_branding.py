"""Issue 13 in a real browser: the back office is the station's, and loads nothing from elsewhere.

The login page says 登录 and the station's name over the emblem; once signed in, the sidebar
shows the emblem and the name, every page title ends with the name, the help menu has no links
out, and no request the pages make leaves the site.
"""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from deputies.models import Station
from tests.browser.conftest import DESKTOP, enter_code, phone_of, screenshot


def loaded(image):
    """Whether an <img> has actually been fetched and decoded."""
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_login_sidebar_and_titles_carry_the_station_brand(demo_site, browser):
    station = Station.default().name
    assert station == "云溪县工业园区人大代表联络站"
    own_host = urlsplit(demo_site.url).hostname
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(demo_site.url + "/admin/login/")
    expect(page.locator("h1")).to_have_text(f"登录 {station}工作平台")
    expect(page).to_have_title(f"登录 - {station}")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    emblem = page.locator(".login-logo img.station-emblem")
    expect(emblem).to_be_visible()
    assert loaded(emblem)
    expect(page.locator("body")).not_to_contain_text("Wagtail")
    screenshot(page, "admin-login")

    phone = phone_of("station")
    page.fill("#id_username", "station")
    page.fill("#id_password", "demo-2026")
    page.get_by_role("button", name="登录").click()
    enter_code(page, phone)
    page.wait_for_url(demo_site.url + "/admin/")

    branding = page.locator("#wagtail-sidebar .sidebar-custom-branding")
    expect(branding).to_contain_text(station)
    sidebar_emblem = branding.locator("img.station-emblem")
    expect(sidebar_emblem).to_be_visible()
    assert loaded(sidebar_emblem)
    expect(page.locator(".sidebar-wagtail-branding")).to_have_count(0)  # no Wagtail bird
    expect(page).to_have_title(re.compile(rf" - {station}$"))
    expect(page.locator("h1")).to_contain_text(station)
    screenshot(page, "admin-dashboard")

    # The help menu keeps the keyboard shortcuts, and nothing that opens another site.
    page.locator("#wagtail-sidebar").get_by_role("button", name="帮助").click()
    help_panel = page.locator(".sidebar-sub-menu-panel").filter(has_text="快捷键")
    expect(help_panel).to_be_visible()
    expect(help_panel.locator("a[href^='http']")).to_have_count(0)
    expect(help_panel).not_to_contain_text("编辑指南")
    expect(help_panel.get_by_text("快捷键")).to_be_in_viewport()
    page.wait_for_timeout(400)  # let the panel finish sliding in before the picture
    screenshot(page, "admin-help-menu")

    for path in ("/admin/cases/intake/", "/admin/account/", "/admin/reports/site-history/"):
        response = page.goto(demo_site.url + path)
        assert response.status == 200, path
        expect(page).to_have_title(re.compile(rf" - {station}$"))
    expect(page.locator("body")).not_to_contain_text("Wagtail")

    outside = sorted({url for url in requested if urlsplit(url).hostname != own_host})
    assert not outside, f"requests that left the site: {outside}"
    context.close()

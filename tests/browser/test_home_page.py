from playwright.sync_api import expect

from tests.browser.conftest import screenshot


def test_home_page_on_a_phone(demo_site, phone):
    phone.goto(demo_site.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    submit = phone.locator("main").get_by_role("link", name="反映问题")
    expect(submit).to_be_visible()
    box = submit.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a large tap target, full width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll

    # The menu is collapsed behind the toggler on a phone and opens on tap.
    news_link = phone.get_by_role("navigation", name="主导航").get_by_role("link", name="工作动态")
    expect(news_link).to_be_hidden()
    phone.get_by_role("button", name="打开菜单").click()
    expect(news_link).to_be_visible()
    screenshot(phone, "home-phone-menu")
    news_link.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("工作动态")
    expect(phone.locator(".news-item")).to_have_count(6)


def test_home_page_on_a_desktop(demo_site, desktop):
    desktop.goto(demo_site.url + "/")
    nav = desktop.get_by_role("navigation", name="主导航")
    for title in ("首页", "制度墙", "办事流程", "工作动态"):
        expect(nav.get_by_role("link", name=title)).to_be_visible()
    expect(nav.get_by_role("link", name="首页")).to_have_attribute("aria-current", "page")
    submit = desktop.get_by_role("link", name="反映问题").first
    expect(submit).to_have_attribute("href", "/submit/")
    expect(desktop.locator("footer")).to_contain_text("云ICP备20260001号-1")
    screenshot(desktop, "home-desktop")

    # The skip link is the first thing the keyboard reaches, and it moves focus to the content.
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    desktop.keyboard.press("Enter")
    expect(desktop.locator("main#main")).to_be_focused()

    nav.get_by_role("link", name="办事流程").click()
    expect(desktop.locator(".process-step")).to_have_count(6)

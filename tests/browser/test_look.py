"""Layout and look in a real browser: the menu on one line (or collapsed) at every width, the
main actions on a phone's first screen, portraits in their 3:4 shape, the 长辈版 switch, and no
serious or critical axe-core finding on any public page, on a phone inside WeChat and on the
most common office screen (1366×768).

axe-core comes from npm (package.json; `make install-dev` runs `npm ci`). It is evaluated through
the DevTools protocol, which the page's Content-Security-Policy does not govern: the page itself
still runs only its own nonced scripts.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, new_page, screenshot

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2227A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5197 "
    "MMWEBSDK/20230805 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin "
    "NetType/WIFI Language/zh_CN ABI/arm64"
)
OFFICE = {"width": 1366, "height": 768}
WIDTHS = (360, 390, 768, 1024, 1280, 1366, 1440, 1920)


@pytest.fixture
def wechat(browser):
    """A 360×740 Android phone, browsing inside WeChat."""
    with new_page(
        browser,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=WECHAT,
    ) as page:
        yield page


@pytest.fixture
def office(browser):
    with new_page(browser, viewport=OFFICE) as page:
        yield page


# Each menu link: how many line boxes its text takes, and its height against one line's.
NAV_LINES = """() => [...document.querySelectorAll('#main-nav .nav-link')].map(a => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
  return {text: a.textContent.trim(), lines: lines.size, height: a.getBoundingClientRect().height,
          lineHeight: parseFloat(getComputedStyle(a).lineHeight)};
})"""


def assert_menu_on_one_line_each(page, width):
    toggler = page.locator(".masthead-menu")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav.show")).to_have_count(1)
        expect(page.locator("#main-nav.collapsing")).to_have_count(0)
    links = page.evaluate(NAV_LINES)
    assert len(links) >= 8, links
    for link in links:
        assert link["lines"] == 1, (width, link)
        assert link["height"] < 2 * link["lineHeight"], (width, link)
    if width >= 1280:  # an office screen shows the whole menu in one row, no button
        expect(toggler).to_be_hidden()
        tops = page.evaluate(
            "[...document.querySelectorAll('#main-nav .nav-link')]"
            ".map(a => Math.round(a.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, (width, tops)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def assert_on_first_screen(page, locator):
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height, box


def test_menu_fits_and_main_actions_are_in_reach_at_every_width(demo_site, wechat, office):
    for page, widths in ((wechat, (360, 390)), (office, WIDTHS[2:])):
        for width in widths:
            page.set_viewport_size({"width": width, "height": 740 if width < 768 else 768})
            page.goto(demo_site.url + "/")
            assert_menu_on_one_line_each(page, width)
            page.goto(demo_site.url + "/")
            header = page.locator(".site-header")
            for name, href in (("反映问题", "/submit/"), ("查询进度", "/track/")):
                action = header.get_by_role("link", name=name, exact=True)
                expect(action).to_have_attribute("href", href)
                assert_on_first_screen(page, action)
                assert action.bounding_box()["height"] >= 44
            assert header.bounding_box()["height"] <= 130, width

    # On the phone in WeChat, the home page's own two big buttons are on the first screen too.
    wechat.set_viewport_size({"width": 360, "height": 740})
    wechat.goto(demo_site.url + "/")
    main = wechat.locator("main")
    assert_on_first_screen(wechat, main.get_by_role("link", name="反映问题", exact=True))
    assert_on_first_screen(wechat, main.get_by_role("link", name="查询进度", exact=True))
    screenshot(wechat, "look-home-360")
    # And from any other page the header still offers them.
    wechat.goto(demo_site.url + "/stats/")
    wechat.locator(".site-header").get_by_role("link", name="查询进度").click()
    expect(wechat).to_have_url(demo_site.url + "/track/")
    expect(wechat.locator(".site-header").get_by_role("link", name="查询进度")).to_have_attribute(
        "aria-current", "page"
    )


def portrait_shapes(page, selector):
    """(rendered height / width, file height / width) of each portrait on the page."""
    page.evaluate(
        "sel => document.querySelectorAll(sel).forEach(img => { img.loading = 'eager'; })", selector
    )
    page.evaluate(
        "sel => Promise.all([...document.querySelectorAll(sel)].map(i => i.decode()))", selector
    )
    return page.evaluate(
        """sel => [...document.querySelectorAll(sel)].map(img => {
          const box = img.getBoundingClientRect();
          return [box.height / box.width, img.naturalHeight / img.naturalWidth, img.currentSrc];
        })""",
        selector,
    )


def assert_three_by_four(shapes):
    assert shapes
    for drawn, file, src in shapes:
        assert abs(drawn - 4 / 3) < 0.02, (drawn, src)
        assert abs(file - 4 / 3) < 0.02, (file, src)


def test_the_elder_display_is_larger_remembered_and_reversible(demo_site, wechat, office):
    wechat.goto(demo_site.url + "/deputies/")
    body_size = "parseFloat(getComputedStyle(document.body).fontSize)"
    standard = wechat.evaluate(body_size)
    switch = wechat.locator(".site-header").get_by_role("link", name="长辈版")
    switch.click()
    expect(wechat.locator("html")).to_have_class("elder")
    expect(wechat).to_have_url(demo_site.url + "/deputies/")  # back where it was chosen
    elder = wechat.evaluate(body_size)
    assert elder >= 24 and elder >= standard * 1.3, (standard, elder)
    for link in wechat.locator(".site-header .header-action").all():
        assert link.bounding_box()["height"] >= 56
    assert wechat.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(wechat, "look-elder-wall-360")

    # Remembered across pages (the server draws the class: no flash of the small type).
    wechat.locator(".deputy-card a").first.click()
    expect(wechat.locator("html")).to_have_class("elder")
    assert_three_by_four(portrait_shapes(wechat, ".profile-photo"))
    wechat.goto(demo_site.url + "/stats/")
    expect(wechat.locator("html")).to_have_class("elder")
    assert_menu_on_one_line_each(wechat, 360)

    # Back to the standard display, from any page.
    wechat.locator(".site-header").get_by_role("link", name="标准版").click()
    expect(wechat.locator("html")).not_to_have_class("elder")
    assert wechat.evaluate(body_size) == standard

    # On the office screen the larger menu collapses rather than breaking its words.
    office.context.add_cookies([{"name": "display", "value": "elder", "url": demo_site.url}])
    for width in (1024, 1366, 1920):
        office.set_viewport_size({"width": width, "height": 768})
        office.goto(demo_site.url + "/")
        expect(office.locator("html")).to_have_class("elder")
        assert_menu_on_one_line_each(office, width)
    screenshot(office, "look-elder-home-1920")


def public_pages():
    from deputies.models import Deputy, Station
    from disclosure.models import DisclosureNotice, KeyIssue
    from home.models import NewsPage

    deputy = Deputy.objects.filter(is_active=True, photo__isnull=False).first()
    return {
        "home": "/",
        "wall": "/deputies/",
        "profile": f"/deputies/{deputy.pk}/",
        "reception": "/reception/",
        "disclosure": "/disclosure/",
        "notice": DisclosureNotice.objects.live().first().url,
        "stats": "/stats/",
        "key-issues": "/key-issues/",
        "key-issue": KeyIssue.objects.live().first().url,
        "news": "/news/",
        "article": NewsPage.objects.live().first().url,
        "rules": "/rules/",
        "process": "/process/",
        "privacy": "/privacy/",
        "submit": "/submit/",
        "track": "/track/",
        "qr-form": f"/q/{Station.default().qr_token}/",
        "qr-deputy": f"/q/{deputy.qr_token}/",
    }


def axe_findings(page):
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')}`)"""
    )


def contrast(one, other):
    """WCAG contrast ratio of two computed CSS colours ("rgb(r, g, b)")."""

    def luminance(css):
        channels = [int(part) / 255 for part in re.findall(r"\d+", css)[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_one_red_palette(page):
    """On the form: checked boxes and buttons are the station's red, not Bootstrap's blue; a
    field's edge reaches 3:1 and the focus ring is thick and strong (against the white page)."""
    style = "(el, prop) => getComputedStyle(el)[prop]"
    red = "rgb(164, 22, 26)"
    field = page.locator("main .form-control").first
    assert contrast(field.evaluate(style, "borderTopColor"), "rgb(255, 255, 255)") >= 3
    field.focus()
    assert float(field.evaluate(style, "outlineWidth").removesuffix("px")) >= 3
    assert contrast(field.evaluate(style, "outlineColor"), "rgb(255, 255, 255)") >= 7
    box = page.locator("main input[type=checkbox]").first
    box.check()
    assert box.evaluate(style, "backgroundColor") == red
    assert page.locator("main .btn-submit").first.evaluate(style, "backgroundColor") == red


def test_every_public_page_passes_axe_on_a_phone_and_an_office_screen(demo_site, wechat, office):
    if not AXE.exists():
        message = "axe-core is missing: run `npm ci` (make install-dev does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    pages = public_pages()
    findings = {}
    for label, page in (("360", wechat), ("1366", office)):
        for name, path in pages.items():
            page.goto(demo_site.url + path)
            found = axe_findings(page)
            if found:
                findings[f"{name}@{label} {path}"] = found
            screenshot(page, f"look-{name}-{label}")
            if name == "submit":
                assert_one_red_palette(page)
            if name in ("wall", "profile"):
                selector = ".deputy-photo" if name == "wall" else ".profile-photo"
                assert_three_by_four(portrait_shapes(page, f"img{selector}"))
    assert not findings, findings

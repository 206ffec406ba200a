"""Issue 19 in a real browser: a page served from the cache still works under the
Content-Security-Policy of its own answer (its scripts run, nothing is blocked), and a signed-in
editor's publish reaches the next anonymous visit at once."""

import re

from playwright.sync_api import expect

from home.models import HomePage
from portal import page_cache


def test_a_cached_page_runs_its_scripts_and_shows_a_publish_at_once(phone, demo_site, settings):
    settings.PAGE_CACHE_ENABLED = True
    page_cache.invalidate()  # the demo's rows were restored behind the signals' back
    blocked = []
    phone.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    assert phone.goto(demo_site.url + "/").headers["x-page-cache"] == "miss"
    # A reload asks the server again (the browser may keep the page 60 s otherwise).
    answer = phone.reload()
    assert answer.headers["x-page-cache"] == "hit"
    nonce = re.search(r"'nonce-([^']+)'", answer.headers["content-security-policy"]).group(1)
    assert phone.evaluate("[...document.scripts].map((s) => s.nonce)") == [nonce, nonce]
    # Bootstrap's script, loaded under the cached page's policy, opens the phone menu.
    phone.get_by_role("button", name="打开菜单").click()
    expect(phone.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    assert blocked == []

    home = HomePage.objects.get()
    home.title = "联络站缓存测试"
    home.save_revision().publish()
    answer = phone.reload()
    assert answer.headers["x-page-cache"] == "miss"
    expect(phone.locator("h1")).to_have_text("联络站缓存测试")

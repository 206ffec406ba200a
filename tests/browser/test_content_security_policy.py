"""Issue 17 in a real browser: under the Content-Security-Policy nothing on the public site or in
the back office is blocked, and the buttons whose inline handlers moved to script files still
work (print prints, a confirm button asks and sends nothing when the answer is no)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Page

from deputies.models import Deputy
from disclosure.models import DisclosureIndexPage
from submissions.models import Assignment, Case
from tests.browser.conftest import DESKTOP, screenshot, sign_in

# Every frame (the live preview too) reports a blocked script, style, image or frame to the
# console; Chromium also logs "Refused to ... Content Security Policy" there itself.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
window.print = () => { window.__printed = (window.__printed || 0) + 1; };
"""


@pytest.fixture
def violations():
    return []


def watched(context, violations):
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "CSP violation" in message.text
            else None
        ),
    )
    return page


def signed_in(browser, base_url, violations, username):
    page = watched(browser.new_context(viewport=DESKTOP, locale="zh-CN"), violations)
    sign_in(page, base_url, username)  # the two-step sign-in's page runs under the policy too
    page.wait_for_url(base_url + "/admin/")
    return page


def visit(page, url, violations):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    assert violations == [], f"{url}: {violations}"


def printed(page):
    return page.evaluate("window.__printed || 0")


def test_public_pages_run_under_the_policy(demo_site, browser, violations):
    page = watched(browser.new_context(viewport=DESKTOP, locale="zh-CN"), violations)
    deputy = Deputy.objects.order_by("pk").first()
    for path in ("/", "/deputies/", deputy.qr_path, "/submit/", "/track/", "/my-cases/", "/stats/"):
        visit(page, demo_site.url + path, violations)
    # A public page's scripts and styles come from its type's template, its images from the
    # site's own library (no field allows embeds), so one live page of each type stands for the
    # rest, as one editor of each type does below.
    one_of_each_type = {}
    for pk, page_type in Page.objects.live().filter(depth__gte=3).values_list("pk", "content_type"):
        one_of_each_type.setdefault(page_type, pk)
    for live_page in Page.objects.filter(pk__in=one_of_each_type.values()).specific():
        visit(page, demo_site.url + live_page.url, violations)

    # The printable month of the disclosure list: its print button prints.
    visit(page, demo_site.url + DisclosureIndexPage.objects.live().first().url, violations)
    visit(
        page,
        demo_site.url + page.locator("a[href*='/print/']").first.get_attribute("href"),
        violations,
    )
    page.get_by_role("button", name="打印").click()
    assert printed(page) == 1

    # The menu (Bootstrap's script, loaded with the nonce) still opens on a phone-wide window.
    page.set_viewport_size({"width": 360, "height": 740})
    visit(page, demo_site.url + "/", violations)
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_be_visible()


def test_back_office_runs_under_the_policy(demo_site, browser, violations):
    page = signed_in(browser, demo_site.url, violations, "admin")
    urls = [
        "/admin/",
        "/admin/pages/",
        "/admin/images/",
        "/admin/images/multiple/add/",
        "/admin/documents/",
        "/admin/snippets/",
        "/admin/users/new/",
        reverse("submissions_ledgers"),
        reverse("deputies_posters"),
    ]
    # An editor's scripts come from its page type's panels (a StreamField's widget carries the
    # media of every block it allows, whatever the page holds), so one page of each type, live
    # and draft, stands for the rest: 13 editors for the demo's 49 pages.
    editors = {}
    pages = Page.objects.filter(depth__gte=2).order_by("pk")
    for pk, page_type, live in pages.values_list("pk", "content_type", "live"):
        editors.setdefault((page_type, live), pk)
    urls += [f"/admin/pages/{pk}/edit/" for pk in editors.values()]
    for url in urls:
        visit(page, demo_site.url + url, violations)


def test_print_buttons_print(demo_site, browser, violations):
    page = signed_in(browser, demo_site.url, violations, "admin")
    case = Case.objects.order_by("pk").first()
    assignment = Assignment.objects.filter(returned_at__isnull=True).order_by("pk").first()
    deputy = Deputy.objects.order_by("pk").first()
    urls = [
        reverse("submissions_receipt", args=[case.pk]),
        reverse("submissions_report"),
        reverse("submissions_assessment"),
        reverse("deputies_poster", args=[deputy.pk]),
        reverse("submissions_round_paper", args=[assignment.case_id, assignment.pk, "sheet"]),
        reverse("submissions_round_paper", args=[assignment.case_id, assignment.pk, "letter"]),
    ]
    for url in urls:
        visit(page, demo_site.url + url, violations)
        button = page.get_by_role("button", name="打印")
        if button.count() == 0:  # the report and the assessment print once a period is shown
            continue
        button.click()
        assert printed(page) == 1, url


def test_a_confirm_button_asks_first(demo_site, browser, violations):
    page = signed_in(browser, demo_site.url, violations, "station")
    case = Case.objects.filter(status=Case.Status.SUBMITTED).order_by("pk").first()
    visit(page, demo_site.url + reverse("submissions_case", args=[case.pk]), violations)
    page.locator("details.case-action summary").first.click()
    button = page.locator("details[open] button[data-confirm]")
    asked = []

    def answer_no(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", answer_no)
    button.click()
    page.wait_for_timeout(300)
    assert len(asked) == 1 and asked[0].startswith("确认：")
    assert page.url.endswith(reverse("submissions_case", args=[case.pk]))
    assert Case.objects.get(pk=case.pk).status == Case.Status.SUBMITTED
    screenshot(page, "csp-case-confirm")


def test_ledgers_form_script_runs(demo_site, browser, violations):
    page = signed_in(browser, demo_site.url, violations, "xlgw")
    visit(page, demo_site.url + reverse("submissions_ledgers"), violations)
    page.locator("#id_start").fill("2026-01-01")
    expect(page.locator("#id_month")).to_have_value("")
    page.locator("#id_month").fill("2026-02")
    expect(page.locator("#id_start")).to_have_value("")


def test_page_editor_and_its_live_preview(demo_site, browser, violations):
    page = signed_in(browser, demo_site.url, violations, "admin")
    home = Page.objects.get(depth=2)
    visit(page, f"{demo_site.url}/admin/pages/{home.pk}/edit/", violations)
    page.locator("[data-side-panel-toggle=preview]").first.click()
    frame = page.frame_locator("iframe#w-preview-iframe")
    expect(frame.locator("body")).to_be_visible()
    expect(frame.locator(".site-header")).to_be_visible()
    page.wait_for_timeout(500)
    assert violations == []
    screenshot(page, "csp-page-preview")


def test_chooser_modals_and_inline_panels(demo_site, browser, violations):
    """Choosers open their modal and an inline panel adds a row (its date pickers and choosers
    start from scripts cloned from a template) without a blocked script."""
    from home.models import NewsPage

    page = signed_in(browser, demo_site.url, violations, "admin")
    news = NewsPage.objects.first()
    visit(page, f"{demo_site.url}/admin/pages/{news.pk}/edit/", violations)
    page.locator("button[id$='-ADD']").first.click()  # a gallery row: its chooser starts
    page.wait_for_timeout(500)
    assert violations == []
    page.locator("button[data-chooser-action-choose]:visible").last.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations == []
    screenshot(page, "csp-chooser-and-inline-panel")

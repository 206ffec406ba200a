"""Real-browser tests: Playwright drives Debian's Chromium (never a downloaded browser).

Outside CI they skip when Chromium is missing; in CI (CI=true) a missing browser fails them.
"""

import contextlib
import os
import re
import shutil
from pathlib import Path

import pytest

from tests import snapshots

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; the Django ORM calls that the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def contexts_closed_after_each_test(request):
    """Whatever browser contexts a test opened are closed after it: a page left open (an editor
    pinging its editing session, a running animation) would go on using the machine for the
    rest of the session."""
    browser = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    yield
    for context in browser.contexts if browser else ():
        context.close()


@contextlib.contextmanager
def new_page(browser, **options):
    """A page in a browser context of its own (cookies, viewport), closed afterwards."""
    context = browser.new_context(locale="zh-CN", **options)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser):
    with new_page(
        browser, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    ) as page:
        yield page


@pytest.fixture
def desktop(browser):
    with new_page(browser, viewport=DESKTOP) as page:
        yield page


@pytest.fixture
def demo_site(transactional_db, demo_rows, live_server):
    """The live server over the demo site (seeded once per process, restored for each test)."""
    snapshots.restore(demo_rows)
    return live_server


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def phone_of(username):
    """The login's authenticator app, played by the test, if the login must use two-step
    sign-in; else None. Its next code is always fresh (a code works once per 30 seconds)."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import two_factor
    from tests.second_step import authenticator_for

    user = get_user_model().objects.get(username=username)
    if not two_factor.required(user):
        return None
    device = authenticator_for(user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return device


def enter_code(page, device):
    """The second step of signing in: type the code the phone shows now."""
    from tests.second_step import current_code

    page.wait_for_url(re.compile(r"/admin/two-factor/verify/"))
    page.fill("#id_code", current_code(device))
    page.locator("form.login-form button[type=submit]").click()


def sign_in(page, base_url, username, password="demo-2026"):
    """Password, then (for the logins that must) the code from the phone."""
    device = phone_of(username)
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()
    if device is not None:
        enter_code(page, device)


def admin_login(browser, base_url, username, password="demo-2026"):
    """A fresh desktop browser context logged into the admin as username, through the sign-in
    pages (password, then the code)."""
    page = admin_page(browser)
    sign_in(page, base_url, username, password)
    page.wait_for_url(base_url + "/admin/")
    return page


def signed_in_as(browser, base_url, username):
    """A fresh desktop browser context on the admin's dashboard, signed in as username with a
    session made on the server as the sign-in pages make it (password and code passed), for
    the flows that begin once a login is in (about 1.5 s of browser work saved a login). The
    sign-in pages themselves are driven through admin_login and sign_in by
    test_two_factor_flow, test_login_lockout, test_onboarding, test_admin_branding,
    test_deputy_wall and test_content_security_policy."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()  # force_login passes the second step too (tests/second_step.py)
    client.force_login(get_user_model().objects.get(username=username))
    page = admin_page(browser)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": base_url, "httpOnly": True}]
    )
    page.goto(base_url + "/admin/")
    page.wait_for_url(base_url + "/admin/")  # not sent on to the sign-in or the code page
    return page


def admin_page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the actions' confirmation prompts
    return page


def online_case(title, description, name, phone, category="基础设施与安全"):
    """A case submitted online to the demo station, as the public form would file it."""
    from deputies.models import Station
    from submissions.intake import create_case
    from submissions.models import Category

    case, _ = create_case(
        station=Station.default(),
        kind="problem",
        channel="online",
        category=Category.objects.get(name=category),
        title=title,
        description=description,
        submitter_name=name,
        submitter_phone=phone,
        consent_given=True,
    )
    return case

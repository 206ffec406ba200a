"""Issue 13: the back office speaks Simplified Chinese, is the station's, and calls no other site.

The main test logs in as each demo role, opens /admin/, then every menu item of the sidebar (its
submenus, reports, settings and the account page included), then follows every same-origin
/admin/ link breadth-first, one page per URL shape (/admin/cases/7/ stands for every case), up to
MAX_PAGES pages. On each page it reads the visible text (no <script>, <style>, SVG icons, hidden
elements, text marked translate="no" such as a secret key, nor attribute values other than
placeholder, title, aria-label, alt and tooltips; plus the sidebar's labels, which Wagtail
ships as JSON) and fails on English words: runs of three or more Latin letters that are not on
the allow-list (codes, units, proper names, the demo's usernames). English that comes from
other apps' code which is not marked for translation is
listed in KNOWN_ENGLISH, with where it comes from, so that it can be fixed there and removed here.

A second test fails on any src/href (or sidebar link) on those pages that points outside the
site (Gravatar, guide.wagtail.org...); the site's own WAGTAILADMIN_BASE_URL host is allowed.
"""

import ast
import gettext as gettext_module
import json
import re
import warnings
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.http import HttpRequest
from django.test import Client
from django.utils import translation

from tests import snapshots
from tests.conftest import module_data

PASSWORD = "demo-2026"
# The demo's logins (submissions/demo.py, home/demo.py): one per role.
ROLES = ["station", "xlgw", "zjj", "deputy", "editor", "moderator", "admin"]
DEMO_USERNAMES = {"station", "xlgw", "zjj", "rsj", "cgj", "wjw", "nyj", "yqgwh", "jrzx", "jjdd"}
DEMO_USERNAMES |= {"deputy", "editor", "moderator", "admin"}
MAX_PAGES = 250  # per role, a guard: the administrator reaches about 180 page shapes, in ~10 s

# Links the crawl never follows: they change something, answer only POST, return a file or a
# JSON fragment, or render the public site rather than the admin.
SKIP = re.compile(
    r"logout|delete|unpublish|confirm|revert|/lock/|/unlock/|cancel|/approve|/reject|/preview"
    r"|view_draft|/revisions/\d+/view/|/move/|/copy/|export=|\.xlsx$|\.csv$|/disable|/enable"
    r"|/remove|/rotate|/photos/|/replies/|/dismissibles|chooser|/choose|/workflow/action"
    r"|/convert_alias|/set_privacy|/sort|/results/|/jsi18n"
)

# Words that may appear in Latin letters: codes, units, formats, proper names, key names.
ALLOWED_WORDS = {
    "CSV", "XLSX", "XLS", "PDF", "DOCX", "ODT", "TXT", "TSV", "JPEG", "JPG", "PNG", "GIF",
    "SVG", "WEBP", "AVIF", "HEIC", "HTML", "SMS", "HTTP", "HTTPS", "URL", "ICP", "QR", "ID", "OK",
    "MB", "KB", "GB", "Excel", "Word", "WeChat", "JavaScript", "localhost",
    "testserver",  # the test site's hostname (seed_demo points the Site at the base URL)
    "Ctrl", "Alt", "Shift", "Esc", "Enter", "Tab", "Cmd",
    "YXGY",  # the demo station's case-reference prefix
    "TOTP", "Microsoft", "Authenticator",  # the one-time codes of two-step sign-in, an app's name
}  # fmt: skip
ALLOWED_UPPER = {word.upper() for word in ALLOWED_WORDS}
# Text that is removed before looking for words: links, e-mail addresses, file names, paths,
# dotted model codes (home.newspage), dash-joined codes (YXGY-2026-0007, tracking codes).
STRIP = [
    re.compile(pattern)
    for pattern in (
        r"https?://\S+",
        r"[\w.+-]+@[\w-]+(\.[\w-]+)+",
        r"\b[\w-]+\.(pdf|docx|xlsx|odt|txt|jpe?g|png|gif|svg|csv)\b",
        r"/[\w/.-]+",
        r"\b[a-z_]+\.[a-z_]+\b",
        r"\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b",
    )
]
WORD = re.compile(r"[A-Za-z][A-Za-z']{2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")

# English the crawl finds that is not Wagtail's and not in the catalogue: strings in other apps'
# code that are not marked for translation, and data. (URL pattern, text, where it comes from.)
# Fix them at the source, then delete the line (the administrator's crawl warns about lines that
# no longer match anything).
KNOWN_ENGLISH = []

pytestmark = pytest.mark.django_db


def restored_demo(demo_rows):
    """The demo's rows (seeded once per test process), for the whole module."""
    snapshots.restore(demo_rows)


demo = module_data(restored_demo, "demo_rows")


def login(username):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=PASSWORD), username
    return client


class Page(HTMLParser):
    """Visible text, links and URL-bearing attributes of an admin page."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    VOID |= {"track", "wbr"}
    TEXT_ATTRS = {"placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value"}
    URL_ATTRS = {"href", "src", "srcset", "action", "poster", "data", "formaction"}

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self.urls, self.json = [], [], [], {}
        self.svg = 0
        self.hidden_tag, self.hidden = None, 0
        self.script = None
        self.feed(html)
        self.close()
        self.menu_labels, self.menu_urls = [], []
        if "wagtail-sidebar-props" in self.json:
            self._walk_sidebar(json.loads(self.json["wagtail-sidebar-props"]))

    def handle_starttag(self, tag, attrs):
        attrs_dict = dict(attrs)
        if tag == "svg":
            self.svg += 1
        if tag in ("script", "style"):
            self.script = (tag, attrs_dict)
        if self.hidden_tag == tag:
            self.hidden += 1
        elif (
            not self.hidden
            and ("hidden" in attrs_dict or attrs_dict.get("translate") == "no")
            and tag not in self.VOID
        ):  # hidden, or marked as never translated (a secret key, backup codes)
            self.hidden_tag, self.hidden = tag, 1
        if tag == "a" and attrs_dict.get("href"):
            self.links.append(attrs_dict["href"])
        for name, value in attrs:
            if value is None:
                continue
            if name in self.URL_ATTRS or name.endswith("-url"):
                self.urls.append(value)
            if name in self.TEXT_ATTRS and not self.svg and not self.hidden:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag == "svg" and self.svg:
            self.svg -= 1
        if tag in ("script", "style"):
            self.script = None
        if tag == self.hidden_tag and self.hidden:
            self.hidden -= 1
            if not self.hidden:
                self.hidden_tag = None

    def handle_data(self, data):
        if self.script:
            tag, attrs = self.script
            if tag == "script" and attrs.get("type") == "application/json" and attrs.get("id"):
                self.json[attrs["id"]] = data
            return
        if not self.svg and not self.hidden:
            self.texts.append(data)

    def _walk_sidebar(self, node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("label", "footer_text") and isinstance(value, str):
                    self.menu_labels.append(value)
                elif key == "url" and isinstance(value, str):
                    self.menu_urls.append(value)
                else:
                    self._walk_sidebar(value)
        elif isinstance(node, list):
            for value in node:
                self._walk_sidebar(value)


def english_in(texts):
    """The pieces of text that contain a word in Latin letters that is not allowed."""
    found = []
    for text in texts:
        cleaned = text
        for pattern in STRIP:
            cleaned = pattern.sub(" ", cleaned)
        words = [
            word
            for word in WORD.findall(cleaned)
            if word.upper() not in ALLOWED_UPPER and word not in DEMO_USERNAMES
        ]
        if words:
            found.append(" ".join(text.split())[:160])
    return found


def known(path, text):
    """The index of the KNOWN_ENGLISH line that excuses this text on this page, or None."""
    for index, (pattern, words, _where) in enumerate(KNOWN_ENGLISH):
        if re.search(pattern, path) and re.search(rf"\b(?:{words})\b", text):
            return index
    return None


def shape(path):
    return re.sub(r"\d+", "N", path)


def external(url):
    """Whether a URL in a src/href leaves the site (its own base URL is allowed)."""
    if not re.match(r"^(https?:)?//", url):
        return False
    own = {urlsplit(settings.WAGTAILADMIN_BASE_URL).netloc, "testserver"}
    return urlsplit(url).netloc not in own


def crawl(client, max_pages=MAX_PAGES, follow_links=True):
    """Breadth-first over the admin: {path: (status, Page or None)} and the sidebar's URLs.

    Without follow_links, only the dashboard and the sidebar's pages are read."""
    pages, seen, shapes = {}, set(), set()
    home = Page(client.get("/admin/").content.decode())
    menu = [url for url in home.menu_urls if url.startswith("/admin/")]
    queue = deque(["/admin/", *menu])
    seen.update(queue)
    while queue and len(pages) < max_pages:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code in (301, 302):
            target = urlsplit(urljoin(path, response["Location"]))
            if target.path.startswith("/admin/") and target.path not in seen:
                seen.add(target.path)
                queue.appendleft(target.path)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            pages[path] = (response.status_code, None)
            continue
        page = Page(response.content.decode())
        pages[path] = (200, page)
        for href in (page.menu_urls + page.links) if follow_links else ():
            if href.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            url = urlsplit(urljoin(path, href))
            if url.netloc not in ("", "testserver") or not url.path.startswith("/admin/"):
                continue
            if SKIP.search(url.path) or url.path in seen or shape(url.path) in shapes:
                continue
            seen.add(url.path)
            shapes.add(shape(url.path))
            queue.append(url.path)
    return pages, menu


_crawls = {}


def crawled(role):
    if role not in _crawls:
        _crawls[role] = crawl(login(role))
    return _crawls[role]


# The administrator reaches every admin page: its crawl alone renders them all on PostgreSQL
# in CI; the other roles' crawls, which see fewer pages, run on SQLite only.
BY_ROLE = [
    pytest.param(role, marks=[] if role == "admin" else [pytest.mark.one_database])
    for role in ROLES
]


@pytest.mark.parametrize("role", BY_ROLE)
def test_every_admin_page_a_role_reaches_is_in_chinese(demo, role):
    pages, menu = crawled(role)
    not_visited = [url for url in menu if url not in pages]
    assert not not_visited, f"{role}: menu items the crawl did not reach: {not_visited}"
    broken = {path: status for path, (status, _page) in pages.items() if status >= 500}
    assert not broken, f"{role}: server errors: {broken}"
    problems, known_seen = {}, set()
    for path, (_status, page) in pages.items():
        if page is None:
            continue
        english = []
        for text in english_in(page.texts + page.menu_labels):
            entry = known(path, text)
            if entry is None:
                english.append(text)
            else:
                known_seen.add(entry)
        if english:
            problems[path] = sorted(set(english))
    if role == "admin":  # the administrator sees every page where KNOWN_ENGLISH has a line
        for index, (_pattern, words, where) in enumerate(KNOWN_ENGLISH):
            if index not in known_seen:
                warnings.warn(
                    f"KNOWN_ENGLISH no longer seen, remove: {words} ({where})", stacklevel=1
                )
    report = "\n".join(f"  {path}: {texts}" for path, texts in problems.items())
    assert not problems, f"{role}: English on {len(problems)} admin pages:\n{report}"


@pytest.mark.parametrize("role", BY_ROLE)
def test_admin_pages_link_to_no_outside_site(demo, role):
    # The whole crawl when this worker has made it (make test keeps a module on one worker),
    # else the dashboard and every page of the sidebar.
    pages, _menu = _crawls.get(role) or crawl(login(role), follow_links=False)
    outside = {}
    for path, (_status, page) in pages.items():
        if page is not None:
            urls = sorted({url for url in page.urls + page.menu_urls if external(url)})
            if urls:
                outside[path] = urls
    assert not outside, f"{role}: src/href to other sites: {outside}"


def test_pages_without_login_are_in_chinese(demo):
    client = Client()
    for path in ("/admin/login/", "/admin/password_reset/"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = Page(response.content.decode())
        assert not english_in(page.texts), (path, english_in(page.texts))
        assert not [url for url in page.urls if external(url)], path
    response = login("station").get("/admin/no-such-page/")
    assert response.status_code == 404
    page = Page(response.content.decode())
    assert not english_in(page.texts), english_in(page.texts)


def test_login_page_and_titles_carry_the_station_name(demo):
    from deputies.models import Station

    name = Station.default().name
    html = Client().get("/admin/login/").content.decode()
    assert re.search(rf"<h1>\s*登录 {re.escape(name)}工作平台\s*</h1>", html)
    assert f"<title>登录 - {name}</title>" in html
    assert "img/emblem.svg" in html
    assert not [text for text in Page(html).texts if "Wagtail" in text]

    html = login("station").get("/admin/").content.decode()
    assert f"- {name}</title>" in html
    sidebar_logo = re.search(
        r"<template data-wagtail-sidebar-branding-logo>(.*?)</template>", html, re.S
    )
    assert sidebar_logo and name in sidebar_logo.group(1) and "emblem.svg" in sidebar_logo.group(1)

    # The name is the station's, read through a cache that saving the station clears.
    station = Station.default()
    station.name = "测试联络站"
    station.save()  # the cached name follows the save
    html = login("station").get("/admin/").content.decode()
    assert "- 测试联络站</title>" in html


def test_help_menu_stays_inside_the_site(demo):
    page = Page(login("editor").get("/admin/").content.decode())
    assert "快捷键" in page.menu_labels
    assert not [url for url in page.menu_urls if "wagtail.org" in url]
    assert not [label for label in page.menu_labels if "Wagtail" in label or "编辑指南" in label]


def test_wagtail_strings_the_project_corrects():
    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.gettext("live") == "已发布"
        assert translation.gettext("Live") == "已发布"
        assert translation.gettext("Created") == "创建"
        assert translation.gettext("%(label)s and Publish") % {"label": "批准"} == "批准并发布"
        assert translation.gettext("Log out") == "退出登录"


def test_every_wagtail_string_listed_for_makemessages_is_translated():
    """portal/admin_catalogue.py lists the Wagtail msgids the project's catalogue translates;
    each must be in the compiled catalogue, in Chinese (a `make messages` that lost them, or a
    forgotten compilemessages, would show up here)."""
    source = Path(settings.BASE_DIR, "portal", "admin_catalogue.py").read_text(encoding="utf-8")
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") in ("gettext_noop", "ngettext_lazy")
    ]
    assert len(calls) > 400
    mo = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.mo")
    with mo.open("rb") as file:
        catalogue = gettext_module.GNUTranslations(file)._catalog
    untranslated = []
    for call in calls:
        msgid = call.args[0].value
        text = catalogue.get((msgid, 0) if call.func.id == "ngettext_lazy" else msgid)
        words = re.sub(r"%\(\w+\)[sd]|<[^>]*>", "", msgid)
        if not text or (re.search("[A-Za-z]{2,}", words) and not re.search(CJK, text)):
            untranslated.append(msgid)
    assert not untranslated, untranslated


def test_admin_javascript_catalogue_is_corrected(demo):
    body = login("station").get("/admin/jsi18n/").content.decode()
    assert "\\u5185\\u5bb9\\u5757" in body or "内容块" in body  # Blocks
    assert "\\u7f16\\u8f91\\u5668\\u5d29\\u6e83" not in body and "崩溃" not in body

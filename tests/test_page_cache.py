"""Issue 19: anonymous visitors get the public pages from the shared cache, a change to what a
page shows reaches the next visitor at once, and nothing personal is ever kept or shared."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Page, PageViewRestriction

from deputies.models import Deputy, Station
from disclosure.models import DisclosureNotice
from home.models import HomePage, SiteSettings
from portal import generations, page_cache
from submissions import roles
from tests.factories import make_case, make_user

NONCE = re.compile(r'nonce="([^"]+)"')
COOKIE_CHARACTERS = st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=';,\\"')


@pytest.fixture
def site(demo, settings):
    """The demo site with the page cache on (the test settings leave it off)."""
    settings.PAGE_CACHE_ENABLED = True
    page_cache.invalidate()  # the demo's rows were restored behind the signals' back
    deputy = Deputy.objects.live().filter(is_active=True).first()
    notice = DisclosureNotice.objects.live().order_by("-disclosed_on", "-pk").first()  # page 1
    return {
        "deputy": deputy,
        "notice": notice,
        "urls": [
            "/",
            "/deputies/",
            f"/deputies/{deputy.pk}/",
            "/disclosure/",
            notice.url,
            "/stats/",
            "/key-issues/",
            "/news/",
            "/rules/",
            "/reception/",
        ],
    }


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


def policy_nonce(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, site):
    for url in site["urls"]:
        first, _ = fetch(client, url)
        assert first.status_code == 200, url
        assert first["X-Page-Cache"] == "miss", url
        again, queries = fetch(Client(), url)
        assert again["X-Page-Cache"] == "hit", url
        assert queries == 0, url
        assert again["Cache-Control"] == "public, max-age=60", url
        # The same page, but for the nonce.
        assert NONCE.sub("", again.content.decode()) == NONCE.sub("", first.content.decode())


def test_every_hit_has_its_own_nonce_in_both_the_header_and_the_scripts(client, site):
    nonces = []
    for _ in range(3):
        response = client.get("/")
        nonce = policy_nonce(response)
        in_page = set(NONCE.findall(response.content.decode()))
        assert in_page == {nonce}  # every script carries the nonce the header allows
        nonces.append(nonce)
    assert response["X-Page-Cache"] == "hit"
    assert len(set(nonces)) == 3


def test_publishing_a_page_shows_on_the_next_visit(client, site):
    assert "联络站新名字" not in client.get("/").content.decode()
    client.get("/rules/")
    assert client.get("/rules/")["X-Page-Cache"] == "hit"
    home = HomePage.objects.get()
    home.title = "联络站新名字"
    home.save_revision().publish()
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "联络站新名字" in response.content.decode()
    # Every kept page is dropped: a page's title may be in any other page's menu or links.
    assert client.get("/rules/")["X-Page-Cache"] == "miss"


def test_an_unpublished_notice_is_gone_at_once(client, site):
    notice = site["notice"]
    url = notice.url
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get("/disclosure/").content.decode()
    notice.unpublish()
    assert client.get(url).status_code == 404
    assert f'href="{url}"' not in client.get("/disclosure/").content.decode()


def test_a_deputy_edit_reaches_the_wall_and_the_profile(client, site):
    deputy = site["deputy"]
    profile = f"/deputies/{deputy.pk}/"
    client.get("/deputies/"), client.get(profile)
    deputy.name = "改过的名字"
    deputy.save()
    assert "改过的名字" in client.get("/deputies/").content.decode()
    assert "改过的名字" in client.get(profile).content.decode()


def test_a_new_case_makes_the_statistics_page_render_again(client, site):
    client.get("/stats/")
    assert client.get("/stats/")["X-Page-Cache"] == "hit"
    make_case(Station.default())
    assert client.get("/stats/")["X-Page-Cache"] == "miss"


def test_site_settings_and_the_menu_change_at_once(client, site):
    client.get("/")
    settings_row = SiteSettings.objects.get()
    settings_row.icp_number = "赣ICP备99999999号"
    settings_row.save()
    rules = Page.objects.get(slug="rules").specific
    rules.show_in_menus = not rules.show_in_menus
    rules.save_revision().publish()
    html = client.get("/").content.decode()
    assert "赣ICP备99999999号" in html
    assert ('href="/rules/"' in html.split("</nav>")[0]) == rules.show_in_menus


def test_the_query_string_is_part_of_the_key(client, site):
    client.get("/deputies/")
    filtered = client.get("/deputies/", {"role": "resident"})
    assert filtered["X-Page-Cache"] == "miss"
    assert filtered.context["selected_role"] == "resident"


def test_signed_in_users_neither_get_nor_leave_cached_pages(client, site):
    client.get("/")  # kept for anonymous visitors
    client.force_login(make_user("staff-cache", roles.STAFF))
    response, queries = fetch(client, "/")
    assert "X-Page-Cache" not in response and queries > 0
    assert response["Cache-Control"] == "private, no-store"
    cache.clear()
    client.get("/rules/")  # rendered for the signed-in user: not kept
    response, queries = fetch(Client(), "/rules/")
    assert response["X-Page-Cache"] == "miss" and queries > 0


@pytest.mark.parametrize("url", ["/submit/", "/track/"])
def test_forms_are_never_kept_and_say_private_no_store(client, site, url):
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.cookies  # a CSRF cookie: personal


def test_a_password_protected_page_is_never_shared(client, site):
    rules = Page.objects.get(slug="rules")
    PageViewRestriction.objects.create(
        page=rules, restriction_type=PageViewRestriction.PASSWORD, password="opensesame"
    )
    form = client.get("/rules/")
    assert "X-Page-Cache" not in form and "no-store" in form["Cache-Control"]
    restriction = PageViewRestriction.objects.get(page=rules)
    url = f"/_util/authenticate_with_password/{restriction.pk}/{rules.pk}/"
    client.post(url, {"password": "opensesame", "return_url": "/rules/"})
    inside = client.get("/rules/")
    assert rules.specific.intro[:10] in inside.content.decode()
    assert "X-Page-Cache" not in inside and "no-store" in inside["Cache-Control"]
    stranger = Client().get("/rules/")
    assert rules.specific.intro[:10] not in stranger.content.decode()


@hypothesis_settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cookie=st.sampled_from(["sessionid", "messages"]),
    value=st.text(COOKIE_CHARACTERS, min_size=1, max_size=40),
    query=st.dictionaries(st.sampled_from(["page", "role", "level", "x"]), st.text(max_size=8)),
)
def test_a_session_or_messages_cookie_never_reads_or_writes_the_cache(site, cookie, value, query):
    anonymous = Client()
    anonymous.get("/deputies/", query)  # kept
    visitor = Client()
    visitor.cookies[cookie] = value
    response, queries = fetch(visitor, "/deputies/", data=query)
    assert "X-Page-Cache" not in response and queries > 0
    assert response["Cache-Control"] == "private, no-store"


def test_a_cache_outage_serves_pages_and_saves_changes(client, site, monkeypatch):
    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis is down")

            return fail

    monkeypatch.setattr(page_cache, "cache", Down())  # the pages
    monkeypatch.setattr(generations, "cache", Down())  # their generation and the kept parts
    for url in site["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response
    deputy = site["deputy"]
    deputy.name = "缓存停了也能改"
    deputy.save()  # the generation cannot be bumped: the save still succeeds
    assert "缓存停了也能改" in client.get("/deputies/").content.decode()


def test_the_large_print_display_is_kept_apart_from_the_standard_one(site):
    """A page drawn for the 长辈版 cookie is never served to a standard visitor, nor the other
    way round, and a made-up cookie value gets the standard copy."""
    standard = Client()
    elder = Client()
    elder.cookies["display"] = "elder"
    for url in ("/", "/stats/"):
        first_elder, _ = fetch(elder, url)
        assert '<html lang="zh-CN" class="elder">' in first_elder.content.decode(), url
        first_standard, _ = fetch(standard, url)
        assert first_standard["X-Page-Cache"] == "miss", url
        assert '<html lang="zh-CN">' in first_standard.content.decode(), url
        again_elder, queries = fetch(elder, url)
        assert again_elder["X-Page-Cache"] == "hit" and queries == 0, url
        assert NONCE.sub("", again_elder.content.decode()) == NONCE.sub(
            "", first_elder.content.decode()
        ), url
        junk = Client()
        junk.cookies["display"] = "x" * 40
        response, _ = fetch(junk, url)
        assert response["X-Page-Cache"] == "hit", url
        assert NONCE.sub("", response.content.decode()) == NONCE.sub(
            "", first_standard.content.decode()
        ), url

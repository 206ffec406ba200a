"""What every public page carries besides its content: the robots file, the sitemap, the icon,
the share card WeChat draws from a link, and the 长辈版 switch."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.utils.html import escape
from django.utils.text import Truncator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from home import display
from home.views import ROBOTS_DISALLOWED


def meta(html, prop):
    found = re.search(rf'<meta (?:property|name)="{prop}" content="([^"]*)">', html)
    return found and found.group(1)


@pytest.mark.django_db
def test_robots_keep_crawlers_out_of_forms_tracking_qr_entries_and_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/track/", "/q/", "/submit/", "/display/"):
        assert f"Disallow: {path}" in lines
    assert set(ROBOTS_DISALLOWED) <= {line.split(": ", 1)[1] for line in lines[1:]}
    assert lines[-1].startswith("Sitemap: http") and lines[-1].endswith("/sitemap.xml")
    assert "Disallow: /" not in lines  # the public pages stay indexable


@pytest.mark.django_db
def test_sitemap_lists_only_live_public_pages_and_nothing_from_a_case(client, demo):
    from wagtail.models import Page, PageViewRestriction

    from home.models import NewsPage
    from submissions.models import Case

    draft = NewsPage.objects.live().first()
    draft.unpublish()
    restricted = NewsPage.objects.live().first()
    PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    paths = {urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", body)}
    live = {
        page.url for page in Page.objects.live().public().specific() if page.url and page.depth > 1
    }
    assert paths == live
    assert "/disclosure/" in paths and "/deputies/" in paths
    assert draft.url not in paths and restricted.url not in paths
    assert not any(p.startswith(("/q/", "/track/", "/submit/", "/admin/")) for p in paths)
    for case in Case.objects.all():
        for private in (case.submitter_name, case.submitter_phone, case.tracking_code):
            assert not private or private not in body


@pytest.mark.django_db
def test_favicon_answers_the_browsers_default_request(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    assert finders.find("img/favicon.ico") and finders.find("img/share.png")


@pytest.mark.django_db
def test_share_cards_carry_each_pages_own_title_text_and_image(client, demo):
    from disclosure.models import DisclosureNotice
    from home.models import NewsPage

    notice = DisclosureNotice.objects.live().first()
    html = client.get(notice.url).content.decode()
    assert meta(html, "og:title") == notice.title
    assert meta(html, "og:description") == escape(Truncator(notice.summary.strip()).chars(120))
    assert meta(html, "og:url").startswith("http") and meta(html, "og:url").endswith(notice.url)
    site_image = meta(html, "og:image")  # the notice has no image: the site's share image
    assert site_image.startswith("http") and ".max-1200x1200." in site_image

    article = NewsPage.objects.live().exclude(main_image=None).first()
    html = client.get(article.url).content.decode()
    assert meta(html, "og:title") == article.title
    image = meta(html, "og:image")
    assert urlsplit(image).scheme in ("http", "https")
    assert ".max-1200x1200." in image  # the article's own photo, its proportions kept

    assert image != site_image

    # Without a share image in the settings, the bundled card (the emblem) still gives one.
    from home.models import SiteSettings

    for site_settings in SiteSettings.objects.all():  # saved as the editor would, so signals run
        site_settings.share_image = None
        site_settings.save()
    home = client.get("/").content.decode()
    assert meta(home, "og:image").startswith("http")
    assert meta(home, "og:image").endswith("/static/img/share.png")


@pytest.mark.django_db
def test_elder_display_is_drawn_by_the_server_from_the_cookie(client, home_page):
    standard = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in standard
    assert "长辈版" in standard and "navbar-expand-lg" in standard

    response = client.get("/display/", {"mode": "elder", "next": "/stats/?period=year"})
    assert response.status_code == 302 and response["Location"] == "/stats/?period=year"
    cookie = response.cookies[display.COOKIE]
    assert cookie.value == "elder" and cookie["max-age"] == display.COOKIE_AGE
    assert cookie["samesite"] == "Lax"
    assert response["Cache-Control"] == "no-store"

    elder = client.get("/").content.decode()
    assert '<html lang="zh-CN" class="elder">' in elder
    assert "标准版" in elder and "navbar-expand-xl" in elder

    client.get("/display/", {"mode": "standard", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_made_up_display_changes_nothing(client, home_page):
    client.cookies[display.COOKIE] = "elder"
    response = client.get("/display/", {"mode": "huge", "next": "/"})
    assert response.status_code == 302 and display.COOKIE not in response.cookies
    assert client.post("/display/", {"mode": "standard"}).status_code == 405
    client.cookies[display.COOKIE] = "<script>"
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


@pytest.mark.django_db
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "//evil.example/",
                "https://evil.example/",
                "/\\evil.example",
                "\\\\evil.example",
                "javascript:alert(1)",
                "http:/evil.example",
                " /x",
                "/%2F%2Fevil.example",
            ]
        ),
        st.builds(lambda s: "/" + s, st.text(max_size=30)),
    )
)
def test_the_switch_never_sends_anyone_off_the_site(client, next_path):
    response = client.get("/display/", {"mode": "elder", "next": next_path})
    assert response.status_code == 302
    location = response["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith(("//", "/\\"))

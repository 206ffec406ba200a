"""Issue 19: Wagtail's routing of a public URL is kept between requests (portal.route_cache),
yet a page that is unpublished, moved or put behind a restriction is answered as such at once,
and nothing a visitor made up or could not see is kept."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from portal import page_cache
from submissions import roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROUTE_KEYS = f"{page_cache.PART_PREFIX}route:"


@pytest.fixture
def rules(demo):
    page_cache.invalidate()  # the demo's rows were restored behind the signals' back
    return Page.objects.get(slug="rules").specific


def kept_routes():
    return [key for key in cache._cache if ROUTE_KEYS in key]  # locmem: the test settings'


def route_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries if "wagtailcore_page" in q["sql"]]


def test_a_second_visit_routes_without_reading_the_page_tree(client, rules):
    first, tree_reads = route_queries(client, "/rules/")
    assert first.status_code == 200 and tree_reads
    again, tree_reads = route_queries(Client(), "/rules/")
    assert again.status_code == 200 and tree_reads == []
    assert again.content == first.content.replace(
        first.wsgi_request.csp_nonce.encode(), again.wsgi_request.csp_nonce.encode()
    )


def test_an_unpublished_page_is_gone_at_once(client, rules):
    assert client.get("/rules/").status_code == 200
    rules.unpublish()
    assert client.get("/rules/").status_code == 404


def test_a_renamed_page_moves_at_once(client, rules):
    assert client.get("/rules/").status_code == 200
    rules.slug = "work-rules"
    rules.save_revision().publish()
    assert client.get("/rules/").status_code == 404
    assert client.get("/work-rules/").status_code == 200


def test_a_restriction_added_after_a_visit_guards_the_page_at_once(client, rules):
    assert rules.intro[:10] in client.get("/rules/").content.decode()
    PageViewRestriction.objects.create(
        page=rules, restriction_type=PageViewRestriction.PASSWORD, password="opensesame"
    )
    form = Client().get("/rules/").content.decode()
    assert rules.intro[:10] not in form and 'name="password"' in form


def test_a_restricted_page_is_never_kept(client, rules):
    PageViewRestriction.objects.create(page=rules, restriction_type=PageViewRestriction.LOGIN)
    for _ in range(2):
        assert client.get("/rules/").status_code == 302  # to the login
    assert kept_routes() == []


def test_made_up_urls_and_signed_in_visits_keep_nothing(client, rules):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/deputies/999999/").status_code == 404  # a sub-route, no such deputy
    client.force_login(make_user("staff-route", roles.STAFF))
    assert client.get("/rules/").status_code == 200
    assert kept_routes() == []
    assert Client().get("/rules/").status_code == 200
    assert len(kept_routes()) == 1

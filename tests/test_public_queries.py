"""Issue 19: every public page, rendered afresh (no kept copy), costs a fixed number of queries,
the same over the demo as over the demo with many more deputies, notices, articles and cases."""

import datetime

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deputies.models import Deputy, Station
from disclosure.models import DisclosureIndexPage, DisclosureNotice
from home.models import NewsIndexPage
from tests.factories import NewsPageFactory, make_case

# Pinned: a page that needs more has grown an N+1 or lost a cached part (portal.page_cache).
QUERIES = {
    "/": 10,
    "/deputies/": 9,
    "profile": 12,
    "/disclosure/": 11,
    "notice": 10,
    "/stats/": 11,
    "/key-issues/": 7,
    "/news/": 10,
    "article": 10,
    "/rules/": 6,
    "/process/": 6,
    "/reception/": 8,
}
NOTICE_FIELDS = [
    "case",
    "reference",
    "category",
    "department",
    "outcome",
    "rating",
    "received_on",
    "replied_on",
    "closed_on",
    "summary",
    "handling",
]


def urls():
    deputy = Deputy.objects.live().filter(is_active=True).order_by("pk").first()
    notice = DisclosureNotice.objects.live().order_by("pk").first()
    article = NewsIndexPage.objects.get().get_children().live().order_by("pk").first()
    paths = {key: key for key in QUERIES if key.startswith("/")}
    details = {"profile": f"/deputies/{deputy.pk}/", "notice": notice.url, "article": article.url}
    return paths | details


def counts(client):
    found = {}
    for key, url in urls().items():
        assert client.get(url).status_code == 200, url  # renditions are made on first view
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        found[key] = len(queries)
    return found


def grow(deputies=150, notices=40, articles=15, cases=150):
    station = Station.default()
    images = [wagtail_factories.ImageFactory() for _ in range(20)]
    Deputy.objects.bulk_create(
        Deputy(
            station=station,
            name=f"新代表{number}",
            level="county",
            role=("resident", "liaison", "member")[number % 3],
            photo=images[number % len(images)],
            sort_order=1000 + number,
            qr_token=f"grown-{number}",  # bulk_create skips save(), which draws one
        )
        for number in range(deputies)
    )
    index = DisclosureIndexPage.objects.get()
    source = DisclosureNotice.objects.live().first()
    fields = {name: getattr(source, name) for name in NOTICE_FIELDS}
    for number in range(notices):
        day = datetime.date(2026, 1, 1) + datetime.timedelta(days=number)
        notice = DisclosureNotice(
            title=f"公示第{number}号", slug=f"extra-{number}", disclosed_on=day, **fields
        )
        index.add_child(instance=notice)
    news = NewsIndexPage.objects.get()
    for _ in range(articles):
        NewsPageFactory(parent=news)
    for _ in range(cases):
        make_case(station)


@pytest.mark.django_db
def test_every_public_page_costs_the_same_few_queries_however_much_data(client, demo):
    before = counts(client)
    assert before == QUERIES
    grow()
    assert counts(client) == QUERIES

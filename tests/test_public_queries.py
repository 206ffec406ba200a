"""Issue 19: every public page, rendered afresh (no kept copy), costs a fixed number of queries,
the same over the demo as over the demo with many more deputies, notices, articles and cases."""

import datetime

import pytest
import wagtail_factories
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from deputies.models import Deputy, Station
from disclosure.models import DisclosureIndexPage, DisclosureNotice
from home.models import NewsIndexPage
from submissions.models import Case, Category
from tests.factories import NewsPageFactory

# Pinned, as a visitor finds them: a page that needs more has grown an N+1 or lost a kept part
# (portal.page_cache: the route, the menu, the parts every visitor sees alike).
QUERIES = {
    "/": 3,
    "/deputies/": 4,
    "profile": 6,
    "/disclosure/": 3,
    "notice": 2,
    "/stats/": 0,
    "/key-issues/": 1,
    "/news/": 4,
    "article": 2,
    "/rules/": 0,
    "/process/": 0,
    "/reception/": 2,
}
# Right after a change (a new generation, nothing kept), the same few, whatever the data size.
COLD = {
    "/": 18,
    "/deputies/": 16,
    "profile": 18,
    "/disclosure/": 17,
    "notice": 16,
    "/stats/": 23,
    "/key-issues/": 13,
    "/news/": 16,
    "article": 17,
    "/rules/": 12,
    "/process/": 12,
    "/reception/": 14,
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
    """{page: (queries right after a change, queries once the kept parts are back)}."""
    found = {}
    for key, url in urls().items():
        assert client.get(url).status_code == 200, url  # renditions are made on first view
        cache.clear()
        found[key] = tuple(queries(client, url) for _visit in ("cold", "warm"))
    return found


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def pinned():
    return {key: (COLD[key], QUERIES[key]) for key in QUERIES}


def trim(deputies=5, notices=10):
    """The demo cut down to a small station: the first few active deputies and live notices."""
    active = Deputy.objects.live().filter(is_active=True).order_by("pk")
    Deputy.objects.filter(pk__in=list(active.values_list("pk", flat=True)[deputies:])).update(
        is_active=False
    )
    live = DisclosureNotice.objects.live().order_by("pk")
    Page.objects.filter(pk__in=list(live.values_list("pk", flat=True)[notices:])).update(live=False)
    cache.clear()  # update() sends no signal: what the cache keeps is from before


def grow(deputies=500, notices=10_000, articles=15, cases=100_000):
    """A county's worth of rows, inserted in bulk (through the ORM, 100,000 cases and 10,000
    pages would take minutes): every page must still cost the same queries."""
    station = Station.default()
    images = [wagtail_factories.ImageFactory() for _ in range(20)]
    Deputy.objects.filter(is_active=False).update(is_active=True)
    missing = deputies - Deputy.objects.live().filter(is_active=True).count()
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
        for number in range(missing)
    )
    add_notices(notices - DisclosureNotice.objects.live().count())
    news = NewsIndexPage.objects.get()
    for _ in range(articles):
        NewsPageFactory(parent=news)
    add_cases(station, cases)
    cache.clear()  # bulk inserts send no signal


def add_notices(count):
    """count live notices under the disclosure list, copies of a demo notice: their page rows
    with treebeard's paths computed here, then their own rows, each in one insert."""
    index = DisclosureIndexPage.objects.get()
    source = DisclosureNotice.objects.live().first()
    kind = ContentType.objects.get_for_model(DisclosureNotice)
    first = index.numchild + 1
    pages = Page.objects.bulk_create(
        Page(
            title=f"公示第{number}号",
            draft_title=f"公示第{number}号",
            slug=f"extra-{number}",
            path=Page._get_path(index.path, index.depth + 1, first + number),
            depth=index.depth + 1,
            numchild=0,
            url_path=f"{index.url_path}extra-{number}/",
            content_type=kind,
            locale_id=index.locale_id,
            live=True,
        )
        for number in range(count)
    )
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)
    fields = [
        field for field in DisclosureNotice._meta.local_concrete_fields if not field.primary_key
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * (len(fields) + 1))
    values = [f.get_db_prep_save(getattr(source, f.attname), connection) for f in fields]
    start = datetime.date(2016, 1, 1)
    day = DisclosureNotice._meta.get_field("disclosed_on")
    rows = []
    for number, page in enumerate(pages):
        row = dict(zip(fields, values, strict=True))
        row[day] = start + datetime.timedelta(days=number % 3650)
        rows.append([page.pk, *row.values()])
    table = connection.ops.quote_name(DisclosureNotice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (page_ptr_id, {columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )


def add_cases(station, count):
    categories = list(Category.objects.all())
    Case.objects.bulk_create(
        (
            Case(
                station=station,
                reference=f"G-{number:06d}",
                year=2020 + number % 7,
                sequence=100_000 + number,
                tracking_code=f"G{number:09d}",
                channel=("online", "visit", "phone")[number % 3],
                kind=("problem", "suggestion")[number % 2],
                category=categories[number % len(categories)],
                title=f"园区诉求{number}",
                description="测试",
                submitter_name="测",
                submitter_phone="1",
                consent_given=True,
                status=("new", "accepted", "closed")[number % 3],
                received_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 2500),
            )
            for number in range(count)
        ),
        batch_size=5000,
    )


@pytest.mark.django_db
def test_every_public_page_costs_the_same_few_queries_however_much_data(client, demo):
    trim()
    small = counts(client)
    assert small == pinned(), repr(small)
    grow()
    assert Deputy.objects.live().filter(is_active=True).count() == 500
    assert DisclosureNotice.objects.live().count() == 10_000
    assert Case.objects.count() >= 100_000
    large = counts(client)
    assert large == pinned(), repr(large)

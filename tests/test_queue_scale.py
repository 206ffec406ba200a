"""The case queues at scale, in small: every queue each role sees answers its first page, a
filtered page and a search with the same number of queries however many cases there are; the
search finds what it should, within the reader's scope; and on PostgreSQL the search reads the
trigram index (bench/admin_scale.py times it all at 1,000,000 cases)."""

import datetime
import itertools
import urllib.parse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions import roles
from submissions.models import SEARCHED_FIELDS, Assignment, Case, Category
from submissions.queues import QUEUES
from tests.factories import DepartmentFactory, StationFactory, make_user

WORDS = ["园区道路", "招聘难", "路灯", "融资贷款", "宿舍", "排水", "停车场", "物流"]
# Cases by status and what their round is like: all the queues (returned, extensions and
# supervision included) hold some.
KINDS = [
    ("submitted", None),
    ("listed", None),
    ("listed", "returned"),
    ("assigned", "open"),
    ("assigned", "overdue"),
    ("assigned", "extension"),
    ("replied", "replied"),
    ("awaiting_feedback", "replied"),
    ("closed", "replied"),
    ("rejected", None),
]


@pytest.fixture
def world(db):
    station = StationFactory(reference_prefix="YX")
    ours, theirs = DepartmentFactory(name="县人社局"), DepartmentFactory(name="县交通局")
    people = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=ours),
    }
    return {"station": station, "departments": [ours, theirs], "people": people}


def add_cases(world, count):
    """count cases through every kind, both departments and all the words, in bulk."""
    start = Case.objects.count()
    now, categories = timezone.now(), list(Category.objects.all())
    cases = []
    for n, (status, _round) in zip(range(start + 1, start + count + 1), itertools.cycle(KINDS)):
        cases.append(
            Case(
                station=world["station"],
                reference=f"YX-2026-{n:04d}",
                year=2026,
                sequence=n,
                tracking_code=f"T{n:07d}",
                channel="online",
                category=categories[(n // 20) % len(categories)],
                title=f"{WORDS[n % len(WORDS)]}问题{n}",
                description=f"企业反映{WORDS[(n + 3) % len(WORDS)]}",
                place=f"工业一路{n}号",
                enterprise_name="云溪恒通科技有限公司",
                submitter_name="王小明",
                submitter_phone="13800000000",
                consent_given=True,
                status=status,
            )
        )
    Case.objects.bulk_create(cases)
    for case, (_status, kind) in zip(cases, itertools.cycle(KINDS)):
        if kind is None:
            continue
        due = now + datetime.timedelta(days=-2 if kind == "overdue" else 5)
        assignment = Assignment.objects.create(
            case=case,
            lead_department=world["departments"][(case.sequence // len(KINDS)) % 2],
            assigned_at=now - datetime.timedelta(days=3),
            due_at=due,
            returned_at=now if kind == "returned" else None,
            return_reason="不属本单位职责" if kind == "returned" else "",
            replied_at=now if kind == "replied" else None,
            extension_until=now + datetime.timedelta(days=20) if kind == "extension" else None,
        )
        if kind != "returned":
            Case.objects.filter(pk=case.pk).update(current_assignment=assignment)


def pages(queue):
    base = f"/admin/cases/{queue.name}/"
    category = Category.objects.order_by("pk")[1].pk
    return {
        "first": base,
        "filtered": f"{base}?category={category}",
        "search": f"{base}?q={urllib.parse.quote('招聘难')}",
        "short search": f"{base}?q={urllib.parse.quote('路灯')}",
    }


def about_cases(query):
    """Not the session's upkeep: an idle-timeout refresh every so often, whatever the page."""
    return "django_session" not in query["sql"] and not query["sql"].startswith(
        ("SAVEPOINT", "RELEASE SAVEPOINT")
    )


def query_counts(client, user):
    counts = {}
    for queue in QUEUES:
        if not queue.is_shown_to(user):
            continue
        for page, url in pages(queue).items():
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            assert response.status_code == 200, url
            counts[queue.name, page] = len([sql for sql in captured if about_cases(sql)])
    return counts


@pytest.mark.parametrize("who", ["staff", "committee", "handler"])
def test_every_queue_page_costs_the_same_queries_with_40_or_160_cases(client, world, who):
    user = world["people"][who]
    client.force_login(user)
    add_cases(world, 40)  # every kind of case meets every word, category and department
    query_counts(client, user)  # warm the caches a first request fills (content types, ...)
    few = query_counts(client, user)
    add_cases(world, 120)
    many = query_counts(client, user)
    assert few == many
    shown = {queue for queue, _page in few}
    assert {"staff": "intake", "committee": "review", "handler": "claims"}[who] in shown
    assert max(few.values()) <= 30, few


def test_the_search_looks_in_every_searched_field_and_ignores_case(world):
    add_cases(world, 30)
    case = Case.objects.get(sequence=7)
    Case.objects.filter(pk=case.pk).update(place="科创路仓储区")
    assert list(Case.objects.search("科创路仓储").values_list("pk", flat=True)) == [case.pk]
    assert list(Case.objects.search(" yx-2026-0007 ").values_list("pk", flat=True)) == [case.pk]
    assert Case.objects.search("恒通科技").count() == 30  # the enterprise of every case
    assert Case.objects.search("招聘难").count() == sum(
        "招聘难" in title + description
        for title, description in Case.objects.values_list("title", "description")
    )
    assert not Case.objects.search("%").exists()  # LIKE's wildcard is a character here
    assert not Case.objects.search("_").exists()


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_piece_of_a_searched_field_finds_its_case(world, data):
    if not Case.objects.exists():
        add_cases(world, 12)
    case = data.draw(st.sampled_from(list(Case.objects.order_by("pk"))))
    text = getattr(case, data.draw(st.sampled_from(SEARCHED_FIELDS)))
    start = data.draw(st.integers(0, len(text) - 1))
    piece = text[start : data.draw(st.integers(start + 1, len(text)))]
    assert case in Case.objects.search(piece.lower())


def test_a_handler_searching_finds_only_their_departments_cases(client, world):
    add_cases(world, 40)
    handler = world["people"]["handler"]
    client.force_login(handler)
    html = client.get(f"/admin/cases/claims/?q={urllib.parse.quote('问题')}").content.decode()
    theirs = Case.objects.filter(status="assigned").exclude(
        current_assignment__lead_department=world["departments"][0]
    )
    ours = Case.objects.visible_to(handler).filter(status="assigned")
    assert theirs.exists() and ours.exists()
    assert all(case.reference in html for case in ours[:20])
    assert not any(case.reference in html for case in theirs)


@pytest.mark.django_db
def test_on_postgresql_the_search_reads_the_trigram_index():
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm and GIN indexes are PostgreSQL's")
    sql, params = Case.objects.search("招聘难").order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Few rows make a full read (of the table, or of another index in its order) cheaper
        # than any index search; forbid those, so the plan shows whether the index's expression
        # is the one the search filters on.
        for plan_kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan_kind} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on case_search_trgm" in plan, plan


@pytest.mark.parametrize("who", ["staff", "committee", "handler"])
def test_the_menus_counts_are_each_queues_own_count_in_two_queries(rf, world, who):
    from submissions.queues import counts_for

    add_cases(world, 40)
    user = world["people"][who]
    request = rf.get("/admin/")
    request.user = user
    user.has_perm(roles.SEE_ALL)  # the permission cache, loaded by any earlier request
    with CaptureQueriesContext(connection) as captured:
        counts = counts_for(request)
    counting = [q["sql"] for q in captured if 'FROM "submissions_case"' in q["sql"]]
    assert len(counting) <= 2, counting  # the handler's scope adds its department's look-up
    shown = [queue for queue in QUEUES if queue.is_shown_to(user)]
    assert {queue.name: counts[queue.name] for queue in shown} == {
        queue.name: queue.cases(user).count() for queue in shown
    }
    assert all(counts[queue.name] for queue in shown)  # the cases reach every queue


def test_a_queues_pages_count_what_they_list(client, world):
    add_cases(world, 45)  # more than a page of "all"
    client.force_login(world["people"]["committee"])
    html = client.get("/admin/cases/all/?p=3").content.decode()
    # The oldest five on the third page of 20, as the menu's count of 45 says.
    assert "YX-2026-0001" in html and "YX-2026-0005" in html and "YX-2026-0006" not in html
    assert "YX-2026-0006" in client.get("/admin/cases/all/?p=2").content.decode()

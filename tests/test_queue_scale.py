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
@pytest.mark.parametrize(
    "term, index",
    [
        ("招聘难", "case_search_trgm"),
        # No trigram index can answer two characters (路灯, 积水, 融资: the commonest Chinese
        # searches); the bigram index of migration 0029 must, not a read of every case.
        (" 路灯 ", "case_search_bigram"),
    ],
)
def test_on_postgresql_a_search_reads_its_index(term, index):
    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm and GIN indexes are PostgreSQL's")
    sql, params = Case.objects.search(term).order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # Few rows make a full read (of the table, or of another index in its order) cheaper
        # than any index search; forbid those, so the plan shows whether the index's expression
        # is the one the search filters on.
        for plan_kind in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan_kind} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Bitmap Index Scan on {index}" in plan, plan


# Few characters, so that random texts share pieces of every length and a piece found in one
# case is often in others, or nearly (one character off).
ALPHABET = "路灯积水融资贷款园区aZ7-"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    texts=st.lists(st.text(ALPHABET, min_size=0, max_size=12), min_size=6, max_size=6),
    data=st.data(),
)
def test_the_search_finds_exactly_the_cases_containing_the_term(world, texts, data):
    """Whatever index answers (trigram, bigram, none on SQLite), a result contains the term and
    a case containing it is found: compared with Python's `in` over the searched fields."""
    if not Case.objects.exists():
        add_cases(world, 6)
    cases = list(Case.objects.order_by("pk"))
    for case, text in zip(cases, texts, strict=True):
        case.title, case.description = text, text[::-1]
    Case.objects.bulk_update(cases, ["title", "description"])
    source = data.draw(st.sampled_from(texts))
    if len(source) >= 1 and data.draw(st.booleans()):  # a piece of a text, or anything
        start = data.draw(st.integers(0, len(source) - 1))
        term = source[start : start + data.draw(st.integers(1, 4))]
    else:
        term = data.draw(st.text(ALPHABET, min_size=1, max_size=4))
    expected = {
        case.pk
        for case in cases
        if term.upper() in "\n".join(getattr(case, field) for field in SEARCHED_FIELDS).upper()
    }
    assert set(Case.objects.search(term).values_list("pk", flat=True)) == expected, term


@pytest.fixture
def kept_counts(settings):
    from django.core.cache import cache

    settings.CASE_COUNTS_TIMEOUT = 60
    cache.clear()


def test_kept_counts_cost_no_query_until_a_case_changes(rf, world, kept_counts):
    from submissions import workflow
    from submissions.queues import counts_for

    add_cases(world, 40)
    committee = world["people"]["committee"]

    def counts():
        request = rf.get("/admin/")
        request.user = committee
        with CaptureQueriesContext(connection) as captured:
            found = counts_for(request)
        return found, [q for q in captured if 'FROM "submissions_case"' in q["sql"]]

    first, counting = counts()
    assert counting  # counted once
    again, counting = counts()
    assert again == first and not counting  # then kept
    case = Case.objects.filter(status="submitted").first()
    workflow.accept(case, world["people"]["staff"])
    moved, counting = counts()
    assert counting  # the move made them stale
    assert moved["intake"] == first["intake"] - 1 and moved["problems"] == first["problems"] + 1


def test_kept_counts_are_never_shared_across_departments(rf, client, world, kept_counts):
    from submissions.queues import counts_for

    add_cases(world, 40)
    ours, theirs = world["departments"]
    # One more of their cases with a department than of ours, so a shared count would show.
    moved = Assignment.objects.filter(lead_department=ours, case__status="assigned").first()
    Assignment.objects.filter(pk=moved.pk).update(lead_department=theirs)
    handler = world["people"]["handler"]
    other = make_user("other-handler", roles.HANDLER, department=theirs)
    for user in (handler, other, handler):  # the second and third read kept counts
        request = rf.get("/admin/")
        request.user = user
        assigned = Case.objects.visible_to(user).filter(status="assigned")
        assert counts_for(request)["claims"] == assigned.count() > 0
    assert Case.objects.visible_to(handler).filter(status="assigned").count() != (
        Case.objects.visible_to(other).filter(status="assigned").count()
    )
    client.force_login(handler)
    html = client.get("/admin/cases/claims/").content.decode()
    theirs_only = Case.objects.visible_to(other).exclude(
        pk__in=Case.objects.visible_to(handler).values("pk")
    )
    assert theirs_only.exists()
    assert not any(case.reference in html for case in theirs_only)


def test_a_search_matching_more_than_the_cap_says_more_than(client, world, monkeypatch):
    from submissions.queues import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "CAP", 25)
    add_cases(world, 60)  # every case's enterprise is 恒通
    client.force_login(world["people"]["committee"])
    response = client.get(f"/admin/cases/all/?q={urllib.parse.quote('恒通')}")
    paginator = response.context["paginator"]
    assert paginator.capped and response.context["items_count"] == 25
    assert paginator.num_pages == 2  # the first 25 of 60, by 20
    assert "60" not in paginator.items_count_label and "25" in paginator.items_count_label
    assert "超过 25 件诉求" in response.content.decode()  # what the committee reads
    # Under the cap the count is exact.
    response = client.get(f"/admin/cases/all/?q={urllib.parse.quote('问题1')}")
    expected = Case.objects.search("问题1").count()
    assert 0 < expected < 25
    assert not response.context["paginator"].capped
    assert response.context["items_count"] == expected


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

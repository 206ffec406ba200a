"""The committee's supervision board (督办看板, 红黄绿灯): which case is in which queue and why,
the counts per department, the links from each count to exactly the cases it counts, who sees
the board, and that the menu's counts and the board cost a fixed number of queries.

One world, built through the real workflow, with every expectation counted by hand below.
"""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from submissions import board, roles, workflow
from submissions.deadlines import end_of_day
from submissions.models import Assignment, Case
from submissions.queues import QUEUES, counts_for
from tests.conftest import module_data
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_case, make_user

QUEUE = {queue.name: queue for queue in QUEUES}


def due_days_from_today(case, days):
    """Move the case's current deadline to the end of the day `days` from today (negative: ago)."""
    due = end_of_day(timezone.localdate() + datetime.timedelta(days=days))
    Assignment.objects.filter(pk=case.current_assignment_id).update(due_at=due)


def build_world():
    station = StationFactory(reference_prefix="BRD")
    a = DepartmentFactory(name="县住建局", short_name="住建")
    b = DepartmentFactory(name="县城管局", short_name="城管")
    c = DepartmentFactory(name="县交通局", short_name="交通")
    deputy = DeputyFactory(station=station)
    users = {
        "staff": make_user("brd_staff", roles.STAFF),
        "committee": make_user("brd_committee", roles.COMMITTEE),
        "handler_a": make_user("brd_handler_a", roles.HANDLER, department=a),
        "handler_b": make_user("brd_handler_b", roles.HANDLER, department=b),
        "handler_c": make_user("brd_handler_c", roles.HANDLER, department=c),
        "deputy": make_user("brd_deputy", roles.DEPUTY, deputy=deputy),
    }
    staff, committee = users["staff"], users["committee"]
    handler = {a.pk: users["handler_a"], b.pk: users["handler_b"], c.pk: users["handler_c"]}
    cases = {}

    def new(key, title, **fields):
        case = workflow.accept(make_case(station, title=title, **fields), staff)
        cases[key] = case
        return case

    def assigned(key, department, signed=True, **fields):
        case = workflow.assign(new(key, f"{key}件", **fields), committee, department)
        if signed:
            case = workflow.sign(case, handler[department.pk])
        cases[key] = case
        return case

    def reload(key):
        cases[key] = Case.objects.get(pk=cases[key].pk)

    new("listed", "刚受理的件")
    case = assigned("returned", a, signed=False)
    workflow.return_case(case, users["handler_a"], "不属于本局职责，建议交城管。")
    # A returned it, the committee gave it to B: no longer on the problem list.
    case = assigned("returned_then_b", a, signed=False)
    case = workflow.return_case(case, users["handler_a"], "应由城管处理。")
    workflow.assign(case, committee, b)

    due_days_from_today(assigned("a_unsigned_late", a, signed=False), -3)
    due_days_from_today(assigned("a_soon", a), 1)
    assigned("a_in_hand", a)
    case = assigned("a_extension", a)
    later = timezone.localdate() + datetime.timedelta(days=20)
    workflow.request_extension(case, users["handler_a"], later, "需要招标采购。")

    due_days_from_today(assigned("b_late", b), -1)
    case = workflow.reply(assigned("b_unsatisfied", b), users["handler_b"], "已清运", "resolved")
    case = workflow.approve(case, committee)
    workflow.record_feedback(case, "unsatisfied", "垃圾又堆起来了")
    case = workflow.reply(assigned("b_sent_back", b), users["handler_b"], "已处理", "resolved")
    workflow.send_back(case, committee, "答复过于笼统")

    case = assigned("c_key_late", c, signed=False)
    workflow.set_key_supervision(case, committee, True, "企业融资难")
    due_days_from_today(case, -5)
    workflow.reply(assigned("c_replied", c), users["handler_c"], "已修复", "resolved")
    case = assigned("c_extension_granted", c)
    workflow.request_extension(case, users["handler_c"], later, "等待汛期结束。")
    workflow.decide_extension(case, committee, True)
    case = workflow.reply(
        assigned("c_promise", c), users["handler_c"], "正在施工", "in_progress", later
    )
    workflow.approve_stage(case, committee)  # a promise: supervised until its report
    # Closed, and the case of an unsatisfied first round that ended satisfied: not supervised.
    case = workflow.reply(assigned("closed", c), users["handler_c"], "已完成", "resolved")
    workflow.record_feedback(workflow.approve(case, committee), "satisfied")
    for key in cases:
        reload(key)
    return {"users": users, "cases": cases, "departments": {"a": a, "b": b, "c": c}}


world = module_data(build_world)


@pytest.fixture
def w(world, db):
    return world


def keys(w, queryset):
    by_pk = {case.pk: key for key, case in w["cases"].items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def chinese(label):
    """The Chinese name in a label: "Returned (已退回)" reads "已退回" once translated."""
    match = re.fullmatch(r".*\((.+)\)", label.strip())
    return match.group(1) if match else label.strip()


def menu_label(html, url):
    """The label of the sidebar's menu item linking to url (the sidebar is JSON in the page)."""
    pattern = r'"label": "((?:[^"\\]|\\.)*)", "icon_name": "[^"]*", "classname": "[^"]*", '
    pattern += rf'"attrs": {{}}, "url": "{re.escape(url)}"'
    return json.loads(f'"{re.search(pattern, html).group(1)}"')


def listed_keys(w, html):
    """The world's cases a listing page shows, by their references."""
    return {key for key, case in w["cases"].items() if case.reference in html}


# --------------------------------------------------------------------------------------------
# The rules, counted by hand


EXPECTED_QUEUES = {
    "problems": {"listed", "returned"},
    "returned": {"returned"},
    "claims": {
        "returned_then_b",
        "a_unsigned_late",
        "a_soon",
        "a_in_hand",
        "a_extension",
        "b_late",
        "b_unsatisfied",
        "b_sent_back",
        "c_key_late",
        "c_extension_granted",
        "c_promise",
    },
    "extensions": {"a_extension"},
    "review": {"c_replied"},
    "supervision": {
        "a_unsigned_late",
        "b_late",
        "b_unsatisfied",
        "b_sent_back",
        "c_key_late",
        "c_promise",
    },
    "closed": {"closed"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED_QUEUES))
def test_each_queue_holds_the_cases_counted_by_hand(w, name):
    assert keys(w, QUEUE[name].cases(w["users"]["committee"])) == EXPECTED_QUEUES[name]


@pytest.mark.django_db
def test_the_reasons_for_supervision_say_why_in_words(w):
    committee = w["users"]["committee"]
    cases = board.with_reasons(QUEUE["supervision"].cases(committee))
    key_of = {case.pk: key for key, case in w["cases"].items()}
    reasons = {key_of[case.pk]: board.supervision_reasons(case) for case in cases}
    promised = timezone.localdate() + datetime.timedelta(days=20)
    assert reasons == {
        "a_unsigned_late": [("overdue", "逾期 3 天")],
        "b_late": [("overdue", "逾期 1 天")],
        "b_unsatisfied": [("unsatisfied", "不满意")],
        "b_sent_back": [("sent_back", reasons["b_sent_back"][0][1])],
        "c_key_late": [("overdue", "逾期 5 天"), ("key", "重点督办")],
        "c_promise": [("promise", f"承诺事项（{promised.month}月{promised.day}日前办结）")],
    }
    assert "答复退回重办" in reasons["b_sent_back"][0][1]
    # Once the promised date has passed: overdue, and said to be a promise broken.
    later = timezone.now() + datetime.timedelta(days=40)
    promise = board.with_reasons(Case.objects.filter(pk=w["cases"]["c_promise"].pk)).get()
    assert [code for code, _ in board.supervision_reasons(promise, later)] == ["overdue", "promise"]
    assert board.supervision_reasons(promise, later)[1][1] == "承诺到期"
    # Without the annotation the function reads the rating itself, with the same answer.
    plain = Case.objects.get(pk=w["cases"]["b_unsatisfied"].pk)
    assert board.supervision_reasons(plain) == [("unsatisfied", "不满意")]
    # Not with a department: no reasons, whatever its history.
    for key in ("closed", "c_replied", "returned", "listed"):
        assert board.supervision_reasons(Case.objects.get(pk=w["cases"][key].pk)) == []


@pytest.mark.django_db
def test_each_reasons_condition_selects_exactly_the_cases_it_labels(w):
    """The database side (filters, counts) and the per-case labels of every reason agree."""
    everything = board.with_reasons(Case.objects.filter(pk__in=[c.pk for c in w["cases"].values()]))
    now = timezone.now()
    for reason in board.REASONS:
        selected = keys(w, everything.filter(reason.condition(now)))
        labelled = {
            keys(w, Case.objects.filter(pk=case.pk)).pop()
            for case in everything
            if reason.code in dict(board.supervision_reasons(case, now))
        }
        assert selected == labelled, reason.code
        assert selected, f"the world has no case for {reason.code}"


@pytest.mark.django_db
def test_the_departments_figures_counted_by_hand(w):
    rows = board.department_rows(Case.objects.filter(pk__in=[c.pk for c in w["cases"].values()]))
    columns = ("unsigned", "in_hand", "due_soon", "overdue", "most_days_overdue", "extensions")
    table = {row["name"]: tuple(row[column] for column in columns) for row in rows}
    assert table == {
        "住建": (1, 3, 1, 1, 3, 1),
        # the returned-then-reassigned case waits to be signed for; the two second rounds keep
        # the first round's signature
        "城管": (1, 3, 0, 1, 1, 0),
        # the replied case is with the committee, the closed one with nobody; the promise is
        # in hand
        "交通": (1, 2, 0, 1, 5, 0),
    }
    assert rows[0]["name"] == "住建"  # one overdue each: the one with a case due soon first


@pytest.mark.django_db
def test_the_counts_are_two_queries_and_match_the_queues(w):
    request = RequestFactory().get("/admin/")
    request.user = w["users"]["committee"]
    with CaptureQueriesContext(connection) as captured:
        counts = counts_for(request)
        assert counts_for(request) is counts  # once per request
    # One count per status, one aggregate over the open cases (queues.counts_for).
    assert len(captured) == 2
    for name, expected in EXPECTED_QUEUES.items():
        assert counts[name] == len(expected), name
    assert counts["due_soon"] == 1 and counts["overdue"] == 3
    assert counts["continued"] == 2 and counts["key"] == 1
    assert board.days_overdue(counts["oldest_overdue_due"]) == 5


# --------------------------------------------------------------------------------------------
# The admin pages


def board_html(html):
    start = html.index('class="w-panel supervision-board"')
    return html[start : html.index("</section>", start)]


def tiles(html):
    """{label: (count, url or None, tile text)} of the board's tiles."""
    found = {}
    for item in re.findall(r'<li class="board-tile[^"]*">(.*?)</li>', html, re.S):
        label = chinese(re.search(r'board-tile__label">([^<]*)<', item).group(1))
        count = int(re.search(r'board-tile__count">(\d+)<', item).group(1))
        url = re.search(r'href="([^"]*)"', item)
        text = re.sub(r"<[^>]+>", " ", item)
        found[label] = (count, url and url.group(1).replace("&amp;", "&"), " ".join(text.split()))
    return found


@pytest.mark.django_db
def test_the_committees_board_counts_link_to_exactly_what_they_count(w):
    client = client_for(w["users"]["committee"])
    shown = board_html(client.get("/admin/").content.decode())
    found = tiles(shown)
    expected = {
        "待交办": 2,
        "已退回": 1,
        "待审批延期": 1,
        "待审核答复": 1,
        "即将到期": 1,
        "已逾期": 3,
        "不满意/持续督办": 2,
        "重点督办": 1,
    }
    assert {label: count for label, (count, _u, _t) in found.items()} == expected
    assert "最长" in found["已逾期"][2] and "逾期 5 天" in found["已逾期"][2]
    assert "board-tile--overdue" in shown and "board-tile--soon" in shown
    for label, (count, url, _text) in found.items():
        listing = client.get(url)
        assert listing.status_code == 200, url
        assert len(listed_keys(w, listing.content.decode())) == count, (label, url)


@pytest.mark.django_db
def test_the_department_table_links_to_its_filtered_claim_list(w):
    client = client_for(w["users"]["committee"])
    shown = board_html(client.get("/admin/").content.decode())
    a = w["departments"]["a"]
    row = re.search(rf'data-department="{a.pk}">(.*?)</tr>', shown, re.S).group(1)
    links = {
        cls: href.replace("&amp;", "&")
        for cls, href in re.findall(r'board-count--([\w-]+)"><a href="([^"]+)"', row)
    }
    assert "逾期 3 天" in row  # the most days overdue, in words beside the red count
    expected = {
        "unsigned": {"a_unsigned_late"},
        "in-hand": {"a_soon", "a_in_hand", "a_extension"},
        "due-soon": {"a_soon"},
        "overdue": {"a_unsigned_late"},
        "extensions": {"a_extension"},
    }
    assert set(links) == set(expected)
    for cls, url in links.items():
        assert f"department={a.pk}" in url
        assert listed_keys(w, client.get(url).content.decode()) == expected[cls], cls


@pytest.mark.django_db
def test_the_committees_work_list_puts_the_returned_case_first_with_who_and_why(w):
    html = client_for(w["users"]["committee"]).get("/admin/").content.decode()
    work = html[html.index('id="work-panel-title"') :]
    returned, listed = w["cases"]["returned"].reference, w["cases"]["listed"].reference
    assert work.index(returned) < work.index(listed)  # though listed first
    row = work[work.index(returned) :]
    row = row[: row.index("</tr>")]
    assert "已退回" in row and "县住建局" in row and "不属于本局职责，建议交城管。" in row
    row = work[work.index(listed) :]
    assert "已退回" not in row[: row.index("</tr>")]


@pytest.mark.django_db
def test_the_returned_queue_names_the_department_the_date_and_the_reason(w):
    html = client_for(w["users"]["committee"]).get("/admin/cases/returned/").content.decode()
    case = w["cases"]["returned"]
    row = html[html.index(case.reference) :]
    row = row[: row.index("</tr>")]
    returned_on = Assignment.objects.get(case=case).returned_at
    assert "县住建局" in row and "不属于本局职责，建议交城管。" in row
    assert f"{timezone.localtime(returned_on):%Y年%-m月%-d日}" in row
    assert w["cases"]["returned_then_b"].reference not in html


@pytest.mark.django_db
def test_the_extension_queue_shows_the_request_beside_the_current_deadline(w):
    html = client_for(w["users"]["committee"]).get("/admin/cases/extensions/").content.decode()
    assignment = w["cases"]["a_extension"].current_assignment
    assert "需要招标采购。" in html and "县住建局" in html
    assert f"{assignment.extension_until:%Y年%-m月%-d日}" in html
    assert "剩" in html  # the current deadline, as a band in words
    assert w["cases"]["c_extension_granted"].reference not in html


@pytest.mark.django_db
def test_the_claim_list_says_who_has_signed_and_sorts_by_deadline(w):
    client = client_for(w["users"]["committee"])
    html = client.get("/admin/cases/claims/?ordering=due").content.decode()
    order = sorted(EXPECTED_QUEUES["claims"], key=lambda k: html.index(w["cases"][k].reference))
    assert order[:3] == ["c_key_late", "a_unsigned_late", "b_late"]  # 5, 3, 1 days overdue
    assert order[3] == "a_soon"
    backwards = client.get("/admin/cases/claims/?ordering=-due").content.decode()
    assert backwards.index(w["cases"]["b_late"].reference) < backwards.index(
        w["cases"]["c_key_late"].reference
    )
    row = html[html.index(w["cases"]["a_unsigned_late"].reference) :]
    assert "待签收" in row[: row.index("</tr>")]
    signed = w["cases"]["a_soon"].current_assignment.signed_at
    row = html[html.index(w["cases"]["a_soon"].reference) :]
    row = row[: row.index("</tr>")]
    assert "待签收" not in row and f"{timezone.localtime(signed):%Y/%m/%d}"[:4] in row


@pytest.mark.django_db
def test_the_supervision_queue_shows_the_reasons_and_filters_by_them(w):
    client = client_for(w["users"]["committee"])
    html = client.get("/admin/cases/supervision/").content.decode()
    row = html[html.index(w["cases"]["c_key_late"].reference) :]
    row = row[: row.index("</tr>")]
    assert "逾期 5 天" in row and "重点督办" in row
    keyed = client.get("/admin/cases/supervision/?reason=key").content.decode()
    assert listed_keys(w, keyed) == {"c_key_late"}
    unhappy = client.get("/admin/cases/supervision/?reason=unsatisfied").content.decode()
    assert listed_keys(w, unhappy) == {"b_unsatisfied"}


@pytest.mark.django_db
def test_the_station_sees_the_board_without_the_committees_review_queue(w):
    shown = board_html(client_for(w["users"]["staff"]).get("/admin/").content.decode())
    found = tiles(shown)
    assert found["已退回"][0] == 1 and found["已逾期"][0] == 3
    assert "待审核答复" not in found


# What a handler or a deputy may list at these URLs: queues are scoped, not hidden, as every
# queue is (the menu offers them only the lists they work from).
SCOPED = {
    "handler_a": {"returned": set(), "extensions": {"a_extension"}, "overdue_b": set()},
    "handler_b": {"returned": set(), "extensions": set(), "overdue_b": {"b_late"}},
    "deputy": {"returned": set(), "extensions": set(), "overdue_b": set()},
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", sorted(SCOPED))
def test_handlers_and_deputies_get_no_board_and_only_their_own_cases_in_the_queues(w, who):
    client = client_for(w["users"][who])
    html = client.get("/admin/").content.decode()
    assert "supervision-board" not in html and "督办看板" not in html
    assert "/admin/cases/returned/" not in html and "/admin/cases/extensions/" not in html
    expected = SCOPED[who]
    for queue in ("returned", "extensions"):
        listing = client.get(f"/admin/cases/{queue}/").content.decode()
        assert listed_keys(w, listing) == expected[queue], queue
        assert "不属于本局职责" not in listing
    # The claim list's filters, by another department, do not widen the scope either.
    b = w["departments"]["b"]
    html = client.get(f"/admin/cases/claims/?department={b.pk}&overdue=true").content.decode()
    assert listed_keys(w, html) == expected["overdue_b"]


@pytest.mark.django_db
def test_a_handlers_menu_counts_only_its_own_claims(w):
    html = client_for(w["users"]["handler_a"]).get("/admin/").content.decode()
    # 认领清单 (4): the four rounds A holds; the one it returned is not among them.
    assert menu_label(html, "/admin/cases/claims/") == "认领清单 (4)"


# --------------------------------------------------------------------------------------------
# Query counts: fixed whatever the number of cases


@pytest.mark.django_db
def test_the_whole_menu_counts_its_queues_in_one_query(w):
    """Ten queues in the committee's menu, one query for all their counts."""
    from django.urls import reverse
    from wagtail.admin.menu import admin_menu

    reverse("wagtailadmin_home")  # registers the viewsets' menu items
    request = RequestFactory().get("/admin/")
    request.user = w["users"]["committee"]
    request.user.has_perm("submissions.view_case")  # load the permission cache beforehand
    with CaptureQueriesContext(connection) as captured:
        admin_menu.render_component(request)
    counting = [q["sql"] for q in captured if "COUNT(" in q["sql"].upper()]
    assert len(counting) == 2, counting  # per status, and the open cases' aggregate


def add_cases(w, n):
    """n more cases with departments, each in a different state, without the workflow's cost."""
    station = w["cases"]["listed"].station
    departments = list(w["departments"].values())
    now = timezone.now()
    for i in range(n):
        case = make_case(station, title=f"批量件{i}")
        assignment = Assignment.objects.create(
            case=case,
            lead_department=departments[i % 3],
            assigned_at=now,
            due_at=now + datetime.timedelta(days=(i % 7) - 3),
            signed_at=now if i % 2 else None,
            supervision="continued" if i % 5 == 0 else "normal",
            extension_until=(now + datetime.timedelta(days=10)).date() if i % 4 == 0 else None,
        )
        Case.objects.filter(pk=case.pk).update(
            status="assigned", current_assignment=assignment, key_supervised=i % 6 == 0
        )


def page_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.django_db
def test_admin_pages_cost_the_same_queries_with_3_and_30_more_cases(w):
    client = client_for(w["users"]["committee"])
    client.get("/admin/")  # warm the per-process caches (content types, site)
    few = {url: page_queries(client, url) for url in ("/admin/", "/admin/cases/claims/")}
    add_cases(w, 3)
    middle = {url: page_queries(client, url) for url in few}
    add_cases(w, 27)
    many = {url: page_queries(client, url) for url in few}
    for url in few:
        assert few[url][0] == middle[url][0] == many[url][0], (url, few, middle, many)
    # Measured: 25 on the dashboard, 15 on the claim list (22 before the counts were one query;
    # one each since two-step sign-in: django-otp loads the device the session was verified by;
    # the counts are two queries since a million cases, which the claim list's paginator reuses).
    assert many["/admin/"][0] <= 25, many["/admin/"][0]
    assert many["/admin/cases/claims/"][0] <= 15, many["/admin/cases/claims/"][0]
    # ...and the counts shown are right: 11 + 30 cases on the claim list.
    assert menu_label(many["/admin/cases/claims/"][1], "/admin/cases/claims/") == "认领清单 (41)"
    # 1 in the world, then cases 0 of the three and 0, 4, ..., 24 of the 27 asked for time
    assert menu_label(many["/admin/"][1], "/admin/cases/extensions/") == "待审批延期 (9)"

"""已有类似问题？ (submissions/similar.py): only what the public can already open is suggested,
never a case's own title or anything about its submitter; the endpoint is small, posted,
rate-limited and cached as one list."""

import json

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import PageViewRestriction

from disclosure.models import DisclosureIndexPage, DisclosureNotice, KeyIssue, KeyIssueIndexPage
from submissions import form_views
from submissions.models import Category
from tests.factories import StationFactory, make_case

URL = "/submit/similar/"


@pytest.fixture
def public(home_page):
    index = home_page.add_child(instance=DisclosureIndexPage(title="公示", slug="disclosure"))
    category = Category.objects.get(name="基础设施与安全")

    def notice(title, slug, live=True):
        return index.add_child(
            instance=DisclosureNotice(
                title=title,
                slug=slug,
                live=live,
                reference=f"YXGY-2026-{slug}",
                category=category,
                summary="园区某路段照明不足。",
                handling="已安装路灯。",
            )
        )

    issues = home_page.add_child(instance=KeyIssueIndexPage(title="重点督办", slug="key-issues"))
    issue = issues.add_child(
        instance=KeyIssue(
            title="园区道路照明与交通安全",
            slug="lights",
            year=2026,
            lead="周建华",
            members="李明",
            goal="<p>年内补齐路灯。</p>",
        )
    )
    return {
        "notice": notice("创业大道支路照明问题已解决", "n1"),
        "draft": notice("创业大道支路照明草稿", "n2", live=False),
        "restricted": notice("创业大道支路照明内部", "n3"),
        "issue": issue,
        "index": index,
        "notice_factory": notice,
    }


@pytest.fixture
def restricted(public):
    PageViewRestriction.objects.create(
        page=public["restricted"], restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    cache.clear()
    return public


def ask(client, text):
    response = client.post(URL, {"q": text})
    assert response.status_code == 200, response.status_code
    return response.json()["items"]


def test_live_notices_and_key_issues_are_suggested_with_links(client, restricted):
    items = ask(client, "创业大道支路晚上没有照明")
    assert items[0] == {
        "title": "创业大道支路照明问题已解决",
        "url": restricted["notice"].url,
        "label": "已公示",
    }
    issue = {"title": "园区道路照明与交通安全", "url": restricted["issue"].url, "label": "重点督办"}
    assert issue in ask(client, "园区道路晚上照明不足")
    titles = {item["title"] for item in items}
    assert "创业大道支路照明草稿" not in titles  # a draft is not public
    assert "创业大道支路照明内部" not in titles  # nor a page behind a password
    for item in items:
        assert client.get(item["url"]).status_code == 200  # each link opens for anyone


def test_unrelated_or_too_short_titles_suggest_nothing(client, public):
    assert ask(client, "食堂饭菜价格") == []
    assert ask(client, "照") == []


def test_at_most_five_items_come_back(client, public):
    for n in range(8):
        public["notice_factory"](f"创业大道支路照明第{n}段", f"m{n}")
    cache.clear()
    assert len(ask(client, "创业大道支路照明")) == 5


def test_the_title_is_posted_never_put_in_a_url(client, public):
    assert client.get(URL, {"q": "创业大道支路照明"}).status_code == 405


def test_the_queries_are_few_constant_and_cached(client, public, django_assert_num_queries):
    ask(client, "创业大道")  # warm Wagtail's site-root cache
    cache.delete("similar:public-titles")
    # For each of key issues and notices: its view restrictions, then its pages.
    with django_assert_num_queries(4):
        ask(client, "创业大道支路照明")
    for n in range(20):
        public["notice_factory"](f"第{n}条公示", f"k{n}")
    cache.delete("similar:public-titles")
    with django_assert_num_queries(4):
        ask(client, "创业大道支路照明")
    with django_assert_num_queries(0):
        ask(client, "园区道路照明")


def test_the_endpoint_is_rate_limited(client, public, monkeypatch):
    monkeypatch.setattr(form_views, "SIMILAR_RATE", (3, 60))
    for _ in range(3):
        ask(client, "创业大道支路照明")
    response = client.post(URL, {"q": "创业大道支路照明"})
    assert response.status_code == 429 and response.json() == {"items": []}


def test_what_was_typed_never_becomes_a_cache_key(client, public):
    ask(client, "王小明的工资被拖欠13807961234")
    keys = " ".join(str(k) for k in cache._cache)  # the test settings' local-memory cache
    assert "13807961234" not in keys and "王小明" not in keys


PUBLIC_TITLES = {"创业大道支路照明问题已解决", "园区道路照明与交通安全"}
NAMES = st.text(alphabet="赵钱孙李冯陈褚卫蒋沈韩杨", min_size=2, max_size=3)
PHONES = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
TITLES = st.text(alphabet="创业大道支路照明拖欠工资食堂宿舍漏水", min_size=2, max_size=30)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(title=TITLES, name=NAMES, phone=PHONES)
def test_no_case_title_or_personal_data_is_ever_suggested(client, restricted, title, name, phone):
    station = StationFactory()
    case = make_case(
        station, title=f"{title}{name}{phone}", submitter_name=name, submitter_phone=phone
    )
    cache.clear()
    for text in (case.title, title, name, phone):
        items = ask(client, text)
        body = json.dumps(items, ensure_ascii=False)
        assert {item["title"] for item in items} <= PUBLIC_TITLES
        assert phone not in body and name not in body and case.title not in body

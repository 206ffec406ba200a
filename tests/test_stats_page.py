"""The public statistics page: computed figures, a period filter, charts with a table beside,
and a fixed number of queries however many cases there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disclosure.models import StatisticsPage
from submissions import roles, workflow
from tests.factories import StationFactory, make_case, make_user


@pytest.fixture
def stats_page(home_page):
    return home_page.add_child(instance=StatisticsPage(title="数据统计", slug="stats"))


def figure(html, name):
    return html.split(f'data-figure="{name}">', 1)[1].split("<", 1)[0]


@pytest.mark.django_db
def test_the_page_shows_the_figures_of_the_cases(client, stats_page):
    station = StationFactory()
    staff = make_user("staff", roles.STAFF)
    for number in range(3):
        case = make_case(station, kind="suggestion" if number == 0 else "problem")
        if number:
            workflow.accept(case, staff)
    html = client.get("/stats/").content.decode()
    assert figure(html, "received") == "3" and figure(html, "accepted") == "2"
    assert "其中问题 2 件，建议 1 件" in html
    assert figure(html, "on_time_rate") == "—"  # nothing replied yet: no rate, not 0%
    assert '<svg class="bar-chart" role="img" aria-labelledby="chart-category-title"' in html
    assert '<title id="chart-category-title">各类别收到与办结件数</title>' in html
    assert html.count('<table class="table table-sm stats-table">') == 3


@pytest.mark.django_db
def test_a_bad_period_is_reported_and_this_year_is_shown(client, stats_page):
    response = client.get("/stats/", {"period": "1999"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "请从列表中选择统计时段。" in html and response.context["period"].key == "this_year"


@pytest.mark.django_db
def test_the_query_count_is_fixed_and_the_cache_serves_repeat_visits(
    client, stats_page, monkeypatch
):
    station = StationFactory()
    client.get("/stats/")  # the first request creates the site's settings row

    def cold_queries():
        from disclosure import stats

        stats.invalidate()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/stats/").status_code == 200
        return len(queries)

    few = cold_queries()
    for _ in range(25):
        make_case(station)
    client.get("/stats/")  # new cases drop the cached menu and settings: read them again
    assert cold_queries() == few <= 20
    from disclosure import stats

    def not_again(*args):
        raise AssertionError("the figures should come from the cache")

    monkeypatch.setattr(stats, "compute", not_again)
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/stats/").status_code == 200
    assert len(warm) <= few - 6  # five for the figures, one for the first year


@pytest.mark.django_db
def test_the_page_shows_how_many_enterprises_the_current_campaign_reached(client, stats_page):
    import datetime

    from django.utils import timezone

    from tests.factories import DeputyFactory, EnterpriseFactory
    from visits.intake import record_visit
    from visits.models import VisitCampaign

    assert "campaign-reach" not in client.get("/stats/").content.decode()  # no campaign yet
    today = timezone.localdate()
    enterprises = [EnterpriseFactory() for _ in range(4)]
    VisitCampaign.objects.create(
        name="代表企业走访周", start=today - datetime.timedelta(days=3), end=today
    )
    deputy = DeputyFactory()
    for enterprise in enterprises[:3]:
        record_visit(actor=None, deputies=[deputy], date=today, enterprise=enterprise)
    html = client.get("/stats/").content.decode()
    assert "代表企业走访周" in html and "代表已走访企业 3 家（共 4 家）" in html

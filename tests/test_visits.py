"""Enterprise visits: teams that cover the park, visits whose items become cases, the visit
campaign's coverage and summary, and monthly plans."""

import datetime
import io

import openpyxl
import pytest

from deputies.models import Station
from submissions import roles, workflow
from submissions.models import Case, Category
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    EnterpriseFactory,
    StationFactory,
    make_user,
)
from visits import coverage, intake
from visits.models import Visit, VisitCampaign, VisitPlan, VisitTeam

AUG = datetime.date(2026, 8, 24)


def item(title="厂区门口缺少公交站", **fields):
    values = {
        "kind": "problem",
        "category": Category.objects.get(name="物流交通"),
        "title": title,
        "description": f"{title}，希望协调解决。",
        "submitter_name": "钱经理",
        "submitter_phone": "13907961111",
    }
    values.update(fields)
    return values


def team(name, deputies, enterprises):
    team = VisitTeam(name=name, leader="工委主任")
    team.deputies.set(deputies)
    team.enterprises.set(enterprises)
    team.save()
    return team


@pytest.fixture
def park(db):
    StationFactory(reference_prefix="YXGY")
    deputies = [DeputyFactory(name=f"代表{n}") for n in range(4)]
    enterprises = [EnterpriseFactory(name=f"企业{n}") for n in range(6)]
    inactive = EnterpriseFactory(name="已注销企业", is_active=False)
    teams = [
        team("第一组", deputies[:2], enterprises[:3]),
        team("第二组", deputies[2:], enterprises[3:5]),
    ]  # 企业5 has no team
    staff = make_user("staff", roles.STAFF)
    return {
        "deputies": deputies,
        "enterprises": enterprises,
        "inactive": inactive,
        "teams": teams,
        "staff": staff,
    }


def visit(park, enterprise, date=AUG, deputies=None, items=()):
    return intake.record_visit(
        actor=park["staff"],
        items=items,
        deputies=deputies or park["deputies"][:2],
        date=date,
        enterprise=enterprise,
    )


@pytest.mark.django_db
class TestCoverage:
    def test_enterprises_without_a_team_are_found(self, park):
        assert list(coverage.enterprises_without_team()) == [park["enterprises"][5]]

    def test_campaign_coverage_per_team_on_a_known_data_set(self, park):
        e = park["enterprises"]
        campaign = VisitCampaign.objects.create(
            name="走访周", start=AUG, end=AUG + datetime.timedelta(days=6)
        )
        visit(park, e[0])
        visit(park, e[0], date=AUG + datetime.timedelta(days=1))  # twice: counted once
        visit(park, e[1])
        visit(park, e[3])
        visit(park, e[2], date=AUG - datetime.timedelta(days=1))  # before the campaign
        visit(park, park["inactive"])  # not a target
        result = coverage.coverage(campaign)
        assert (result["visited"], result["target"], result["rate"]) == (3, 6, 50.0)
        rows = {str(row["team"]): (row["visited"], row["target"]) for row in result["teams"]}
        assert rows == {"第一组": (2, 3), "第二组": (1, 2), "None": (0, 1)}
        assert [x.name for x in result["not_visited"]] == ["企业2", "企业4", "企业5"]
        assert coverage.campaign_reach(campaign) == {"visited": 3, "target": 6}

    def test_explicit_targets_replace_all_active_enterprises(self, park):
        e = park["enterprises"]
        campaign = VisitCampaign(name="重点企业走访月", start=AUG, end=AUG)
        campaign.targets.set([e[0], e[1]])
        campaign.save()
        visit(park, e[0])
        visit(park, e[4])
        result = coverage.coverage(campaign)
        assert (result["visited"], result["target"]) == (1, 2)

    def test_summary_counts_items_by_category_and_how_far_they_got(self, park):
        e = park["enterprises"]
        campaign = VisitCampaign.objects.create(name="走访周", start=AUG, end=AUG)
        first = visit(
            park,
            e[0],
            items=[
                item("公交站"),
                item("路灯", category=Category.objects.get(name="基础设施与安全")),
            ],
        )
        visit(park, e[1], items=[item("公交班次")])
        visit(park, e[2], date=AUG + datetime.timedelta(days=3), items=[item("不在走访周")])
        department = DepartmentFactory()
        committee = make_user("xlgw", roles.COMMITTEE)
        handler = make_user("h", roles.HANDLER, department=department)
        case = first.cases.get(title="公交站")
        case = workflow.accept(case, park["staff"])
        case = workflow.assign(case, committee, department)
        case = workflow.sign(case, handler)
        case = workflow.reply(case, handler, "已增设站点", "resolved")
        workflow.approve(case, committee)
        result = coverage.summary(campaign)
        assert result["enterprises_visited"] == 2 and result["visits"] == 2
        assert result["items"] == 3
        assert dict(result["by_category"]) == {"物流交通": 2, "基础设施与安全": 1}
        assert (result["answered"], result["resolved"]) == (1, 1)

    def test_plan_versus_visits_and_the_three_deputy_rule(self, park):
        e, d = park["enterprises"], park["deputies"]
        plan = VisitPlan(month=datetime.date(2026, 9, 17), leader="副主任")
        plan.deputies.set(d[:2])
        plan.enterprises.set(e[:4])
        plan.save()
        assert plan.month == datetime.date(2026, 9, 1)
        visit(park, e[0], date=datetime.date(2026, 9, 3), deputies=d[:1])
        visit(park, e[5], date=datetime.date(2026, 9, 30), deputies=d[1:2])
        visit(park, e[1], date=datetime.date(2026, 10, 1))
        progress = coverage.plan_progress(plan)
        assert progress == {
            "deputies": 2,
            "too_few_deputies": True,
            "planned": 4,
            "planned_visited": 1,
            "visited_by_deputies": 2,
        }


@pytest.mark.django_db
class TestRaisedItems:
    def test_three_items_become_three_cases_in_the_intake_queue(self, park):
        e = park["enterprises"][0]
        v = visit(park, e, items=[item("一"), item("二"), item("三")])
        cases = list(v.cases.order_by("pk"))
        assert [c.title for c in cases] == ["一", "二", "三"]
        for case in cases:
            assert case.channel == Case.Channel.VISIT and case.status == Case.Status.SUBMITTED
            assert case.enterprise == e and case.enterprise_name == e.name
            assert case.deputy == park["deputies"][0]
            assert case.received_by == "走访：代表0、代表1"
            assert case.received_on == AUG and case.recorded_by == park["staff"]
            assert case.consent_given and case.consent_in_person
            assert case.station == Station.default()

    def test_a_failure_on_the_third_item_creates_nothing(self, park, monkeypatch):
        real = intake.create_case
        calls = []

        def failing(**fields):
            calls.append(fields["title"])
            if len(calls) == 3:
                raise RuntimeError("database went away")
            return real(**fields)

        monkeypatch.setattr(intake, "create_case", failing)
        with pytest.raises(RuntimeError):
            visit(park, park["enterprises"][0], items=[item("一"), item("二"), item("三")])
        assert calls == ["一", "二", "三"]
        assert not Case.objects.exists() and not Visit.objects.exists()


@pytest.mark.django_db
class TestAdmin:
    def record_data(self, park, **changes):
        data = {
            "date": "2026-08-25",
            "enterprise": park["enterprises"][0].pk,
            "deputies": [park["deputies"][0].pk, park["deputies"][1].pk],
            "staff": [park["staff"].pk],
            "purpose": "走访周",
            "notes": "",
            "items-TOTAL_FORMS": 3,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 20,
        }
        for number, title in enumerate(["公交站", "路灯"]):
            data.update(
                {
                    f"items-{number}-kind": "problem",
                    f"items-{number}-category": Category.objects.get(name="物流交通").pk,
                    f"items-{number}-title": title,
                    f"items-{number}-description": f"{title}问题",
                    f"items-{number}-submitter_name": "钱经理",
                    f"items-{number}-submitter_phone": "139 0796 1111",
                }
            )
        data["items-2-kind"] = "problem"  # the untouched third row
        data.update(changes)
        return data

    def test_staff_record_a_visit_with_two_items(self, client, park):
        client.force_login(park["staff"])
        response = client.post("/admin/visits/record/", self.record_data(park))
        visit_ = Visit.objects.get()
        assert response.url == f"/admin/visits/visit/edit/{visit_.pk}/"
        assert visit_.team == park["teams"][0]  # the enterprise's own team
        assert list(visit_.staff.all()) == [park["staff"]]
        assert sorted(c.title for c in visit_.cases.all()) == ["公交站", "路灯"]
        assert set(visit_.cases.values_list("submitter_phone", flat=True)) == {"13907961111"}
        intake_page = client.get("/admin/cases/intake/").content.decode()
        assert "公交站" in intake_page and "路灯" in intake_page

    def test_bad_input_is_reported_and_nothing_is_saved(self, client, park):
        client.force_login(park["staff"])
        data = self.record_data(park, deputies=[], **{"items-1-submitter_phone": "12345"})
        response = client.post("/admin/visits/record/", data)
        page = response.content.decode()
        assert response.status_code == 200
        assert "请勾选至少一名参加走访的代表" in page
        assert "手机号" in page and 'value="12345"' in page and "公交站" in page
        assert not Visit.objects.exists() and not Case.objects.exists()

    def test_a_department_handler_cannot_record_visits(self, client, park):
        client.force_login(make_user("h", roles.HANDLER, department=DepartmentFactory()))
        # Wagtail turns the refusal into a redirect to the dashboard with a message
        assert client.get("/admin/visits/record/").url == "/admin/"
        assert client.post("/admin/visits/record/", self.record_data(park)).url == "/admin/"
        assert not Visit.objects.exists()

    def test_a_team_cannot_take_an_enterprise_another_team_covers(self, client, park):
        from django.contrib.auth import get_user_model

        make_user("admin", None)
        get_user_model().objects.filter(username="admin").update(is_superuser=True)
        # Signed in as the administrator it now is (an administrator signs in with a code).
        client.force_login(get_user_model().objects.get(username="admin"))
        response = client.post(
            "/admin/visits/team/new/",
            {
                "name": "第三组",
                "leader": "工委主任",
                "committee_members": "",
                "deputies": [],
                "enterprises": [park["enterprises"][0].pk, park["enterprises"][5].pk],
            },
        )
        assert response.status_code == 200
        assert "已由其他走访组负责：企业0（第一组）" in response.content.decode()
        assert not VisitTeam.objects.filter(name="第三组").exists()

    def test_the_campaign_page_and_the_not_visited_export(self, client, park):
        campaign = VisitCampaign.objects.create(name="走访周", start=AUG, end=AUG)
        visit(park, park["enterprises"][0], items=[item()])
        client.force_login(park["staff"])
        page = client.get(f"/admin/visits/campaign/{campaign.pk}/coverage/").content.decode()
        assert "1 / 6" in page
        not_visited = page.split('class="listing not-visited"', 1)[1]
        assert "企业5" in not_visited and "企业0" not in not_visited
        response = client.get(f"/admin/visits/campaign/{campaign.pk}/not-visited.xlsx")
        content = b"".join(response.streaming_content)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        rows = list(sheet.values)
        assert rows[0][0].startswith("走访周") and rows[1][:2] == ("序号", "企业")  # title, heading
        assert sheet.print_title_rows == "$1:$2"  # both repeat on every printed page
        assert [row[1] for row in rows[2:]] == ["企业1", "企业2", "企业3", "企业4", "企业5"]
        assert rows[6][5] is None  # 企业5: no team
        assert "filename*=utf-8''" in response["Content-Disposition"]

    def test_a_plan_with_two_deputies_is_saved_with_a_warning(self, client, park):
        client.force_login(park["staff"])
        response = client.post(
            "/admin/visits/plan/new/",
            {
                "month": "2026-09-01",
                "leader": "副主任",
                "deputies": [d.pk for d in park["deputies"][:2]],
                "enterprises": [park["enterprises"][0].pk],
                "notes": "",
            },
            follow=True,
        )
        assert VisitPlan.objects.count() == 1
        assert "少于 3 名代表" in response.content.decode()  # 参加代表少于 3 名代表

    def test_the_team_coverage_page_lists_enterprises_without_a_team(self, client, park):
        client.force_login(park["staff"])
        page = client.get("/admin/visits/coverage/").content.decode()
        response = client.get("/admin/visits/coverage/")
        assert list(response.context["without_team"]) == [park["enterprises"][5]]
        assert "第一组" in page


@pytest.mark.django_db
def test_a_deputys_profile_shows_how_many_enterprises_they_visited_this_year(
    client, park, home_page
):
    from django.utils import timezone

    from deputies.pages import DeputyIndexPage

    home_page.add_child(instance=DeputyIndexPage(title="代表墙", slug="deputies"))
    deputy = park["deputies"][0]
    today = timezone.localdate()
    visit(park, park["enterprises"][0], date=today, deputies=[deputy])
    visit(park, park["enterprises"][0], date=today, deputies=[deputy])
    visit(park, park["enterprises"][1], date=today, deputies=[deputy])
    visit(park, park["enterprises"][2], date=today.replace(year=today.year - 1), deputies=[deputy])
    page = client.get(f"/deputies/{deputy.pk}/").content.decode()
    assert '<dd class="visited-count">2</dd>' in page


@pytest.mark.django_db
def test_a_deputys_admin_form_lists_their_visits(client, park):
    deputy = park["deputies"][0]
    visit(park, park["enterprises"][2], deputies=[deputy], items=[item("厂区门口缺少公交站")])
    from django.contrib.auth import get_user_model

    make_user("boss", None)
    get_user_model().objects.filter(username="boss").update(is_superuser=True)
    # Signed in as the administrator it now is (an administrator signs in with a code).
    client.force_login(get_user_model().objects.get(username="boss"))
    page = client.get(f"/admin/snippets/deputies/deputy/edit/{deputy.pk}/").content.decode()
    case = Case.objects.get()
    assert "企业2" in page and case.reference in page and "2026-08-24" in page
    other = client.get(f"/admin/snippets/deputies/deputy/edit/{park['deputies'][3].pk}/")
    assert "还没有走访记录" in other.content.decode()


@pytest.mark.django_db
def test_a_visits_page_lists_its_items_and_more_can_be_added(client, park):
    v = visit(park, park["enterprises"][0], items=[item("厂区门口缺少公交站")])
    client.force_login(park["staff"])
    page = client.get(f"/admin/visits/visit/edit/{v.pk}/").content.decode()
    first = v.cases.get()
    assert first.reference in page and f"/admin/visits/visit/{v.pk}/items/" in page
    data = {
        "items-TOTAL_FORMS": 1,
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 20,
        "items-0-kind": "suggestion",
        "items-0-category": Category.objects.get(name="物流交通").pk,
        "items-0-title": "增开夜班公交",
        "items-0-description": "建议增开夜班公交。",
        "items-0-submitter_name": "钱经理",
        "items-0-submitter_phone": "13907961111",
    }
    response = client.post(f"/admin/visits/visit/{v.pk}/items/", data)
    assert response.url == f"/admin/visits/visit/edit/{v.pk}/"
    added = v.cases.get(title="增开夜班公交")
    assert added.kind == "suggestion" and added.channel == Case.Channel.VISIT
    assert added.received_on == v.date and v.cases.count() == 2


@pytest.mark.django_db
def test_the_visit_and_team_listings_do_not_query_per_row(client, park):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(park["staff"])

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for url in ("/admin/visits/visit/", "/admin/visits/team/"):
        client.get(url)  # warm the per-process caches (menu, content types)
    visit(park, park["enterprises"][0], items=[item()])
    few = queries("/admin/visits/visit/"), queries("/admin/visits/team/")
    for enterprise in park["enterprises"][1:]:
        visit(park, enterprise, items=[item("其一"), item("其二")])
    team("第三组", park["deputies"][:1], [park["inactive"]])
    page = client.get("/admin/visits/team/").content.decode()
    assert "第三组" in page
    assert (queries("/admin/visits/visit/"), queries("/admin/visits/team/")) == few

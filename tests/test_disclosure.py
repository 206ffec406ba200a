"""Disclosure notices: made from closed cases only, masked, moderated, and public once live."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask
from wagtail.test.utils.form_data import nested_form_data

from disclosure import notices
from disclosure.models import DisclosureIndexPage, DisclosureNotice
from submissions import roles, workflow
from submissions.models import Case, Category
from tests.factories import (
    DepartmentFactory,
    StationFactory,
    close_through_workflow,
    make_case,
    make_user,
)

LEFTOVER = "1381234123456"  # a long number with no label or phone shape: flagged, never masked


@pytest.fixture
def world(home_page):
    station = StationFactory()
    department = DepartmentFactory(name="云溪县住房和城乡建设局", short_name="县住建局")
    index = home_page.add_child(
        instance=DisclosureIndexPage(title="问题督办解决公示", slug="disclosure")
    )
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
        "editor": make_user("editor", roles.EDITOR),
        "moderator": make_user("moderator", roles.MODERATOR),
    }
    if not home_page.get_workflow():  # the migrations' workflow lives on the root page
        workflow_ = Workflow.objects.create(name="审核")
        task = GroupApprovalTask.objects.create(name="审核")
        task.groups.set([Group.objects.get(name=roles.MODERATOR)])
        WorkflowTask.objects.create(workflow=workflow_, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow_, page=home_page)

    def closed_case(allow=True, **fields):
        fields.setdefault("title", "园区道路照明问题")
        fields.setdefault(
            "description", "我是王小明，电话13807961234，创业大道支路没有路灯，夜班不安全。"
        )
        return close_through_workflow(
            make_case(station, allow_disclosure=allow, **fields),
            staff=users["staff"],
            committee=users["committee"],
            department=department,
            handler=users["handler"],
            reply="已安装路灯12盏，王小明已确认。",
        )

    return {
        "index": index,
        "users": users,
        "department": department,
        "closed_case": closed_case,
        "station": station,
    }


def edit_data(notice, **changes):
    """The editor's form as a browser would post it, with changes."""
    data = {
        "title": notice.title,
        "slug": notice.slug,
        "category": notice.category_id,
        "department": notice.department_id or "",
        "outcome": notice.outcome,
        "rating": notice.rating,
        "received_on": notice.received_on and f"{notice.received_on:%Y-%m-%d}",
        "replied_on": notice.replied_on and f"{notice.replied_on:%Y-%m-%d}",
        "closed_on": notice.closed_on and f"{notice.closed_on:%Y-%m-%d}",
        "disclosed_on": f"{notice.disclosed_on:%Y-%m-%d}",
        "summary": notice.summary,
        "handling": notice.handling,
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
    }
    data.update(changes)
    return nested_form_data({k: ("" if v is None else v) for k, v in data.items()})


def latest(notice):
    return DisclosureNotice.objects.get(pk=notice.pk).get_latest_revision_as_object()


def edit(client, notice, user, **changes):
    client.force_login(user)
    return client.post(f"/admin/pages/{notice.pk}/edit/", edit_data(notice, **changes))


@pytest.mark.django_db
class TestGenerating:
    def test_a_notice_is_refused_for_a_case_that_is_not_closed(self, world):
        case = make_case(world["station"], allow_disclosure=True)
        with pytest.raises(notices.NoticeRefused, match="已办结"):
            notices.generate(case, world["users"]["staff"])
        assert not DisclosureNotice.objects.exists()

    def test_a_notice_is_refused_when_the_submitter_refused_disclosure(self, world, client):
        case = world["closed_case"](allow=False)
        with pytest.raises(notices.NoticeRefused, match="不同意"):
            notices.generate(case, world["users"]["staff"])
        client.force_login(world["users"]["staff"])
        response = client.post(f"/admin/cases/{case.pk}/notice/", follow=True)
        assert "提交人不同意公开" in response.content.decode()
        assert not DisclosureNotice.objects.exists()

    def test_staff_press_the_button_and_land_in_the_editor_with_a_masked_draft(self, world, client):
        case = world["closed_case"]()
        client.force_login(world["users"]["staff"])
        page = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert "生成公示" in page
        response = client.post(f"/admin/cases/{case.pk}/notice/")
        notice = DisclosureNotice.objects.get()
        assert response.url == f"/admin/pages/{notice.pk}/edit/"
        assert client.get(response.url).status_code == 200  # staff may edit their draft
        assert not notice.live and notice.owner == world["users"]["staff"]
        assert notice.case == case and notice.reference == case.reference
        assert notice.department == world["department"]
        assert notice.outcome == "resolved" and notice.rating == "satisfied"
        assert "王小明" not in notice.summary and "13807961234" not in notice.summary
        assert "王**" in notice.summary and "138****1234" in notice.summary
        assert "王小明" not in notice.handling and "王**" in notice.handling
        # a second press opens the same draft
        again = client.post(f"/admin/cases/{case.pk}/notice/")
        assert again.url == response.url and DisclosureNotice.objects.count() == 1

    def test_a_department_handler_cannot_make_a_notice(self, world, client):
        case = world["closed_case"]()
        client.force_login(world["users"]["handler"])
        page = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert "生成公示" not in page
        client.post(f"/admin/cases/{case.pk}/notice/")
        assert not DisclosureNotice.objects.exists()


@pytest.mark.django_db
class TestModeration:
    def make(self, world):
        case = world["closed_case"]()
        notice, _ = notices.generate(case, world["users"]["staff"])
        return case, notice

    def test_saving_masks_the_text_again(self, world, client):
        _, notice = self.make(world)
        edit(
            client, notice, world["users"]["editor"], summary="请联系13912345678或wang@example.com"
        )
        draft = latest(notice)
        assert "139****5678" in draft.summary and "13912345678" not in draft.summary
        assert "wang@example.com" not in draft.summary

    def test_a_draft_with_a_leftover_is_saved_with_a_warning(self, world, client):
        _, notice = self.make(world)
        response = edit(client, notice, world["users"]["editor"], summary=f"订单号{LEFTOVER}")
        assert response.status_code == 302
        assert LEFTOVER in latest(notice).summary
        page = client.get(response.url).content.decode()
        assert f"已保存，但以下内容仍像是个人信息：{LEFTOVER}。" in page

    def test_submitting_with_a_leftover_needs_the_confirmation(self, world, client):
        _, notice = self.make(world)
        response = edit(
            client,
            notice,
            world["users"]["editor"],
            summary=f"订单号{LEFTOVER}",
            **{"action-submit": "1"},
        )
        assert response.status_code == 200  # the form again, with the message next to the box
        assert "勾选" in response.content.decode() and LEFTOVER in response.content.decode()
        notice.refresh_from_db()
        assert not notice.workflow_in_progress
        response = edit(
            client,
            notice,
            world["users"]["editor"],
            summary=f"订单号{LEFTOVER}",
            confirm_leftovers="on",
            **{"action-submit": "1"},
        )
        assert response.status_code == 302
        notice.refresh_from_db()
        assert notice.workflow_in_progress

    def test_publish_refuses_a_revision_with_unconfirmed_leftovers(self, world):
        _, notice = self.make(world)
        notice.summary = f"订单号{LEFTOVER}"
        revision = notice.save_revision(user=world["users"]["editor"])
        with pytest.raises(PermissionDenied):
            revision.publish(user=world["users"]["moderator"])
        notice.refresh_from_db()
        assert not notice.live

    @pytest.mark.parametrize("field", ["title", "seo_title", "search_description"])
    def test_every_public_field_goes_through_the_guard(self, world, client, field):
        """The page title, the <title> and the share description are public text too."""
        _, notice = self.make(world)
        edit(client, notice, world["users"]["editor"], **{field: "请联系张建国经理13812345678"})
        saved = getattr(latest(notice), field)
        assert "13812345678" not in saved and "张建国" not in saved  # masked on save
        setattr(notice, field, f"订单号{LEFTOVER}")
        revision = notice.save_revision(user=world["users"]["editor"])
        with pytest.raises(PermissionDenied):
            revision.publish(user=world["users"]["moderator"])

    def test_editor_submits_moderator_approves_and_the_case_shows_disclosed(self, world, client):
        case, notice = self.make(world)
        assert (
            edit(client, notice, world["users"]["editor"], **{"action-submit": "1"}).status_code
            == 302
        )
        notice.refresh_from_db()
        assert notice.workflow_in_progress and not notice.live
        assert client.get("/disclosure/").context["notices"].paginator.count == 0
        assert client.get(notice.url).status_code == 404
        state = notice.current_workflow_state
        client.force_login(world["users"]["moderator"])
        response = client.post(
            f"/admin/pages/workflow/action/{notice.pk}/approve/{state.current_task_state.pk}/",
            {"comment": ""},
        )
        # Wagtail goes back to the page's editor once the workflow action is taken.
        assert (response.status_code, response["Location"]) == (
            302,
            f"/admin/pages/{notice.pk}/edit/",
        )
        notice.refresh_from_db()
        assert notice.live
        client.force_login(world["users"]["staff"])
        page = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert "已公示" in page and notice.url in page
        track = client.get(
            "/track/", {"reference": case.reference, "code": case.tracking_code}, follow=True
        ).content.decode()
        assert notice.url in track
        # unpublishing takes the mark away again
        notice.unpublish(user=world["users"]["moderator"])
        page = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert "已公示" not in page and "公示草稿" in page


def publish(notice, **fields):
    for key, value in fields.items():
        setattr(notice, key, value)
    notice.save_revision().publish()
    return notice


@pytest.mark.django_db
class TestPublicList:
    @pytest.fixture
    def live(self, world):
        categories = list(Category.objects.all()[:2])
        other = DepartmentFactory(name="云溪县城市管理局", short_name="县城管局")
        made = []
        for number in range(6):
            case = world["closed_case"](
                title="园区道路照明问题" if number == 0 else f"厂区门口积水第{number}处",
                category=categories[number % 2],
            )
            notice, _ = notices.generate(case, world["users"]["staff"])
            made.append(
                publish(
                    notice,
                    disclosed_on=datetime.date(2026, 10 + number % 2, 5 + number),
                    department=world["department"] if number < 4 else other,
                    outcome="resolved" if number % 3 else "explained",
                )
            )
        return {"notices": made, "categories": categories, "other": other}

    def titles(self, client, **params):
        response = client.get("/disclosure/", params)
        assert response.status_code == 200
        return response, [n.title for n in response.context["notices"]]

    def test_newest_first(self, client, live):
        _, titles = self.titles(client)
        expected = sorted(live["notices"], key=lambda n: (n.disclosed_on, n.pk), reverse=True)
        assert titles == [n.title for n in expected]

    def test_search_finds_a_chinese_word_inside_a_title(self, client, live):
        _, titles = self.titles(client, q="照明")
        assert titles == ["园区道路照明问题"]

    def test_filters_by_category_department_outcome_and_month(self, client, live):
        first = live["categories"][0]
        _, titles = self.titles(client, category=first.pk)
        assert sorted(titles) == sorted(n.title for n in live["notices"] if n.category == first)
        _, titles = self.titles(client, department=live["other"].pk)
        assert len(titles) == 2
        _, titles = self.titles(client, outcome="explained")
        assert len(titles) == 2  # numbers 0 and 3
        _, titles = self.titles(client, month="2026-11")
        assert len(titles) == 3
        _, titles = self.titles(client, month="2026-11", department=live["other"].pk)
        assert len(titles) == 1

    def test_a_bad_month_is_reported_next_to_the_field_and_kept(self, client, live):
        response, titles = self.titles(client, month="2026-13")
        page = response.content.decode()
        assert "请按“年-月”填写" in page and 'value="2026-13"' in page
        assert len(titles) == 6  # the bad filter is left out, not applied

    def test_the_pages_of_results_keep_the_filters(self, client, world, live, monkeypatch):
        monkeypatch.setattr("disclosure.models.NOTICES_PER_PAGE", 2)
        response, titles = self.titles(client, month="2026-11")
        assert len(titles) == 2 and "month=2026-11&amp;page=2" in response.content.decode()

    def test_each_notice_has_its_page_without_personal_data(self, client, live):
        notice = live["notices"][0]
        page = client.get(notice.url).content.decode()
        assert notice.reference in page and "已安装路灯12盏" in page
        assert "王小明" not in page and "13807961234" not in page

    def test_the_month_print_view_lists_that_month_only(self, client, live):
        response = client.get("/disclosure/print/2026/10/")
        assert response.status_code == 200
        assert len(response.context["notices"]) == 3
        assert "2026年10月" in response.content.decode()
        assert client.get("/disclosure/print/2026/13/").status_code == 404

    def test_the_home_page_shows_the_latest_notices(self, client, live):
        page = client.get("/").content.decode()
        assert "最新公示" in page and live["notices"][1].title in page
        assert live["notices"][0].title not in page  # the oldest of six: five are shown

    def test_the_list_query_count_does_not_grow_with_notices(self, client, world, live):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.get("/disclosure/")  # the first request creates the site's settings row
        with CaptureQueriesContext(connection) as few:
            client.get("/disclosure/")
        for _ in range(6):
            case = world["closed_case"]()
            publish(notices.generate(case, world["users"]["staff"])[0])
        # Publishing drops the cached menu and settings: the next request reads them again.
        client.get("/disclosure/")
        with CaptureQueriesContext(connection) as many:
            client.get("/disclosure/")
        assert len(many) == len(few) <= 15


@pytest.mark.django_db
def test_drafts_never_show_in_public(client, world):
    case = world["closed_case"]()
    notice, _ = notices.generate(case, world["users"]["staff"])
    assert client.get("/disclosure/").context["notices"].paginator.count == 0
    assert client.get(f"/disclosure/{notice.slug}/").status_code == 404
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


@pytest.mark.django_db
class TestKeyIssues:
    @pytest.fixture
    def issue(self, world, home_page):
        from disclosure.models import KeyIssue, KeyIssueIndexPage

        parent = home_page.add_child(
            instance=KeyIssueIndexPage(title="重点督办", slug="key-issues")
        )
        issue = parent.add_child(
            instance=KeyIssue(
                title="企业融资难",
                slug="financing",
                year=2026,
                lead="县人大常委会副主任 周建华",
                members="选联工委主任 李明\n驻站代表 王建国",
                goal="<p>担保费率降到1%以内。</p>",
                meetings=[
                    (
                        "meeting",
                        {
                            "date": datetime.date(2026, 9, 1),
                            "title": "专题调度会",
                            "participants": "县金融中心、四家银行",
                            "summary": "梳理融资需求23项。",
                            "decisions": ["建立银企对接台账"],
                        },
                    )
                ],
                figures=[
                    (
                        "figure",
                        {
                            "label": "担保费率",
                            "value": "0.8",
                            "unit": "%",
                            "source": "县融资担保公司",
                            "as_of": datetime.date(2026, 11, 1),
                        },
                    )
                ],
            )
        )
        return issue

    def link(self, client, user, case, issue):
        client.force_login(user)
        return client.post(
            f"/admin/cases/{case.pk}/key-issue/", {"key-key_issue": issue.pk}, follow=True
        )

    def test_the_committee_links_a_case_and_its_round_becomes_key_supervised(
        self, client, world, issue
    ):
        users = world["users"]
        case = workflow.accept(make_case(world["station"]), users["staff"])
        case = workflow.assign(case, users["committee"], world["department"])
        page = self.link(client, users["committee"], case, issue).content.decode()
        assert "此件已列入重点督办" in page and "企业融资难" in page
        case.refresh_from_db()
        assert case.key_supervised
        assert case.current_assignment.supervision == "normal"  # the round's own level
        assert "重点督办" in client.get(f"/admin/cases/{case.pk}/").content.decode()
        queue = client.get("/admin/cases/supervision/").content.decode()
        assert case.reference in queue
        # and out again
        client.post(f"/admin/cases/{case.pk}/key-issue/", {"unlink": "1"})
        case.refresh_from_db()
        assert not case.key_supervised and case.current_assignment.supervision == "normal"
        assert case.reference not in client.get("/admin/cases/supervision/").content.decode()

    def test_a_handler_cannot_link_a_case(self, client, world, issue):
        users = world["users"]
        case = workflow.accept(make_case(world["station"]), users["staff"])
        case = workflow.assign(case, users["committee"], world["department"])
        page = self.link(client, users["handler"], case, issue).content.decode()
        assert "您的角色不能进行此操作" in page
        case.refresh_from_db()
        assert not case.key_supervised and not hasattr(case, "key_issue_link")

    def test_an_unknown_key_issue_is_refused(self, client, world, issue):
        case = make_case(world["station"])
        client.force_login(world["users"]["staff"])
        client.post(f"/admin/cases/{case.pk}/key-issue/", {"key-key_issue": 99999})
        case.refresh_from_db()
        assert not case.key_supervised

    def test_the_page_shows_meetings_figures_and_counts_with_public_data_only(
        self, client, world, issue
    ):
        from disclosure import key_issues

        users = world["users"]
        closed = world["closed_case"](title="担保费率偏高")
        key_issues.link(issue, closed, users["committee"])
        open_case = workflow.accept(
            make_case(world["station"], title="贷款审批慢", submitter_name="赵大勇"), users["staff"]
        )
        key_issues.link(issue, open_case, users["committee"])
        notice, _ = notices.generate(closed, users["staff"])
        publish(notice)
        issue.save_revision().publish()
        response = client.get("/key-issues/financing/")
        page = response.content.decode()
        assert "专题调度会" in page and "建立银企对接台账" in page
        assert "0.8" in page and "县融资担保公司" in page
        assert "办理中 1 件，已办结 1 件" in page
        assert open_case.reference in page and closed.reference in page
        assert notice.url in page  # the closed case links to its notice
        for private in ("王小明", "赵大勇", "13807961234", "贷款审批慢", open_case.tracking_code):
            assert private not in page

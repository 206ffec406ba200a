"""Each role's dashboard opens on its own work; the page summary is for page editors."""

import pytest
from django.test import Client

from submissions import roles, workflow
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_case, make_user


@pytest.fixture
def world(db):
    station = StationFactory()
    department, other = DepartmentFactory(), DepartmentFactory()
    deputy = DeputyFactory(station=station)
    users = {
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
        "deputy": make_user("deputy", roles.DEPUTY, deputy=deputy),
        "editor": make_user("editor", roles.EDITOR),
    }
    return {"station": station, "department": department, "other": other, "users": users}


def dashboard(user):
    client = Client()
    client.force_login(user)
    return client.get("/admin/").content.decode()


def section(html, title):
    """The work panel's section with this title, up to the next section."""
    start = html.index(title, html.index('id="work-panel-title"'))
    end = html.find("work-panel__section", start + 1)
    return html[start : end if end > 0 else len(html)]


@pytest.mark.django_db
def test_the_handler_sees_what_to_sign_and_what_to_reply_with_deadlines(world):
    users = world["users"]
    to_sign = workflow.accept(make_case(world["station"], title="待签收的件"), users["staff"])
    to_sign = workflow.assign(to_sign, users["committee"], world["department"])
    to_reply = workflow.accept(make_case(world["station"], title="待答复的件"), users["staff"])
    to_reply = workflow.assign(to_reply, users["committee"], world["department"])
    workflow.sign(to_reply, users["handler"])
    elsewhere = workflow.accept(make_case(world["station"], title="别的单位的件"), users["staff"])
    workflow.assign(elsewhere, users["committee"], world["other"])
    html = dashboard(users["handler"])
    assert to_sign.reference in section(html, "待签收")
    assert to_reply.reference in section(html, "待答复")
    assert to_reply.reference not in section(html, "待签收")
    assert "天" in section(html, "待签收")  # the deadline band, in words
    assert elsewhere.reference not in html and "别的单位的件" not in html
    assert "w-summary" not in html  # no "41 个页面" summary for a department


@pytest.mark.django_db
def test_the_committee_sees_its_pending_decisions(world):
    users = world["users"]
    listed = workflow.accept(make_case(world["station"]), users["staff"])
    replied = workflow.accept(make_case(world["station"]), users["staff"])
    replied = workflow.assign(replied, users["committee"], world["department"])
    replied = workflow.sign(replied, users["handler"])
    replied = workflow.reply(replied, users["handler"], "已解决", "resolved")
    asking = workflow.accept(make_case(world["station"]), users["staff"])
    asking = workflow.assign(asking, users["committee"], world["department"])
    due = asking.current_assignment.due_at.date()
    workflow.request_extension(asking, users["handler"], due.replace(day=28), "需要招标")
    html = dashboard(users["committee"])
    assert listed.reference in section(html, "待交办")
    assert replied.reference in section(html, "待审核答复")
    assert asking.reference in section(html, "待审批延期")


@pytest.mark.django_db
def test_station_staff_see_the_intake(world):
    case = make_case(world["station"])
    assert case.reference in section(dashboard(world["users"]["staff"]), "待受理")


@pytest.mark.django_db
def test_a_deputy_gets_no_work_panel_and_no_page_summary(world):
    html = dashboard(world["users"]["deputy"])
    assert "work-panel" not in html and "w-summary" not in html


@pytest.mark.django_db
def test_the_editor_finds_draft_notices_and_the_page_summary(world, home_page):
    from disclosure import notices
    from disclosure.models import DisclosureIndexPage
    from tests.factories import close_through_workflow

    home_page.add_child(instance=DisclosureIndexPage(title="问题督办解决公示", slug="disclosure"))
    users = world["users"]
    case = close_through_workflow(
        make_case(world["station"], allow_disclosure=True),
        staff=users["staff"],
        committee=users["committee"],
        department=world["department"],
        handler=users["handler"],
        reply="已安装路灯12盏。",
    )
    draft, _created = notices.generate(case, users["staff"])
    html = dashboard(users["editor"])
    assert "待提交公示" in html and case.reference in html
    assert f"/admin/pages/{draft.pk}/edit/" in html
    assert "w-summary" in html
    assert "待提交公示" not in dashboard(users["handler"])

"""Rights are permissions, not group names: renaming every role group in Wagtail's Groups
screen keeps every right, every scope and every workflow move."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from submissions import roles, workflow
from submissions.models import Case
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_case, make_user


@pytest.fixture
def people(db):
    station = StationFactory()
    department, other = DepartmentFactory(), DepartmentFactory()
    deputy = DeputyFactory(station=station)
    return {
        "station": station,
        "department": department,
        "other": other,
        "deputy": deputy,
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
        "deputy_user": make_user("deputy", roles.DEPUTY, deputy=deputy),
    }


def rename_every_group():
    for group in Group.objects.all():
        group.name = f"改名后的{group.pk}组"
        group.save()


@pytest.mark.django_db
def test_every_right_holds_after_every_group_is_renamed(people):
    rename_every_group()
    assert not Group.objects.filter(name__in=list(roles.GROUP_PERMISSIONS)).exists()
    # fresh user objects: permission caches are per instance
    staff, committee, handler, deputy = (
        type(people["staff"]).objects.get(pk=people[name].pk)
        for name in ("staff", "committee", "handler", "deputy_user")
    )
    mine = make_case(people["station"], deputy=people["deputy"], title="给代表的")
    theirs = make_case(people["station"], title="别的单位的")
    mine = workflow.accept(mine, staff)
    theirs = workflow.accept(theirs, staff)
    mine = workflow.assign(mine, committee, people["department"])
    theirs = workflow.assign(theirs, committee, people["other"])
    mine = workflow.sign(mine, handler)
    workflow.add_note(mine, deputy, "代表跟进")
    assert set(Case.objects.visible_to(handler)) == {mine}
    assert set(Case.objects.visible_to(deputy)) == {mine}
    assert set(Case.objects.visible_to(committee)) == {mine, theirs}
    with pytest.raises(workflow.WorkflowError):
        workflow.sign(theirs, handler)
    for user, allowed in (
        (staff, {roles.SEE_CONTACTS, roles.SEE_TRACKING_CODE, roles.SCREEN}),
        (committee, {roles.SEE_CONTACTS, roles.ASSIGN}),
        (handler, {roles.ACT_FOR_DEPARTMENT}),
        (deputy, {roles.SEE_ADDRESSED, roles.ADD_NOTE}),
    ):
        assert all(user.has_perm(right) for right in allowed), user
    assert not handler.has_perm(roles.SEE_CONTACTS) and not deputy.has_perm(roles.SEE_ALL)
    # and the admin still opens on each role's own lists
    client = Client()
    client.force_login(handler)
    assert "给代表的" in client.get("/admin/cases/claims/").text
    client.force_login(staff)
    assert client.get(f"/admin/cases/{mine.pk}/receipt/").status_code == 200


@pytest.mark.django_db
def test_no_code_checks_a_group_by_name():
    """The group names appear only where the bundles are built (roles.py) and in the demo."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent
    pattern = re.compile(r"groups__name|roles\.(STAFF|COMMITTEE|HANDLER|DEPUTY|EDITOR|MODERATOR)\b")
    offenders = [
        str(path.relative_to(root))
        for app in ("submissions", "deputies", "visits", "disclosure", "home", "portal")
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        and path.name not in ("roles.py", "demo.py", "permissions.py")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
def test_station_staff_may_publish_and_lock_deputy_profiles(people):
    from django.contrib.auth.models import Permission

    staff = type(people["staff"]).objects.get(pk=people["staff"].pk)
    for action in ("publish", "lock", "unlock"):
        assert staff.has_perm(f"deputies.{action}_deputy"), action
        assert Permission.objects.filter(codename=f"{action}_deputy").count() == 1
    assert not people["handler"].has_perm("deputies.publish_deputy")

"""Issue 13: departments (承办单位) and committees (对口工委) have their own admin screens, and
categories a proper menu item, under 基础数据 (reference data)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import ModelLogEntry

from submissions import roles, workflow
from submissions.action_forms import AssignForm
from submissions.models import Committee, Department
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    StationFactory,
    make_case,
    make_user,
)


def zh(message, **params):
    """The message as the admin shows it (Simplified Chinese once the catalogue has it)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
        return text % params if params else text


def department_post(**fields):
    data = {
        "name": "云溪县交通运输局",
        "short_name": "县交通局",
        "committee": "",
        "contact_person": "办公室",
        "contact_phone": "0796-5550300",
        "email": "jtj@example.com",
        "is_active": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def committee_post(**fields):
    data = {
        "name": "财政经济工委",
        "short_name": "财经工委",
        "contact_person": "李主任",
        "contact_phone": "0796-5550100",
        "email": "",
        "is_active": "on",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", password="pw"))
    return client


@pytest.fixture
def committee_client(client, db):
    client.force_login(make_user("xlgw-test", roles.COMMITTEE))
    return client


def menu_labels(response):
    return re.findall(r'"label": "([^"]*)"', response.content.decode("unicode_escape"))


@pytest.mark.django_db
def test_administrator_creates_a_committee_and_a_department_it_forwards_to(admin_client):
    response = admin_client.post(reverse("committees:add"), committee_post())
    assert response.status_code == 302
    committee = Committee.objects.get(name="财政经济工委")
    assert committee.is_active and committee.contact_person == "李主任"

    response = admin_client.post(
        reverse("departments:add"), department_post(committee=committee.pk)
    )
    assert response.status_code == 302
    department = Department.objects.get(name="云溪县交通运输局")
    assert department.committee == committee and department.is_active

    listing = admin_client.get(reverse("departments:index"))
    assert "云溪县交通运输局" in listing.content.decode()
    inspect = admin_client.get(reverse("departments:inspect", args=[department.pk]))
    assert "0796-5550300" in inspect.content.decode()
    assert "财政经济工委" in inspect.content.decode()
    history = admin_client.get(reverse("departments:history", args=[department.pk]))
    assert history.status_code == 200
    assert ModelLogEntry.objects.filter(
        content_type__model="department", object_id=str(department.pk), action="wagtail.create"
    ).exists()


@pytest.mark.django_db
def test_the_committee_group_edits_departments_and_every_change_is_in_the_history(
    committee_client,
):
    department = DepartmentFactory(name="云溪县应急管理局", short_name="县应急局")
    response = committee_client.post(
        reverse("departments:edit", args=[department.pk]),
        department_post(name="云溪县应急管理局", short_name="县应急局", contact_person="张科长"),
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.contact_person == "张科长"
    assert ModelLogEntry.objects.filter(
        content_type__model="department", object_id=str(department.pk), action="wagtail.edit"
    ).exists()
    history = committee_client.get(reverse("departments:history", args=[department.pk]))
    assert "xlgw-test" in history.content.decode()  # who made the change


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, departments, categories",
    [
        (roles.COMMITTEE, True, True),
        (roles.STAFF, False, True),
        (roles.HANDLER, False, False),
        (roles.DEPUTY, False, False),
    ],
)
def test_reference_data_menu_shows_what_each_role_may_see(client, role, departments, categories):
    client.force_login(make_user(f"user-{role}", role))
    labels = menu_labels(client.get("/admin/"))
    assert (zh("Departments") in labels) is departments
    assert (zh("Committees") in labels) is departments
    assert (zh("Categories") in labels) is categories
    assert (zh("Reference data") in labels) is (departments or categories)
    listing = client.get(reverse("departments:index"))
    assert listing.status_code == (200 if departments else 302)


@pytest.mark.django_db
def test_staff_cannot_add_or_edit_departments(client):
    client.force_login(make_user("station-test", roles.STAFF))
    department = DepartmentFactory()
    assert client.post(reverse("departments:add"), department_post()).status_code == 302
    assert not Department.objects.filter(name="云溪县交通运输局").exists()
    client.post(reverse("departments:edit", args=[department.pk]), department_post())
    department.refresh_from_db()
    assert department.name != "云溪县交通运输局"


@pytest.mark.django_db
def test_categories_are_no_longer_under_snippets(admin_client):
    # Every snippet model now has a menu of its own, so Wagtail's Snippets index has nothing
    # left to list and sends the user back to the dashboard.
    response = admin_client.get("/admin/snippets/")
    assert response.status_code == 302 and response.url == "/admin/"
    assert admin_client.get("/admin/snippets/submissions/category/").status_code == 200


@pytest.mark.django_db
def test_search_and_filters(admin_client):
    DepartmentFactory(name="云溪县人力资源和社会保障局", short_name="县人社局")
    DepartmentFactory(name="云溪县旧机构", short_name="旧局", is_active=False)
    found = admin_client.get(reverse("departments:index"), {"q": "人社"}).content.decode()
    assert "云溪县人力资源和社会保障局" in found and "云溪县旧机构" not in found
    inactive = admin_client.get(reverse("departments:index"), {"is_active": "false"})
    assert "云溪县旧机构" in inactive.content.decode()
    assert "云溪县人力资源和社会保障局" not in inactive.content.decode()


@pytest.mark.django_db
def test_duplicate_department_name_is_refused_next_to_the_field(admin_client):
    DepartmentFactory(name="云溪县交通运输局", short_name="县交通局")
    response = admin_client.post(reverse("departments:add"), department_post(short_name="交通"))
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        zh(
            "There is already a department called “%(name)s”: choose another name.",
            name="云溪县交通运输局",
        )
    ]
    assert Department.objects.filter(name="云溪县交通运输局").count() == 1


@pytest.mark.django_db
def test_renaming_onto_another_name_changes_nothing(admin_client):
    DepartmentFactory(name="云溪县交通运输局", short_name="县交通局")
    other = DepartmentFactory(name="云溪县水利局", short_name="县水利局")
    response = admin_client.post(
        reverse("departments:edit", args=[other.pk]),
        department_post(name="云溪县交通运输局", short_name="县水利局", contact_person="改了"),
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors
    other.refresh_from_db()
    assert (other.name, other.contact_person) == ("云溪县水利局", "")


@pytest.mark.django_db
def test_duplicate_committee_and_short_names_are_refused(admin_client):
    CommitteeFactory(name="社会建设工委", short_name="社建工委")
    response = admin_client.post(reverse("committees:add"), committee_post(name="社会建设工委"))
    assert response.context["form"].errors["name"] == [
        zh(
            "There is already a committee called “%(name)s”: choose another name.",
            name="社会建设工委",
        )
    ]
    DepartmentFactory(name="云溪县住房和城乡建设局", short_name="县住建局")
    response = admin_client.post(reverse("departments:add"), department_post(short_name="县住建局"))
    assert "short_name" in response.context["form"].errors
    assert Committee.objects.count() == 1
    assert not Department.objects.filter(name="云溪县交通运输局").exists()


def spaced(draw, text):
    """The text with spaces (ASCII or full-width) slipped in and its ASCII turned full-width."""
    out = []
    for char in text:
        if draw(st.booleans()) and draw(st.booleans()):
            out.append(draw(st.sampled_from([" ", "\u3000", "  "])))
        out.append(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" and draw(st.booleans()) else char)
    return "".join(out).strip() or text


@st.composite
def look_alike(draw):
    base = draw(st.sampled_from(["云溪县(园区)管委会", "县人社局", "云溪县第2中学", "Yunxi财政局"]))
    return base, spaced(draw, base)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pair=look_alike())
def test_a_look_alike_of_an_existing_name_is_a_duplicate(admin_client, pair):
    existing, typed = pair
    with transaction.atomic():  # each example starts from the same database
        DepartmentFactory(name=existing, short_name="")
        before = list(Department.objects.values_list("name", flat=True))
        response = admin_client.post(
            reverse("departments:add"), department_post(name=typed, short_name="")
        )
        assert response.status_code == 200, typed
        assert "name" in response.context["form"].errors
        assert list(Department.objects.values_list("name", flat=True)) == before
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_bad_phone_is_refused_next_to_the_field(admin_client):
    response = admin_client.post(
        reverse("departments:add"), department_post(contact_phone="call me maybe")
    )
    assert response.context["form"].errors["contact_phone"] == [
        zh("Enter an office phone number such as 0796-5550123.")
    ]
    assert not Department.objects.exists()


@pytest.mark.django_db
def test_departments_and_committees_are_never_deleted(admin_client):
    department = DepartmentFactory()
    committee = CommitteeFactory()
    for name, obj in (("departments", department), ("committees", committee)):
        url = reverse(f"{name}:delete", args=[obj.pk])
        assert admin_client.get(url).status_code == 302  # Wagtail's "permission denied"
        admin_client.post(url)
        listing = admin_client.get(reverse(f"{name}:index")).content.decode()
        assert url not in listing
    assert Department.objects.filter(pk=department.pk).exists()
    assert Committee.objects.filter(pk=committee.pk).exists()


@pytest.mark.django_db
def test_a_department_taken_out_of_use_disappears_from_the_assignment_form(admin_client):
    committee_user = make_user("xlgw-assign", roles.COMMITTEE)
    staff = make_user("station-assign", roles.STAFF)
    old_committee = CommitteeFactory(name="旧工委")
    old = DepartmentFactory(name="云溪县旧机构", committee=old_committee)
    current = DepartmentFactory(name="云溪县现机构")
    admin_client.post(
        reverse("departments:edit", args=[old.pk]),
        department_post(
            name="云溪县旧机构", short_name="旧局", committee=old_committee.pk, is_active=None
        ),
    )
    admin_client.post(
        reverse("committees:edit", args=[old_committee.pk]),
        committee_post(name="旧工委", short_name="", is_active=None),
    )
    old.refresh_from_db()
    old_committee.refresh_from_db()
    assert not old.is_active and not old_committee.is_active
    # a department out of use keeps its committee, which is out of use too
    assert old.committee == old_committee

    case = workflow.accept(make_case(station=StationFactory()), staff)
    form = AssignForm(case=case, user=committee_user)
    assert old not in form.fields["department"].queryset
    assert current in form.fields["department"].queryset
    assert old not in form.fields["assisting"].queryset
    assert old_committee not in form.fields["committee"].queryset

    page = admin_client.get(reverse("submissions_case", args=[case.pk])).content.decode()
    assert f'value="{current.pk}">{current}</option>' in page
    assert f'value="{old.pk}">{old}</option>' not in page


@pytest.mark.django_db
def test_the_listing_counts_rounds_and_handlers_without_a_query_per_row(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Group.objects.get(name=roles.HANDLER)
    for n in range(3):
        make_user(f"handler-{n}", roles.HANDLER, department=DepartmentFactory())
    admin_client.get(reverse("departments:index"))  # fills the caches (the station's)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("departments:index"))
    for n in range(3, 10):
        make_user(f"handler-{n}", roles.HANDLER, department=DepartmentFactory())
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("departments:index"))
    assert len(many) == len(few)

"""Issue 13: the station runs itself. Logins are made in Wagtail's Users screen, which also says
what each acts for (the station, the committee, one department or one deputy); a deputy's login
is opened from the deputy's record; accounts are deactivated, not deleted; every change is in
the audit log."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import ModelLogEntry

from submissions import roles, workflow
from submissions.models import Committee, Department, StaffProfile
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    make_case,
    make_user,
)

User = get_user_model()
PASSWORD = "Liaison-2026-pass"


def zh(message, **params):
    """The message as the admin shows it (Simplified Chinese once the catalogue has it)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
        return text % params if params else text


HANDLER_NEEDS_DEPARTMENT = (
    "A handler's login acts for one department: choose “A department (handler)” and the department."
)
DEPUTY_TAKEN = "This deputy already has a login."


class FormReader(HTMLParser):
    """What a browser would submit from the page's forms: every named input with its current
    value (checked boxes only, the selected option or the first), as a dict of lists."""

    def __init__(self):
        super().__init__()
        self.data, self.select, self.options, self.textarea = {}, None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio"):
                self.data.setdefault(name, [])
                if "checked" in attrs:
                    self.data[name].append(attrs.get("value", "on"))
            else:
                self.data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select:
            self.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, text):
        if self.textarea:
            self.data[self.textarea][-1] += text

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected]
            self.data[self.select] = chosen or [value for value, _ in self.options[:1]]
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def browser_data(html):
    reader = FormReader()
    reader.feed(html)
    reader.data.pop("csrfmiddlewaretoken", None)
    return reader.data


def field_names(html):
    return set(browser_data(html))


def user_post(client, url, **fields):
    """POST the Users screen's form as the browser would: what the page renders, with the
    given fields changed (None unticks or leaves out); a field the page lacks fails loudly."""
    data = browser_data(client.get(url).content.decode())
    changes = {"password1": PASSWORD, "password2": PASSWORD} if "password1" in data else {}
    changes.update(fields)
    for name, value in changes.items():
        assert name in data, f"the form has no field {name}"
        data[name] = [] if value is None else value
    return client.post(url, {name: value for name, value in data.items() if value != []})


def group(name):
    return Group.objects.get(name=name).pk


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def station(db):
    return StationFactory(name="云溪工业园区联络站")


@pytest.fixture
def admin(django_user_model, station):
    return django_user_model.objects.create_superuser("boss", password="pw")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def signed_in(username, password=PASSWORD):
    client = Client()
    assert client.login(request=HttpRequest(), username=username, password=password)
    return client


def assigned_case(station, department, title):
    staff = make_user(f"staff-for-{department.pk}", roles.STAFF)
    committee = make_user(f"committee-for-{department.pk}", roles.COMMITTEE)
    case = workflow.accept(make_case(station=station, title=title), staff)
    return workflow.assign(case, committee, department)


# --- the onboarding flow ------------------------------------------------------------------


@pytest.mark.django_db
def test_administrator_onboards_a_department_and_its_handler_sees_only_its_claims(
    admin_client, station
):
    admin_client.post(
        reverse("committees:add"),
        {
            "name": "城乡建设环境保护工委",
            "short_name": "",
            "contact_person": "",
            "contact_phone": "",
            "email": "",
            "is_active": "on",
        },
    )
    committee = Committee.objects.get(name="城乡建设环境保护工委")
    admin_client.post(
        reverse("departments:add"),
        {
            "name": "云溪县交通运输局",
            "short_name": "县交通局",
            "committee": committee.pk,
            "contact_person": "办公室",
            "contact_phone": "0796-5550300",
            "email": "",
            "is_active": "on",
        },
    )
    department = Department.objects.get(name="云溪县交通运输局")
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="jtj",
        acts_for="department",
        department=department.pk,
        groups=[group(roles.HANDLER)],
    )
    assert response.status_code == 302, response.context["form"].errors
    handler = User.objects.get(username="jtj")
    profile = handler.staff_profile
    assert (profile.acts_for, profile.department, profile.station) == (
        "department",
        department,
        station,
    )

    own = assigned_case(station, department, "园区到高速口货车限行")
    other = assigned_case(station, DepartmentFactory(), "公交班次太少")
    claims = signed_in("jtj").get("/admin/cases/claims/")
    assert claims.status_code == 200
    page = claims.content.decode()
    assert own.reference in page
    assert other.reference not in page


@pytest.mark.django_db
def test_a_new_login_with_no_role_group_ticked_joins_the_one_it_acts_for(admin_client):
    department = DepartmentFactory()
    user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="nogroup",
        acts_for="department",
        department=department.pk,
    )
    user = User.objects.get(username="nogroup")
    assert list(user.groups.values_list("name", flat=True)) == [roles.HANDLER]
    assert user.has_perm(roles.ACT_FOR_DEPARTMENT)


@pytest.mark.django_db
def test_the_station_chooser_is_hidden_while_there_is_one_station(admin_client, station):
    html = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    assert f'<input type="hidden" name="station" value="{station.pk}"' in html
    StationFactory(name="第二联络站")
    html = admin_client.get(reverse("wagtailusers_users:add")).content.decode()
    assert '<select name="station"' in html


@pytest.mark.django_db
def test_binding_changes_are_in_the_audit_log(admin_client, station):
    first, second = DepartmentFactory(name="云溪县甲局"), DepartmentFactory(name="云溪县乙局")
    user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="mover",
        acts_for="department",
        department=first.pk,
        groups=[group(roles.HANDLER)],
    )
    user = User.objects.get(username="mover")
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:edit", args=[user.pk]),
        username="mover",
        password1="",
        password2="",
        acts_for="department",
        department=second.pk,
        groups=[group(roles.HANDLER)],
    )
    assert response.status_code == 302
    entries = ModelLogEntry.objects.filter(
        content_type__model="user", object_id=str(user.pk)
    ).order_by("timestamp", "pk")
    actions = [entry.action for entry in entries]
    assert actions == ["wagtail.create", "accounts.binding", "wagtail.edit", "accounts.binding"]
    last = entries.last()
    assert last.data["before"]["department"] == "云溪县甲局"
    assert last.data["after"]["department"] == "云溪县乙局"
    history = admin_client.get(reverse("wagtailusers_users:history", args=[user.pk]))
    assert "云溪县乙局" in history.content.decode()


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "acts_for, groups",
    [("department", [roles.HANDLER]), ("station", [roles.HANDLER]), ("department", [])],
)
def test_a_handler_without_a_department_is_refused_next_to_the_field(
    admin_client, acts_for, groups
):
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="orphan",
        acts_for=acts_for,
        groups=[group(name) for name in groups],
    )
    assert response.status_code == 200
    assert response.context["form"].errors["department"] == [zh(HANDLER_NEEDS_DEPARTMENT)]
    assert not User.objects.filter(username="orphan").exists()


@pytest.mark.django_db
def test_an_existing_handler_cannot_lose_its_department(admin_client):
    handler = make_user("rsj", roles.HANDLER, department=DepartmentFactory())
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:edit", args=[handler.pk]),
        username="rsj",
        password1="",
        password2="",
        acts_for="station",
        groups=[group(roles.HANDLER)],
    )
    assert response.context["form"].errors["department"] == [zh(HANDLER_NEEDS_DEPARTMENT)]
    assert StaffProfile.objects.get(user=handler).acts_for == "department"


@pytest.mark.django_db
def test_a_second_login_for_a_deputy_is_refused_next_to_the_field(admin_client, station):
    deputy = DeputyFactory(station=station)
    make_user("deputy-first", roles.DEPUTY, deputy=deputy)
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="deputy-second",
        acts_for="deputy",
        deputy=deputy.pk,
        groups=[group(roles.DEPUTY)],
    )
    assert response.context["form"].errors["deputy"] == [zh(DEPUTY_TAKEN)]
    assert not User.objects.filter(username="deputy-second").exists()


@pytest.mark.django_db
def test_a_login_of_one_station_cannot_be_bound_to_another_stations_deputy(admin_client, station):
    elsewhere = DeputyFactory(station=StationFactory(name="城东镇联络站"), name="外站代表")
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="crossing",
        acts_for="deputy",
        station=station.pk,
        deputy=elsewhere.pk,
        groups=[group(roles.DEPUTY)],
    )
    assert response.context["form"].errors["deputy"] == [
        zh(
            "%(deputy)s is a deputy of %(station)s: a login of this station cannot be bound "
            "to them.",
            deputy="外站代表",
            station="城东镇联络站",
        )
    ]
    assert not User.objects.filter(username="crossing").exists()


@pytest.mark.django_db
def test_a_deputy_group_without_a_deputy_is_refused(admin_client):
    response = user_post(
        admin_client,
        reverse("wagtailusers_users:add"),
        username="nobody",
        acts_for="station",
        groups=[group(roles.DEPUTY)],
    )
    assert "deputy" in response.context["form"].errors
    assert not User.objects.filter(username="nobody").exists()


BINDINGS = st.fixed_dictionaries(
    {
        "acts_for": st.sampled_from(["station", "committee", "department", "deputy", "bogus"]),
        "department": st.sampled_from(["own", "inactive", "none", "junk"]),
        "deputy": st.sampled_from(["free", "taken", "elsewhere", "none"]),
        "groups": st.lists(
            st.sampled_from([roles.STAFF, roles.COMMITTEE, roles.HANDLER, roles.DEPUTY]),
            unique=True,
            max_size=2,
        ),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choice=BINDINGS)
def test_whatever_is_posted_a_saved_login_is_consistently_bound(admin_client, station, choice):
    with transaction.atomic():  # each example starts from the same database
        departments = {
            "own": DepartmentFactory().pk,
            "inactive": DepartmentFactory(is_active=False).pk,
            "none": "",
            "junk": "x1",
        }
        taken = DeputyFactory(station=station)
        make_user("holder", roles.DEPUTY, deputy=taken)
        deputies = {
            "free": DeputyFactory(station=station).pk,
            "taken": taken.pk,
            "elsewhere": DeputyFactory().pk,
            "none": "",
        }
        response = user_post(
            admin_client,
            reverse("wagtailusers_users:add"),
            username="probe",
            station=station.pk,
            acts_for=choice["acts_for"],
            department=departments[choice["department"]],
            deputy=deputies[choice["deputy"]],
            groups=[group(name) for name in choice["groups"]],
        )
        user = User.objects.filter(username="probe").first()
        if response.status_code == 302:
            profile = user.staff_profile
            assert profile.station == station
            assert (profile.department is not None) == (profile.acts_for == "department")
            assert (profile.deputy is not None) == (profile.acts_for == "deputy")
            if profile.department:
                assert profile.department.is_active
            if profile.deputy:
                assert profile.deputy.station == station
                assert StaffProfile.objects.filter(deputy=profile.deputy).count() == 1
            if user.has_perm(roles.ACT_FOR_DEPARTMENT):
                assert profile.department is not None
            if user.has_perm(roles.SEE_ADDRESSED):
                assert profile.deputy is not None
        else:
            assert response.status_code == 200
            assert response.context["form"].errors
            assert user is None
        transaction.set_rollback(True)


# --- deactivating, never deleting ---------------------------------------------------------


def deactivate(client, user, department):
    return user_post(
        client,
        reverse("wagtailusers_users:edit", args=[user.pk]),
        username=user.username,
        password1="",
        password2="",
        is_active=None,  # unticked
        acts_for="department",
        department=department.pk,
        groups=[group(roles.HANDLER)],
    )


def orphan_warning(department, count):
    return zh(
        "%(department)s now has no active handler, and %(count)d case(s) wait for its reply. "
        "Open a handler's login for it, or have the committee reassign them.",
        department=department.name,
        count=count,
    )


@pytest.mark.django_db
def test_deactivating_the_last_handler_of_a_department_with_open_cases_warns(admin_client, station):
    department = DepartmentFactory()
    handler = make_user("last-one", roles.HANDLER, department=department)
    assigned_case(station, department, "技改补贴迟迟未到账")
    response = deactivate(admin_client, handler, department)
    assert response.status_code == 302
    handler.refresh_from_db()
    assert not handler.is_active
    assert orphan_warning(department, 1) in messages_of(response)


@pytest.mark.django_db
def test_no_warning_while_another_handler_remains_or_nothing_is_open(admin_client, station):
    busy, idle = DepartmentFactory(), DepartmentFactory()
    first = make_user("first", roles.HANDLER, department=busy)
    make_user("second", roles.HANDLER, department=busy)
    assigned_case(station, busy, "普工招聘困难")
    lonely = make_user("lonely", roles.HANDLER, department=idle)
    for user, department in ((first, busy), (lonely, idle)):
        response = deactivate(admin_client, user, department)
        assert response.status_code == 302
        assert not any("handler" in m or "经办人" in m for m in messages_of(response))


@pytest.mark.django_db
def test_bulk_deactivation_warns_and_is_logged(admin_client, station):
    department = DepartmentFactory()
    handler = make_user("bulk-last", roles.HANDLER, department=department)
    assigned_case(station, department, "道路扬尘严重")
    url = (
        reverse("wagtail_bulk_action", args=["auth", "user", "set_active_state"])
        + f"?id={handler.pk}"
    )
    response = admin_client.post(url, {"mark_as_active": "False"})
    assert response.status_code == 302
    handler.refresh_from_db()
    assert not handler.is_active
    assert orphan_warning(department, 1) in messages_of(response)
    assert ModelLogEntry.objects.filter(
        object_id=str(handler.pk), action="accounts.deactivate"
    ).exists()


@pytest.mark.django_db
def test_a_login_that_worked_on_cases_is_not_deleted(admin_client, station):
    department = DepartmentFactory()
    handler = make_user("worker", roles.HANDLER, department=department)
    case = assigned_case(station, department, "厂区门口道路积水")
    workflow.sign(case, handler)
    url = reverse("wagtailusers_users:delete", args=[handler.pk])
    response = admin_client.post(url)
    assert User.objects.filter(pk=handler.pk).exists()
    assert response.status_code == 302
    assert zh(
        "%(user)s has worked on cases and cannot be deleted: the case timelines name them. "
        "Untick “Active” on their edit page instead.",
        user="worker",
    ) in messages_of(response)
    listing = admin_client.get(reverse("wagtailusers_users:index")).content.decode()
    assert url not in listing
    edit = admin_client.get(reverse("wagtailusers_users:edit", args=[handler.pk]))
    assert url not in edit.content.decode()

    bulk = reverse("wagtail_bulk_action", args=["auth", "user", "delete"]) + f"?id={handler.pk}"
    admin_client.post(bulk)
    assert User.objects.filter(pk=handler.pk).exists()


@pytest.mark.django_db
def test_a_login_made_by_mistake_can_be_deleted_with_a_warning(admin_client):
    mistake = make_user("typo")
    url = reverse("wagtailusers_users:delete", args=[mistake.pk])
    confirm = admin_client.get(url)
    assert (
        zh(
            "Deleting a login cannot be undone. If the person has only left their post, "
            "deactivate the login instead. Delete this user?"
        )
        in confirm.content.decode()
    )
    admin_client.post(url)
    assert not User.objects.filter(pk=mistake.pk).exists()


# --- a deputy's login from the deputy's record --------------------------------------------


@pytest.mark.django_db
def test_a_deputy_login_is_opened_from_the_deputys_record(admin_client, station):
    deputy = DeputyFactory(station=station, name="王代表")
    other = DeputyFactory(station=station, name="李代表")
    addressed = make_case(station=station, deputy=deputy, title="园区支路夜间无路灯")
    not_addressed = make_case(station=station, deputy=other, title="生活垃圾清运不及时")
    open_url = reverse("accounts_deputy_login", args=[deputy.pk])

    listing = admin_client.get("/admin/snippets/deputies/deputy/").content.decode()
    assert open_url in listing
    edit = admin_client.get(f"/admin/snippets/deputies/deputy/edit/{deputy.pk}/")
    assert open_url in edit.content.decode()

    form = admin_client.get(open_url).content.decode()
    assert {"username", "email", "password1", "password2"} <= field_names(form)
    response = admin_client.post(
        open_url,
        {"username": "wangdb", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(username="wangdb")
    assert user.staff_profile.deputy == deputy
    assert user.staff_profile.station == station
    assert list(user.groups.values_list("name", flat=True)) == [roles.DEPUTY]
    assert ModelLogEntry.objects.filter(object_id=str(user.pk), action="accounts.binding").exists()
    deputy_history = ModelLogEntry.objects.filter(
        content_type__model="deputy", object_id=str(deputy.pk), action="accounts.deputy_login"
    )
    assert deputy_history.get().data == {"username": "wangdb"}

    page = signed_in("wangdb").get("/admin/cases/all/").content.decode()
    assert addressed.reference in page
    assert not_addressed.reference not in page

    listing = admin_client.get("/admin/snippets/deputies/deputy/").content.decode()
    assert open_url not in listing
    again = admin_client.post(
        open_url,
        {"username": "wangdb2", "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert again.status_code == 302
    assert any(zh(DEPUTY_TAKEN) in m for m in messages_of(again))
    assert not User.objects.filter(username="wangdb2").exists()


@pytest.mark.django_db
def test_the_deputy_login_form_refuses_bad_input_and_changes_nothing(admin_client, station):
    deputy = DeputyFactory(station=station)
    make_user("taken-name")
    open_url = reverse("accounts_deputy_login", args=[deputy.pk])
    for data, field in (
        ({"username": "taken-name", "password1": PASSWORD, "password2": PASSWORD}, "username"),
        ({"username": "fresh", "password1": PASSWORD, "password2": "other"}, "password2"),
        ({"username": "fresh", "password1": "123", "password2": "123"}, "password2"),
        (
            {
                "username": "fresh",
                "email": "not-mail",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
            "email",
        ),
    ):
        response = admin_client.post(open_url, data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert not StaffProfile.objects.filter(deputy=deputy).exists()
    assert not User.objects.filter(username="fresh").exists()


@pytest.mark.django_db
def test_only_those_who_may_add_users_open_deputy_logins(client, station):
    deputy = DeputyFactory(station=station)
    client.force_login(make_user("station-staff", roles.STAFF))
    open_url = reverse("accounts_deputy_login", args=[deputy.pk])
    assert client.get(open_url).status_code == 302  # Wagtail's "no permission" redirect
    client.post(open_url, {"username": "x", "password1": PASSWORD, "password2": PASSWORD})
    assert not User.objects.filter(username="x").exists()
    listing = client.get("/admin/snippets/deputies/deputy/").content.decode()
    assert open_url not in listing


# --- one's own password -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_login_without_name_or_email_changes_its_own_password(station):
    make_user("nameless", roles.HANDLER, department=DepartmentFactory())
    client = signed_in("nameless", "pw")
    data = browser_data(client.get("/admin/account/").content.decode())
    assert data["name_email-first_name"] == [""] and data["name_email-email"] == [""]
    data.update(
        {
            "password-old_password": "pw",
            "password-new_password1": PASSWORD,
            "password-new_password2": PASSWORD,
        }
    )
    response = client.post("/admin/account/", data)
    assert response.status_code == 302
    assert signed_in("nameless", PASSWORD)
    assert client.get("/admin/").status_code == 200  # still signed in after the change


@pytest.mark.django_db
def test_a_wrong_old_password_still_refuses(station):
    make_user("careful", roles.STAFF)
    client = signed_in("careful", "pw")
    data = browser_data(client.get("/admin/account/").content.decode())
    data.update(
        {
            "password-old_password": "wrong",
            "password-new_password1": PASSWORD,
            "password-new_password2": PASSWORD,
        }
    )
    response = client.post("/admin/account/", data)
    assert response.status_code == 200
    assert zh(
        "Your old password was entered incorrectly. Please enter it again."
    ) in response.content.decode().replace("&#x27;", "'")
    assert signed_in("careful", "pw")


# --- the listing and the migration --------------------------------------------------------


@pytest.mark.django_db
def test_the_users_listing_says_what_each_login_acts_for_without_a_query_per_row(
    admin_client, station
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    department = DepartmentFactory(name="云溪县统计局", short_name="县统计局")
    make_user("tjj", roles.HANDLER, department=department)
    make_user("dbw", roles.DEPUTY, deputy=DeputyFactory(station=station, name="赵代表"))
    admin_client.get(reverse("wagtailusers_users:index"))  # fills the caches (the station's)
    with CaptureQueriesContext(connection) as few:
        page = admin_client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "县统计局" in page and "赵代表" in page
    for n in range(4):
        make_user(f"more-{n}", roles.HANDLER, department=DepartmentFactory())
        workflow.accept(make_case(station=station), make_user(f"staff-{n}", roles.STAFF))
    with CaptureQueriesContext(connection) as many:
        admin_client.get(reverse("wagtailusers_users:index"))
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_data_migration_binds_existing_profiles_to_the_station(station):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("submissions.migrations.0017_bindings_data")
    handler = make_user("old-handler", roles.HANDLER, department=DepartmentFactory())
    committee = make_user("old-committee", roles.COMMITTEE)
    StaffProfile.objects.create(user=committee)
    deputy = DeputyFactory()  # of another station
    make_user("old-deputy", roles.DEPUTY, deputy=deputy)
    StaffProfile.objects.update(acts_for="station", station=None)

    migration.fill_bindings(apps, None)

    profiles = {p.user.username: p for p in StaffProfile.objects.select_related("user")}
    assert (profiles["old-handler"].acts_for, profiles["old-handler"].station) == (
        "department",
        station,
    )
    assert profiles["old-committee"].acts_for == "committee"
    assert (profiles["old-deputy"].acts_for, profiles["old-deputy"].station) == (
        "deputy",
        deputy.station,
    )
    assert handler.staff_profile.department is not None

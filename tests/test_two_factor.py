"""Issue 17: two-step sign-in. Logins that can read contact details (station staff, the
committee, administrators) pass a code from their phone after the password before anything in
the admin answers; handlers and deputies may turn it on. Backup codes work once; wrong codes
are throttled; an administrator's reset of a lost phone is in the user's history."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry

from accounts import two_factor
from accounts.middleware import OPEN_BEFORE_SECOND_STEP
from submissions import roles
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_user
from tests.second_step import authenticator_for, current_code, password_only
from tests.test_access_matrix import admin_patterns

VERIFY = "/admin/two-factor/verify/"
ENROL = "/admin/two-factor/enrol/"


@pytest.fixture
def station(db):
    return StationFactory()


@pytest.fixture
def staff(station):
    return make_user("staff", roles.STAFF)


@pytest.fixture
def handler(station):
    return make_user("handler", roles.HANDLER, department=DepartmentFactory())


def signed_in_with_password(user):
    client = password_only()
    assert client.login(username=user.get_username(), password="pw")
    return client


def zh(message):
    with override("zh-hans"):
        from django.utils.translation import gettext

        return gettext(message)


def tamper_back(device, seconds):
    """Move the device's last failure into the past, as waiting would."""
    type(device).objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(seconds=seconds)
    )


# --- who must ---------------------------------------------------------------------------------


def test_the_rule_is_the_contact_details_right(station, staff, handler):
    committee = make_user("committee", roles.COMMITTEE)
    deputy = make_user("deputy", roles.DEPUTY, deputy=DeputyFactory(station=station))
    boss = get_user_model().objects.create_superuser("boss", password="pw")
    editor = make_user("editor", roles.EDITOR)
    for user in (staff, committee, boss):
        assert two_factor.required(user), user
    for user in (handler, deputy, editor):
        assert not two_factor.required(user), user
    assert {u.pk for u in (staff, committee, boss)} == {
        u.pk
        for u in get_user_model().objects.all()
        if roles.can_see_contact_details(u) and two_factor.required(u)
    }


def sample_url(route):
    """A concrete URL for a resolver route: every parameter gets a plain value."""
    url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", route)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", url)
    url = re.sub(r"\([^)]*\)", "1", url)
    url = url.replace("^", "").replace("$", "").replace(".*", "x").replace("\\", "")
    return "/" + url


def test_a_password_alone_opens_no_admin_url_of_a_station_login(staff):
    """Every admin URL the resolver knows (Wagtail's own and ours), and the public ones a
    signed-in login could use to read private data, send the session to the second step."""
    client = signed_in_with_password(staff)
    checked = 0
    for pattern in admin_patterns():
        if pattern.name and pattern.name.split(":")[-1] in OPEN_BEFORE_SECOND_STEP:
            continue
        url = sample_url(pattern.route)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY + "?next="), url
        checked += 1
    assert checked > 200
    for url in ("/documents/1/x/", "/", "/track/"):
        assert client.get(url)["Location"].startswith(VERIFY), url
    # A POST is stopped as well, before the view could act on it.
    response = client.post("/admin/cases/1/", {"title": "x"})
    assert response["Location"].startswith(VERIFY)


def test_without_a_phone_the_second_step_is_enrolment(staff):
    client = signed_in_with_password(staff)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == ENROL + "?next=%2Fadmin%2F"
    page = response.content.decode()
    assert "<svg" in page and zh("Turn on two-step sign-in") in page
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert two_factor.secret_text(device) in page
    # Reloading keeps the same secret: a code scanned a moment ago stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.get(user=staff).pk == device.pk


def test_enrolment_needs_the_right_code_then_shows_backup_codes_once(staff):
    client = signed_in_with_password(staff)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=staff)
    refused = client.post(ENROL, {"code": "000000" if current_code(device) != "000000" else "1"})
    assert refused.status_code == 200
    assert (
        zh("The code is wrong or has expired. Check it and try again.") in refused.content.decode()
    )
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    tamper_back(device, 60)

    done = client.post(ENROL, {"code": current_code(device), "next": "/admin/cases/"})
    page = done.content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(codes) == two_factor.BACKUP_CODE_COUNT
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert 'href="/admin/cases/"' in page
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200
    entry = ModelLogEntry.objects.get(action=two_factor.ENABLED_ACTION)
    assert entry.object_id == str(staff.pk) and entry.user_id == staff.pk


def test_with_a_phone_the_code_is_asked_and_then_everything_opens(staff):
    device = authenticator_for(staff)
    client = signed_in_with_password(staff)
    first = client.get("/admin/cases/all/")
    assert first["Location"] == VERIFY + "?next=/admin/cases/all/"
    assert client.get(ENROL)["Location"].startswith(VERIFY)  # no second phone on a password
    page = client.get(first["Location"]).content.decode()
    assert zh("Enter your verification code") in page
    response = client.post(VERIFY, {"code": current_code(device), "next": "/admin/cases/all/"})
    assert response["Location"] == "/admin/cases/all/"
    assert client.get("/admin/cases/all/").status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_the_next_address_must_be_this_site(staff):
    device = authenticator_for(staff)
    client = signed_in_with_password(staff)
    response = client.post(VERIFY, {"code": current_code(device), "next": "https://evil.test/"})
    assert response["Location"] == reverse("wagtailadmin_home")


def test_a_wrong_code_is_refused_and_wrong_codes_are_throttled(staff):
    device = authenticator_for(staff)
    client = signed_in_with_password(staff)
    wrong = "000000" if current_code(device) != "000000" else "111111"
    response = client.post(VERIFY, {"code": wrong})
    assert (
        zh("The code is wrong or has expired. Check it and try again.") in response.content.decode()
    )
    assert client.get("/admin/").status_code == 302
    # At once again: refused without even checking, however right the code.
    response = client.post(VERIFY, {"code": current_code(device)})
    page = response.content.decode()
    assert "Wait" in page or "等待" in page or "秒" in page
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Each failure doubles the wait: after 5 wrong codes the sixth needs 16 seconds.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=5)
    tamper_back(device, 10)
    assert "16" not in wrong
    response = client.post(VERIFY, {"code": current_code(device)})
    assert DEVICE_ID_SESSION_KEY not in client.session
    tamper_back(device, 17)
    response = client.post(VERIFY, {"code": current_code(device)})
    assert response.status_code == 302 and client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_backup_code_works_once(staff):
    authenticator_for(staff)
    codes = two_factor.new_backup_codes(staff)
    first = signed_in_with_password(staff)
    response = first.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert two_factor.backup_codes_left(staff) == two_factor.BACKUP_CODE_COUNT - 1
    second = signed_in_with_password(staff)
    response = second.post(VERIFY, {"code": codes[0]})
    assert response.status_code == 200
    assert second.get("/admin/").status_code == 302


def test_a_handler_is_not_forced_but_may_turn_it_on(handler):
    client = signed_in_with_password(handler)
    assert client.get("/admin/").status_code == 200
    overview = client.get("/admin/two-factor/").content.decode()
    assert zh("Turn on two-step sign-in") in overview
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=handler)
    client.post(ENROL, {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200
    # From now on the handler's sign-ins ask for the code too.
    later = signed_in_with_password(handler)
    assert later.get("/admin/")["Location"].startswith(VERIFY)
    # And they may turn it off again, after the code.
    tamper_back(device, 60)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    later.post(VERIFY, {"code": current_code(device)})
    later.post("/admin/two-factor/turn-off/")
    assert not two_factor.has_two_factor(handler)
    assert signed_in_with_password(handler).get("/admin/").status_code == 200
    assert ModelLogEntry.objects.filter(action=two_factor.DISABLED_ACTION).count() == 1


def test_a_station_login_cannot_turn_it_off(client, staff):
    client.force_login(staff)  # verified, as the test helpers log in
    response = client.post("/admin/two-factor/turn-off/")
    assert response["Location"] == "/admin/"  # Wagtail's answer to a refused admin view
    assert two_factor.has_two_factor(staff)


def test_wagtails_audit_log_still_finds_the_signed_in_user(client, staff):
    """django-otp's middleware wraps request.user again; ours hands on the user itself, or
    Wagtail's log() of request.user (the account page's, for one) would silently write nothing."""
    from django.contrib.auth.middleware import AuthenticationMiddleware
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory
    from wagtail.log_actions import log, registry

    from accounts.middleware import OTPMiddleware

    client.force_login(staff)
    request = RequestFactory().get("/admin/")
    request.COOKIES.update({k: v.value for k, v in client.cookies.items()})
    seen = {}

    def view(request):
        assert request.user.is_authenticated  # views read the user before logging it
        seen["model"] = registry.get_log_model_for_instance(request.user)
        log(instance=request.user, action="wagtail.edit")
        return HttpResponse()

    SessionMiddleware(AuthenticationMiddleware(OTPMiddleware(view)))(request)
    assert seen["model"] is ModelLogEntry
    assert request.user.is_verified()
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(staff.pk)).exists()


def test_regenerated_backup_codes_replace_the_old_ones(client, staff):
    old = two_factor.new_backup_codes(staff)
    client.force_login(staff)
    page = client.post("/admin/two-factor/backup-codes/").content.decode()
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new) == two_factor.BACKUP_CODE_COUNT and not set(new) & set(old)
    assert StaticDevice.objects.filter(user=staff).count() == 1
    assert ModelLogEntry.objects.filter(action=two_factor.BACKUP_CODES_ACTION).exists()


def test_an_administrator_resets_a_lost_phone_and_the_history_says_so(client, staff):
    boss = get_user_model().objects.create_superuser("boss", password="pw")
    device = authenticator_for(staff)
    two_factor.new_backup_codes(staff)
    phone_session = signed_in_with_password(staff)
    phone_session.post(VERIFY, {"code": current_code(device)})
    assert phone_session.get("/admin/").status_code == 200

    client.force_login(boss)
    url = f"/admin/two-factor/reset/{staff.pk}/"
    listing = client.get("/admin/users/").content.decode()
    assert url in listing
    assert zh("Reset two-step sign-in") in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == reverse("wagtailusers_users:edit", args=[staff.pk])
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert not StaticDevice.objects.filter(user=staff).exists()
    # The session the lost phone verified stops working; the next sign-in enrols anew.
    assert phone_session.get("/admin/")["Location"].startswith(VERIFY)
    assert phone_session.get(VERIFY)["Location"].startswith(ENROL)
    entry = ModelLogEntry.objects.get(action=two_factor.RESET_ACTION)
    assert entry.object_id == str(staff.pk) and entry.user_id == boss.pk
    history = client.get(reverse("wagtailusers_users:history", args=[staff.pk])).content.decode()
    assert zh("Reset two-step sign-in") in history


def test_only_those_who_may_change_logins_may_reset(client, staff, handler):
    authenticator_for(staff)
    client.force_login(handler)
    # Refused as Wagtail refuses a view: to the dashboard, with its message.
    refused = client.post(f"/admin/two-factor/reset/{staff.pk}/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert two_factor.has_two_factor(staff)
    boss = get_user_model().objects.create_superuser("boss", password="pw")
    authenticator_for(boss)
    client.force_login(staff)
    refused = client.post(f"/admin/two-factor/reset/{boss.pk}/")  # staff may not reset a superuser
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert two_factor.has_two_factor(boss)


def test_the_test_helpers_log_in_past_the_second_step(client, staff, handler):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    client.force_login(handler)  # no phone needed for a login that need not
    assert client.get("/admin/").status_code == 200
    assert not two_factor.has_two_factor(handler)

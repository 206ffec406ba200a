"""Issue 17, logins: failed sign-ins lock the account and the address they come from, on every
login form; administrators see and lift the locks in the admin, and the audit log keeps both;
sessions end when left idle and when the browser closes; passwords set through a form follow
rules (never the demo's); the reset form answers alike for known and unknown addresses, and the
task worker does the mailing."""

import datetime
import html
import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult
from wagtail.log_actions import registry as log_actions
from wagtail.models import ModelLogEntry

from accounts import lockouts, sessions
from accounts.validators import DEMO_PASSWORD
from portal import ratelimit
from submissions import roles
from tests.factories import StationFactory, make_user
from tests.second_step import pass_second_step
from tests.test_menus import menu_urls
from tests.test_processes import DATABASE_TASKS, run_worker
from tests.test_settings import GOOD_PRODUCTION_ENV, run_production

User = get_user_model()
PASSWORD = "Liaison-2026-pass"
LOGIN = "/admin/login/"
FRONT_LOGIN = "/_util/login/"


def zh(message, **params):
    """The message as the site shows it (Simplified Chinese once the catalogue has it)."""
    with translation.override("zh-hans"):
        text = translation.gettext(message)
        return text % params if params else text


def shown_lockout_message():
    with translation.override("zh-hans"):
        return lockouts.lockout_message()


def text_of(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def station(db):
    return StationFactory(name="云溪工业园区联络站")


@pytest.fixture
def alice(station):
    user = make_user("alice", roles.STAFF)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def bob(station):
    user = make_user("bob", roles.STAFF)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin(station):
    return User.objects.create_superuser("boss", password=PASSWORD)


def sign_in(client, username, password, address="192.0.2.1", path=LOGIN, **extra):
    return client.post(
        path, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client):
    return "_auth_user_id" in client.session


# --- locks ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_fifty_wrong_passwords_lock_the_account_from_every_address(alice, bob):
    """Each guess from a different address: the account locks after five, the right password
    is refused while it is locked, and the refusal says so in Chinese."""
    client = Client()
    statuses = []
    for n in range(50):
        response = sign_in(client, "alice", f"guess-{n}", address=f"10.0.{n // 200}.{n % 200}")
        statuses.append(response.status_code)
        if n < 4:
            assert zh(
                "Your %(username_field)s and password didn't match. Please try again.",
                username_field=zh("username"),
            ) in text_of(response)
    assert statuses == [200] * 4 + [429] * 46
    response = sign_in(client, "alice", PASSWORD, address="198.51.100.77")
    assert response.status_code == 429
    assert shown_lockout_message() in text_of(response)
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # to the sign-in page
    # The lock is alice's: bob signs in from the addresses the guesses came from.
    assert sign_in(Client(), "bob", PASSWORD, address="10.0.0.3").status_code == 302


@pytest.mark.django_db
def test_fifty_wrong_passwords_from_one_address_lock_the_address(alice, bob, settings):
    """Each guess at another username, so that no account reaches its limit: the address
    locks after LOGIN_FAILURES_PER_ADDRESS, for every account, and only that address."""
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    assert limit > settings.AXES_FAILURE_LIMIT
    client = Client()
    statuses = [
        sign_in(client, f"user-{n}", "guess", address="203.0.113.7").status_code for n in range(50)
    ]
    assert statuses == [200] * (limit - 1) + [429] * (50 - limit + 1)
    response = sign_in(client, "bob", PASSWORD, address="203.0.113.7")
    assert response.status_code == 429
    assert shown_lockout_message() in text_of(response)
    assert not signed_in(client)
    other = Client()
    assert sign_in(other, "bob", PASSWORD, address="203.0.113.8").status_code == 302
    assert signed_in(other)


@pytest.mark.django_db
def test_a_few_mistakes_do_not_lock(alice):
    client = Client()
    for n in range(4):
        assert sign_in(client, "alice", f"typo-{n}").status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_the_lock_is_shown_in_the_sign_in_form_with_how_long_and_whom_to_ask(alice):
    client = Client()
    for n in range(5):
        response = sign_in(client, "alice", f"guess-{n}")
    assert response.status_code == 429
    text = text_of(response)
    assert shown_lockout_message() in text
    assert 'name="username"' in text and 'name="password"' in text  # the form, again
    assert "30" in shown_lockout_message()  # minutes, by default
    # Only the lock is said: not also "wrong password".
    assert (
        zh(
            "Your %(username_field)s and password didn't match. Please try again.",
            username_field=zh("username"),
        )
        not in text
    )


@pytest.mark.django_db
def test_the_front_end_login_form_counts_and_is_locked_too(alice):
    """Wagtail's login for private pages (/_util/login/) is another door to the same
    accounts: its failures count, and it refuses in words too."""
    client = Client()
    for n in range(4):
        assert sign_in(client, "alice", f"guess-{n}", path=FRONT_LOGIN).status_code == 200
    response = sign_in(client, "alice", "guess-5", path=FRONT_LOGIN)
    assert response.status_code == 429
    assert shown_lockout_message() in text_of(response)
    assert sign_in(client, "alice", PASSWORD, path=FRONT_LOGIN).status_code == 429
    assert sign_in(client, "alice", PASSWORD).status_code == 429  # the admin's door too
    assert not signed_in(client)


@pytest.mark.django_db
def test_the_lock_lifts_after_the_lockout_time(alice):
    client = Client()
    for n in range(5):
        sign_in(client, "alice", f"guess-{n}")
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    long_ago = timezone.now() - datetime.timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=long_ago)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
@override_settings(TRUSTED_PROXIES=1)
def test_behind_the_proxy_the_forwarded_address_is_the_one_locked(alice, bob, settings):
    """Axes decides the client address by the rate limits' rule (portal.ratelimit)."""
    proxy = "10.9.9.9"
    client = Client()
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        sign_in(client, f"user-{n}", "guess", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.9"}
    locked = sign_in(client, "bob", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert locked.status_code == 429
    other = sign_in(Client(), "bob", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert other.status_code == 302


@override_settings(TRUSTED_PROXIES=1)
def test_a_forwarded_value_that_is_no_address_counts_as_the_proxys():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, <script>")
    assert ratelimit.client_ip(request) == "10.9.9.9"
    request = factory.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=" x , 2001:db8::1 ")
    assert ratelimit.client_ip(request) == "2001:db8::1"


# --- the admin screen, and the audit log ------------------------------------------------------


def lock_alice():
    client = Client()
    for n in range(7):
        sign_in(client, "alice", f"guess-{n}", address="192.0.2.50")


@pytest.mark.django_db
def test_an_administrator_sees_the_lock_and_lifts_it(alice, admin):
    lock_alice()
    client = Client()
    client.force_login(admin)
    listing = client.get(reverse("accounts_lockouts"))
    assert listing.status_code == 200
    text = text_of(listing)
    assert "alice" in text and "192.0.2.50" in text
    assert zh("Locked") in text and zh("Account") in text
    response = client.post(reverse("accounts_unlock"), {"kind": "account", "value": "alice"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()
    assert 'value="alice"' not in client.get(reverse("accounts_lockouts")).content.decode()
    other = Client()
    assert sign_in(other, "alice", PASSWORD, address="192.0.2.50").status_code == 302
    assert signed_in(other)


@pytest.mark.django_db
def test_a_lock_and_its_unlocking_are_in_the_audit_log_once_each(alice, admin):
    lock_alice()  # seven failures: locked at the fifth, logged once
    entries = ModelLogEntry.objects.for_instance(alice)
    locked = entries.filter(action=lockouts.LOCKED_ACTION)
    assert locked.count() == 1
    assert locked.get().data["value"] == "alice"
    client = Client()
    client.force_login(admin)
    client.post(reverse("accounts_unlock"), {"kind": "account", "value": "alice"})
    unlocked = entries.filter(action=lockouts.UNLOCKED_ACTION).get()
    assert unlocked.user == admin
    with translation.override("zh-hans"):
        assert log_actions.get_action_label(lockouts.LOCKED_ACTION) == zh(
            "Lock after failed sign-ins"
        )
        assert log_actions.get_action_label(lockouts.UNLOCKED_ACTION) == zh("Unlock sign-in")
    history = text_of(client.get(reverse("wagtailadmin_reports:site_history")))
    assert zh("Lock after failed sign-ins") in history
    assert zh("Unlock sign-in") in history


@pytest.mark.django_db
def test_an_address_lock_is_listed_logged_and_lifted(bob, admin, settings):
    client = Client()
    for n in range(settings.LOGIN_FAILURES_PER_ADDRESS):
        sign_in(client, f"user-{n}", "guess", address="203.0.113.7")
    locked = ModelLogEntry.objects.filter(action=lockouts.LOCKED_ACTION)
    assert [(e.label, e.data["kind"]) for e in locked] == [("203.0.113.7", "address")]
    # The usernames tried are no logins: nothing about them is kept in the audit log.
    assert not ModelLogEntry.objects.filter(label__startswith="user-").exists()
    staff = Client()
    staff.force_login(admin)
    assert "203.0.113.7" in text_of(staff.get(reverse("accounts_lockouts")))
    staff.post(reverse("accounts_unlock"), {"kind": "address", "value": "203.0.113.7"})
    assert ModelLogEntry.objects.filter(
        action=lockouts.UNLOCKED_ACTION, label="203.0.113.7", user=admin
    ).exists()
    # The failures are gone; the history still reads, naming the address.
    history = staff.get(reverse("wagtailadmin_reports:site_history"))
    assert history.status_code == 200 and "203.0.113.7" in text_of(history)
    assert sign_in(client, "bob", PASSWORD, address="203.0.113.7").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [roles.STAFF, roles.COMMITTEE, roles.HANDLER, roles.DEPUTY, roles.EDITOR]
)
def test_roles_without_the_right_neither_see_nor_lift_locks(alice, role):
    lock_alice()
    client = Client()
    user = make_user(f"someone-{role}", role)
    client.force_login(user)
    # Both refused as Wagtail refuses a view: to the dashboard, with its message.
    listing = client.get(reverse("accounts_lockouts"))
    assert (listing.status_code, listing["Location"]) == (302, "/admin/")
    assert "alice" not in text_of(listing)
    response = client.post(reverse("accounts_unlock"), {"kind": "account", "value": "alice"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert AccessAttempt.objects.filter(username="alice").exists()
    assert reverse("accounts_lockouts") not in menu_urls(User.objects.get(pk=user.pk))


@pytest.mark.django_db
def test_a_group_given_the_rights_sees_and_lifts_locks(alice):
    """The rights are Axes' view and delete permissions on failed attempts, which the Groups
    screen offers: view lists the locks, delete lifts them."""
    lock_alice()
    group = Group.objects.create(name="账号管理员")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    group.permissions.add(Permission.objects.get(codename="view_accessattempt"))
    viewer = make_user("viewer")
    viewer.groups.add(group)
    client = Client()
    client.force_login(viewer)
    assert reverse("accounts_lockouts") in menu_urls(User.objects.get(pk=viewer.pk))
    listing = client.get(reverse("accounts_lockouts"))
    assert listing.status_code == 200 and "alice" in text_of(listing)
    assert reverse("accounts_unlock") not in listing.content.decode()  # no button
    client.post(reverse("accounts_unlock"), {"kind": "account", "value": "alice"})
    assert AccessAttempt.objects.filter(username="alice").exists()
    group.permissions.add(Permission.objects.get(codename="delete_accessattempt"))
    unlocker = User.objects.get(pk=viewer.pk)
    client.force_login(unlocker)
    assert reverse("accounts_unlock") in client.get(reverse("accounts_lockouts")).content.decode()
    client.post(reverse("accounts_unlock"), {"kind": "account", "value": "alice"})
    assert not AccessAttempt.objects.filter(username="alice").exists()
    # The lock rights open nothing else: not even the Groups screen that gave them.
    group_page = client.get(reverse("wagtailusers_groups:edit", args=[group.pk]))
    assert (group_page.status_code, group_page["Location"]) == (302, "/admin/")


@pytest.mark.django_db
def test_the_groups_screen_offers_the_lockout_rights(admin):
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("wagtailusers_groups:add")).content.decode()
    for codename in ("view_accessattempt", "delete_accessattempt"):
        permission = Permission.objects.get(codename=codename)
        assert f'value="{permission.pk}"' in page


@pytest.mark.django_db
def test_unlocking_nothing_is_refused_in_words(admin):
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("accounts_unlock"), {"kind": "everyone", "value": ""}, follow=True
    )
    assert zh("Choose an account or an address to unlock.") in text_of(response)
    assert client.get(reverse("accounts_unlock")).status_code == 405


# --- sessions ---------------------------------------------------------------------------------


def session_of(client):
    return Session.objects.get(session_key=client.session.session_key)


@pytest.mark.django_db
def test_a_session_ends_with_the_browser_and_after_eight_idle_hours(alice, settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    client = Client()
    response = sign_in(client, "alice", PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    left = session_of(client).expire_date - timezone.now()
    assert datetime.timedelta(hours=7, minutes=59) < left <= datetime.timedelta(hours=8)
    assert "remember" not in client.get(LOGIN).content.decode()  # no "Remember me" to tick


@pytest.mark.django_db
def test_an_idle_session_is_signed_out(alice):
    client = Client()
    sign_in(client, "alice", PASSWORD)
    pass_second_step(client)  # station staff type a code after the password
    assert client.get("/admin/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and LOGIN in response["Location"]


@pytest.mark.django_db
def test_an_active_session_is_renewed_now_and_then_without_a_write_on_every_request(alice):
    client = Client()
    sign_in(client, "alice", PASSWORD)
    pass_second_step(client)  # station staff type a code after the password
    # Just signed in: requests write nothing to the session table.
    before = session_of(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert session_of(client).expire_date == before
    # Seven hours and fifty-nine minutes later, still at work: the request renews the session.
    session = client.session
    session[sessions.RENEWED] = int(time.time()) - sessions.renew_after() - 1
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get("/admin/").status_code == 200
    left = session_of(client).expire_date - timezone.now()
    assert left > datetime.timedelta(hours=7, minutes=59)
    assert client.get("/admin/").status_code == 200


def test_the_idle_time_and_the_limits_come_from_the_environment():
    code = (
        "from django.conf import settings as s\n"
        "print(s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.LOGIN_FAILURES_PER_ADDRESS,"
        " int(s.AXES_COOLOFF_TIME.total_seconds()), s.SESSION_EXPIRE_AT_BROWSER_CLOSE)\n"
    )
    env = dict(
        GOOD_PRODUCTION_ENV,
        SESSION_IDLE_MINUTES="30",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_FAILURES_PER_ADDRESS="12",
        LOGIN_LOCKOUT_MINUTES="45",
    )
    result = run_production("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["1800", "3", "12", "2700", "True"]


# --- password rules ---------------------------------------------------------------------------


def refusals(password, user=None):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.django_db
def test_password_rules(alice):
    assert refusals("Short-1") == {"password_too_short"}
    assert refusals("password12") == {"password_too_common"}
    assert refusals("8264019375") == {"password_entirely_numeric"}
    alice.last_name = "Wangxiaoming"
    assert refusals("wangxiaoming1", alice) == {"password_too_similar"}
    assert refusals(DEMO_PASSWORD) >= {"password_is_demo", "password_too_short"}
    assert refusals(" Demo-2026 ") >= {"password_is_demo"}
    assert refusals(PASSWORD, alice) == set()


@pytest.mark.django_db
def test_a_password_named_by_demo_password_is_refused_too(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "Station-Demo-Pass-2026")
    assert refusals("Station-Demo-Pass-2026") == {"password_is_demo"}


@pytest.mark.django_db
def test_the_users_screen_refuses_the_demo_password_in_chinese(admin):
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "first_name": "新",
            "last_name": "人",
            "password1": DEMO_PASSWORD,
            "password2": DEMO_PASSWORD,
            "acts_for": "station",
        },
    )
    assert response.status_code == 200
    text = text_of(response)
    assert (
        zh(
            "This is the demo site's published password; anyone could sign in with it. "
            "Choose another."
        )
        in text
    )
    with translation.override("zh-hans"):
        too_short = translation.ngettext(
            "This password is too short. It must contain at least %d character.",
            "This password is too short. It must contain at least %d characters.",
            10,
        )
    assert too_short % 10 in text
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_production_refuses_the_demo_password():
    code = (
        "from django.contrib.auth.password_validation import validate_password\n"
        "from django.core.exceptions import ValidationError\n"
        "for pw in ('demo-2026', 'Demo-2026-long-enough'):\n"
        "    try:\n"
        "        validate_password(pw)\n"
        "    except ValidationError as e:\n"
        "        print(pw, sorted(x.code for x in e.error_list))\n"
        "    else:\n"
        "        print(pw, 'accepted')\n"
    )
    result = run_production("shell", "-c", code, **GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "demo-2026 ['password_is_demo', 'password_too_short']" in lines
    assert "Demo-2026-long-enough accepted" in lines


# --- password reset ---------------------------------------------------------------------------

RESET = "/admin/password_reset/"


class SlowEmailBackend(EmailBackend):
    """A mail server that takes its time, as a real one may."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.fixture
def known(alice):
    alice.email = "alice@example.com"
    alice.save()
    return alice


@pytest.fixture
def queued(settings):
    """The worker's queue (django-tasks' database backend) instead of running tasks at once.
    Through the settings fixture only: an override_settings decorator undone before it would
    leave this backend in place for every later test of the process."""
    settings.TASKS = DATABASE_TASKS


def queued_resets():
    return DBTaskResult.objects.ready().filter(task_path="accounts.tasks.send_password_reset")


def follow_reset_link(message):
    """The link in a reset mail, opened in a fresh browser: it must lead to the form that sets
    a new password."""
    link = re.search(r"http://testserver(/admin/password_reset/confirm/\S+/)", message.body)
    browser = Client()
    response = browser.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert b'name="new_password1"' in response.content
    return browser, response


@pytest.mark.django_db
def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_mail(
    known, django_capture_on_commit_callbacks
):
    answers = []
    for address in ("alice@example.com", "nobody@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = Client().post(RESET, {"email": address})
        answers.append((response.status_code, response["Location"], response.content))
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    browser, response = follow_reset_link(mail.outbox[0])
    new_password = "Another-2026-pass"
    done = browser.post(
        response.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    known.refresh_from_db()
    assert known.check_password(new_password)


@pytest.mark.django_db
def test_the_request_only_queues_the_reset_and_the_worker_mails_it(
    known, queued, settings, django_capture_on_commit_callbacks
):
    """The request neither looks the address up nor waits for the mail server: a known and an
    unknown address cost it the same queries and the same queued task."""
    settings.EMAIL_BACKEND = "tests.test_logins.SlowEmailBackend"
    queries, timings = {}, {}
    for address in ("alice@example.com", "nobody@example.com"):
        started = time.monotonic()
        with CaptureQueriesContext(connection) as captured:
            with django_capture_on_commit_callbacks(execute=True):
                assert Client().post(RESET, {"email": address}).status_code == 302
        timings[address] = time.monotonic() - started
        # The statements, without their values (the queued task's id and time differ).
        queries[address] = [
            re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured.captured_queries
        ]
    assert queries["alice@example.com"] == queries["nobody@example.com"]
    assert not any('"auth_user"' in sql for sql in queries["alice@example.com"])
    assert timings["alice@example.com"] < 0.4, timings  # the mail server's half second is not in it
    assert mail.outbox == []
    assert sorted(task.args_kwargs["kwargs"]["email"] for task in queued_resets()) == [
        "alice@example.com",
        "nobody@example.com",
    ]

    run_worker()
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert queued_resets().count() == 0
    follow_reset_link(mail.outbox[0])


@pytest.mark.django_db
def test_a_failing_mail_server_does_not_break_the_answer_and_the_failure_is_kept(
    known, queued, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_email.FailingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(raise_request_exception=True).post(RESET, {"email": "alice@example.com"})
    assert response.status_code == 302
    run_worker()
    failed = DBTaskResult.objects.get(task_path="accounts.tasks.send_password_reset")
    assert failed.status == "FAILED"  # shown to administrators under 设置 → 后台任务
    assert "SMTP server unreachable" in failed.traceback
    assert mail.outbox == []


@pytest.mark.django_db
def test_one_backend_so_that_logins_can_be_found_by_their_rights(alice):
    """The notifications find the committee with User.objects.with_perm(), which refuses to
    guess among several backends: Axes' check and Django's are one backend here."""
    assert alice in User.objects.with_perm("submissions.see_all_cases")

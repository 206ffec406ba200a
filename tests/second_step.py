"""Two-step sign-in in tests. Enforcement is on everywhere, tests included; the test client's
login() and force_login() pass the second step as well (tests/conftest.py), the way a person
would by typing a code: the login gets a confirmed authenticator device, and the session names
it under django-otp's DEVICE_ID_SESSION_KEY. A client made with password_only() does not, for
the tests that prove the enforcement."""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor


def password_only():
    """A test client whose logins stop at the password, as a person's do before the code."""
    client = Client()
    client.second_step = False
    return client


def authenticator_for(user):
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)


def current_code(device):
    """The code the phone shows now (the test plays the authenticator app)."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def pass_second_step(client):
    """Mark the client's signed-in session as verified, if its login must use two-step
    sign-in (logins that need not keep working on their password, as in production)."""
    session = client.session
    user_id = session.get(SESSION_KEY)
    if user_id is None:
        return
    user = get_user_model().objects.get(pk=user_id)
    if not two_factor.required(user):
        return
    session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
    session.save()


def install(monkeypatch):
    """Make Client.login and Client.force_login pass the second step too."""
    original_login, original_force_login = Client.login, Client.force_login

    def login(self, **credentials):
        # The lockouts' backend (django-axes) needs the request that signs in; the test
        # client's login() has none to give.
        credentials.setdefault("request", HttpRequest())
        logged_in = original_login(self, **credentials)
        if logged_in and getattr(self, "second_step", True):
            pass_second_step(self)
        return logged_in

    def force_login(self, user, backend=None):
        original_force_login(self, user, backend)
        if getattr(self, "second_step", True):
            pass_second_step(self)

    monkeypatch.setattr(Client, "login", login)
    monkeypatch.setattr(Client, "force_login", force_login)

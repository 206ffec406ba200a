"""Two-step sign-in (两步验证): a code from an authenticator app (TOTP) after the password, with
one-use backup codes for a lost phone. Built on django-otp's devices; the rules live here so the
middleware, the views, the Users screen and tests all call the same code.

Who must: every login that can read submitters' contact details (roles.can_see_contact_details:
station staff, the liaison committee, administrators). Others (handlers, deputies) may turn it
on; once on, their sign-ins ask for a code too.
"""

import re

import django_otp
import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from submissions import roles

ENABLED_ACTION = "accounts.two_factor_enabled"
DISABLED_ACTION = "accounts.two_factor_disabled"
RESET_ACTION = "accounts.two_factor_reset"
BACKUP_CODES_ACTION = "accounts.backup_codes"

BACKUP_CODE_COUNT = 10
# Set at sign-in for a login that has turned two-step sign-in on without having to: its
# sessions then ask for a code as well (a session flag, so no query on every request).
ENROLLED_SESSION_KEY = "two_factor_enrolled"


def required(user):
    """Whether this login may not work without a second factor: those who read contact data."""
    return user.is_authenticated and roles.can_see_contact_details(user)


def is_verified(request):
    """Whether this session has passed the second step (django-otp's middleware loads the
    device named in the session, once per request, only for sessions that have one)."""
    return request.user.is_verified()


def must_verify(request):
    """Whether this signed-in session must pass the second step before it may do anything."""
    user = request.user
    if not user.is_authenticated or is_verified(request):
        return False
    return bool(request.session.get(ENROLLED_SESSION_KEY)) or required(user)


def authenticator(user):
    """The login's confirmed authenticator-app device, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def has_two_factor(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_authenticator(user):
    """The device being enrolled: the same one on every reload, so a scanned code stays valid."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret_text(device):
    """The secret as the apps take it when typed: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The enrolment QR code as inline SVG, made here and never cached (it holds the secret):
    no outside service and no shared cache sees it."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r'width="[^"]*" height="[^"]*"', 'width="200" height="200"', svg, count=1)
    return mark_safe(svg)  # noqa: S308 - qrcode's own markup, no user text


def normalise(code):
    return "".join((code or "").split()).replace("-", "").lower()


WRONG_CODE = gettext_lazy("The code is wrong or has expired. Check it and try again.")


class CodeRefused(Exception):
    """A code was not accepted; ``message`` says why, in words for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _check(device, code):
    """Verify ``code`` on ``device`` inside a transaction that locks its row, so throttling
    holds when two attempts arrive at once. Raises CodeRefused."""
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, data = locked.verify_is_allowed()
        # A wrong code's failure count is saved by verify_token: refuse after the commit.
        accepted = allowed and locked.verify_token(code)
    if not allowed:
        wait = (data or {}).get("locked_until")
        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
        raise CodeRefused(
            _("Too many wrong codes. Wait %(seconds)d seconds, then try again.")
            % {"seconds": seconds}
        )
    if not accepted:
        raise CodeRefused(WRONG_CODE)
    return locked


def verify(request, code):
    """The second step: a 6-digit code from the app, or a backup code (used up here). Marks the
    session verified and returns the device; raises CodeRefused."""
    user = request.user
    code = normalise(code)
    if code.isdigit() and len(code) == 6:  # backup codes are 8 letters and digits
        device = authenticator(user)
    else:
        device = StaticDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None or not code:
        raise CodeRefused(WRONG_CODE)
    device = _check(device, code)
    request.session.cycle_key()
    django_otp.login(request, device)
    return device


def confirm_enrolment(request, device, code):
    """Activate the pending ``device`` once it has shown the right code: it replaces any
    earlier phone, comes with fresh backup codes, and verifies this session. Returns the codes."""
    user = request.user
    device = _check(device, normalise(code))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_backup_codes(user, logged=False)
        log(instance=user, action=ENABLED_ACTION, user=user)
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True
    return codes


def new_backup_codes(user, logged=True):
    """Replace the login's backup codes with BACKUP_CODE_COUNT new ones, returned to be shown
    once (only their use is stored afterwards: each works one time)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
        codes = [StaticToken.random_token() for i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        if logged:
            log(instance=user, action=BACKUP_CODES_ACTION, user=user)
    return codes


def remove(user, by):
    """Delete every device of ``user``: the sessions it verified stop working at their next
    request. ``by`` another login is an administrator's reset (a lost phone); logged either way."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        action = DISABLED_ACTION if by.pk == user.pk else RESET_ACTION
        log(instance=user, action=action, user=by)


def may_reset(admin, user):
    """Who may reset another login's two-step sign-in: those who may change logins; only a
    superuser may reset a superuser's."""
    from accounts.views import users_policy

    if user.is_superuser and not admin.is_superuser:
        return False
    return users_policy.user_has_permission(admin, "change")


def note_sign_in(sender, request, user, **kwargs):
    """At sign-in, remember in the session whether the login has turned two-step sign-in on
    (user_logged_in receiver, connected in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session") and has_two_factor(user):
        request.session[ENROLLED_SESSION_KEY] = True

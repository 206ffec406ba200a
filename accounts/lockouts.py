"""Failed sign-ins lock an account, and the address they come from (issue 17).

django-axes records each failure (an AccessAttempt row per username, address and browser) on
every login form, since it listens to Django's authenticate(). This module decides what is
locked: an account after settings.AXES_FAILURE_LIMIT failures, a client address after
settings.LOGIN_FAILURES_PER_ADDRESS (more, since a whole office may share one address), both
counted over AXES_COOLOFF_TIME back from the latest failure. It also words the refusal, lists
the locks for the Settings screen, unlocks, and writes locks and unlocks to the audit log.
"""

from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Max, Q, Sum
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from wagtail.log_actions import log

ACCOUNT, ADDRESS = "account", "address"
KIND_LABELS = {ACCOUNT: _("Account"), ADDRESS: _("Address")}
# Axes names its model in English only; the Groups screen shows the name beside the rights to
# see and lift locks, so the project's catalogue translates it (listed here for makemessages).
AXES_NAMES = [gettext_noop("access attempt"), gettext_noop("access attempts")]
LOCKED_ACTION = "accounts.login_locked"
UNLOCKED_ACTION = "accounts.login_unlocked"


def limits():
    return {ACCOUNT: settings.AXES_FAILURE_LIMIT, ADDRESS: settings.LOGIN_FAILURES_PER_ADDRESS}


def lockout_minutes():
    return int(get_cool_off().total_seconds() // 60)


def lockout_message():
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed sign-ins: this account, or the address you are signing in from, is "
        "locked for %(minutes)d minute after the last attempt. Try again then, or ask the "
        "station's system administrator to unlock it.",
        "Too many failed sign-ins: this account, or the address you are signing in from, is "
        "locked for %(minutes)d minutes after the last attempt. Try again then, or ask the "
        "station's system administrator to unlock it.",
        minutes,
    ) % {"minutes": minutes}


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per account and another, higher, per address.

    Axes compares get_failures() with AXES_FAILURE_LIMIT, the account's limit; once the address
    has reached its own limit, get_failures() answers at least that, so either lock holds."""

    def failure_counts(self, request, credentials=None):
        """{ACCOUNT: n, ADDRESS: m}: the failures still counted of the username tried and of
        the client address (one query)."""
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        counted = recent.aggregate(
            account=Sum("failures_since_start", filter=Q(username=username)),
            address=Sum("failures_since_start", filter=Q(ip_address=request.axes_ip_address)),
        )
        return {kind: counted[kind] or 0 for kind in (ACCOUNT, ADDRESS)}

    def locks(self, request, credentials=None):
        counts = self.failure_counts(request, credentials)
        return {kind for kind, limit in limits().items() if counts[kind] >= limit}

    def get_failures(self, request, credentials=None):
        counts = self.failure_counts(request, credentials)
        if counts[ADDRESS] >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(counts[ACCOUNT], get_failure_limit(request, credentials))
        return counts[ACCOUNT]

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is None:
            return super().user_login_failed(sender, credentials, request, **kwargs)
        before = self.locks(request, credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        for kind in sorted(self.locks(request, credentials) - before):
            value = (
                request.axes_ip_address
                if kind == ADDRESS
                else get_client_username(request, credentials)
            )
            record_lock(kind, value)


class LockoutBackend(AxesStandaloneBackend, ModelBackend):
    """Django's ModelBackend behind Axes' check, which refuses a locked-out client before any
    password is compared. One backend rather than Axes' beside Django's: with two,
    User.objects.with_perm() (the notifications' recipients) must be told which to ask."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        return ModelBackend.authenticate(
            self, request, username=username, password=password, **kwargs
        )


def audit_subject(kind, value):
    """What a lock or unlock is logged on: the login, for an account that exists; else the
    latest failure recorded (an address, or a username no login has), or None."""
    if kind == ACCOUNT:
        user = get_user_model().objects.filter(username=value).first()
        if user is not None:
            return user
    return attempts_of(kind, value).order_by("-attempt_time", "-pk").first()


def attempts_of(kind, value):
    if kind == ACCOUNT:
        return AccessAttempt.objects.filter(username=value)
    return AccessAttempt.objects.filter(ip_address=value)


def record_lock(kind, value):
    """Log a new lock; a username no login has is logged only through its address, so that
    what people mistype as their username (their password, now and then) is not kept."""
    subject = audit_subject(kind, value)
    if subject is None or (kind == ACCOUNT and isinstance(subject, AccessAttempt)):
        return
    data = {"kind": kind, "value": value, "limit": limits()[kind], "minutes": lockout_minutes()}
    log(instance=subject, action=LOCKED_ACTION, title=value, data=data)


def unlock(kind, value, by):
    """Forget the failures of an account or an address, logging it. Returns how many rows of
    failures were removed."""
    subject = audit_subject(kind, value)
    removed = reset(username=value) if kind == ACCOUNT else reset(ip=value)
    if subject is not None:
        data = {"kind": kind, "value": value}
        log(instance=subject, action=UNLOCKED_ACTION, user=by, title=value, data=data)
    return removed


def expired_failures():
    """Failed sign-ins older than the cool-off: they lock nothing any more, yet name a login or
    an address. Axes forgets them only at the next attempt of the same login or address."""
    return AccessAttempt.objects.filter(attempt_time__lt=timezone.now() - get_cool_off())


def describe(data):
    """One line for the history views: 账号 wang 连续登录失败 5 次，锁定 30 分钟."""
    kind = data.get("kind")
    params = {
        "kind": KIND_LABELS.get(kind, kind),
        "value": data.get("value", ""),
        "limit": data.get("limit", 0),
        "minutes": data.get("minutes", 0),
    }
    if "limit" in data:
        return (
            _("%(kind)s %(value)s locked for %(minutes)d minutes after %(limit)d failed sign-ins")
            % params
        )
    return _("%(kind)s %(value)s unlocked") % params


@dataclass
class Lockout:
    """A row of the Settings screen: an account or an address with failures still counted."""

    kind: str
    value: str
    failures: int
    last_failure: object  # datetime
    limit: int

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def locked(self):
        return self.failures >= self.limit

    @property
    def locked_until(self):
        return self.last_failure + get_cool_off() if self.locked else None

    @property
    def status(self):
        if self.locked:
            return _("Locked")
        return _("%(failures)d of %(limit)d failures") % {
            "failures": self.failures,
            "limit": self.limit,
        }


def current_lockouts():
    """Every account and address with failures still counted, the locked ones first, then
    the latest failure first (two queries)."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())
    rows = []
    for kind, field in ((ACCOUNT, "username"), (ADDRESS, "ip_address")):
        grouped = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        )
        rows += [
            Lockout(kind, row[field], row["failures"], row["last"], limits()[kind])
            for row in grouped
            if row[field]
        ]
    rows.sort(key=lambda row: (not row.locked, -row.last_failure.timestamp(), row.kind))
    return rows


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the admin's sign-in page again, with the lock in words above the
    form; any other login form gets a page of its own that says the same. Status 429."""
    message = lockout_message()
    match = getattr(request, "resolver_match", None)
    if (
        isinstance(original_response, TemplateResponse)
        and match is not None
        and match.url_name == "wagtailadmin_login"
        and (original_response.context_data or {}).get("form") is not None
    ):
        context = dict(original_response.context_data)
        form = context["form"]
        form.errors.clear()
        form.add_error(None, message)
        response = TemplateResponse(request, original_response.template_name, context, status=429)
        return response.render()
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)

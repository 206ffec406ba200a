"""Who a message goes to. Staff logins get it in their own list (My messages) and, when they
have an address, by e-mail; a department also at its own address; the submitter by e-mail and
SMS, where they left them. Messages name people by the names people know, never by login."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from notifications.models import Notification
from submissions import roles

INBOX, EMAIL, SMS = (
    Notification.Channel.INBOX,
    Notification.Channel.EMAIL,
    Notification.Channel.SMS,
)


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str  # an e-mail address, a mobile number, or the login's name for its own list
    user: object = None  # the login whose list (My messages) holds the message


def display_name(user):
    return user.get_full_name() or user.get_username()


def logins(users):
    for user in users:
        yield Recipient(INBOX, display_name(user), user)
        if user.email:
            yield Recipient(EMAIL, user.email)


def submitter(case):
    return [Recipient(EMAIL, case.submitter_email), Recipient(SMS, case.submitter_phone)]


def department(department):
    handlers = department.active_handlers().order_by("pk")
    found = list(logins(handlers))
    if department.email:
        found.append(Recipient(EMAIL, department.email))
    return unique(found)


def committee():
    users = (
        get_user_model()
        .objects.with_perm(roles.ASSIGN, include_superusers=False)
        .filter(is_active=True)
        .order_by("pk")
    )
    return unique(logins(users))


def deputy(deputy):
    """The login a deputy signs in with, if they have one."""
    profile = getattr(deputy, "user_profile", None) if deputy else None
    user = profile.user if profile else None
    return list(logins([user])) if user and user.is_active else []


def unique(recipients):
    """Each address once (a handler's e-mail may also be the department's)."""
    seen, kept = set(), []
    for recipient in recipients:
        key = (recipient.channel, recipient.user.pk if recipient.user else recipient.address)
        if recipient.address and key not in seen:
            seen.add(key)
            kept.append(recipient)
    return kept

"""The notifier: store a message with the action that caused it, hand its sending to the task
worker once that action commits, retry failures with backoff. A failed send never rolls back the
case action, and the request that caused a message never waits for the mail server or the SMS
gateway: in production the `send` task runs in `manage.py db_worker` (django-tasks' database
backend); elsewhere Django's immediate backend runs it at the commit.

The Notification row is the once-only record: a task delivers the row only if it wins the claim
on it, so a task run twice, or a task and the `send_reminders` sweep at once, send it once. The
sweep also sends what a lost task left pending.

Messages are plain text (e-mail bodies and SMS), never HTML: they are rendered without HTML
autoescaping, so a link keeps its "&" and a title its quotes and angle brackets."""

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, Engine
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from notifications import sms
from notifications.models import Notification
from submissions import masking, tracking

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
STALE_CLAIM = datetime.timedelta(minutes=10)  # a sender that died mid-send is retried


def notify(channel, recipient, template, context, *, case=None, dedupe_key=None, user=None):
    """Store one message (at most once per dedupe_key) and send it once the caller commits.
    A message to a login's own list (the inbox channel, with user) is delivered by storing it."""
    if not recipient:
        return None
    text = render_text(template, context)
    subject, _, body = text.partition("\n")
    inbox = channel == Notification.Channel.INBOX
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                case=case,
                channel=channel,
                recipient=recipient,
                user=user,
                template=template,
                subject=subject.strip(),
                body=body.strip(),
                dedupe_key=dedupe_key,
                status=Notification.Status.SENT if inbox else Notification.Status.PENDING,
                sent_at=timezone.now() if inbox else None,
            )
    except IntegrityError:
        return None  # already stored by an earlier or concurrent run
    if not inbox:
        # robust: a queue that cannot take the task must not turn a saved action into an error
        # page; the row stays pending and the next sweep sends it.
        transaction.on_commit(lambda: send.enqueue(notification.pk), robust=True)
    return notification


def notify_all(recipients, template, context, *, case=None, key):
    """notify() for each recipient; key makes the dedupe keys (one message per recipient per
    occasion, however often the caller runs). Returns how many were stored."""
    return sum(
        bool(
            notify(
                recipient.channel,
                recipient.address,
                template,
                context,
                case=case,
                user=recipient.user,
                dedupe_key=f"{template}:{key}:{recipient.channel}:"
                f"{recipient.user.pk if recipient.user else recipient.address}"[:120],
            )
        )
        for recipient in recipients
    )


def claim(pk):
    """Atomically take one due message for sending; only one process can win the UPDATE."""
    now = timezone.now()
    due = Q(
        status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
        next_attempt_at__lte=now,
    )
    stale = Q(status=Notification.Status.SENDING, next_attempt_at__lte=now - STALE_CLAIM)
    won = Notification.objects.filter(due | stale, pk=pk).update(
        status=Notification.Status.SENDING, next_attempt_at=now
    )
    return won == 1


def render_text(template, context):
    """A notification template rendered as plain text, with autoescaping off for every template
    in notifications/: the result never becomes HTML (the admin escapes a stored
    message when it shows one), so "&" in a link or quotes in a title must stay as they are."""
    compiled = Engine.get_default().get_template(f"notifications/{template}.txt")
    return compiled.render(Context(context, autoescape=False)).strip()


@task()
def send(pk):
    """Deliver one stored message; after a failure, try again when its backoff ends."""
    sent = deliver(pk)
    if not sent and send.get_backend().supports_defer:
        retry = Notification.objects.filter(pk=pk, status=Notification.Status.FAILED).first()
        if retry:  # not given up, nor sent meanwhile by another run
            send.using(run_after=retry.next_attempt_at).enqueue(pk)
    return sent


def deliver(pk):
    if not claim(pk):
        return False
    notification = Notification.objects.get(pk=pk)
    notification.attempts += 1
    try:
        if notification.channel == Notification.Channel.EMAIL:
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient],
            )
        else:
            sms.get_backend().send(
                notification.recipient, f"{notification.subject} {notification.body}"
            )
    except Exception as error:  # any backend failure: record it, retry later
        logger.warning("Notification %s failed: %s", pk, error)
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        gave_up = notification.attempts >= MAX_ATTEMPTS
        notification.status = Notification.Status.GAVE_UP if gave_up else Notification.Status.FAILED
        notification.next_attempt_at = timezone.now() + datetime.timedelta(
            minutes=2**notification.attempts
        )
        notification.save()
        return False
    notification.status, notification.sent_at = Notification.Status.SENT, timezone.now()
    notification.last_error = ""
    notification.save()
    return True


def deliver_due():
    """Send everything that is due; safe to run in several processes at once."""
    now = timezone.now()
    due = Notification.objects.filter(
        Q(
            status__in=[Notification.Status.PENDING, Notification.Status.FAILED],
            next_attempt_at__lte=now,
        )
        | Q(status=Notification.Status.SENDING, next_attempt_at__lte=now - STALE_CLAIM)
    ).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(due[:500]))


def tracking_url(case):
    """The submitter's link to their case on the public tracker. Every message builds it here
    only: a signed link that expires (TRACK_LINK_DAYS) and never carries the tracking code,
    since a message's link gets forwarded (submissions.tracking)."""
    return settings.WAGTAILADMIN_BASE_URL + tracking.link_path(case, tracking.SMS)


def staff_title(case):
    """The case's title as messages to staff carry it: with personal data masked, as the
    department and the deputy read it on screen, since e-mail leaves the system."""
    return masking.mask(case.title, masking.case_values(case))


def admin_url(case):
    """A staff member's link to the case's page in the admin."""
    return settings.WAGTAILADMIN_BASE_URL + reverse("submissions_case", args=[case.pk])

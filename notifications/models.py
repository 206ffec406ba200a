"""Messages to the people a case concerns, stored before they are sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Notification(models.Model):
    """A message stored before it is sent, so a failure is visible and retried, never lost."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        INBOX = "inbox", _("My messages")

    class Kind(models.TextChoices):
        """What a message is about; the value names its template in templates/notifications/."""

        CASE_RECEIVED = "case_received", _("Receipt")
        CASE_ACCEPTED = "case_accepted", _("Acceptance notice")
        CASE_ASSIGNED = "case_assigned", _("Assignment notice")
        CASE_RETURNED = "case_returned", _("Return notice")
        EXTENSION_REQUESTED = "extension_requested", _("Extension request")
        EXTENSION_DECIDED = "extension_decided", _("Extension decision")
        REPLY_TO_REVIEW = "reply_to_review", _("Reply awaiting review")
        CASE_SENT_BACK = "case_sent_back", _("Sent back for more work")
        CASE_REPLIED = "case_replied", _("Reply notice")
        STAGE_REPLY = "stage_reply", _("Stage reply notice")
        PROMISE_RECORDED = "promise_recorded", _("Promise recorded")
        CASE_UNSATISFIED = "case_unsatisfied", _("Unsatisfied rating")
        CASE_REOPENED = "case_reopened", _("Handling continues")
        CASE_CLOSED = "case_closed", _("Closing notice")
        DEPUTY_ASSIGNED = "deputy_assigned", _("Case addressed to the deputy assigned")
        DEPUTY_REPLIED = "deputy_replied", _("Case addressed to the deputy answered")
        DEPUTY_CLOSED = "deputy_closed", _("Case addressed to the deputy closed")
        REMINDER_DUE = "reminder_due", _("Deadline reminder")
        REMINDER_OVERDUE = "reminder_overdue", _("Overdue notice")
        RECEPTION_DAY = "reception_day", _("Reception day reminder")
        WEEKLY_DIGEST = "weekly_digest", _("Weekly digest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (will retry)")
        GAVE_UP = "gave_up", _("Gave up")

    case = models.ForeignKey(
        "submissions.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    template = models.CharField(
        pgettext_lazy("message", "kind"), max_length=40, choices=Kind.choices
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text=_("For messages in a login's own list (My messages)."),
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    subject = models.CharField(pgettext_lazy("message", "subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.recipient}: {self.get_template_display()}"

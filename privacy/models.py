"""Records of what was done with personal data: anonymisations, a person's requests and staff
reads of contact details. They name cases by reference and never hold contact details
themselves, except a search's words until the person's data is anonymised."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Anonymisation(models.Model):
    """A case whose submitter's personal data has been removed; one per case, so a second
    run finds it and changes nothing."""

    class Trigger(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        REQUEST = "request", _("Erasure requested by the person")

    case = models.OneToOneField(
        "submissions.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="anonymisation",
    )
    trigger = models.CharField(_("why"), max_length=20, choices=Trigger.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("anonymised at"), default=timezone.now)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.case.reference


class ContactRead(models.Model):
    """A staff read of a submitter's contact details (显示联系方式): who, when, why."""

    case = models.ForeignKey(
        "submissions.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="contact_reads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("read at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("contact details read")
        verbose_name_plural = _("contact details reads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.case_id} {self.user_id}"


class PersonRequest(models.Model):
    """A person's request handled by station staff: a search for their cases, an export, a
    correction or an erasure, with the reason given."""

    class Action(models.TextChoices):
        SEARCH = "search", _("Search")
        EXPORT = "export", _("Export")
        CORRECT = "correct", _("Correction")
        ERASE = "erase", _("Erasure")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # What was searched for (a phone or a name): masked once that person's data is anonymised.
    query = models.CharField(_("searched for"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    references = models.TextField(_("cases"), blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal-information request")
        verbose_name_plural = _("personal-information requests")
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "handle_person_requests",
                _("Can find, export, correct and erase a person's data on request"),
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d}"

"""Cases (诉求件) and what hangs off them: photos, the timeline and feedback."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_storage():
    """Uploaded photos live outside MEDIA_ROOT: no URL serves them but a permission-checked view.
    A callable, so migrations record a reference and tests can move the folder."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


class Case(models.Model):
    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Problem")
        SUGGESTION = "suggestion", _("Suggestion")

    class Channel(models.TextChoices):
        ONLINE = "online", _("QR code / online")
        RECEPTION = "reception", _("Station reception")
        VISIT = "visit", _("Enterprise visit")
        WECHAT = "wechat", _("WeChat group")
        LIAISON_MEETING = "liaison_meeting", _("Department liaison meeting")
        LETTER_PHONE = "letter_phone", _("Letter or phone")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Received, awaiting acceptance")
        LISTED = "listed", _("Accepted, on the problem list")
        ASSIGNED = "assigned", _("With the handling department")
        REPLIED = "replied", _("Replied, under review")
        AWAITING_FEEDBACK = "awaiting_feedback", _("Awaiting your rating")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Not accepted")
        MERGED = "merged", _("Merged into another case")

    station = models.ForeignKey(
        "deputies.Station",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reference = models.CharField(_("reference number"), max_length=30, unique=True)
    year = models.PositiveIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    submission_key = models.CharField(
        max_length=40, unique=True, null=True, blank=True, editable=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROBLEM)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=60)
    description = models.TextField(_("description"), max_length=2000)
    place = models.CharField(_("place in the park"), max_length=100, blank=True)
    enterprise = models.ForeignKey(
        "deputies.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    enterprise_name = models.CharField(_("enterprise name"), max_length=120, blank=True)
    submitter_name = models.CharField(_("submitter name"), max_length=30)
    submitter_phone = models.CharField(_("submitter mobile phone"), max_length=20)
    submitter_email = models.EmailField(_("submitter e-mail"), max_length=100, blank=True)
    consent_given = models.BooleanField(_("consented to the personal-information notice"))
    consent_in_person = models.BooleanField(_("consent given in person"), default=False)
    allow_disclosure = models.BooleanField(
        _("allows an anonymised public disclosure"), default=False
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("addressed deputy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_cases",
    )
    received_by = models.CharField(_("received by"), max_length=60, blank=True)
    received_on = models.DateField(_("date received"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "sequence"], name="unique_case_sequence"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def formatted_tracking_code(self):
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"

    def public_events(self):
        return self.events.filter(is_public=True).order_by("created_at", "pk")


class ReferenceCounter(models.Model):
    """The last sequence number issued per station and year; its row lock keeps numbers gap-free."""

    station = models.ForeignKey("deputies.Station", on_delete=models.CASCADE)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="unique_counter_per_year")
        ]

    def __str__(self):
        return f"{self.station_id}/{self.year}: {self.last_value}"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(storage=private_storage, upload_to="case-photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return f"{self.case_id}/{self.pk}"


class CaseEvent(models.Model):
    """Append-only timeline. Public events carry no personal data: their text is the action."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Received")
        RECORDED = "recorded", _("Recorded by the station")
        FEEDBACK = "feedback", _("Rated by the submitter")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.action}"

    @property
    def public_label(self):
        return self.Action(self.action).label if self.action in self.Action.values else ""


class Feedback(models.Model):
    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(_("rating"), max_length=30, choices=Rating.choices)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self):
        return self.get_rating_display()

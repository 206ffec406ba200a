"""Deputies, the station, enterprises, "1+N" pairings and the reception roster."""

import re
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
)
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from deputies.forms import StationDefaultForm
from deputies.validators import validate_credit_code, validate_office_phone

QR_TOKEN_BYTES = 9  # 12 URL-safe characters: unguessable, short enough for a small QR code
# What a token can contain (token_urlsafe's alphabet, within the field's length). Anything
# else, a NUL byte included, is refused before it reaches the database.
QR_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


def new_qr_token():
    """A random token unused by any deputy or station: /q/<token>/ resolves both."""
    while True:
        token = secrets.token_urlsafe(QR_TOKEN_BYTES)
        if not (
            Deputy.objects.filter(qr_token=token).exists()
            or Station.objects.filter(qr_token=token).exists()
        ):
            return token


class QRCodeHolder(models.Model):
    """Something a printed QR poster points at through a permanent, random token."""

    qr_token = models.CharField(_("QR token"), max_length=32, unique=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.qr_token:
            self.qr_token = new_qr_token()
        super().save(*args, **kwargs)

    @property
    def qr_path(self):
        return reverse("qr_entry", args=[self.qr_token])

    @property
    def qr_url(self):
        """Absolute, from the configured base URL: posters must not depend on a request's Host."""
        return settings.WAGTAILADMIN_BASE_URL + self.qr_path

    def rotate_qr_token(self):
        """Give a new token (e.g. a poster was defaced); the old link stops working."""
        old = self.qr_token
        self.qr_token = new_qr_token()
        self.save(update_fields=["qr_token"])
        return old


class Station(QRCodeHolder):
    """The liaison station: who the public site, the posters, the receipts and the admin
    speak for. Its identity lives here only; the site settings hold what is the website's."""

    name = models.CharField(_("name"), max_length=100)
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=10,
        unique=True,
        help_text=_("Letters that start every case reference number, e.g. YXGY."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    max_extension_days = models.PositiveSmallIntegerField(
        _("longest extension (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How many days past its deadline a department may ask to reply."),
    )
    max_ledger_days = models.PositiveSmallIntegerField(
        _("longest ledger period (days)"),
        default=366,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text=_("The longest period a detailed ledger may cover in one download."),
    )
    retention_years = models.PositiveSmallIntegerField(
        _("retention period (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "How many years after a case is finished its submitter's personal data is kept; "
            "then it is anonymised. The privacy notice states this period."
        ),
    )
    # The department assessment (考核通报) marks a department red below these.
    target_on_time_rate = models.DecimalField(
        _("target on-time reply rate (%)"),
        max_digits=4,
        decimal_places=1,
        default=92,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    target_satisfied_rate = models.DecimalField(
        _("target satisfaction rate (%)"),
        max_digits=4,
        decimal_places=1,
        default=85,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of ratings that are 满意, in the department assessment."),
    )

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        """The installation's station; one installation starts with one."""
        return cls.objects.order_by("pk").first()


class DeputyQuerySet(models.QuerySet):
    def live(self):
        """Published profiles, the only ones the public sees. A draft lives in revisions, so a
        live row always holds the published content."""
        return self.filter(live=True)


class Deputy(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    QRCodeHolder,
    ClusterableModel,
):
    """A deputy's profile is public (the deputy wall), so it is edited as drafts, published,
    and kept in revisions; Wagtail moderates it when a workflow is assigned to deputies."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Provincial level")
        CITY = "city", _("City level")
        COUNTY = "county", _("County level")
        TOWNSHIP = "township", _("Township level")

    class Role(models.TextChoices):
        RESIDENT = "resident", _("Resident deputy")
        LIAISON = "liaison", _("Liaison officer")
        MEMBER = "member", _("Member")

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="deputies"
    )
    name = models.CharField(_("full name"), max_length=40)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    delegation = models.CharField(_("delegation"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    work_unit = models.CharField(_("work unit"), max_length=100, blank=True)
    role = models.CharField(
        _("station role"), max_length=20, choices=Role.choices, default=Role.RESIDENT
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    office_phone = models.CharField(
        _("office phone"),
        max_length=30,
        blank=True,
        validators=[validate_office_phone],
        help_text=_("Shown publicly. Never a personal mobile number."),
    )
    is_active = models.BooleanField(
        pgettext_lazy("deputy", "active"),
        default=True,
        help_text=_("Inactive deputies leave the deputy wall."),
    )
    sort_order = models.PositiveIntegerField(_("display order"), default=0, db_index=True)

    objects = DeputyQuerySet.as_manager()

    base_form_class = StationDefaultForm
    panels = [
        FieldPanel("name"),
        FieldPanel("photo"),
        FieldRowPanel([FieldPanel("level"), FieldPanel("role")]),
        FieldPanel("delegation"),
        FieldRowPanel([FieldPanel("occupation"), FieldPanel("work_unit")]),
        FieldPanel("bio"),
        FieldPanel("office_phone"),
        FieldPanel("is_active"),
        FieldPanel("station"),
        InlinePanel("pairings", heading=_("Paired enterprises (1+N)"), label=_("Enterprise")),
        # Visits are recorded in their own app, which adds them through a hook.
        HelpPanel(template="deputies/admin/deputy_sections_panel.html", heading=_("Visits")),
    ]

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["sort_order", "pk"]
        permissions = [("rotate_qr_token", _("Can rotate QR tokens"))]

    def __str__(self):
        return self.name

    def with_content_json(self, content):
        """The poster token and the wall order belong to the deputy, not to a version of the
        profile: rotation and reordering write them directly, so publishing or reverting to an
        older revision must never bring back a rotated token or an old position."""
        obj = super().with_content_json(content)
        obj.qr_token = self.qr_token
        obj.sort_order = self.sort_order
        return obj

    def is_previewable(self):
        # The preview is the public profile, which lives under the deputy wall.
        return self.pk is not None and DeputyIndexPage.objects.live().exists()

    def get_preview_template(self, request, mode_name):
        return "deputies/deputy_profile.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["page"] = DeputyIndexPage.objects.live().first()
        context.update(profile_context(self))
        return context


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=120)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    is_key = models.BooleanField(_("key enterprise"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=40, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    is_active = models.BooleanField(pgettext_lazy("enterprise", "active"), default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("credit_code"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("industry"), FieldPanel("is_key")]),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_phone")],
            heading=_("Contact (private)"),
        ),
        FieldPanel("notes"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Normalise before the validators run, so a code typed in lower case is accepted.
        self.credit_code = (self.credit_code or "").strip().upper()
        super().clean_fields(exclude)


class Pairing(Orderable):
    """ "1+N": one deputy (or liaison officer) looks after N key enterprises."""

    deputy = ParentalKey(Deputy, on_delete=models.CASCADE, related_name="pairings")
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="pairings"
    )
    since = models.DateField(_("paired since"), default=timezone.localdate)

    panels = [FieldPanel("enterprise"), FieldPanel("since")]

    class Meta(Orderable.Meta):
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(fields=["deputy", "enterprise"], name="unique_pairing")
        ]


class ReceptionDayQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(date__gte=timezone.localdate()).order_by("date", "start_time")


class ReceptionDay(ClusterableModel):
    """接待日: deputies on duty receive visitors; ordinary duty days list the staff on duty."""

    MIN_DEPUTIES = 3  # station rule for a monthly reception day

    class Kind(models.TextChoices):
        RECEPTION = "reception", _("Deputies' reception day")
        DUTY = "duty", _("Staff duty day")

    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="reception_days"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RECEPTION)
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    place = models.CharField(_("place"), max_length=120)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    deputies = ParentalManyToManyField(
        Deputy, verbose_name=_("deputies on duty"), blank=True, related_name="reception_days"
    )
    staff_on_duty = models.CharField(
        _("staff on duty"), max_length=200, blank=True, help_text=_("Names, separated by commas.")
    )

    objects = ReceptionDayQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
        FieldPanel("place"),
        FieldPanel("theme"),
        FieldPanel("deputies"),
        FieldPanel("staff_on_duty"),
        FieldPanel("station"),
    ]
    base_form_class = StationDefaultForm

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["date", "start_time"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end time must be after the start time.")})

    def staffing_warning(self, deputy_count):
        """The station's ≥3-deputies rule: a warning for editors, never a refusal."""
        if self.kind == self.Kind.RECEPTION and deputy_count < self.MIN_DEPUTIES:
            return _(
                "Only %(count)d deputies are on duty on %(date)s; the station's rule is at "
                "least %(minimum)d on a reception day."
            ) % {
                "count": deputy_count,
                "date": f"{self.date:%Y-%m-%d}",
                "minimum": self.MIN_DEPUTIES,
            }
        return None


from deputies.pages import (  # noqa: E402,F401  (page models)
    DeputyIndexPage,
    ReceptionPage,
    profile_context,
)

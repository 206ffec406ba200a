"""Enterprise visits (走访): the teams that cover the park, the visits they make, the yearly
campaign and the monthly plans. What a visit raises becomes cases (see visits/intake.py)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel

MIN_PLAN_DEPUTIES = 3  # a leader with at least three deputies, as the station's rules say


class VisitTeam(ClusterableModel):
    """走访工作组: a committee leader, committee members and resident deputies, responsible for
    a list of enterprises, so that every enterprise in the park has a team (全覆盖)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    leader = models.CharField(_("leader"), max_length=60, help_text=_("e.g. 财经工委主任 李明"))
    committee_members = models.TextField(
        _("committee members"), max_length=500, blank=True, help_text=_("One per line.")
    )
    deputies = ParentalManyToManyField(
        "deputies.Deputy", verbose_name=_("deputies"), blank=True, related_name="visit_teams"
    )
    enterprises = ParentalManyToManyField(
        "deputies.Enterprise",
        verbose_name=_("enterprises"),
        blank=True,
        related_name="visit_teams",
    )

    class Meta:
        verbose_name = _("visit team")
        verbose_name_plural = _("visit teams")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Visit(ClusterableModel):
    date = models.DateField(_("date"), default=timezone.localdate)
    enterprise = models.ForeignKey(
        "deputies.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    team = models.ForeignKey(
        VisitTeam,
        verbose_name=_("visit team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    deputies = ParentalManyToManyField(
        "deputies.Deputy", verbose_name=_("deputies who went"), blank=True, related_name="visits"
    )
    staff = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff who went"),
        blank=True,
        related_name="visits",
    )
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), max_length=5000, blank=True)
    # The items raised: cases created from this visit (visits/intake.py keeps this in step).
    cases = models.ManyToManyField(
        "submissions.Case", verbose_name=_("items raised"), blank=True, related_name="visits"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.enterprise}"


class VisitCampaign(ClusterableModel):
    """代表企业走访周 / 集中走访月: a period in which the teams visit every target enterprise."""

    name = models.CharField(_("name"), max_length=80)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    targets = ParentalManyToManyField(
        "deputies.Enterprise",
        verbose_name=_("target enterprises"),
        blank=True,
        related_name="+",
        help_text=_("Leave empty to target every active enterprise."),
    )

    class Meta:
        verbose_name = _("visit campaign")
        verbose_name_plural = _("visit campaigns")
        ordering = ["-start"]

    def __str__(self):
        return self.name

    @classmethod
    def current(cls, today=None):
        """The campaign under way, or else the latest one that has started."""
        today = today or timezone.localdate()
        return cls.objects.filter(start__lte=today).order_by("-start").first()


class VisitPlan(ClusterableModel):
    """A month's plan: a leader with at least three deputies visiting about ten enterprises."""

    month = models.DateField(_("month"), help_text=_("Any day of the month."))
    leader = models.CharField(_("leader"), max_length=60)
    deputies = ParentalManyToManyField(
        "deputies.Deputy", verbose_name=_("deputies"), blank=True, related_name="visit_plans"
    )
    enterprises = ParentalManyToManyField(
        "deputies.Enterprise", verbose_name=_("enterprises"), blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("monthly visit plan")
        verbose_name_plural = _("monthly visit plans")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.leader}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    @property
    def month_end(self):
        return (self.month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(1)

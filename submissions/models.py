"""Cases (诉求件) and what hangs off them: photos, the timeline and feedback."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.files.storage import FileSystemStorage
from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import Value
from django.db.models.functions import Concat, StrIndex, Upper
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import BaseLogEntry, BaseLogEntryManager


def private_storage():
    """Uploaded photos live outside MEDIA_ROOT: no URL serves them but a permission-checked view.
    A callable, so migrations record a reference and tests can move the folder."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


class Category(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(pgettext_lazy("category", "active"), default=True)
    # Shown next to the category on the public form as soon as it is chosen, e.g. where to call
    # in an emergency: the form is not the way to report a fire.
    notice = models.CharField(
        _("notice on the public form"),
        max_length=120,
        blank=True,
        help_text=_("A short note shown to people who choose this category, e.g. whom to call."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.name


def open_round(prefix=""):
    """A round still with its department: neither returned nor replied. prefix reaches the
    round from another model, e.g. "current_assignment__" from a case."""
    return models.Q(**{f"{prefix}replied_at__isnull": True, f"{prefix}returned_at__isnull": True})


def overdue_round(now=None, prefix=""):
    """Derived, never stored: an open round whose deadline has passed."""
    return open_round(prefix) & models.Q(**{f"{prefix}due_at__lt": now or timezone.now()})


# What the queues' search box looks in, as one upper-cased text: on PostgreSQL a trigram index
# on this very expression (migration 0028) finds a Chinese phrase of three or more characters
# without reading every case, and a bigram index (0029) one of two characters.
SEARCHED_FIELDS = ["reference", "title", "description", "enterprise_name", "place"]


def searchable_text():
    parts = []
    for field in SEARCHED_FIELDS:
        parts += [models.F(field), models.Value("\n")]
    return Upper(Concat(*parts[:-1], output_field=models.TextField()))


class Bigrams(models.Func):
    """Every two-character piece of a text, by the SQL function migration 0029 creates."""

    function = "case_search_bigrams"
    output_field = ArrayField(models.TextField())


def bigrams(text):
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


class CaseQuerySet(models.QuerySet):
    def search(self, text):
        """Cases whose reference, title, description, enterprise or place contain text,
        ignoring case: one LIKE on searchable_text(), which PostgreSQL's trigram index answers
        for three characters or more. No trigram index can answer two, so on PostgreSQL a
        two-character term asks the bigram index for the cases holding the pair, and STRPOS
        (exact, like the LIKE) checks them: a LIKE there would tempt the planner into reading
        the whole trigram index too (4.8 s at a million cases)."""
        term = text.strip().upper()
        queryset = self.alias(searchable=searchable_text())
        if len(term) == 2 and connections[self.db].vendor == "postgresql":
            return queryset.alias(
                pieces=Bigrams(searchable_text()), at=StrIndex(searchable_text(), Value(term))
            ).filter(pieces__contains=bigrams(term), at__gt=0)
        return queryset.filter(searchable__contains=term)

    def visible_to(self, user):
        """The cases this user may see: the one place case queries are scoped by role."""
        from submissions.roles import case_scope

        condition = case_scope(user)
        return self if condition is None else self.filter(condition)

    def open(self):
        """Not yet finished: neither closed, rejected nor merged into another case."""
        return self.exclude(status__in=Case.FINISHED)

    def overdue(self, now=None):
        return self.filter(overdue_round(now, prefix="current_assignment__"))

    def not_overdue(self, now=None):
        return self.exclude(pk__in=self.overdue(now).values("pk"))


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

    FINISHED = (Status.CLOSED, Status.REJECTED, Status.MERGED)

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
    description = models.TextField(pgettext_lazy("case", "description"), max_length=2000)
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
    allow_direct_contact = models.BooleanField(
        _("agrees that the handling department may contact them directly"), default=False
    )
    # The submitter's own words, kept when the committee rewrites the title or description.
    original_title = models.CharField(_("original title"), max_length=60, blank=True)
    original_description = models.TextField(_("original description"), blank=True)
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
    received_on = models.DateField(_("date received"), default=timezone.localdate, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    status_reason = models.TextField(
        _("reason shown to the submitter"), max_length=1000, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
    )
    # Set by workflow.set_key_supervision when the case joins a key supervised issue (重点督办);
    # it covers every round, each of which keeps its own normal or continued level.
    key_supervised = models.BooleanField(_("key supervised issue"), default=False)
    # Maintained by workflow.py only: the open round, so queues need no subquery per row.
    current_assignment = models.ForeignKey(
        "Assignment",
        verbose_name=_("current assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "year", "sequence"], name="unique_case_sequence"
            ),
        ]
        # The rights roles are made of (roles.py); groups in Wagtail's admin bundle them.
        permissions = [
            ("see_all_cases", _("Can see every case")),
            ("see_addressed_cases", _("Can see the cases addressed to them as a deputy")),
            ("act_for_department", _("Can sign for, return and reply to their department's cases")),
            ("see_contact_details", _("Can see submitters' contact details")),
            ("see_tracking_code", _("Can see tracking codes and print receipt slips")),
            ("screen_cases", _("Can accept, reject and merge incoming cases")),
            ("assign_cases", _("Can assign cases, review replies and decide extensions")),
            ("record_follow_up", _("Can record a submitter's rating from a follow-up call")),
            ("close_cases", _("Can close a case after the feedback period")),
            ("add_case_note", _("Can add follow-up notes")),
            ("supervise_cases", _("Can put cases under key supervision")),
        ]
        # Period filters of the statistics and the director's report
        indexes = [
            models.Index(fields=["created_at"], name="case_created_idx"),
            # 查我的反映 lists a proven phone's cases (mycases.lists)
            models.Index(fields=["submitter_phone"], name="case_submitter_phone_idx"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @property
    def formatted_tracking_code(self):
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"

    @property
    def is_with_department(self):
        """A department holds the case now, so the submitter is told which one and by when it
        must reply."""
        return self.status == self.Status.ASSIGNED and self.current_assignment_id is not None

    def links(self):
        """The records a case points at: all that Wagtail's reference index records of it, as
        a case holds no rich text, stream or child records (workflow._save relies on this)."""
        return tuple(
            getattr(self, field.attname)
            for field in self._meta.concrete_fields
            if field.many_to_one
        )

    def public_events(self):
        """What the tracker shows. A case merged into another then follows that case: its
        submitter sees how the matter they raised was handled and ended."""
        events = models.Q(case=self, is_public=True)
        if self.merged_into_id:
            merged_at = self.events.filter(action=CaseEvent.Action.MERGED).values("created_at")
            events |= models.Q(
                case_id=self.merged_into_id,
                is_public=True,
                created_at__gte=models.Subquery(merged_at[:1]),
            )
        return CaseEvent.objects.filter(events).order_by("created_at", "pk")


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


class CaseEventQuerySet(models.QuerySet):
    def closings(self):
        """The moves that closed a case (销号); a rating recorded after closing is not one."""
        return self.filter(to_status=Case.Status.CLOSED).exclude(from_status=Case.Status.CLOSED)


class CaseEvent(models.Model):
    """Append-only timeline. Public events carry no personal data: their text is the action."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Received")
        RECORDED = "recorded", _("Recorded by the station")
        ACCEPTED = "accepted", _("Accepted onto the problem list")
        REJECTED = "rejected", _("Not accepted")
        MERGED = "merged", _("Merged into another case")
        ASSIGNED = "assigned", _("Handed to a department")
        SIGNED = "signed", _("Signed for by the department")
        RETURNED = "returned", _("Returned by the department")
        REPLIED = "replied", _("Department replied")
        APPROVED = "approved", _("Reply approved")
        SENT_BACK = "sent_back", _("Reply sent back for more work")
        FEEDBACK = "feedback", _("Rated by the submitter")
        CLOSED = "closed", _("Closed")
        NOTE = "note", _("Follow-up note")
        EXTENSION_REQUESTED = "extension_requested", _("Department asked for more time")
        EXTENSION_DECIDED = "extension_decided", _("Extension request decided")
        KEY_SUPERVISION = "key_supervision", _("Put under key supervision")
        KEY_SUPERVISION_ENDED = "key_supervision_ended", _("Key supervision ended")
        FOLLOW_UP = "follow_up", _("Rating recorded by the station on a follow-up")
        PROMISED = "promised", _("Stage reply approved; completion promised")
        RECLASSIFIED = "reclassified", _("Reclassified or reworded by the committee")
        MERGED_IN = "merged_in", _("A duplicate was merged into this case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), max_length=5000, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    public_text = models.TextField(_("text shown to the public"), max_length=5000, blank=True)
    # An internal note's attachment: never public, served only to those who may read the note.
    attachment = models.FileField(
        _("attachment"), storage=private_storage, upload_to="notes/%Y/%m/", blank=True
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["action", "created_at"], name="event_action_idx"),
            models.Index(fields=["to_status", "created_at"], name="event_to_status_idx"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.action}"

    @property
    def label(self):
        """The timeline's words for the action. An action no longer listed shows as it was
        stored, so the record never reads blank."""
        return self.Action(self.action).label if self.action in self.Action.values else self.action

    @property
    def public_summary(self):
        """The tracking page's line: the action, then what the public may read about it."""
        return f"{self.label}：{self.public_text}" if self.public_text else str(self.label)


class Feedback(models.Model):
    """A rating of the outcome. Only the submitter rates: online with the tracking code, or
    through station staff who record a follow-up (回访): who contacted whom, when, how."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online, by the submitter")
        FOLLOW_UP = "follow_up", _("Follow-up recorded by station staff")

    class Means(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit")
        WECHAT = "wechat", _("WeChat")
        STATION = "station", _("At the station")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(_("rating"), max_length=30, choices=Rating.choices)
    comment = models.TextField(pgettext_lazy("rating", "comment"), max_length=500, blank=True)
    source = models.CharField(
        _("recorded"), max_length=20, choices=Source.choices, default=Source.ONLINE
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    means = models.CharField(_("by"), max_length=20, choices=Means.choices, blank=True)
    contacted_person = models.CharField(_("person contacted"), max_length=30, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            # A follow-up says when and how the submitter was reached; an online rating has
            # no staff author, so nobody can pass their own rating off as the submitter's.
            models.CheckConstraint(
                condition=(
                    models.Q(source="online", recorded_by__isnull=True, means="")
                    | models.Q(source="follow_up", contacted_at__isnull=False)
                ),
                name="feedback_source_complete",
            ),
        ]

    def __str__(self):
        return self.get_rating_display()

    @property
    def is_follow_up(self):
        return self.source == self.Source.FOLLOW_UP


class Organisation(models.Model):
    """What a committee and a department share: how to reach them, and whether they are
    still in use."""

    short_name = models.CharField(_("short name"), max_length=20, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=30, blank=True)
    contact_phone = models.CharField(
        _("office phone"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                r"^[0-9+()（） -]{5,30}$", _("Enter an office phone number such as 0796-5550123.")
            )
        ],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_(
            "Ones not in use no longer appear among the choices when a case is assigned. "
            "Take it out of use instead of deleting it: past cases keep its name."
        ),
    )

    class Meta:
        abstract = True


class Committee(Organisation):
    """对口工委: the special committee that forwards items of its field to departments.
    One that has handled cases is deactivated, never deleted, so the ledgers keep its name."""

    name = models.CharField(
        _("name"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("A committee with this name already exists.")},
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(Organisation):
    """承办单位: a government department that handles assigned cases. One that has handled
    cases is deactivated, never deleted, so the ledgers keep its name."""

    name = models.CharField(
        _("name"),
        max_length=60,
        unique=True,
        error_messages={"unique": _("A department with this name already exists.")},
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee that forwards to it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="departments",
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def active_handlers(self):
        """The active logins that act for this department."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(
            is_active=True,
            staff_profile__acts_for=StaffProfile.ActsFor.DEPARTMENT,
            staff_profile__department=self,
        )

    def open_cases(self):
        """Cases waiting on this department now: assigned, in a round it leads or assists."""
        rounds = Assignment.objects.handled_by(self)
        return Case.objects.filter(
            status=Case.Status.ASSIGNED, current_assignment__in=rounds.values("pk")
        )


class StaffProfile(models.Model):
    """What a login acts for: the station (its staff, editors), the liaison committee, one
    department (a handler) or one deputy. Role groups carry the rights; this says whose cases
    they apply to (roles.case_scope)."""

    class ActsFor(models.TextChoices):
        STATION = "station", _("The station")
        COMMITTEE = "committee", _("The liaison committee")
        DEPARTMENT = "department", _("A department (handler)")
        DEPUTY = "deputy", _("A deputy")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    # Null only for rows made before stations were recorded on bindings with no station in
    # the database; save() fills in the installation's station.
    station = models.ForeignKey(
        "deputies.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_profiles",
    )
    acts_for = models.CharField(
        _("acts for"), max_length=20, choices=ActsFor.choices, default=ActsFor.STATION
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handlers",
    )
    deputy = models.OneToOneField(
        "deputies.Deputy",
        verbose_name=_("deputy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user_profile",
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    def save(self, *args, **kwargs):
        # Bindings made in code (the demo, tests) name only the department or the deputy.
        if self.department_id and self.acts_for == self.ActsFor.STATION:
            self.acts_for = self.ActsFor.DEPARTMENT
        elif self.deputy_id and self.acts_for == self.ActsFor.STATION:
            self.acts_for = self.ActsFor.DEPUTY
        if self.station_id is None:
            from deputies.models import Station

            if self.deputy_id:
                self.station_id = self.deputy.station_id
            elif station := Station.default():
                self.station = station
        super().save(*args, **kwargs)


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        return self.filter(open_round())

    def overdue(self, now=None):
        return self.filter(overdue_round(now))

    def handled_by(self, department):
        """The rounds a department leads or assists in. A round it returned as not its remit
        (不属本单位职责) grants nothing: once returned, the case is no longer the department's."""
        return self.filter(returned_at__isnull=True).filter(
            models.Q(lead_department=department) | models.Q(assisting_departments=department)
        )


class Assignment(models.Model):
    """One handling round of a case by a lead department (认领清单)."""

    class Outcome(models.TextChoices):
        """The suggestion-handling practice's outcome codes (A–D) beside the plain words."""

        RESOLVED = "resolved", _("A: resolved or mostly resolved")
        IN_PROGRESS = "in_progress", pgettext_lazy("outcome", "B: being resolved")
        PLANNED = "planned", _("C: included in a plan")
        EXPLAINED = "explained", _("D: explained (conditions do not allow it yet)")

    OUTCOME_CODES = {
        Outcome.RESOLVED: "A",
        Outcome.IN_PROGRESS: "B",
        Outcome.PLANNED: "C",
        Outcome.EXPLAINED: "D",
    }
    # B and C are promises: they carry the date by which the work will be done.
    DATED_OUTCOMES = (Outcome.IN_PROGRESS, Outcome.PLANNED)

    class Supervision(models.TextChoices):
        NORMAL = "normal", _("Normal")
        CONTINUED = "continued", _("Continued supervision")
        # A stage reply approved: the department owes a completion report (办结报告) by the
        # date it promised.
        PROMISE = "promise", _("Promise (承诺事项)")

    class ExtensionState(models.TextChoices):
        AWAITING = "awaiting", _("awaiting decision")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

        @classmethod
        def of(cls, until, granted):
            """The state of a request for an extension until ``until`` (None: none asked),
            decided ``granted`` (None: not yet). Ledgers read rounds as plain values."""
            if until is None:
                return None
            if granted is None:
                return cls.AWAITING
            return cls.GRANTED if granted else cls.REFUSED

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    round = models.PositiveIntegerField(_("round"), default=1)
    # The handling round as people count them: a round returned as not the department's remit
    # was no handling, so the next department's round keeps its number.
    handling_round = models.PositiveIntegerField(_("handling round"), default=1)
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("lead department"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assisting_departments = models.ManyToManyField(
        Department, verbose_name=_("assisting departments"), blank=True, related_name="+"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    supervision = models.CharField(
        _("supervision"), max_length=20, choices=Supervision.choices, default=Supervision.NORMAL
    )
    instructions = models.TextField(
        _("assignment instructions (交办意见)"), max_length=1000, blank=True
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    due_at = models.DateTimeField(_("reply due"), db_index=True)
    # Null only on rounds assigned before signing deadlines were recorded.
    sign_due_at = models.DateTimeField(_("signing due"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), max_length=1000, blank=True)
    reply_text = models.TextField(_("reply"), max_length=5000, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    expected_date = models.DateField(_("expected completion"), null=True, blank=True)
    reply_document = models.FileField(
        _("scanned reply"), storage=private_storage, upload_to="replies/%Y/%m/", blank=True
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True, db_index=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_back_reason = models.TextField(_("reason for sending back"), max_length=1000, blank=True)
    # One extension request per round: the department asks, the committee decides.
    extension_until = models.DateField(_("extension requested until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), max_length=1000, blank=True)
    extension_granted = models.BooleanField(_("extension granted"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "round"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="unique_round_per_case")
        ]

    def __str__(self):
        return f"{self.case.reference} #{self.round}"

    @property
    def is_open(self):
        """With the department: neither returned nor replied."""
        return self.returned_at is None and self.replied_at is None

    @property
    def is_overdue(self):
        return self.is_open and self.due_at < timezone.now()

    @property
    def extension_state(self):
        """Where the round's extension request stands; None when no extension was asked for."""
        return self.ExtensionState.of(self.extension_until, self.extension_granted)

    @property
    def outcome_code(self):
        """A, B, C or D; "" before a reply."""
        return self.OUTCOME_CODES.get(self.outcome, "")

    @property
    def is_promise(self):
        return self.supervision == self.Supervision.PROMISE

    @property
    def reply_summary(self):
        """The reply's outcome as the case page heads it, with the completion date the
        department promised when it gave one."""
        outcome = self.get_outcome_display()
        if not self.expected_date:
            return outcome
        return f"{outcome}（{date_format(self.expected_date, 'SHORT_DATE_FORMAT')}）"


class CalendarOverride(models.Model):
    """A day the official calendar library does not know yet, or a local exception."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    note = models.CharField(
        _("note"), max_length=100, blank=True, help_text=_("e.g. 2027年春节假期 or 调休上班")
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note}"


class LedgerExport(models.Model):
    """Who exported which ledger, when, and how many rows: exports can carry personal data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ledger = models.CharField(_("ledger"), max_length=20)
    rows = models.PositiveIntegerField(_("rows"))
    with_personal_data = models.BooleanField(_("with personal data"))
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger export")
        verbose_name_plural = _("ledger exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.ledger} {self.rows}"


class CaseLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.update(case=instance)
        return super().log_action(instance, action, **kwargs)

    def viewable_by_user(self, user):
        """Wagtail's site-history report and its exports read through this: a case's log
        entries are visible to exactly those who may see the case."""
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))

    def for_instance(self, instance):
        return self.filter(case=instance)


class CaseLogEntry(BaseLogEntry):
    """Audit-log entries about cases, kept apart from Wagtail's generic ModelLogEntry (which
    shows every entry of a model to anyone holding any permission on it) so they can be
    scoped per case, as Wagtail does for pages with PageLogEntry."""

    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    objects = CaseLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("case log entry")
        verbose_name_plural = _("case log entries")

    def __str__(self):
        return f"CaseLogEntry {self.pk}: {self.action} on case {self.case_id}"

    @cached_property
    def object_id(self):
        return self.case_id

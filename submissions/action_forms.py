"""One small form per workflow action; each form knows which workflow function it calls."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainMessages
from submissions import deadlines, workflow
from submissions.forms import max_length_of, text_field
from submissions.models import Assignment, Case, Category, Committee, Department, Feedback

REPLY_DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
REPLY_DOCUMENT_MAX = 10 * 1024 * 1024


class ActionForm(PlainMessages, forms.Form):
    def __init__(self, *args, case, user, **kwargs):
        self.case, self.user = case, user
        super().__init__(*args, **kwargs)

    def perform(self):
        raise NotImplementedError


class PlainForm(ActionForm):
    """Actions that need nothing but the confirmation."""

    function = None

    def perform(self):
        return type(self).function(self.case, self.user)


class AcceptForm(PlainForm):
    function = staticmethod(workflow.accept)


class SignForm(PlainForm):
    function = staticmethod(workflow.sign)


class ApproveForm(PlainForm):
    function = staticmethod(workflow.approve)


class ApproveStageForm(PlainForm):
    function = staticmethod(workflow.approve_stage)


class CloseForm(PlainForm):
    function = staticmethod(workflow.close)


def reason_field(model, name):
    return text_field(_("Reason"), max_length_of(model, name), textarea=True)


class ReasonForm(ActionForm):
    """A move that needs a reason; each subclass declares `reason` with reason_field(), sized
    by the model field that keeps it."""

    function = None

    def perform(self):
        return type(self).function(self.case, self.user, self.cleaned_data["reason"])


class RejectForm(ReasonForm):
    reason = reason_field(Case, "status_reason")
    function = staticmethod(workflow.reject)


class ReturnForm(ReasonForm):
    reason = reason_field(Assignment, "return_reason")
    function = staticmethod(workflow.return_case)


class SendBackForm(ReasonForm):
    reason = reason_field(Assignment, "sent_back_reason")
    function = staticmethod(workflow.send_back)


# What a note's attachment may be, told by its first bytes and not its name: PDF, Word and
# Excel (old binary and new zipped formats), JPEG and PNG.
NOTE_DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
}
NOTE_DOCUMENT_MAX = 10 * 1024 * 1024


class NoteForm(ActionForm):
    """An internal note, with a document if needed; never public."""

    text = text_field(_("Note"), 2000, textarea=True)
    attachment = forms.FileField(
        label=_("Attachment (PDF, Word, Excel or image, optional)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages.update(
            required=_("Write the note."),
            max_length=_("A note is at most %(limit_value)d characters."),
        )
        self.fields["attachment"].error_messages["empty"] = _("The attachment is an empty file.")

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if not upload:
            return None
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        head = upload.read(8)
        upload.seek(0)
        if suffix not in NOTE_DOCUMENT_SIGNATURES or not head.startswith(
            NOTE_DOCUMENT_SIGNATURES[suffix]
        ):
            raise forms.ValidationError(_("Attach a PDF, Word, Excel, JPEG or PNG document."))
        if upload.size > NOTE_DOCUMENT_MAX:
            raise forms.ValidationError(
                _("The attachment is larger than %(size)d MB.")
                % {"size": NOTE_DOCUMENT_MAX // 1024 // 1024}
            )
        return upload

    def perform(self):
        data = self.cleaned_data
        return workflow.add_note(self.case, self.user, data["text"], data["attachment"])


class MergeForm(ActionForm):
    target = forms.CharField(
        label=_("Reference number of the case to merge into"),
        max_length=max_length_of(Case, "reference"),
    )

    def clean_target(self):
        reference = self.cleaned_data["target"].strip().upper()
        target = (
            Case.objects.visible_to(self.user)
            .filter(reference=reference)
            .exclude(pk=self.case.pk)
            .first()
        )
        if target is None:
            raise forms.ValidationError(_("No other case has this reference number."))
        return target

    def perform(self):
        return workflow.merge(self.case, self.user, self.cleaned_data["target"])


class AssignmentChoices(PlainMessages, forms.Form):
    """交办: the committee names itself, the lead department and any assisting ones, and writes
    its instructions; the form says which deadline the assignment will set. Shared by the case
    page and the batch page."""

    committee = forms.ModelChoiceField(
        label=_("Assigning committee"),
        queryset=Committee.objects.filter(is_active=True),
        error_messages={"required": _("Choose the committee that assigns the case.")},
    )
    department = forms.ModelChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.filter(is_active=True),
        error_messages={"required": _("Choose the lead department.")},
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"),
        required=False,
        queryset=Department.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    instructions = text_field(
        _("Instructions to the department (交办意见)"),
        max_length_of(Assignment, "instructions"),
        required=False,
        textarea=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        committees = list(self.fields["committee"].queryset[:2])
        if len(committees) == 1:  # shown selected, so the choice is still visible
            self.fields["committee"].initial = committees[0].pk
        self.due = deadlines.reply_due(timezone.now())
        self.fields["department"].help_text = _(
            "Assigned now, the written reply will be due by %(due)s."
        ) % {"due": date_format(timezone.localtime(self.due), "DATE_FORMAT")}
        self.fields["instructions"].error_messages["max_length"] = _(
            "The instructions are at most %(limit_value)d characters."
        )

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("department") in (data.get("assisting") or []):
            self.add_error("assisting", _("The lead department cannot also assist."))
        return data

    def assign(self, case, user):
        data = self.cleaned_data
        return workflow.assign(
            case,
            user,
            data["department"],
            data["committee"],
            data["assisting"],
            data["instructions"],
        )


class AssignForm(ActionForm, AssignmentChoices):
    def perform(self):
        return self.assign(self.case, self.user)


class ReplyForm(ActionForm):
    text = text_field(_("Reply"), max_length_of(Assignment, "reply_text"), textarea=True)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Assignment.Outcome.choices)
    expected_date = forms.DateField(
        label=_("Date by which the work will be done (for B and C)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give the date as year-month-day.")},
    )
    document = forms.FileField(label=_("Scanned reply (PDF or image, optional)"), required=False)

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and (
            not document.name.lower().endswith(REPLY_DOCUMENT_TYPES)
            or document.size > REPLY_DOCUMENT_MAX
        ):
            raise forms.ValidationError(
                _("Attach a PDF, JPEG or PNG file of at most %(size)d MB.")
                % {"size": REPLY_DOCUMENT_MAX // 1024 // 1024}
            )
        return document

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.case.current_assignment if self.case else None
        if current is not None and current.is_promise:
            self.fields["text"].label = _("Completion report (办结报告)")
        self.fields["text"].error_messages["required"] = _("Write the reply.")
        self.fields["outcome"].error_messages["required"] = _("Choose the outcome.")

    def clean(self):
        data = super().clean()
        dated, expected = (
            data.get("outcome") in Assignment.DATED_OUTCOMES,
            data.get("expected_date"),
        )
        if dated and not expected:
            self.add_error("expected_date", _("Give the date by which the work will be done."))
        elif dated and expected <= timezone.localdate():
            self.add_error("expected_date", _("The date must be in the future."))
        return data

    def perform(self):
        data = self.cleaned_data
        return workflow.reply(
            self.case,
            self.user,
            data["text"],
            data["outcome"],
            data["expected_date"],
            data["document"],
        )


class RateForm(ActionForm):
    """A follow-up (回访): staff record what the submitter said when they were reached."""

    rating = forms.ChoiceField(
        label=_("Rating given by the submitter"),
        choices=Feedback.Rating.choices,
        widget=forms.RadioSelect,
    )
    means = forms.ChoiceField(
        label=_("How the submitter was reached"),
        choices=Feedback.Means.choices,
        widget=forms.RadioSelect,
    )
    contacted_person = text_field(
        _("Person spoken to"), max_length_of(Feedback, "contacted_person")
    )
    contacted_at = forms.DateTimeField(
        label=_("Time of the follow-up"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": _("Give the time of the follow-up."),
            "invalid": _("Give the time as year-month-day hour:minute."),
        },
    )
    comment = text_field(
        _("What the submitter said"),
        max_length_of(Feedback, "comment"),
        required=False,
        textarea=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_person"].initial = self.case.submitter_name
        # Most follow-ups are recorded during or right after the call.
        self.fields["contacted_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["contacted_person"].error_messages["required"] = _("Say whom you spoke to.")
        self.fields["rating"].error_messages["required"] = _("Choose the rating.")
        self.fields["means"].error_messages["required"] = _("Say how the submitter was reached.")

    def clean_contacted_at(self):
        when = self.cleaned_data["contacted_at"]
        if when > timezone.now():
            raise forms.ValidationError(_("The follow-up cannot be in the future."))
        return when

    def perform(self):
        data = self.cleaned_data
        return workflow.record_feedback(
            self.case,
            data["rating"],
            data["comment"],
            actor=self.user,
            follow_up={key: data[key] for key in ("means", "contacted_person", "contacted_at")},
        )


class RequestExtensionForm(ActionForm):
    until = forms.DateField(
        label=_("New reply date asked for"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = reason_field(Assignment, "extension_reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].error_messages.update(
            required=_("Give the date you ask for."), invalid=_("Give the date as year-month-day.")
        )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if why := workflow.extension_refusal(self.case, until):
            raise forms.ValidationError(why)
        return until

    def perform(self):
        return workflow.request_extension(
            self.case, self.user, self.cleaned_data["until"], self.cleaned_data["reason"]
        )


class DecideExtensionForm(ActionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("grant", _("Grant: move the deadline")), ("refuse", _("Refuse"))],
    )
    note = text_field(_("Note"), 1000, required=False, textarea=True)

    def perform(self):
        return workflow.decide_extension(
            self.case,
            self.user,
            self.cleaned_data["decision"] == "grant",
            self.cleaned_data["note"],
        )


class ReclassifyForm(ActionForm):
    """The committee corrects what the case is; the submitter's words are kept on the case."""

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.all(),
        error_messages={"required": _("Choose a category.")},
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices, widget=forms.RadioSelect)
    title = text_field(_("Title"), max_length_of(Case, "title"))
    description = text_field(_("Description"), max_length_of(Case, "description"), textarea=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.case
        self.fields["category"].queryset = Category.objects.filter(
            Q(is_active=True) | Q(pk=case.category_id)
        )
        for name in ("category", "kind", "title", "description"):
            self.fields[name].initial = getattr(case, f"{name}_id", None) or getattr(case, name)
        self.fields["title"].error_messages.update(
            required=_("Write the title."),
            max_length=_("The title is at most %(limit_value)d characters."),
        )
        self.fields["description"].error_messages.update(
            required=_("Write the description."),
            max_length=_("The description is at most %(limit_value)d characters."),
        )

    def perform(self):
        return workflow.reclassify(self.case, self.user, **self.cleaned_data)


ACTION_FORMS = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "merge": MergeForm,
    "assign": AssignForm,
    "sign": SignForm,
    "return": ReturnForm,
    "reply": ReplyForm,
    "approve": ApproveForm,
    "approve_stage": ApproveStageForm,
    "send_back": SendBackForm,
    "rate": RateForm,
    "close": CloseForm,
    "note": NoteForm,
    "request_extension": RequestExtensionForm,
    "decide_extension": DecideExtensionForm,
    "reclassify": ReclassifyForm,
}
assert set(ACTION_FORMS) == set(workflow.TRANSITIONS) - workflow.PANEL_ACTIONS

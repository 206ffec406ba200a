"""One small form per workflow action; each form knows which workflow function it calls."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions import workflow
from submissions.forms import max_length_of, text_field
from submissions.models import Assignment, Case, Committee, Department, Feedback

REPLY_DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
REPLY_DOCUMENT_MAX = 10 * 1024 * 1024


class ActionForm(forms.Form):
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


class NoteForm(ActionForm):
    text = text_field(_("Note"), 2000, textarea=True)

    def perform(self):
        return workflow.add_note(self.case, self.user, self.cleaned_data["text"])


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


class AssignForm(ActionForm):
    department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.filter(is_active=True)
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"),
        required=False,
        queryset=Department.objects.filter(is_active=True),
    )
    committee = forms.ModelChoiceField(
        label=_("Through committee"),
        required=False,
        queryset=Committee.objects.filter(is_active=True),
    )

    def clean(self):
        data = super().clean()
        if data.get("department") and data.get("department") in (data.get("assisting") or []):
            self.add_error("assisting", _("The lead department cannot also assist."))
        return data

    def perform(self):
        data = self.cleaned_data
        return workflow.assign(
            self.case,
            self.user,
            data["department"],
            data["committee"] or data["department"].committee,
            data["assisting"],
        )


class ReplyForm(ActionForm):
    text = text_field(_("Reply"), max_length_of(Assignment, "reply_text"), textarea=True)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Assignment.Outcome.choices)
    expected_date = forms.DateField(
        label=_("Expected completion (for work in progress)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
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

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Assignment.Outcome.IN_PROGRESS and not data.get("expected_date"):
            self.add_error("expected_date", _("Give the expected completion date."))
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


ACTION_FORMS = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "merge": MergeForm,
    "assign": AssignForm,
    "sign": SignForm,
    "return": ReturnForm,
    "reply": ReplyForm,
    "approve": ApproveForm,
    "send_back": SendBackForm,
    "rate": RateForm,
    "close": CloseForm,
    "note": NoteForm,
    "request_extension": RequestExtensionForm,
    "decide_extension": DecideExtensionForm,
}
assert set(ACTION_FORMS) == set(workflow.TRANSITIONS) - workflow.PANEL_ACTIONS

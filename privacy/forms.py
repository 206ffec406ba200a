"""The small forms of the privacy screens: each asks for the reason the law wants recorded."""

from django import forms
from django.utils.translation import gettext_lazy as _

from submissions.models import Case
from submissions.validators import normalise_mobile, validate_mobile

REASON_HELP = _("Recorded with your name and the time, for the committee's review.")


def reason_field(label):
    return forms.CharField(label=label, max_length=200, help_text=REASON_HELP)


class RevealForm(forms.Form):
    reason = reason_field(_("Why do you need the contact details?"))


class SearchForm(forms.Form):
    query = forms.CharField(
        label=_("Mobile phone or name"),
        max_length=100,
        help_text=_("A phone number in any form (spaces, dashes, +86), or the full name."),
    )
    reason = reason_field(_("Reason (the person's request)"))


class ChosenCasesForm(forms.Form):
    """The cases found for the person, as ticked on the results page."""

    cases = forms.ModelMultipleChoiceField(
        label=_("Cases"), queryset=Case.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reason = reason_field(_("Reason"))

    def __init__(self, *args, cases, **kwargs):
        """cases: the person's cases as the search found them; only those can be chosen."""
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: case.reference


class ExportForm(ChosenCasesForm):
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", _("Spreadsheet (XLSX)")), ("json", "JSON")]
    )


class CorrectForm(ChosenCasesForm):
    submitter_name = forms.CharField(label=_("Correct name"), max_length=30, required=False)
    submitter_phone = forms.CharField(
        label=_("Correct mobile phone"),
        max_length=20,
        required=False,
        validators=[validate_mobile],
    )
    submitter_email = forms.EmailField(label=_("Correct e-mail"), max_length=100, required=False)
    clear_email = forms.BooleanField(label=_("Remove the e-mail address"), required=False)

    def clean_submitter_phone(self):
        value = self.cleaned_data["submitter_phone"]
        return normalise_mobile(value) if value else value

    def clean(self):
        data = super().clean()
        if not (
            data.get("submitter_name")
            or data.get("submitter_phone")
            or data.get("submitter_email")
            or data.get("clear_email")
        ):
            raise forms.ValidationError(_("Enter at least one corrected value."))
        return data

    def changes(self):
        data = self.cleaned_data
        email = "" if data["clear_email"] else (data["submitter_email"] or None)
        return {
            "name": data["submitter_name"].strip() or None,
            "phone": data["submitter_phone"] or None,
            "email": email,
        }


class EraseForm(ChosenCasesForm):
    confirm = forms.BooleanField(
        label=_(
            "I understand that the person's data on these cases is anonymised now and cannot "
            "be restored."
        )
    )

"""Public and staff forms for recording a case."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from deputies.models import Deputy, Enterprise
from portal.forms import PlainMessages, plain_messages
from submissions import photos, staging
from submissions.models import Case, Category, Feedback
from submissions.validators import normalise_mobile, validate_mobile, validate_plain_text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files if item]


def too_many_photos():
    return forms.ValidationError(
        ngettext(
            "Attach at most %(count)d photo.",
            "Attach at most %(count)d photos.",
            photos.MAX_PHOTOS,
        )
        % {"count": photos.MAX_PHOTOS},
        code="too_many",
    )


class CategorySelect(forms.Select):
    """Each option carries its category's notice, for the script that shows it on change."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        notice = getattr(getattr(value, "instance", None), "notice", "")
        if notice:
            option["attrs"]["data-notice"] = notice
        return option


def max_length_of(model, name):
    """The model field's max_length: a form takes its limit from the model, never restates it."""
    return model._meta.get_field(name).max_length


def text_field(label, max_length, required=True, textarea=False, **attrs):
    widget = forms.Textarea(attrs={"rows": 6, **attrs}) if textarea else forms.TextInput(attrs)
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget,
        validators=[validate_plain_text],
        strip=True,
    )


class CaseFieldsForm(PlainMessages, forms.Form):
    """The fields every channel shares; what a case says and who said it."""

    half_width = ("submitter_phone", "submitter_email")

    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Case.Kind.choices,
        initial=Case.Kind.PROBLEM,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a category"),
        widget=CategorySelect,
    )
    title = text_field(
        _("Title"),
        max_length_of(Case, "title"),
        **{"data-counter": "true", "placeholder": _("In one sentence")},
    )
    description = text_field(
        pgettext_lazy("case", "Description"),
        max_length_of(Case, "description"),
        textarea=True,
        **{"data-counter": "true"},
    )
    place = text_field(
        _("Place in the park (optional)"), max_length_of(Case, "place"), required=False
    )
    enterprise_name = text_field(
        _("Your enterprise (optional)"),
        max_length_of(Case, "enterprise_name"),
        required=False,
        list="known-enterprises",
        autocomplete="organization",
    )
    submitter_name = text_field(
        _("Your name"), max_length_of(Case, "submitter_name"), autocomplete="name"
    )
    submitter_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=max_length_of(Case, "submitter_phone"),
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    submitter_email = forms.EmailField(
        label=_("E-mail (optional)"),
        max_length=max_length_of(Case, "submitter_email"),
        required=False,
    )
    photos = MultiplePhotoField(  # label and help text name the limits: see __init__
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    # Off unless ticked: consent to publish is given, never assumed (an explicit opt-in).
    allow_disclosure = forms.BooleanField(
        label=_("The outcome may be published without my name or contact details"),
        required=False,
        initial=False,
    )
    # Off unless ticked: without it the handling department never sees the phone number.
    allow_direct_contact = forms.BooleanField(
        label=_("The handling department may contact me directly"),
        required=False,
        initial=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        # Built here, not on the class, so that they always state the limits photos.py enforces.
        self.fields["photos"].label = _("Photos (optional, up to %(count)d)") % {
            "count": photos.MAX_PHOTOS
        }
        self.fields["photos"].help_text = _(
            "JPEG, HEIC, PNG, WebP or GIF, at most %(size)d MB each. Location data is removed."
        ) % {"size": photos.MAX_BYTES // 1024 // 1024}

    def clean_submitter_phone(self):
        return normalise_mobile(self.cleaned_data["submitter_phone"])

    def clean_photos(self):
        uploads = self.cleaned_data.get("photos") or []
        if len(uploads) > photos.MAX_PHOTOS:
            raise too_many_photos()
        cleaned, errors = [], []
        for upload in uploads:
            try:
                cleaned.append(photos.clean_photo(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned

    def case_fields(self):
        """The cleaned values that become Case fields, resolving a known enterprise by name."""
        data = {
            name: self.cleaned_data[name]
            for name in (
                "kind",
                "category",
                "title",
                "description",
                "place",
                "enterprise_name",
                "submitter_name",
                "submitter_phone",
                "submitter_email",
                "allow_disclosure",
                "allow_direct_contact",
            )
        }
        if data["enterprise_name"]:
            data["enterprise"] = Enterprise.objects.filter(name=data["enterprise_name"]).first()
        return data


class SubmissionForm(CaseFieldsForm):
    """The public form behind /submit/ and /q/<token>/."""

    consent = forms.BooleanField(
        label=_("I have read the personal-information notice and agree"),
        error_messages={"required": _("Your consent is needed so that we can handle the problem.")},
    )
    # Honeypot: people never see it; bots fill every box.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    submission_key = forms.CharField(
        widget=forms.HiddenInput, max_length=max_length_of(Case, "submission_key"), required=False
    )
    # The signed token of the photos kept from a try that came back with an error (staging.py);
    # rendered by the kept-photos template, with the fresh token, not by the layout.
    kept_photos = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args, privacy_url="", staging_owner=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.staging_owner = staging_owner
        self.kept, self.removed, self.kept_photos = [], [], []
        for name, field in self.fields.items():
            # The browser checks required fields before a slow upload (static/js/submit-form.js)
            # and says what the server would say.
            plain_messages(self, name, field)
            if field.required:
                field.widget.attrs["data-required-message"] = field.error_messages["required"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        notice = _(
            'Read the <a href="%(url)s">personal-information notice</a>: what we '
            "collect, why, who sees it and how long it is kept."
        ) % {"url": privacy_url}
        self.helper.layout = Layout(
            Fieldset(
                _("Your problem"),
                "kind",
                "category",
                HTML('{% include "submissions/includes/category_notice.html" %}'),
                "title",
                HTML('{% include "submissions/includes/similar.html" %}'),
                "description",
                "place",
                "enterprise_name",
                "photos",
                HTML('{% include "submissions/includes/kept_photos.html" %}'),
            ),
            Fieldset(_("How we reach you"), "submitter_name", "submitter_phone", "submitter_email"),
            HTML(f'<p class="privacy-note">{notice}</p>'),
            "consent",
            "allow_direct_contact",
            "allow_disclosure",
            Field("website", wrapper_class="hp-field"),
            "submission_key",
            Submit("submit", _("Submit"), css_class="btn-danger btn-lg btn-submit"),
        )

    def clean_submission_key(self):
        # A hidden field's error could not be shown next to anything the user sees; a missing
        # or mangled key only costs this one post its double-submit protection.
        try:
            return uuid.UUID(hex=self.cleaned_data["submission_key"]).hex
        except ValueError:
            return uuid.uuid4().hex

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("kept_photos")
        if token:
            try:
                kept = staging.read(token, self.staging_owner)
                dropped = set(self.data.getlist("remove_kept")) if self.is_bound else set()
                self.kept = [k for k in kept if k.id not in dropped]
                self.removed = [k for k in kept if k.id in dropped]
                # Read now: once in memory, a second tab using the same files cannot take them.
                self.kept_photos = staging.load(self.kept)
            except staging.Refused:
                self.kept, self.removed, self.kept_photos = [], [], []
                self.add_error(
                    "photos",
                    _("The photos kept from your last try have expired; please choose them again."),
                )
        if len(self.kept) + len(cleaned.get("photos") or []) > photos.MAX_PHOTOS:
            self.add_error("photos", too_many_photos())
        return cleaned

    def all_photos(self):
        """The kept photos and the new ones, for create_case."""
        return self.kept_photos + list(self.cleaned_data["photos"])

    def category_notice(self):
        """The chosen category's notice, shown server-side when the form comes back."""
        try:
            chosen = self.fields["category"].queryset.filter(pk=self["category"].value())
            return chosen.values_list("notice", flat=True).first() or ""
        except (ValueError, TypeError):
            return ""

    def error_links(self):
        """(anchor, message) for the summary above the form: each error links to its field."""
        links = [("", error) for error in self.non_field_errors()]
        for field in self.visible_fields():
            anchor = field.auto_id
            if isinstance(field.field.widget, forms.RadioSelect):
                anchor += "_0"
            links += [(anchor, error) for error in field.errors]
        return links


class StaffCaseForm(CaseFieldsForm):
    """Items that reached the station offline; consent was given in person."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Case.Channel.choices if c[0] != Case.Channel.ONLINE]
    )
    received_on = forms.DateField(
        label=_("Date received"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_by = text_field(_("Received by"), max_length_of(Case, "received_by"))
    deputy = forms.ModelChoiceField(
        label=_("Addressed deputy"), required=False, queryset=Deputy.objects.filter(is_active=True)
    )
    consent_in_person = forms.BooleanField(
        label=_("The person agreed to the personal-information notice in person"),
        error_messages={"required": _("Record the item only after the person has agreed.")},
    )

    # The shared fields speak to the submitter ("Your name"); here staff record someone else.
    STAFF_LABELS = {
        "enterprise_name": _("Enterprise"),
        "submitter_name": capfirst(_("submitter name")),
        "submitter_phone": capfirst(_("contact phone")),
        "allow_disclosure": _(
            "The person agrees that the outcome may be published without their name or "
            "contact details"
        ),
        "allow_direct_contact": _("The person agrees that the handling department calls them"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in self.STAFF_LABELS.items():
            self.fields[name].label = label

    def case_fields(self):
        data = super().case_fields()
        data.update(
            {
                name: self.cleaned_data[name]
                for name in ("channel", "received_on", "received_by", "deputy", "consent_in_person")
            }
        )
        data["consent_given"] = True
        return data


class TrackForm(PlainMessages, forms.Form):
    # References and codes are printed in ASCII; typed with a Chinese input method they may
    # come in full width (ＹＸＧＹ－２０２６…).
    half_width = ("reference", "code")

    reference = forms.CharField(
        label=_("Reference number"),
        max_length=max_length_of(Case, "reference"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class FeedbackForm(PlainMessages, forms.Form):
    subjects = {"rating": _("a rating")}

    rating = forms.ChoiceField(
        label=_("How satisfied are you with the outcome?"),
        choices=Feedback.Rating.choices,
        widget=forms.RadioSelect,
    )
    comment = text_field(
        _("Comment (optional)"),
        max_length_of(Feedback, "comment"),
        required=False,
        textarea=True,
    )

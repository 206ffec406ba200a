"""The notice editor's form (masking on every save), the public list's filters and the
statistics page's period."""

import re
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from disclosure import stats
from portal.forms import PlainMessages
from submissions import masking
from submissions.models import Assignment, Category, Department


class DisclosureNoticeForm(WagtailAdminPageForm):
    """Masks the public text again on every save and refuses to send a notice towards
    publication while it still holds something that looks like personal data, unless the
    editor confirms those fragments are not personal data."""

    confirm_leftovers = forms.BooleanField(
        label=_("I have checked: the numbers and addresses listed above are not personal data"),
        required=False,
    )

    def going_public(self):
        """Publishing, submitting for moderation, approving, or editing during moderation."""
        data = self.data
        if data.get("action-publish") or data.get("action-submit"):
            return True
        if data.get("action-workflow-action"):
            return data.get("workflow-action-name") == "approve"
        if data.get("action-cancel-workflow"):
            return False
        return bool(self.instance.pk and self.instance.workflow_in_progress)

    def clean(self):
        cleaned = super().clean()
        notice = self.instance
        names = masking.case_values(notice.case)
        for name in notice.PUBLIC_TEXT_FIELDS:
            if cleaned.get(name):
                cleaned[name] = masking.mask(cleaned[name], names=names)
        text = "\n".join(cleaned.get(name) or "" for name in notice.PUBLIC_TEXT_FIELDS)
        unconfirmed = notice.unconfirmed_leftovers(text)
        if cleaned.get("confirm_leftovers"):
            notice.confirmed_leftovers = "\n".join(masking.leftovers(text))
        elif unconfirmed and self.going_public():
            self.add_error(
                "confirm_leftovers",
                _(
                    "This still looks like personal data: %(parts)s. Remove it from the text, "
                    "or tick the box to confirm it is not personal data."
                )
                % {"parts": "、".join(unconfirmed)},
            )
        return cleaned


MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class NoticeFilterForm(PlainMessages, forms.Form):
    q = forms.CharField(label=_("Search"), max_length=40, required=False)
    category = forms.ModelChoiceField(
        Category.objects.filter(is_active=True),
        label=_("Category"),
        required=False,
        empty_label=_("All categories"),
    )
    department = forms.ModelChoiceField(
        Department.objects.all(),
        label=_("Department"),
        required=False,
        empty_label=_("All departments"),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("All outcomes"))] + Assignment.Outcome.choices,
        required=False,
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-08"}),
    )

    def clean_month(self):
        month = self.cleaned_data["month"].strip()
        if month and not MONTH.match(month):
            raise forms.ValidationError(_("Enter a month as year-month, e.g. 2026-08."))
        return month

    def valid(self):
        """The filters that passed validation; a bad one is reported and left out."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {key: value for key, value in self.cleaned_data.items() if value}

    def filter(self, notices):
        values = self.valid()
        if q := values.get("q", "").strip():
            # icontains, not the search backend: it finds 照明 inside 园区道路照明问题 on
            # SQLite and PostgreSQL alike, where word-based search needs spaces between words.
            notices = notices.filter(
                Q(title__icontains=q)
                | Q(summary__icontains=q)
                | Q(handling__icontains=q)
                | Q(reference__iexact=q)
            )
        for key in ("category", "department", "outcome"):
            if key in values:
                notices = notices.filter(**{key: values[key]})
        if month := values.get("month"):
            year, number = MONTH.match(month).groups()
            notices = notices.filter(disclosed_on__year=int(year), disclosed_on__month=int(number))
        return notices

    def query_string(self):
        values = self.valid()
        return urlencode(
            {key: getattr(value, "pk", value) for key, value in values.items() if key != "page"}
        )


class StatsPeriodForm(PlainMessages, forms.Form):
    """This year, the last 12 months, or one of the years that have cases."""

    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.key, p.label) for p in stats.periods()]

    def chosen(self):
        """The chosen period; this year when nothing (valid) was chosen."""
        valid = self.is_bound and self.is_valid()
        return stats.choose(self.cleaned_data.get("period") if valid else "")

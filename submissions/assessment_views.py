"""The department assessment page (考核通报): choose a month, quarter or year; read, print on
A4 for the director's meeting."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from submissions import assessment


class AssessmentPeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Period"),
        choices=[("month", _("By month")), ("quarter", _("By quarter")), ("year", _("By year"))],
        error_messages={
            "required": _("Choose month, quarter or year."),
            "invalid_choice": _("Choose month, quarter or year."),
        },
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Give the year."),
            "invalid": _("Give the year as four digits."),
            "min_value": _("Give a year from 2000 to 2100."),
            "max_value": _("Give a year from 2000 to 2100."),
        },
    )
    number = forms.IntegerField(
        label=_("Month or quarter"),
        required=False,
        error_messages={"invalid": _("Give the month (1–12) or the quarter (1–4) as a number.")},
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["period"] = assessment.period(data["kind"], data["year"], data.get("number") or 0)
        except ValueError:
            self.add_error(
                "number",
                _("Give the month (1–12).")
                if data["kind"] == "month"
                else _("Give the quarter (1–4)."),
            )
        return data


@permission_required("submissions.view_department", raise_exception=True)
def assessment_page(request):
    current = assessment.current_month()
    data = request.GET if "kind" in request.GET else None
    form = AssessmentPeriodForm(
        data, initial={"kind": "month", "year": current.year, "number": current.number}
    )
    chosen = current if data is None else (form.cleaned_data["period"] if form.is_valid() else None)
    result = assessment.assess(chosen) if chosen else None
    return render(request, "submissions/admin/assessment.html", {"form": form, "a": result})

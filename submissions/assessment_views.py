"""The department assessment page (考核通报): choose a month, quarter or year; read, print on
A4 for the director's meeting."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deputies.models import Station
from portal.forms import PlainMessages
from portal.xlsx_print import (
    INTEGER,
    PERCENT,
    TEXT,
    WRAP,
    Column,
    PrintableWorkbook,
    attachment,
    percent,
)
from submissions import assessment


class AssessmentPeriodForm(PlainMessages, forms.Form):
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
    if result and request.GET.get("format") == "xlsx":
        station = Station.default()
        return assessment_xlsx(result, station.name if station else "")
    return render(request, "submissions/admin/assessment.html", {"form": form, "a": result})


COLUMNS = [
    # heading, row key, width, kind
    ("排名", "rank", 6, INTEGER),
    ("承办单位", "name", 24, WRAP),
    ("交办件次", "rounds", 9, INTEGER),
    ("按时签收率", "taken_up_on_time_rate", 11, PERCENT),
    ("按时答复率", "on_time_rate", 11, PERCENT),
    ("逾期未答复", "overdue", 10, INTEGER),
    ("退回率", "return_rate", 9, PERCENT),
    ("延期率", "extension_rate", 9, PERCENT),
    ("重办件次", "reworked", 9, INTEGER),
    ("满意率", "satisfied_rate", 9, PERCENT),
    ("满意率（含基本满意）", "satisfaction_rate", 12, PERCENT),
    ("平均答复天数", "average_reply_days", 12, TEXT),
]
TARGET_NAMES = {"on_time_rate": "按时答复率", "satisfied_rate": "满意率"}


def assessment_xlsx(result, station_name):
    """The 通报 as a sheet that prints (portal.xlsx_print): one row per department in rank
    order, rates as percentages, and the targets each department missed, in words."""
    chosen = result["period"]
    title = f"{station_name} 承办单位考核通报（{chosen.label}）"
    columns = [Column(heading, width, kind) for heading, _key, width, kind in COLUMNS]
    book = PrintableWorkbook()
    sheet = book.sheet("考核通报", title, [*columns, Column("未达标项", 16, WRAP)])
    for row in result["rows"]:
        values = [
            percent(row[key]) if kind == PERCENT else row[key] for _h, key, _w, kind in COLUMNS
        ]
        missed = "、".join(name for key, name in TARGET_NAMES.items() if row["below"][key])
        sheet.row([*values, missed])
    return attachment(book.close(), f"考核通报-{chosen.label}.xlsx")

"""The department assessment page (考核通报): choose a month, quarter or year; read, print on
A4 for the director's meeting."""

import tempfile

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from deputies.models import Station
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
    if result and request.GET.get("format") == "xlsx":
        station = Station.default()
        return assessment_xlsx(result, station.name if station else "")
    return render(request, "submissions/admin/assessment.html", {"form": form, "a": result})


COLUMNS = [
    # heading, row key, kind ("int", "rate", "days" or "text"), width
    ("排名", "rank", "int", 6),
    ("承办单位", "name", "text", 26),
    ("交办件次", "rounds", "int", 9),
    ("按时签收率", "taken_up_on_time_rate", "rate", 11),
    ("按时答复率", "on_time_rate", "rate", 11),
    ("逾期未答复", "overdue", "int", 10),
    ("退回率", "return_rate", "rate", 9),
    ("延期率", "extension_rate", "rate", 9),
    ("重办件次", "reworked", "int", 9),
    ("满意率", "satisfied_rate", "rate", 9),
    ("满意率（含基本满意）", "satisfaction_rate", "rate", 12),
    ("平均答复天数", "average_reply_days", "days", 12),
]


def assessment_xlsx(result, station_name):
    """The 通报 as an A4 landscape sheet: title, one row per department, rates as numbers in
    percent format, missed targets filled red, the heading repeated on every printed page."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    chosen = result["period"]
    book = Workbook()
    sheet = book.active
    sheet.title = "考核通报"
    title = f"{station_name} 承办单位考核通报（{chosen.label}）"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([heading for heading, *_ in COLUMNS])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    missed = PatternFill("solid", fgColor="FDE8E8")
    for row in result["rows"]:
        values = []
        for _heading, key, kind, _width in COLUMNS:
            value = row[key]
            values.append(value / 100 if kind == "rate" and value is not None else value)
        sheet.append(values)
        for index, (_heading, key, kind, _width) in enumerate(COLUMNS, start=1):
            cell = sheet.cell(row=sheet.max_row, column=index)
            cell.border = border
            if kind == "rate":
                cell.number_format = "0.0%"
            if row["below"].get(key):
                cell.fill = missed
    for index, (_heading, _key, _kind, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font, cell.border = Font(bold=True), border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = title
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    output = tempfile.TemporaryFile()
    book.save(output)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"考核通报-{chosen.label}.xlsx")

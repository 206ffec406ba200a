"""Staff downloads that are printed, signed and filed: the ledgers (台账) for a chosen period and
department, and the director's-meeting report as XLSX (portal.xlsx_print)."""

import re

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deputies.models import Station
from portal.forms import PlainMessages
from portal.xlsx_print import (
    INTEGER,
    PERCENT,
    WRAP,
    Column,
    PrintableWorkbook,
    attachment,
    percent,
)
from submissions import ledgers, roles
from submissions.access import view_cases
from submissions.models import Department

# 2026-11 as <input type="month"> sends it; 2026年11月, 2026/11 or 2026.11 as people type it
# where the browser shows a plain text box.
MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


class LedgerForm(PlainMessages, forms.Form):
    """The period: from–to dates when both are given, else a month (this month at first) and,
    for those who see every department, one department. A department's handlers get no
    department field: their scope is their own department whatever the query string says."""

    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-11"}),
    )
    start = forms.DateField(
        label=pgettext_lazy("period", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    department = forms.ModelChoiceField(
        Department.objects.order_by("name"),
        label=gettext_lazy("Department"),
        required=False,
        empty_label=gettext_lazy("All departments"),
        error_messages={"invalid_choice": gettext_lazy("Choose a department from the list.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_month = ledgers.Period.this_month().start
        self.fields["month"].initial = f"{this_month:%Y-%m}"
        if not user.has_perm(roles.SEE_ALL):
            del self.fields["department"]

    def clean_month(self):
        month = self.cleaned_data["month"].strip()
        if not month:
            return None
        match = MONTH.match(month)
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise forms.ValidationError(_("Enter a month as year-month, e.g. 2026-08."))
        return ledgers.Period.month(int(match[1]), int(match[2]))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        typed = {name: self.data.get(name, "").strip() for name in ("start", "end")}
        if any(typed.values()):
            for name in ("start", "end"):
                if not typed[name]:
                    self.add_error(name, _("Enter both dates, or choose a month instead."))
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        station = Station.default()
        limit = station.max_ledger_days if station else 366
        if start and end and (end - start).days + 1 > limit:
            self.add_error(
                "end",
                _("A ledger covers at most %(days)d days; choose a shorter period.")
                % {"days": limit},
            )
        return data

    def period(self):
        """The chosen period; call after is_valid()."""
        data = self.cleaned_data
        if data.get("start") and data.get("end"):
            return ledgers.Period(data["start"], data["end"])
        return data.get("month") or ledgers.Period.this_month()


def _page(request, form):
    context = {"form": form, "ledgers": ledgers.ledgers()}
    return render(request, "submissions/admin/ledgers.html", context)


@view_cases
def ledger_index(request):
    return _page(request, LedgerForm(user=request.user))


@view_cases
def ledger_export(request, kind):
    if kind not in ledgers.ledgers():
        raise Http404
    # Without a choice (an old bookmark), this month's ledger of every department in scope.
    form = LedgerForm(request.GET or {}, user=request.user)
    if not form.is_valid():
        # Back on the form, with the reasons next to the fields and what was typed kept.
        return _page(request, form)
    department = form.cleaned_data.get("department")
    result = ledgers.export(kind, request.user, form.period(), department=department)
    return attachment(result.file, result.filename)


def report_xlsx(figures):
    """The director's-meeting report (submissions/report.py) as a sheet that prints."""
    period = ledgers.Period(figures["start"], figures["end"])
    name = "主任会议报告"
    book = PrintableWorkbook()
    sheet = book.sheet(name, ledgers.title(name, period), width=5)
    sheet.table([Column("", 24), Column("", 14, INTEGER)], headings=False)
    for label, key, kind in (
        ("收到", "received", INTEGER),
        ("受理", "accepted", INTEGER),
        ("办结", "closed", INTEGER),
        ("按期答复率", "on_time_rate", PERCENT),
        ("满意率", "satisfaction_rate", PERCENT),
    ):
        value = percent(figures[key]) if kind == PERCENT else figures[key]
        sheet.row([label, value], kinds=[WRAP, kind])
    for heading, rows, first, key in (
        ("按类别", figures["by_category"], "收到", "received"),
        ("按承办单位", figures["by_department"], "交办", "rounds"),
    ):
        sheet.table(
            [
                Column(heading, 24, WRAP),
                Column(first, 10, INTEGER),
                Column("答复", 10, INTEGER),
                Column("按期答复率", 12, PERCENT),
                Column("满意率", 12, PERCENT),
            ]
        )
        for row in rows:
            sheet.row(
                [
                    row["name"],
                    row[key],
                    row["replied"],
                    percent(row["on_time_rate"]),
                    percent(row["satisfaction_rate"]),
                ]
            )
    sheet.table(
        [
            Column("督办中的诉求件", 24),
            Column("标题", 36, WRAP),  # typed by the public: neutralised like every text cell
            Column("督办原因", 20, WRAP),
            Column("承办单位", 16, WRAP),
            Column("轮次", 8, INTEGER),
        ]
    )
    for case in figures["attention"]:
        rounds = list(case.assignments.all())
        sheet.row(
            [
                case.reference,
                case.title,
                "、".join(str(label) for _code, label in case.reasons),
                rounds[-1].lead_department.name if rounds else "",
                len(rounds),
            ]
        )
    filename = f"{name}-{period.label}.xlsx"
    return attachment(book.close(), filename)

"""The three ledgers (台账) as print-ready XLSX, in the column order of the paper forms.

A ledger covers a period (cases by the date they were received; the 公示清单 by the date its
notices were disclosed) and, for those who see every department, optionally one department.
Rows are always read within the user's scope (``Case.objects.visible_to``): a department only
ever gets its own rounds. Personal data follows DESIGN §5: the submitter's name and phone only
for roles with contact rights, free text masked for the others.

This module defines 问题清单 and 认领清单; other apps contribute theirs through the
``register_ledgers`` hook (a function returning a list of :class:`Ledger`), so that
``submissions`` never imports them: ``disclosure`` adds 公示清单, the published notices.

Rows are read a chunk at a time and written as they come (portal.xlsx_print): memory stays
flat however many rows there are."""

import calendar
import datetime
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail import hooks

from deputies.models import Station
from portal.xlsx_print import DATE, INTEGER, TEXT, WRAP, Column, PrintableWorkbook
from submissions import masking, roles
from submissions.models import Assignment, Case, LedgerExport

S = Case.Status
CHUNK = 2000


@dataclass(frozen=True)
class Field:
    """A ledger column: heading, how to read it from a row, width and kind (portal.xlsx_print).
    free_text marks text the submitter typed, masked whenever the export carries no
    personal data (phones and names turn up in it too)."""

    heading: str
    value: Callable
    width: float = 12
    kind: str = TEXT
    free_text: bool = False

    @property
    def column(self):
        return Column(self.heading, self.width, self.kind)


@dataclass(frozen=True)
class Ledger:
    """One ledger. rows(selection) gives the ordered rows (a queryset) of a
    :class:`Selection`; case(row) the case a row is about, for masking and the personal
    columns. personal: roles with contact rights also get the submitter's name and phone."""

    kind: str  # in the URL: /admin/cases/ledgers/<kind>.xlsx
    title: str
    fields: list[Field]
    rows: Callable
    personal: bool = False
    case: Callable = field(default=lambda row: row)
    # with_chunk(selection, rows) reads what a chunk of rows needs beyond the rows themselves,
    # in a query or two, so that no column costs a query per row.
    with_chunk: Callable | None = None


@dataclass(frozen=True)
class Period:
    """A month, or the days from start to end (both included)."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def month(cls, year, month):
        last = calendar.monthrange(year, month)[1]
        return cls(datetime.date(year, month, 1), datetime.date(year, month, last))

    @classmethod
    def this_month(cls):
        today = timezone.localdate()
        return cls.month(today.year, today.month)

    @property
    def is_month(self):
        return self == Period.month(self.start.year, self.start.month)

    @property
    def label(self):
        """2026年11月, or 2026年11月3日至2026年12月2日."""
        if self.is_month:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        if self.start == self.end:
            return date_format(self.start)
        return _("%(start)s to %(end)s") % {
            "start": date_format(self.start),
            "end": date_format(self.end),
        }


@dataclass
class Selection:
    """What one export covers: the user's scope, a period, and perhaps one department."""

    user: object
    period: Period
    department: object = None

    @cached_property
    def visible_cases(self):
        return Case.objects.visible_to(self.user)

    @cached_property
    def cases(self):
        """The visible cases received in the period (of the department when one is chosen)."""
        cases = self.visible_cases.filter(received_on__range=(self.period.start, self.period.end))
        if self.department is not None:
            cases = cases.filter(pk__in=self.department_rounds().values("case"))
        return cases

    def department_rounds(self):
        """The rounds the chosen department led or assisted in, returned ones included: the
        committee reads a department's whole record."""
        department = self.department
        assisted = Assignment.assisting_departments.through.objects.filter(department=department)
        return Assignment.objects.filter(
            Q(lead_department=department) | Q(pk__in=assisted.values("assignment"))
        )

    @cached_property
    def rounds(self):
        """The rounds of those cases this user may read (roles.visible_rounds, as a query): a
        department only ever its own; and only the chosen department's, when one is."""
        return self.readable(Assignment.objects.filter(case__in=self.cases))

    def readable(self, rounds):
        """rounds narrowed to those this user may read (and to the chosen department's)."""
        user = self.user
        if not user.has_perm(roles.SEE_ALL):
            condition = Q(pk__in=[])
            if department := roles.acting_department(user):
                condition |= Q(pk__in=Assignment.objects.handled_by(department).values("pk"))
            if deputy := roles.addressed_deputy(user):
                condition |= Q(case__deputy=deputy)
            rounds = rounds.filter(condition)
        if self.department is not None:
            rounds = rounds.filter(pk__in=self.department_rounds().values("pk"))
        return rounds


@functools.cache
def _label(choices, value):
    # get_FOO_display() per row cost a sixth of the export time; the site has one language.
    return str(choices(value).label) if value else ""


def _date(value):
    return timezone.localtime(value).date() if value else None


PROBLEMS = Ledger(
    kind="problems",
    title="问题清单",
    fields=[
        Field("编号", lambda c: c.reference, 16),
        Field("收集日期", lambda c: c.received_on, 14, DATE),
        Field("渠道", lambda c: _label(Case.Channel, c.channel), 12, WRAP),
        Field("企业", lambda c: c.enterprise.name if c.enterprise else c.enterprise_name, 20, WRAP),
        Field("类别", lambda c: c.category.name, 12, WRAP),
        Field("问题内容", lambda c: f"{c.title}：{c.description}", 48, WRAP, free_text=True),
        Field("收集代表", lambda c: c.deputy.name if c.deputy else "", 10, WRAP),
    ],
    personal=True,
    rows=lambda selection: (
        selection.cases.exclude(status__in=[S.SUBMITTED, S.REJECTED, S.MERGED])
        .select_related("enterprise", "category", "deputy")
        .order_by("received_on", "pk")
    ),
)


# What the 认领清单 reads of each round, as plain values: model instances for every round and
# department made the export twice as slow as the 问题清单.
ROUND_VALUES = (
    "pk",
    "case_id",
    "committee__name",
    "lead_department__name",
    "assigned_at",
    "due_at",
    "signed_at",
    "replied_at",
    "handling_round",
    "returned_at",
    "extension_until",
    "extension_granted",
    "supervision",
    "reply_text",
    "outcome",
)


def _attach_rounds(selection, cases):
    """Give each case of a chunk ``ledger_rounds``: the rounds the user may read, oldest first,
    each a dict of ROUND_VALUES plus ``assisting`` (names), in two queries per chunk."""
    by_case = {case.pk: case for case in cases}
    for case in cases:
        case.ledger_rounds = []
    rounds = selection.readable(Assignment.objects.filter(case__in=list(by_case)))
    by_round = {}
    for values in rounds.order_by("round").values(*ROUND_VALUES):
        values["assisting"] = []
        by_case[values["case_id"]].ledger_rounds.append(values)
        by_round[values["pk"]] = values
    assisting = Assignment.assisting_departments.through.objects.filter(
        assignment__in=list(by_round)
    ).order_by("department__name")
    for round_id, name in assisting.values_list("assignment_id", "department__name"):
        by_round[round_id]["assisting"].append(name)


def _latest(case):
    return case.ledger_rounds[-1]


def _returns(case):
    """退回: who returned the case as not their remit, and when."""
    return "；".join(
        f"{a['lead_department__name']}（{date_format(_date(a['returned_at']))}）"
        for a in case.ledger_rounds
        if a["returned_at"]
    )


def _extensions(case):
    """延期: each extension asked for, the date and how it was decided."""
    found = []
    for a in case.ledger_rounds:
        state = Assignment.ExtensionState.of(a["extension_until"], a["extension_granted"])
        if state:
            found.append(f"{date_format(a['extension_until'])}（{state.label}）")
    return "；".join(found)


def _supervision(case):
    level = _label(Assignment.Supervision, _latest(case)["supervision"])
    return f"{level}、{_('Key supervised issue')}" if case.key_supervised else level


def _result(round_):
    if round_["returned_at"]:
        return _("Returned")
    return _label(Assignment.Outcome, round_["outcome"])


def _of_latest(name, convert=lambda value: value):
    return lambda case: convert(_latest(case)[name])


CLAIMS = Ledger(
    kind="claims",
    title="认领清单",
    # One row per case, its rounds summarised; the columns read the latest round the user may
    # read (a department: only its own).
    fields=[
        Field("编号", lambda c: c.reference, 16),
        Field("问题摘要", lambda c: c.title, 28, WRAP, free_text=True),
        Field("对口工委", _of_latest("committee__name", lambda name: name or ""), 14, WRAP),
        Field("承办单位", _of_latest("lead_department__name"), 16, WRAP),
        Field("协办单位", _of_latest("assisting", "、".join), 14, WRAP),
        Field("交办日期", lambda c: _date(c.ledger_rounds[0]["assigned_at"]), 14, DATE),
        Field("办结时限", _of_latest("due_at", _date), 14, DATE),
        Field("签收日期", _of_latest("signed_at", _date), 14, DATE),
        Field("答复日期", _of_latest("replied_at", _date), 14, DATE),
        Field("轮次", _of_latest("handling_round"), 6, INTEGER),
        Field("退回", _returns, 16, WRAP),
        Field("延期", _extensions, 16, WRAP),
        Field("督办级别", _supervision, 12, WRAP),
        Field("办理情况", _of_latest("reply_text"), 36, WRAP, free_text=True),
        Field("办理结果", lambda c: _result(_latest(c)), 16, WRAP),
    ],
    personal=True,
    rows=lambda selection: selection.cases.filter(pk__in=selection.rounds.values("case")).order_by(
        "received_on", "pk"
    ),
    with_chunk=_attach_rounds,
)
# Added to a ledger whose "personal" is True, for roles that may see contact details.
PERSONAL = [
    Field("反映人", lambda c: c.submitter_name, 10, WRAP),
    Field("联系电话", lambda c: c.submitter_phone, 14),
]


def ledgers():
    """{kind: Ledger}, in the order of the three lists: ours, then those other apps register
    through the ``register_ledgers`` hook."""
    found = [PROBLEMS, CLAIMS]
    for hook in hooks.get_hooks("register_ledgers"):
        found.extend(hook())
    return {ledger.kind: ledger for ledger in found}


def title(name, period, department=None):
    """A title row: 云溪县工业园区人大代表联络站 问题清单（2026年11月）, the department after
    the period when one was chosen."""
    station = Station.default()
    period = period.label
    if department is not None:
        period = f"{period}，{department.name}"
    return _("%(station)s %(ledger)s (%(period)s)") % {
        "station": station.name if station else "",
        "ledger": name,
        "period": period,
    }


UNSAFE_IN_FILENAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def filename(ledger, selection):
    """问题清单-2026年12月.xlsx; 认领清单-县人社局-2026年12月.xlsx."""
    parts = [ledger.title]
    if selection.department is not None:
        parts.append(selection.department.name)
    parts.append(selection.period.label)
    return UNSAFE_IN_FILENAMES.sub("_", "-".join(parts)) + ".xlsx"


@dataclass
class Export:
    file: object  # the finished XLSX, a temporary file positioned at its start
    filename: str
    rows: int
    with_personal_data: bool


def export(kind, user, period=None, department=None):
    """The ledger of kind for what user may see in period (this month by default), of one
    department if given (the caller checks the user may choose one). The export is logged
    before the file is written, so an export that fails half way still is."""
    ledger = ledgers()[kind]
    selection = Selection(user, period or Period.this_month(), department)
    personal = ledger.personal and roles.can_see_contact_details(user)
    fields = [
        item if personal or not item.free_text else _masked(ledger, item) for item in ledger.fields
    ] + ([_via(ledger, item) for item in PERSONAL] if personal else [])
    rows = ledger.rows(selection)
    count = rows.count()
    LedgerExport.objects.create(user=user, ledger=kind, rows=count, with_personal_data=personal)

    book = PrintableWorkbook()
    sheet = book.sheet(
        ledger.title,
        title(ledger.title, selection.period, selection.department),
        [item.column for item in fields],
        numbered=True,
    )
    rows = rows.iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(rows, CHUNK)):
        if ledger.with_chunk:
            ledger.with_chunk(selection, chunk)
        for row in chunk:
            sheet.row([item.value(row) for item in fields])
    return Export(book.close(), filename(ledger, selection), count, personal)


def _masked(ledger, item):
    def value(row):
        return masking.mask(item.value(row), masking.case_values(ledger.case(row)))

    return Field(item.heading, value, item.width, item.kind, item.free_text)


def _via(ledger, item):
    """Personal columns read the case, also on ledgers whose rows are assignments."""
    return Field(item.heading, lambda row: item.value(ledger.case(row)), item.width, item.kind)

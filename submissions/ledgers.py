"""The three ledgers (台账) as XLSX, in the column order of the paper forms.

Rows are read a chunk of cases at a time and written straight into a streamed XLSX
(portal.xlsx_stream): the download starts at once and memory stays flat however many
rows there are."""

import functools

from django.utils import timezone

from portal.xlsx_stream import stream_xlsx
from submissions import masking, roles
from submissions.models import Assignment, Case, LedgerExport

S = Case.Status
CHUNK = 2000


@functools.cache
def channel_label(value):
    # get_channel_display() per row cost a sixth of the export time; the site has one language.
    return str(Case.Channel(value).label)


def _date(value):
    return timezone.localtime(value).date() if value else None


def _rating(case):
    feedback = list(case.feedback.all())
    return feedback[-1].get_rating_display() if feedback else ""


PROBLEMS = {
    "title": "问题清单",
    "columns": [
        ("编号", lambda c: c.reference),
        ("收集日期", lambda c: c.received_on),
        ("渠道", lambda c: channel_label(c.channel)),
        ("企业", lambda c: c.enterprise.name if c.enterprise else c.enterprise_name),
        ("类别", lambda c: c.category.name),
        ("问题内容", lambda c: f"{c.title}：{c.description}"),
        ("收集代表", lambda c: c.deputy.name if c.deputy else ""),
    ],
    "personal": True,
    "rows": lambda qs: (
        qs.exclude(status__in=[S.SUBMITTED, S.REJECTED, S.MERGED])
        .select_related("enterprise", "category", "deputy")
        .order_by("received_on", "pk")
    ),
}
CLAIMS = {
    "title": "认领清单",
    "columns": [
        ("编号", lambda a: a.case.reference),
        ("问题摘要", lambda a: a.case.title),
        ("对口工委", lambda a: a.committee.name if a.committee else ""),
        ("承办单位", lambda a: a.lead_department.name),
        ("交办日期", lambda a: _date(a.assigned_at)),
        ("办结时限", lambda a: _date(a.due_at)),
        ("签收日期", lambda a: _date(a.signed_at)),
        ("答复日期", lambda a: _date(a.replied_at)),
        ("办理结果", lambda a: a.get_outcome_display() if a.outcome else ""),
    ],
    "personal": True,
    "rows": lambda qs: (
        Assignment.objects.filter(case__in=qs)
        .select_related("case__enterprise", "committee", "lead_department")
        .order_by("assigned_at", "pk")
    ),
    "case": lambda a: a.case,
}
DISCLOSURE = {
    "title": "公示清单",
    "columns": [
        ("编号", lambda c: c.reference),
        ("问题摘要", lambda c: c.title),
        (
            "承办单位",
            lambda c: c.current_assignment.lead_department.name if c.current_assignment else "",
        ),
        (
            "办理结果",
            lambda c: (
                c.current_assignment.get_outcome_display()
                if c.current_assignment and c.current_assignment.outcome
                else ""
            ),
        ),
        ("办结日期", lambda c: _date(c.updated_at)),
        ("满意度", _rating),
    ],
    # The list that is made public: never the submitter's name or phone, whoever exports it.
    "personal": False,
    "rows": lambda qs: (
        qs.filter(status=S.CLOSED)
        .select_related("enterprise", "current_assignment__lead_department")
        .prefetch_related("feedback")
        .order_by("updated_at", "pk")
    ),
}
LEDGERS = {"problems": PROBLEMS, "claims": CLAIMS, "disclosure": DISCLOSURE}
# Added to a ledger whose "personal" is True, for roles that may see contact details.
PERSONAL = [("反映人", lambda c: c.submitter_name), ("联系电话", lambda c: c.submitter_phone)]
# Columns of text the submitter typed, where phones and names turn up too: masked whenever the
# export carries no personal data (the public list, or a role without contact rights).
FREE_TEXT = {"问题内容", "问题摘要"}


def export(kind, user, cases=None):
    """(XLSX byte chunks, filename, row count) of one ledger for the cases user may see.
    The export is logged before the first byte is sent, so an aborted download still is."""
    ledger = LEDGERS[kind]
    personal = ledger["personal"] and roles.can_see_contact_details(user)
    columns = [
        (heading, value if personal else _masked(ledger, value) if heading in FREE_TEXT else value)
        for heading, value in ledger["columns"]
    ] + ([(h, _via(ledger, f)) for h, f in PERSONAL] if personal else [])
    rows = ledger["rows"](cases if cases is not None else Case.objects.visible_to(user))
    count = rows.count()
    LedgerExport.objects.create(user=user, ledger=kind, rows=count, with_personal_data=personal)

    def lines():
        yield [heading for heading, _ in columns]
        for row in rows.iterator(chunk_size=CHUNK):
            yield [value(row) for _, value in columns]

    filename = f"{ledger['title']}-{timezone.localdate():%Y%m%d}.xlsx"
    return stream_xlsx(ledger["title"], lines()), filename, count


def _masked(ledger, field):
    to_case = ledger.get("case", lambda row: row)
    return lambda row: masking.mask(field(row), masking.case_values(to_case(row)))


def _via(ledger, field):
    """Personal columns read the case, also on ledgers whose rows are assignments."""
    to_case = ledger.get("case", lambda row: row)
    return lambda row: field(to_case(row))

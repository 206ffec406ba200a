"""公示清单, the third ledger: the disclosure notices published in the period (by the date they
were disclosed), as the public read them. ``submissions`` may not import this app, so the
ledger is handed to it through the ``register_ledgers`` hook (wagtail_hooks.py)."""

from disclosure.models import DisclosureNotice
from portal.xlsx_print import DATE, WRAP
from submissions import roles
from submissions.ledgers import Field, Ledger


def notices(selection):
    """The live notices disclosed in the period. Those who do not see every case get the
    notices of the cases they may see (a department its own); one department's when chosen."""
    period = selection.period
    rows = DisclosureNotice.objects.live().filter(disclosed_on__range=(period.start, period.end))
    if not selection.user.has_perm(roles.SEE_ALL):
        rows = rows.filter(case__in=selection.visible_cases)
    if selection.department is not None:
        rows = rows.filter(department=selection.department)
    return rows.select_related("department").order_by("disclosed_on", "pk")


# The notices' text is what the public reads: written or redacted by an editor, masked on every
# save and checked before publishing. The ledger never adds the submitter's name or phone.
DISCLOSURE = Ledger(
    kind="disclosure",
    title="公示清单",
    fields=[
        Field("编号", lambda n: n.reference, 16),
        Field("问题摘要", lambda n: n.title, 28, WRAP),
        Field("承办单位", lambda n: n.department.name if n.department else "", 16, WRAP),
        Field("办理情况", lambda n: n.handling, 48, WRAP),
        Field("办理结果", lambda n: n.get_outcome_display() if n.outcome else "", 16, WRAP),
        Field("办结日期", lambda n: n.closed_on, 14, DATE),
        Field("公示日期", lambda n: n.disclosed_on, 14, DATE),
        Field("满意度", lambda n: n.get_rating_display() if n.rating else "", 10, WRAP),
    ],
    rows=notices,
    personal=False,
)

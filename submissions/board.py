"""The supervision board's rules (红黄绿灯): which cases wait for the committee or the station,
which are due soon (yellow) or overdue (red), why a case is under continued supervision, and the
figures per department. The queues (queues.py), the dashboard's board (dashboard.py) and the
director's report read them from here, so a list, its count and its link always agree.

Every condition is a Q on Case (the current round reached through "current_assignment__"), to be
applied to Case.objects.visible_to(user): none of them widens a user's scope.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from submissions.deadlines import end_of_day
from submissions.models import Assignment, Case, Feedback, open_round, overdue_round

S = Case.Status
CURRENT = "current_assignment__"


def with_department():
    """Cases a department holds now: assigned, their current round neither returned nor replied."""
    return Q(status=S.ASSIGNED) & open_round(CURRENT)


def days_overdue(due_at, now=None):
    """Whole days past the deadline, counted by Shanghai calendar days; at least 1 once late."""
    now = now or timezone.now()
    late = (timezone.localdate(now) - timezone.localtime(due_at).date()).days
    return max(1, late)


def due_soon_cutoff(now=None):
    """The end of the last day counted as "due soon" (yellow): today and the next
    REMINDER_DAYS_BEFORE calendar days, the window of the departments' deadline reminders."""
    today = timezone.localdate(now or timezone.now())
    return end_of_day(today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE))


def overdue(now=None):
    """Red: with a department past its deadline."""
    return Q(status=S.ASSIGNED) & overdue_round(now or timezone.now(), CURRENT)


def due_soon(now=None):
    """Yellow: with a department, not yet late, due by the end of due_soon_cutoff's day."""
    now = now or timezone.now()
    return with_department() & Q(
        **{f"{CURRENT}due_at__gte": now, f"{CURRENT}due_at__lte": due_soon_cutoff(now)}
    )


def unsigned():
    return with_department() & Q(**{f"{CURRENT}signed_at__isnull": True})


def signed():
    return with_department() & Q(**{f"{CURRENT}signed_at__isnull": False})


def awaiting_extension():
    """The department asked for more time and the committee has not decided yet."""
    return with_department() & Q(
        **{f"{CURRENT}extension_until__isnull": False, f"{CURRENT}extension_granted__isnull": True}
    )


def returned():
    """Back on the problem list because a department returned its round (not its remit). A
    listed case with a round at all got there by a return: accepting lists a case before any
    round, and no other move leads back to the list; so its latest round is the returned one."""
    return Q(status=S.LISTED) & Exists(
        Assignment.objects.filter(case=OuterRef("pk"), returned_at__isnull=False)
    )


def latest_return():
    """Annotations for returned cases: who returned the latest round, when and why."""
    latest = Assignment.objects.filter(case=OuterRef("pk"), returned_at__isnull=False).order_by(
        "-round"
    )
    return {
        "returned_by": Subquery(latest.values("lead_department__name")[:1]),
        "returned_at": Subquery(latest.values("returned_at")[:1]),
        "return_reason": Subquery(latest.values("return_reason")[:1]),
    }


def continued():
    """The current round is under continued supervision (持续督办): the committee sent the reply
    back, or the submitter rated the outcome unsatisfied."""
    return with_department() & Q(**{f"{CURRENT}supervision": Assignment.Supervision.CONTINUED})


def rated_unsatisfied():
    """The current round was opened by an unsatisfied rating, not by a reply sent back. Whichever
    opened it followed the latest reply (the current round has none yet): a rating comes after
    that reply was approved, a sending back before any rating could be given. So: an unsatisfied
    rating later than the case's latest reply."""
    latest_reply = (
        Assignment.objects.filter(case=OuterRef(OuterRef("pk")), replied_at__isnull=False)
        .order_by("-replied_at")
        .values("replied_at")[:1]
    )
    return Exists(
        Feedback.objects.filter(
            case=OuterRef("pk"),
            rating=Feedback.Rating.UNSATISFIED,
            created_at__gt=Subquery(latest_reply),
        )
    )


def promised():
    """With a department that promised a date in an approved stage reply (承诺事项)."""
    return with_department() & Q(**{f"{CURRENT}supervision": Assignment.Supervision.PROMISE})


def _promise_label(case, now):
    current = case.current_assignment
    if current.supervision != Assignment.Supervision.PROMISE:
        return None
    if current.due_at < now:
        return _("Promise date passed (承诺到期)")
    return _("Promised by %(date)s") % {
        "date": date_format(timezone.localtime(current.due_at).date(), "MONTH_DAY_FORMAT")
    }


def key_supervised():
    return with_department() & Q(key_supervised=True)


# --------------------------------------------------------------------------------------------
# Why a case is under supervision


@dataclass(frozen=True)
class Reason:
    """One reason a case with its department is under supervision: the condition that selects
    such cases in the database, and the label a given case gets (None when it does not apply).
    Both sides sit together so the list, its filter and its count cannot drift apart."""

    code: str
    name: str  # for the queue's filter
    condition: Callable  # now -> Q on Case
    describe: Callable  # (case, now) -> label or None


def _overdue_label(case, now):
    due = case.current_assignment.due_at
    if due < now:
        return _("%(days)d days overdue") % {"days": days_overdue(due, now)}
    return None


def _is_continued(case):
    return case.current_assignment.supervision == Assignment.Supervision.CONTINUED


def _was_rated_unsatisfied(case):
    """Read from the annotation with_reasons() adds; a case loaded without it costs a query."""
    flag = getattr(case, "rated_unsatisfied", None)
    if flag is None:
        flag = Case.objects.filter(pk=case.pk).filter(rated_unsatisfied()).exists()
    return flag


REASONS = [
    Reason(
        "overdue",
        _("Overdue"),
        overdue,
        _overdue_label,
    ),
    Reason(
        "unsatisfied",
        _("Unsatisfied"),
        lambda now: continued() & rated_unsatisfied(),
        lambda case, now: (
            _("Unsatisfied") if _is_continued(case) and _was_rated_unsatisfied(case) else None
        ),
    ),
    Reason(
        "sent_back",
        _("Reply sent back (答复退回重办)"),
        lambda now: continued() & ~rated_unsatisfied(),
        lambda case, now: (
            _("Reply sent back (答复退回重办)")
            if _is_continued(case) and not _was_rated_unsatisfied(case)
            else None
        ),
    ),
    Reason(
        "key",
        _("Key supervised issue"),
        lambda now: key_supervised(),
        lambda case, now: _("Key supervised issue") if case.key_supervised else None,
    ),
    Reason(
        "promise",
        _("Promise (承诺事项)"),
        lambda now: promised(),
        _promise_label,
    ),
]
REASON_CODES = [reason.code for reason in REASONS]


def supervision_condition(now=None, codes=None):
    """Cases under supervision for any of the reasons (all of them when codes is None)."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for reason in REASONS:
        if codes is None or reason.code in codes:
            condition |= reason.condition(now)
    # Every reason asks for a case with its department; saying so outside the alternatives,
    # with a test only an existing round passes (due_at is never null), lets the database join
    # the current round as an inner join and read just the open rounds by their index, rather
    # than hash all of them (0.6 s at a million cases).
    return with_department() & Q(**{f"{CURRENT}due_at__isnull": False}) & condition


def with_reasons(queryset):
    """What supervision_reasons needs, loaded with the cases rather than per case."""
    return queryset.select_related("current_assignment").annotate(
        rated_unsatisfied=rated_unsatisfied()
    )


def supervision_reasons(case, now=None):
    """[(code, label)]: why this case is under supervision now, in REASONS order; empty when it
    is not with a department or nothing holds. Labels say it in words ("逾期 3 天")."""
    now = now or timezone.now()
    current = case.current_assignment
    if case.status != S.ASSIGNED or current is None or not current.is_open:
        return []
    found = []
    for reason in REASONS:
        label = reason.describe(case, now)
        if label:
            found.append((reason.code, label))
    return found


# --------------------------------------------------------------------------------------------
# Counts


def board_counts(now=None):
    """The board's figures beyond the queues' own counts, as aggregate expressions over cases."""
    now = now or timezone.now()
    return {
        "due_soon": Count("pk", filter=due_soon(now)),
        "overdue": Count("pk", filter=overdue(now)),
        "oldest_overdue_due": Min(f"{CURRENT}due_at", filter=overdue(now)),
        "continued": Count("pk", filter=continued()),
        "key": Count("pk", filter=key_supervised()),
    }


def department_rows(cases, now=None):
    """Per lead department with rounds open now: to sign for, signed and in hand, due soon,
    overdue (with the most days overdue) and extensions awaiting a decision. One grouped query
    over the given cases (the user's visible ones); the most overdue departments first."""
    now = now or timezone.now()
    department = f"{CURRENT}lead_department"
    rows = (
        cases.filter(with_department())
        .values(department, f"{department}__name", f"{department}__short_name")
        .annotate(
            unsigned=Count("pk", filter=unsigned()),
            in_hand=Count("pk", filter=signed()),
            due_soon=Count("pk", filter=due_soon(now)),
            overdue=Count("pk", filter=overdue(now)),
            oldest_due=Min(f"{CURRENT}due_at", filter=overdue(now)),
            extensions=Count("pk", filter=awaiting_extension()),
        )
        .order_by("-overdue", "-due_soon", f"{department}__name")
    )
    return [
        {
            "pk": row[department],
            "name": row[f"{department}__short_name"] or row[f"{department}__name"],
            "unsigned": row["unsigned"],
            "in_hand": row["in_hand"],
            "due_soon": row["due_soon"],
            "overdue": row["overdue"],
            "most_days_overdue": days_overdue(row["oldest_due"], now) if row["oldest_due"] else 0,
            "extensions": row["extensions"],
        }
        for row in rows
    ]

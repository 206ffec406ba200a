"""The three-list workflow (DESIGN §4). Read it beside the state diagram.

Each transition locks the case row, checks the actor's role and the case's status, changes
the case and writes its CaseEvent (and Wagtail audit-log entry) in one transaction. A move
that is not allowed raises WorkflowError and changes nothing.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.log_actions import log
from wagtail.signal_handlers import (
    disable_reference_index_auto_update,
    reference_index_auto_update_disabled,
)

from submissions import deadlines, roles
from submissions.models import Assignment, Case, CaseEvent, Feedback
from submissions.signals import announce

S = Case.Status
A = CaseEvent.Action

# action: (statuses it starts from, the right a signed-in actor needs)
TRANSITIONS = {
    "accept": ({S.SUBMITTED}, roles.SCREEN),
    "reject": ({S.SUBMITTED}, roles.SCREEN),
    "merge": ({S.SUBMITTED, S.LISTED}, roles.SCREEN),
    "assign": ({S.LISTED}, roles.ASSIGN),
    "sign": ({S.ASSIGNED}, roles.ACT_FOR_DEPARTMENT),
    "return": ({S.ASSIGNED}, roles.ACT_FOR_DEPARTMENT),
    "reply": ({S.ASSIGNED}, roles.ACT_FOR_DEPARTMENT),
    "approve": ({S.REPLIED}, roles.ASSIGN),
    "approve_stage": ({S.REPLIED}, roles.ASSIGN),
    "send_back": ({S.REPLIED}, roles.ASSIGN),
    "rate": ({S.AWAITING_FEEDBACK}, roles.RECORD_FOLLOW_UP),
    "close": ({S.AWAITING_FEEDBACK}, roles.CLOSE),
    "note": (set(S.values), roles.ADD_NOTE),
    "request_extension": ({S.ASSIGNED}, roles.ACT_FOR_DEPARTMENT),
    "decide_extension": ({S.ASSIGNED}, roles.ASSIGN),
    "key_supervision": (set(S.values) - {S.REJECTED, S.MERGED}, roles.SUPERVISE),
    # 分类填写认领清单: the committee may correct what a case is until it is finished.
    "reclassify": (set(S.values) - set(Case.FINISHED), roles.ASSIGN),
}
PUBLIC_ACTIONS = {"rate"}  # what the submitter does online (actor None), through /track/

# action: the timeline event it writes
EVENTS = {
    "accept": A.ACCEPTED,
    "reject": A.REJECTED,
    "merge": A.MERGED,
    "assign": A.ASSIGNED,
    "sign": A.SIGNED,
    "return": A.RETURNED,
    "reply": A.REPLIED,
    "approve": A.APPROVED,
    "approve_stage": A.PROMISED,
    "send_back": A.SENT_BACK,
    "rate": A.FEEDBACK,
    "close": A.CLOSED,
    "note": A.NOTE,
    "request_extension": A.EXTENSION_REQUESTED,
    "decide_extension": A.EXTENSION_DECIDED,
    "key_supervision": A.KEY_SUPERVISION,
    "reclassify": A.RECLASSIFIED,
}

ACTION_LABELS = {
    "accept": gettext_lazy("Accept"),
    "reject": pgettext_lazy("case action", "Reject"),
    "merge": gettext_lazy("Merge into another case"),
    "assign": gettext_lazy("Assign"),
    "sign": gettext_lazy("Sign for it"),
    "return": gettext_lazy("Return: not our remit"),
    "reply": gettext_lazy("Reply"),
    "approve": gettext_lazy("Approve the reply"),
    "approve_stage": gettext_lazy("Approve as a stage reply: hold the department to its date"),
    "send_back": gettext_lazy("Send the reply back"),
    "rate": gettext_lazy("Record a follow-up rating"),
    "close": pgettext_lazy("case action", "Close"),
    "note": gettext_lazy("Add a follow-up note"),
    "request_extension": gettext_lazy("Ask for more time"),
    "decide_extension": gettext_lazy("Decide on the extension"),
    "key_supervision": gettext_lazy("Key supervision"),
    "reclassify": gettext_lazy("Reclassify or reword"),
}


# action: the message the submitter gets (rate only when it closes the case)
HANDLER_ACTIONS = ("sign", "return", "reply", "request_extension")


class WorkflowError(Exception):
    """A move the case's status or the actor's role does not allow; the message is for users."""


def refusal(case, actor, action):
    """Why actor may not take action on case now, or None if they may."""
    statuses, right = TRANSITIONS[action]
    if not (action in PUBLIC_ACTIONS if actor is None else actor.has_perm(right)):
        return _("You do not have the role needed for this action.")
    if action == "rate" and case.status != S.AWAITING_FEEDBACK and case.feedback.exists():
        return _("This case has already been rated.")
    if action in HANDLER_ACTIONS and case.status == S.LISTED:
        # Tell the loser of a race what happened rather than quoting the status.
        last = case.assignments.order_by("-round").first()
        if last is not None and last.returned_at is not None:
            return _("The case has been returned to the committee; nothing more to do here.")
    if case.status not in statuses:
        return _("This action is not possible while the case is “%(status)s”.") % {
            "status": case.get_status_display()
        }
    scoped = actor is not None and not actor.is_superuser
    current = case.current_assignment
    if action in HANDLER_ACTIONS:
        department = roles.acting_department(actor) if scoped else None
        if scoped and (department is None or current.lead_department_id != department.pk):
            return _("Only the lead department of the current round may do this.")
        if action == "sign" and current.signed_at:
            return _("The case has already been signed for.")
        if action == "return" and current.signed_at:
            # Signing accepts the case as the department's own; after that only the committee
            # can take it away (it may reassign after a reply or an extension decision).
            return _(
                "A case that has been signed for cannot be returned. If it is not your "
                "department's remit, reply with an explanation or call the committee."
            )
        if action == "reply" and not current.signed_at:
            return _("Sign for the case before replying.")
        if action == "request_extension" and current.extension_until:
            return _("An extension has already been asked for in this round.")
    if action == "approve_stage" and current.outcome not in Assignment.DATED_OUTCOMES:
        return _("Only a reply of B (being resolved) or C (in a plan) can be a stage reply.")
    if action == "decide_extension" and not (
        current.extension_until and current.extension_granted is None
    ):
        return _("No extension request is waiting for a decision.")
    if action == "note" and not actor.has_perm(roles.SEE_ALL):
        deputy, department = roles.addressed_deputy(actor), roles.acting_department(actor)
        addressed = deputy is not None and case.deputy_id == deputy.pk
        handled = department is not None and case.assignments.handled_by(department).exists()
        if not (addressed or handled):
            return _("You can add notes only to cases addressed to you or your department.")
    return None


# Taken from a panel of their own (disclosure's key-issue link), not the case page's action forms.
PANEL_ACTIONS = {"key_supervision"}


def allowed_actions(case, user):
    return [
        action
        for action in TRANSITIONS
        if action not in PANEL_ACTIONS and refusal(case, user, action) is None
    ]


def _transition(
    case, actor, action, change, *, public_text="", note="", is_public=True, event=None, **fields
):
    """Run change(locked_case) under the row lock and record it; returns the locked case."""
    with transaction.atomic():
        # No select_related: rows joined into a locking query are read from the snapshot taken
        # before the lock was granted, so a concurrent sign-off would be missed. The assignment
        # is loaded afterwards, by its own query, once this transaction holds the case lock.
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if reason := refusal(locked, actor, action):
            raise WorkflowError(reason)
        from_status, links = locked.status, locked.links()
        extra = change(locked) or {}
        _save(locked, links)
        CaseEvent.objects.create(
            case=locked,
            actor=actor,
            action=event or EVENTS[action],
            from_status=from_status,
            to_status=locked.status,
            note=extra.get("note", note),
            is_public=is_public,
            public_text=extra.get("public_text", public_text),
            **fields,
        )
        announce(locked, action, from_status, actor)
        if actor is not None:
            log(
                instance=locked,
                action=f"submissions.{action}",
                user=actor,
                data={"from": from_status, "to": locked.status},
            )
    return locked


def _save(case, links_before):
    """Save a moved case. Most moves change only its status and dates, which Wagtail's
    reference index does not hold: those skip the index update each save would queue."""
    # Already off (seed_demo turns it off around all its moves): leaving the context manager
    # would turn it back on for the rest of the caller's block.
    already_off = getattr(reference_index_auto_update_disabled, "value", False)
    if already_off or case.links() != links_before:
        case.save()
        return
    with disable_reference_index_auto_update():
        case.save()


def _require(text, message):
    if not (text or "").strip():
        raise WorkflowError(message)
    return text.strip()


def _open_round(case, *, assisting, **fields):
    """A new round, current from now on: the case is with its lead department."""
    assignment = Assignment.objects.create(case=case, round=case.assignments.count() + 1, **fields)
    assignment.assisting_departments.set(assisting)
    case.current_assignment = assignment
    case.status = S.ASSIGNED
    return assignment


def _new_round(case, department, committee, supervision, assisting=(), instructions=""):
    now = timezone.now()
    return _open_round(
        case,
        assisting=assisting,
        handling_round=case.assignments.filter(returned_at__isnull=True).count() + 1,
        lead_department=department,
        committee=committee,
        supervision=supervision,
        instructions=instructions,
        assigned_at=now,
        due_at=deadlines.reply_due(now),
        sign_due_at=deadlines.sign_due(now),
    )


def _next_round(case, previous, supervision, due_at=None):
    """Another round with the department that handled the previous one: after a send-back, an
    unsatisfied rating or a promise. It keeps the assisting departments and the signature: the
    department took the case on once and does not sign for it again."""
    now = timezone.now()
    return _open_round(
        case,
        assisting=previous.assisting_departments.all(),
        handling_round=previous.handling_round + 1,
        lead_department=previous.lead_department,
        committee=previous.committee,
        supervision=supervision,
        instructions=previous.instructions,
        assigned_at=now,
        due_at=due_at or deadlines.reply_due(now),
        signed_at=previous.signed_at or now,
    )


def accept(case, actor):
    def change(c):
        c.status = S.LISTED

    return _transition(case, actor, "accept", change)


def reject(case, actor, reason):
    reason = _require(reason, _("Give the reason; the submitter will see it."))

    def change(c):
        c.status, c.status_reason = S.REJECTED, reason

    return _transition(case, actor, "reject", change, public_text=reason)


def merge(case, actor, target):
    if target is None or target.pk == case.pk:
        raise WorkflowError(_("Choose another case to merge into."))
    if target.status in (S.REJECTED, S.MERGED, S.CLOSED):
        raise WorkflowError(_("A case cannot be merged into a rejected, merged or closed case."))

    def change(c):
        c.status, c.merged_into = S.MERGED, target
        # The target's own record says what it now carries (append-only: no lock needed).
        CaseEvent.objects.create(
            case=target, actor=actor, action=A.MERGED_IN, note=c.reference, is_public=False
        )

    return _transition(
        case,
        actor,
        "merge",
        change,
        public_text=target.reference,
    )


def assign(case, actor, department, committee=None, assisting=(), instructions=""):
    if department is None:
        raise WorkflowError(_("Choose the lead department."))
    if department in assisting:
        raise WorkflowError(_("The lead department cannot also assist."))
    instructions = (instructions or "").strip()

    def change(c):
        _new_round(c, department, committee, Assignment.Supervision.NORMAL, assisting, instructions)

    return _transition(
        case,
        actor,
        "assign",
        change,
        public_text=department.name,
    )


def sign(case, actor):
    def change(c):
        a = c.current_assignment
        a.signed_at = timezone.now()
        a.save(update_fields=["signed_at"])

    return _transition(case, actor, "sign", change)


def return_case(case, actor, reason):
    reason = _require(reason, _("Give the reason for returning the case."))

    def change(c):
        a = c.current_assignment
        a.returned_at, a.return_reason = timezone.now(), reason
        a.save(update_fields=["returned_at", "return_reason"])
        c.status, c.current_assignment = S.LISTED, None

    return _transition(case, actor, "return", change, note=reason, is_public=False)


def reply(case, actor, text, outcome, expected_date=None, document=None):
    text = _require(text, _("Write the reply."))
    if outcome not in Assignment.Outcome.values:
        raise WorkflowError(_("Choose the outcome."))
    if outcome in Assignment.DATED_OUTCOMES and not expected_date:
        raise WorkflowError(_("Give the date by which the work will be done."))
    if outcome in Assignment.DATED_OUTCOMES and expected_date <= timezone.localdate():
        raise WorkflowError(_("The date by which the work will be done must be in the future."))
    if outcome not in Assignment.DATED_OUTCOMES:
        expected_date = None

    def change(c):
        a = c.current_assignment
        a.reply_text, a.outcome, a.expected_date = text, outcome, expected_date
        a.replied_at = timezone.now()
        if document:
            a.reply_document = document
        a.save()
        c.status = S.REPLIED

    return _transition(case, actor, "reply", change, is_public=False)


def approve(case, actor):
    def change(c):
        a = c.current_assignment
        a.approved_at = timezone.now()
        a.save(update_fields=["approved_at"])
        c.status = S.AWAITING_FEEDBACK
        return {"public_text": f"{a.get_outcome_display()}：{a.reply_text}"}

    return _transition(case, actor, "approve", change)


def approve_stage(case, actor):
    """Approve a B or C reply as a stage reply (阶段性答复): the case stays with the department,
    its promised date becomes the deadline of a new round, reminders run before it, and the
    department's completion report (办结报告) is reviewed like any reply before the submitter
    rates."""

    def change(c):
        a = c.current_assignment
        a.approved_at = timezone.now()
        a.save(update_fields=["approved_at"])
        promise = deadlines.end_of_day(a.expected_date)
        _next_round(c, a, Assignment.Supervision.PROMISE, due_at=promise)
        return {
            "public_text": _("The department promises to finish by %(date)s. %(reply)s")
            % {"date": date_format(a.expected_date, "DATE_FORMAT"), "reply": a.reply_text}
        }

    return _transition(case, actor, "approve_stage", change)


def send_back(case, actor, reason):
    reason = _require(reason, _("Give the reason for sending the reply back."))

    def change(c):
        a = c.current_assignment
        a.sent_back_reason = reason
        a.save(update_fields=["sent_back_reason"])
        _next_round(c, a, Assignment.Supervision.CONTINUED)

    return _transition(case, actor, "send_back", change, note=reason, is_public=False)


def record_feedback(case, rating, comment="", actor=None, follow_up=None):
    """The submitter rates the outcome: satisfied or basically satisfied closes the case;
    unsatisfied opens a new round under continued supervision.

    actor None is the submitter online (the tracking code was checked by the caller). A staff
    actor records the submitter's rating from a follow-up (回访) and must say how and when the
    submitter was reached: follow_up = {"means", "contacted_person", "contacted_at"}."""
    if rating not in Feedback.Rating.values:
        raise WorkflowError(_("Choose a rating."))
    fields = {"source": Feedback.Source.ONLINE}
    if actor is not None:
        fields = _follow_up_fields(follow_up or {})
        fields["recorded_by"] = actor

    def change(c):
        Feedback.objects.create(case=c, rating=rating, comment=comment, **fields)
        if rating == Feedback.Rating.UNSATISFIED:
            _next_round(c, c.current_assignment, Assignment.Supervision.CONTINUED)
        else:
            c.status = S.CLOSED

    return _transition(
        case,
        actor,
        "rate",
        change,
        note=comment if actor is not None else "",
        event=A.FOLLOW_UP if actor is not None else None,
    )


def _follow_up_fields(follow_up):
    means, when = follow_up.get("means"), follow_up.get("contacted_at")
    person = (follow_up.get("contacted_person") or "").strip()
    if means not in Feedback.Means.values:
        raise WorkflowError(_("Say how the submitter was reached."))
    if not person:
        raise WorkflowError(_("Say whom you spoke to."))
    if when is None or when > timezone.now():
        raise WorkflowError(_("Give the time of the follow-up; it cannot be in the future."))
    return {
        "source": Feedback.Source.FOLLOW_UP,
        "means": means,
        "contacted_person": person,
        "contacted_at": when,
    }


def close(case, actor):
    """Tick off a case whose submitter did not rate it within the feedback period."""

    def change(c):
        approved = c.current_assignment.approved_at if c.current_assignment else None
        if approved and timezone.now() < approved + datetime.timedelta(
            days=settings.FEEDBACK_PERIOD_DAYS
        ):
            raise WorkflowError(_("The submitter still has time to rate the outcome."))
        c.status = S.CLOSED

    return _transition(case, actor, "close", change)


def add_note(case, actor, text, attachment=None):
    """An internal note, with an optional document. The file is stored before the row is
    locked (the lock is held for milliseconds, not for writing a file) and removed again if
    the note is refused."""
    text = _require(text, _("Write the note."))
    field, stored = CaseEvent._meta.get_field("attachment"), ""
    if attachment is not None:
        stored = field.storage.save(field.generate_filename(None, attachment.name), attachment)
    try:
        return _transition(
            case, actor, "note", lambda c: None, note=text, is_public=False, attachment=stored
        )
    except Exception:
        if stored:
            field.storage.delete(stored)
        raise


def extension_refusal(case, until):
    """Why until cannot be asked for as the round's new deadline, or None: it must fall after
    the current deadline and at most the station's longest extension past it."""
    a = case.current_assignment
    if until is None or deadlines.end_of_day(until) <= a.due_at:
        return _("Ask for a date after the current deadline.")
    days = case.station.max_extension_days
    latest = timezone.localtime(a.due_at).date() + datetime.timedelta(days=days)
    if until > latest:
        return _("An extension reaches at most %(days)d days past the deadline: %(date)s.") % {
            "days": days,
            "date": date_format(latest, "DATE_FORMAT"),
        }
    return None


def request_extension(case, actor, until, reason):
    reason = _require(reason, _("Give the reason for needing more time."))

    def change(c):
        a = c.current_assignment
        if why := extension_refusal(c, until):
            raise WorkflowError(why)
        a.extension_until, a.extension_reason = until, reason
        a.save(update_fields=["extension_until", "extension_reason"])

    return _transition(case, actor, "request_extension", change, note=reason, is_public=False)


def decide_extension(case, actor, grant, note=""):
    def change(c):
        a = c.current_assignment
        a.extension_granted = bool(grant)
        if grant:
            a.due_at = deadlines.end_of_day(a.extension_until)
        a.save(update_fields=["extension_granted", "due_at"])
        if grant:
            return {
                "public_text": _("Reply now due by %(date)s")
                % {"date": f"{a.extension_until:%Y-%m-%d}"}
            }
        return None

    return _transition(case, actor, "decide_extension", change, note=note, is_public=bool(grant))


def reclassify(case, actor, *, category, kind, title, description):
    """Correct the category, the kind, the title or the description. The submitter's own
    words are kept (original_title, original_description) the first time they are changed, and
    each change is written to the internal timeline, old and new side by side."""
    title = _require(title, _("Write the title."))
    description = _require(description, _("Write the description."))
    if kind not in Case.Kind.values:
        raise WorkflowError(_("Choose the type."))

    def change(c):
        changes = []
        if c.category_id != category.pk:
            changes.append(_("Category: %(old)s → %(new)s") % {"old": c.category, "new": category})
            c.category = category
        if c.kind != kind:
            old = c.get_kind_display()
            c.kind = kind
            changes.append(_("Type: %(old)s → %(new)s") % {"old": old, "new": c.get_kind_display()})
        if c.title != title:
            c.original_title = c.original_title or c.title
            changes.append(_("Title: %(old)s → %(new)s") % {"old": c.title, "new": title})
            c.title = title
        if c.description != description:
            c.original_description = c.original_description or c.description
            changes.append(_("Description reworded"))
            c.description = description
        if not changes:
            raise WorkflowError(_("Nothing was changed."))
        return {"note": "；".join(changes)}

    return _transition(case, actor, "reclassify", change, is_public=False)


def set_key_supervision(case, actor, on, issue_title):
    """Put the case under (or take it out of) a key supervised issue. The key level belongs to
    the case, so it covers every round, while each round keeps its own level (normal or
    continued) to fall back on. Called by disclosure.key_issues, which owns the link."""

    def change(c):
        if c.key_supervised == on:
            raise WorkflowError(
                _("The case is already under key supervision.")
                if on
                else _("The case is not under key supervision.")
            )
        c.key_supervised = on

    return _transition(
        case,
        actor,
        "key_supervision",
        change,
        public_text=issue_title,
        event=None if on else A.KEY_SUPERVISION_ENDED,
    )

"""Who is told what when a case moves. The workflow announces each move (submissions.signals)
and this module decides the messages, so the workflow never imports the notifier.

Every state that waits on someone reaches them: the department when a case is handed to it,
sent back, its extension decided or its promise recorded; the committee when a case is
returned, an extension asked, a reply waits for review or a rating is unsatisfied; the deputy a
case is addressed to at its assignment, reply and closing; the submitter at receipt,
acceptance, reply (a stage reply with its promised date), reopening and closing."""

from django.dispatch import receiver
from django.utils import timezone

from notifications import notify, recipients
from notifications.models import Notification
from submissions.models import Case
from submissions.signals import case_moved

K = Notification.Kind

# action: [(audience, kind)]; "rate" depends on where the rating left the case (see below).
MESSAGES = {
    "submit": [("submitter", K.CASE_RECEIVED)],
    "accept": [("submitter", K.CASE_ACCEPTED)],
    "assign": [("department", K.CASE_ASSIGNED), ("deputy", K.DEPUTY_ASSIGNED)],
    "return": [("committee", K.CASE_RETURNED)],
    "request_extension": [("committee", K.EXTENSION_REQUESTED)],
    "decide_extension": [("department", K.EXTENSION_DECIDED)],
    "reply": [("committee", K.REPLY_TO_REVIEW)],
    "send_back": [("department", K.CASE_SENT_BACK)],
    "approve": [("submitter", K.CASE_REPLIED), ("deputy", K.DEPUTY_REPLIED)],
    "approve_stage": [
        ("submitter", K.STAGE_REPLY),
        ("department", K.PROMISE_RECORDED),
        ("deputy", K.DEPUTY_REPLIED),
    ],
    "close": [("submitter", K.CASE_CLOSED), ("deputy", K.DEPUTY_CLOSED)],
}
RATED_AND_CLOSED = MESSAGES["close"]
# The moves whose outcome the submitters of merged duplicates hear about too.
OUTCOME_ACTIONS = {"approve", "approve_stage", "close", "rate"}
RATED_AND_REOPENED = [("committee", K.CASE_UNSATISFIED), ("submitter", K.CASE_REOPENED)]


@receiver(case_moved, dispatch_uid="notifications.tell_everyone")
def tell_everyone(sender, case, action, **kwargs):
    messages = MESSAGES.get(action, [])
    if action == "rate":
        closed = case.status == Case.Status.CLOSED
        messages = RATED_AND_CLOSED if closed else RATED_AND_REOPENED
    if not messages:
        return
    # The round the move concerns: the current one, or the one just returned (none is current).
    assignment = case.current_assignment or case.assignments.order_by("-round").first()
    event = case.events.order_by("-created_at", "-pk").first()
    context = {
        "case": case,
        "title": notify.staff_title(case),
        "department": assignment.lead_department if assignment else None,
        "assignment": assignment,
        "due": timezone.localtime(assignment.due_at) if assignment else None,
        "note": event.note if event else "",
        "deputy": case.deputy,
    }
    # One message per recipient for each move: the count of events tells moves apart.
    key = f"{case.pk}:{case.events.count()}"
    for audience, kind in messages:
        found = audience_of(audience, case, assignment)
        url = notify.tracking_url(case) if audience == "submitter" else notify.admin_url(case)
        notify.notify_all(found, kind, {**context, "url": url}, case=case, key=key)
        if audience == "submitter" and action in OUTCOME_ACTIONS:
            tell_merged_submitters(case, kind, context, key)


def tell_merged_submitters(case, kind, context, key):
    """Everyone whose duplicate was merged into this case hears how it went, on their own case's
    link (whose tracker follows this case). Someone who raised both is told once: the dedupe key
    is the same."""
    for merged in case.merged_cases.select_related("station"):
        found = recipients.submitter(merged)
        merged_context = {**context, "case": merged, "url": notify.tracking_url(merged)}
        notify.notify_all(found, kind, merged_context, case=merged, key=key)


def audience_of(name, case, assignment):
    if name == "submitter":
        return recipients.submitter(case)
    if name == "department":
        return recipients.department(assignment.lead_department) if assignment else []
    if name == "committee":
        return recipients.committee()
    return recipients.deputy(case.deputy)

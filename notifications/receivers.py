"""Who is told what when a case moves. The workflow announces each move (submissions.signals)
and this module decides the messages, so the workflow never imports the notifier.

Every state that waits on someone reaches them: the department when a case is handed to it,
sent back or its extension decided; the committee when a case is returned, an extension asked,
a reply waits for review or a rating is unsatisfied; the deputy a case is addressed to at its
assignment, reply and closing; the submitter at receipt, acceptance, reply, reopening and
closing."""

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
    "close": [("submitter", K.CASE_CLOSED), ("deputy", K.DEPUTY_CLOSED)],
}
RATED_AND_CLOSED = MESSAGES["close"]
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


def audience_of(name, case, assignment):
    if name == "submitter":
        return recipients.submitter(case)
    if name == "department":
        return recipients.department(assignment.lead_department) if assignment else []
    if name == "committee":
        return recipients.committee()
    return recipients.deputy(case.deputy)

"""Who is told what when a case moves: the workflow announces each move (submissions.signals)
and this module decides the messages, so the workflow never imports the notifier."""

from django.dispatch import receiver

from notifications import notify
from submissions.models import Case
from submissions.signals import case_moved

# The submitter's messages, by workflow action.
SUBMITTER_MESSAGES = {
    "accept": "case_accepted",
    "approve": "case_replied",
    "close": "case_closed",
    "rate": "case_closed",
}


@receiver(case_moved, dispatch_uid="notifications.tell_submitter")
def tell_submitter(sender, case, action, **kwargs):
    template = SUBMITTER_MESSAGES.get(action)
    # A rating closes the case only when it is satisfied; otherwise the case goes on.
    if template and (action != "rate" or case.status == Case.Status.CLOSED):
        notify.notify_submitter(case, template)

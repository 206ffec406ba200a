"""What other apps may hear from the workflow without the workflow knowing them."""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent when a case is received ("submit") and by every workflow move, inside its transaction
# after the case and its event are saved: a receiver's writes commit or roll back with the
# move. Keyword arguments: case, action (a workflow.TRANSITIONS key or "submit"), from_status
# and actor (None for the public).
case_moved = Signal()


def announce(case, action, from_status, actor):
    """Tell the receivers of case_moved (the notifications app); nothing they do may undo the
    case action: a broken template or backend must not cost the case its move."""
    from submissions.models import Case

    results = case_moved.send_robust(
        Case, case=case, action=action, from_status=from_status, actor=actor
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error(
                "%s failed for %s of case %s", receiver.__name__, action, case.pk, exc_info=result
            )

"""Transitions of a case. Each locks the case row, checks its status and writes its event
in one transaction; an invalid move raises WorkflowError and changes nothing."""

from django.db import transaction
from django.utils.translation import gettext as _

from submissions.models import Case, CaseEvent, Feedback


class WorkflowError(Exception):
    """A move the case's current status does not allow; the message is for the user."""


def record_feedback(case, rating, comment="", actor=None):
    """The submitter (or staff on their behalf) rates the outcome of a case awaiting feedback."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != Case.Status.AWAITING_FEEDBACK:
            raise WorkflowError(_("This case is not waiting for a rating."))
        feedback = Feedback.objects.create(
            case=locked, rating=rating, comment=comment, recorded_by=actor
        )
        CaseEvent.objects.create(
            case=locked,
            actor=actor,
            action=CaseEvent.Action.FEEDBACK,
            from_status=locked.status,
            to_status=locked.status,
            is_public=True,
        )
    return feedback

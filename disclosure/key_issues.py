"""Linking cases to a key supervised issue: the link and the case's supervision level change
together, in one transaction."""

from django.db import transaction
from django.utils.translation import gettext as _

from disclosure.models import KeyIssueCase
from submissions import workflow


def link(key_issue, case, actor):
    with transaction.atomic():
        if KeyIssueCase.objects.filter(case=case).exists():
            raise workflow.WorkflowError(_("The case already belongs to a key issue."))
        case = workflow.set_key_supervision(case, actor, True, key_issue.title)
        KeyIssueCase.objects.create(key_issue=key_issue, case=case, linked_by=actor)
    return case


def unlink(case, actor):
    with transaction.atomic():
        link = KeyIssueCase.objects.select_related("key_issue").filter(case=case).first()
        if link is None:
            raise workflow.WorkflowError(_("The case does not belong to a key issue."))
        case = workflow.set_key_supervision(case, actor, False, link.key_issue.title)
        link.delete()
    return case

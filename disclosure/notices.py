"""Making a disclosure notice from a closed case: the rules and the prefilled, masked draft."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from disclosure.models import DisclosureIndexPage, DisclosureNotice
from submissions import masking
from submissions.models import Case


class NoticeRefused(Exception):
    """Why no notice may be made from this case; the message is for staff."""


def refusal(case):
    if case.status != Case.Status.CLOSED:
        return _("Only a closed case can be disclosed.")
    if not case.allow_disclosure:
        return _("The submitter did not allow a public disclosure of this case.")
    return None


def existing_notice(case):
    return DisclosureNotice.objects.filter(case=case).order_by("pk").first()


def generate(case, user):
    """A draft notice for the case, owned by user, or the case's existing notice. The case
    row is locked so two presses of the button make one notice."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if reason := refusal(case):
            raise NoticeRefused(reason)
        if notice := existing_notice(case):
            return notice, False
        index = DisclosureIndexPage.objects.order_by("path").first()
        if index is None:
            raise NoticeRefused(_("Create the disclosure list page first."))
        notice = index.add_child(instance=draft_for(case, owner=user))
        notice.save_revision(user=user, log_action=True)
    return notice, True


def draft_for(case, owner=None):
    names = masking.case_values(case)
    last = case.assignments.select_related("lead_department").order_by("-round").first()
    feedback = case.feedback.order_by("-created_at").first()
    closed = case.events.closings().order_by("-created_at").first()
    return DisclosureNotice(
        title=masking.mask(case.title, names=names),
        slug=slugify(case.reference),
        live=False,
        owner=owner,
        case=case,
        reference=case.reference,
        category=case.category,
        department=last.lead_department if last else None,
        outcome=last.outcome if last else "",
        rating=feedback.rating if feedback else "",
        received_on=case.received_on,
        replied_on=timezone.localdate(last.replied_at) if last and last.replied_at else None,
        closed_on=timezone.localdate(closed.created_at) if closed else None,
        disclosed_on=timezone.localdate(),
        summary=masking.mask(case.description, names=names),
        handling=masking.mask(last.reply_text if last else "", names=names),
    )


def live_notice(case):
    """The published notice of a case, if any: what makes the case show 已公示."""
    return DisclosureNotice.objects.live().filter(case=case).order_by("pk").first()

"""Paper the county still moves: the 交办单 a round is handed over with (signed for and sealed by
the department) and the 答复函 form the department fills, seals, scans and uploads with its reply.
Both print on A4 from the browser; a QR code on each opens the case in the admin."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from deputies.qr import qr_image
from submissions import roles
from submissions.access import view_cases, visible_case
from submissions.models import Assignment

TEMPLATES = {
    "sheet": "submissions/admin/assignment_sheet.html",
    "letter": "submissions/admin/reply_letter.html",
}


def document_number(assignment):
    """The 交办单's number (文号): the case's reference and the handling round."""
    return f"{assignment.case.reference}-{assignment.handling_round}"


@never_cache
@view_cases
def round_paper(request, pk, round_pk, kind):
    if kind not in TEMPLATES:
        raise Http404
    case = visible_case(request.user, pk)
    assignment = (
        roles.visible_rounds(request.user, case)
        .select_related("lead_department", "committee")
        .prefetch_related("assisting_departments")
        .filter(pk=round_pk)
        .first()
    )
    if assignment is None or assignment.returned_at is not None:
        raise Http404
    url = settings.WAGTAILADMIN_BASE_URL + reverse("submissions_case", args=[case.pk])
    svg, _etag = qr_image(url, "svg")
    shown = roles.reader_mask(request.user, case)
    return render(
        request,
        TEMPLATES[kind],
        {
            "case": case,
            "a": assignment,
            "number": document_number(assignment),
            "summary": shown(case.description),
            "title": shown(case.title),
            "outcomes": Assignment.Outcome.choices,
            # Generated here from our own URL, never from user input.
            "qr": mark_safe(svg.decode().split("?>", 1)[-1]),  # noqa: S308
        },
    )

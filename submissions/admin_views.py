"""Staff views: a case's page with its actions, offline entry, receipt slip, private files and
the director's-meeting report (its XLSX and the ledgers: submissions/ledger_views.py)."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail import hooks

from deputies.models import Station
from portal.forms import PlainMessages
from submissions import duplicates, report, roles, workflow
from submissions.access import view_cases, visible_case
from submissions.action_forms import ACTION_FORMS
from submissions.forms import StaffCaseForm
from submissions.intake import create_case
from submissions.ledger_views import report_xlsx
from submissions.models import Assignment, Case, CaseEvent, CasePhoto


@permission_required("submissions.add_case", raise_exception=True)
def record_case(request):
    form = StaffCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case, _created = create_case(
            station=Station.default(),
            actor=request.user,
            photos=form.cleaned_data["photos"],
            **form.case_fields(),
        )
        return redirect("submissions_case", case.pk)
    recent = Case.objects.visible_to(request.user).select_related("category")[:10]
    return render(request, "submissions/admin/record.html", {"form": form, "recent": recent})


@never_cache
@view_cases
def case_detail(request, pk, forms=None, contact_revealed=False):
    """The case page. Contact details (and free text as typed, since submitters type phones
    and names into it) show only in the answer to a recorded read (privacy: 显示联系方式),
    which calls this with contact_revealed; until then the text reads masked for everyone."""
    case = visible_case(request.user, pk)
    actions = workflow.allowed_actions(case, request.user)
    forms = forms or {}
    action_forms = [
        (
            action,
            workflow.ACTION_LABELS[action],
            forms.get(action) or ACTION_FORMS[action](case=case, user=request.user, prefix=action),
        )
        for action in actions
    ]
    assignments = list(
        roles.visible_rounds(request.user, case)
        .select_related("lead_department", "committee")
        .prefetch_related("assisting_departments")
        .order_by("round")
    )
    shown = roles.reader_mask(request.user, case, revealed=contact_revealed)
    sees_submitter = roles.sees_submitter_contact(request.user, case)
    feedback = list(case.feedback.select_related("recorded_by").order_by("created_at"))
    events = list(roles.visible_events(request.user, case, assignments))
    for item in feedback:
        item.shown_comment = shown(item.comment)
    for event in events:
        event.shown_note = shown(event.note)
    return render(
        request,
        "submissions/admin/case.html",
        {
            "case": case,
            "text": {
                field: shown(getattr(case, field)) for field in ("title", "description", "place")
            },
            "photos": case.photos.all(),
            "assignments": assignments,
            "feedback": feedback,
            "events": events,
            "action_forms": action_forms,
            "look_alikes": duplicates.look_alikes(case, request.user) if "merge" in actions else [],
            "merged_cases": case.merged_cases.visible_to(request.user).order_by("pk"),
            "show_contact": contact_revealed and roles.can_see_contact_details(request.user),
            "show_submitter": contact_revealed and sees_submitter,
            "contact_hidden": not contact_revealed and sees_submitter,
            "show_receipt": roles.can_see_tracking_code(request.user),
            # Other apps add to the page without this one importing them (disclosure: 公示).
            "panels": [
                html
                for hook in hooks.get_hooks("case_admin_panels")
                if (html := hook(request, case))
            ],
        },
    )


@require_POST
@view_cases
def case_action(request, pk, action):
    if roles.returned_by_own_department(request.user, pk):
        # A colleague returned it a moment ago, from another tab or desk: say so, not 404.
        messages.error(
            request, _("The case has been returned to the committee; nothing more to do here.")
        )
        return redirect("claims:index")
    case = visible_case(request.user, pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](
        request.POST, request.FILES, case=case, user=request.user, prefix=action
    )
    if not form.is_valid():
        messages.error(request, _("Please correct the action form below."))
        return case_detail(request, pk, forms={action: form})
    try:
        form.perform()
    except workflow.WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("Done: %(action)s.") % {"action": workflow.ACTION_LABELS[action]}
        )
    if not Case.objects.visible_to(request.user).filter(pk=pk).exists():
        # Returned as not the department's remit (by this user or a colleague a moment
        # earlier): the case has left their scope, so go back to their list.
        return redirect("claims:index")
    return redirect("submissions_case", pk)


@never_cache
@view_cases
def case_receipt(request, pk):
    if not roles.can_see_tracking_code(request.user):
        raise PermissionDenied
    case = visible_case(request.user, pk)
    track_base = settings.WAGTAILADMIN_BASE_URL + reverse("track")
    return render(
        request, "submissions/admin/receipt.html", {"case": case, "track_base": track_base}
    )


def private_file(file, content_type):
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@view_cases
def case_photo(request, pk):
    """The only way to a stored photo: private storage has no public URL."""
    photo = get_object_or_404(CasePhoto, pk=pk, case__in=Case.objects.visible_to(request.user))
    return private_file(photo.file, "image/jpeg")


@never_cache
@view_cases
def reply_document(request, pk):
    assignment = get_object_or_404(
        Assignment, pk=pk, case__in=Case.objects.visible_to(request.user)
    )
    if not assignment.reply_document or not (
        roles.visible_rounds(request.user, assignment.case).filter(pk=pk).exists()
    ):
        raise Http404
    name = assignment.reply_document.name.lower()
    content_type = (
        "application/pdf"
        if name.endswith(".pdf")
        else "image/jpeg"
        if name.endswith((".jpg", ".jpeg"))
        else "image/png"
    )
    return private_file(assignment.reply_document, content_type)


NOTE_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@never_cache
@view_cases
def note_attachment(request, pk):
    """A note's document, for whoever may read the note on the case's timeline."""
    event = get_object_or_404(CaseEvent, pk=pk, case__in=Case.objects.visible_to(request.user))
    rounds = roles.visible_rounds(request.user, event.case)
    visible = roles.visible_events(request.user, event.case, rounds).filter(pk=pk).exists()
    if not event.attachment or not visible:
        raise Http404
    suffix = "." + event.attachment.name.rsplit(".", 1)[-1].lower()
    response = private_file(event.attachment, NOTE_CONTENT_TYPES.get(suffix, "application/pdf"))
    response["Content-Disposition"] = f'attachment; filename="note-{event.pk}{suffix}"'
    return response


class ReportPeriodForm(PlainMessages, forms.Form):
    start = forms.DateField(
        label=pgettext_lazy("period", "From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=pgettext_lazy("period", "To"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", gettext_lazy("The end of the period is before its start."))
        return data


@permission_required("submissions.view_department", raise_exception=True)
def director_report(request):
    today = timezone.localdate()
    # By default the last 30 days, so the report is never empty on the first of a month.
    default = {"start": today - datetime.timedelta(days=29), "end": today}
    form = ReportPeriodForm(request.GET or default)
    figures = (
        report.build(form.cleaned_data["start"], form.cleaned_data["end"])
        if form.is_valid()
        else None
    )
    if figures and request.GET.get("format") == "xlsx":
        return report_xlsx(figures)
    return render(request, "submissions/admin/report.html", {"form": form, "r": figures})

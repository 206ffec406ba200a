"""The privacy screens: the recorded read of a case's contact details, and a person's requests
(find, export, correct, erase)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deputies.models import Station
from portal.xlsx_print import attachment
from privacy import person_requests
from privacy.forms import CorrectForm, EraseForm, ExportForm, RevealForm, SearchForm
from privacy.models import ContactRead, PersonRequest
from submissions import roles
from submissions.access import view_cases, visible_case
from submissions.admin_views import case_detail

handles_requests = permission_required(roles.PERSON_REQUESTS, raise_exception=True)


@never_cache
@require_POST
@view_cases
def reveal_contact(request, pk):
    """显示联系方式: record who asked, when and why, then show the case page with the contact
    details (and the free text as typed)."""
    case = visible_case(request.user, pk)
    if not roles.sees_submitter_contact(request.user, case):
        raise PermissionDenied
    if hasattr(case, "anonymisation"):
        messages.error(request, _("This case's personal data has been anonymised."))
        return redirect("submissions_case", pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you need the contact details; the read is recorded."))
        return redirect("submissions_case", pk)
    ContactRead.objects.create(case=case, user=request.user, reason=form.cleaned_data["reason"])
    request.contact_revealed = True
    return case_detail(request, pk, contact_revealed=True)


def _results(request, query, search_form=None, forms=None):
    found = person_requests.find_cases(request.user, query)
    cases = list(found)
    forms = forms or {}
    initial = {"cases": cases}
    context = {
        "search_form": search_form or SearchForm(initial={"query": query}),
        "query": query,
        "cases": cases,
        "export_form": forms.get("export") or ExportForm(cases=found, initial=initial),
        "correct_form": forms.get("correct") or CorrectForm(cases=found, initial=initial),
        "erase_form": forms.get("erase") or EraseForm(cases=found, initial=initial),
        "searched": True,
    }
    return render(request, "privacy/person_requests.html", context)


@never_cache
@handles_requests
def person_search(request):
    """Find a person's cases by phone or name. The search itself is recorded: the words
    searched, by whom, when and why. Searches are POSTed, so a phone never sits in a URL."""
    if request.method != "POST":
        return render(request, "privacy/person_requests.html", {"search_form": SearchForm()})
    form = SearchForm(request.POST)
    if not form.is_valid():
        return render(request, "privacy/person_requests.html", {"search_form": form})
    query, reason = form.cleaned_data["query"], form.cleaned_data["reason"]
    cases = list(person_requests.find_cases(request.user, query))
    person_requests.record(request.user, PersonRequest.Action.SEARCH, reason, cases, query=query)
    return _results(request, query, search_form=form)


FORMS = {"export": ExportForm, "correct": CorrectForm, "erase": EraseForm}


@never_cache
@require_POST
@handles_requests
def person_action(request, action):
    if action not in FORMS:
        raise PermissionDenied
    query = request.POST.get("query", "")[:100]
    # The cases a search for the posted words finds: no other case can be chosen.
    form = FORMS[action](request.POST, cases=person_requests.find_cases(request.user, query))
    if not form.is_valid():
        messages.error(request, _("Please correct the form below."))
        return _results(request, query, forms={action: form})
    cases = sorted(form.cleaned_data["cases"], key=lambda case: (case.created_at, case.pk))
    reason = form.cleaned_data["reason"]
    if action == "export":
        person_requests.record(request.user, PersonRequest.Action.EXPORT, reason, cases)
        stamp = timezone.localdate().isoformat()
        if form.cleaned_data["format"] == "json":
            data = {
                "station": str(Station.default() or ""),
                "exported_on": stamp,
                "cases": [person_requests.case_data(case) for case in cases],
            }
            response = HttpResponse(
                json.dumps(data, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
            response["Cache-Control"] = "private, no-store"
            return response
        book = person_requests.export_xlsx(cases, Station.default() or "")
        return attachment(book, _("personal-data-%(date)s.xlsx") % {"date": stamp})
    if action == "correct":
        person_requests.correct(request.user, cases, reason, **form.changes())
        messages.success(
            request,
            ngettext("Corrected %(count)d case.", "Corrected %(count)d cases.", len(cases))
            % {"count": len(cases)},
        )
        return redirect("privacy_person_requests")
    _record, done = person_requests.erase(request.user, cases, reason)
    messages.success(
        request,
        ngettext(
            "Anonymised %(count)d case: %(references)s.",
            "Anonymised %(count)d cases: %(references)s.",
            len(done),
        )
        % {"count": len(done), "references": "、".join(c.reference for c in done)},
    )
    return redirect("privacy_person_requests")

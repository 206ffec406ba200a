"""Staff views for batch intake (visits/batch.py): paste or upload, review every row, confirm.

The reviewed rows travel from the review page to the confirmation in a signed hidden field, so
the server keeps no state between the two steps and nobody can slip in rows that were not
reviewed."""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from portal.forms import PlainMessages
from portal.spreadsheets import SheetError
from visits import batch

MAX_AGE = 4 * 60 * 60  # seconds: a review left open over lunch can still be confirmed
XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

add_cases = permission_required("submissions.add_case", raise_exception=True)


class BatchForm(PlainMessages, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Rows copied from Excel"),
        required=False,
        strip=False,  # a leading tab is an empty first cell, not space to trim
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "企业\t类别\t内容\t来源"}),
        help_text=gettext_lazy(
            "One item per line, cells separated by tabs: 企业 (credit code or exact name), "
            "类别, 内容, 来源 (optional). A heading line is optional."
        ),
    )
    file = forms.FileField(
        label=gettext_lazy("Or an Excel file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": XLSX_TYPES}),
        help_text=gettext_lazy(
            "An .xlsx file whose first sheet has the heading row 企业, 类别, 内容, 来源."
        ),
    )

    def clean(self):
        data = super().clean()
        text, upload = data.get("text") or "", data.get("file")
        if text.strip() and upload:
            self.add_error("file", _("Paste the rows or choose a file, not both."))
        elif not (text.strip() or upload):
            self.add_error("text", _("Paste the rows copied from Excel, or choose an Excel file."))
        else:
            try:
                data["rows"] = batch.parse_xlsx(upload) if upload else batch.parse_text(text)
            except SheetError as error:
                self.add_error("file" if upload else "text", error.message)
        return data


def signing_salt(user):
    # Per user: a review signed for one login cannot be confirmed by another.
    return f"visits.batch:{user.pk}"


@add_cases
def batch_form(request):
    form = BatchForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        rows = form.cleaned_data["rows"]
        return render_review(request, rows, uuid.uuid4().hex, chosen=None)
    return render(request, "visits/batch_form.html", {"form": form})


def render_review(request, rows, key, chosen):
    """The review table. `chosen` is the set of lines ticked before, or None for the defaults:
    every good row, except likely repeats."""
    results = batch.review(rows)
    good = [result for result in results if not result.errors]
    payload = {"key": key, "rows": [result.raw for result in good]}
    table = [
        (
            result,
            str(result.line) in chosen if chosen is not None else not result.duplicate_of,
        )
        for result in results
    ]
    repeats = sum(1 for result in good if result.duplicate_of)
    counts = {
        "total": len(results),
        "ready": len(good) - repeats,
        "repeats": repeats,
        "errors": len(results) - len(good),
    }
    context = {
        "table": table,
        "counts": counts,
        "payload": signing.dumps(payload, salt=signing_salt(request.user), compress=True),
    }
    return render(request, "visits/batch_review.html", context)


@require_POST
@add_cases
def batch_confirm(request):
    try:
        payload = signing.loads(
            request.POST.get("payload", ""), salt=signing_salt(request.user), max_age=MAX_AGE
        )
    except signing.BadSignature:  # also an expired one
        messages.error(
            request,
            _(
                "The reviewed list could not be verified: it was altered, or it is more than "
                "four hours old. Nothing was imported; paste or upload the rows again."
            ),
        )
        return render(request, "visits/batch_form.html", {"form": BatchForm()}, status=400)
    chosen = set(request.POST.getlist("import"))
    rows = [row for row in payload["rows"] if str(row["line"]) in chosen]
    if not rows:
        messages.error(request, _("Tick at least one row to import."))
        return render_review(request, payload["rows"], payload["key"], chosen)
    try:
        cases = batch.import_rows(rows, request.user, batch_key=payload["key"])
    except batch.RowsChanged:
        messages.error(
            request,
            _(
                "Some ticked rows no longer pass the checks: the enterprises or categories "
                "changed since the review. Nothing was imported; see the rows below."
            ),
        )
        return render_review(request, payload["rows"], payload["key"], chosen)
    count = len(cases)
    message = ngettext(
        "%(count)d case was created from the batch.",
        "%(count)d cases were created from the batch.",
        count,
    )
    messages.success(request, message % {"count": count})
    return redirect("intake:index")


admin_urls = [
    path("cases/batch/", batch_form, name="visits_batch"),
    path("cases/batch/confirm/", batch_confirm, name="visits_batch_confirm"),
]

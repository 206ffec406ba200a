"""Weekly batches (批量受理、批量交办): the station accepts several new cases at once, the
committee assigns several to one department. Each case moves through workflow.py on its own,
under its own lock: one refused case (taken by a colleague a moment ago) never stops the
others, and the page says which moved and which did not, and why."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.forms import PlainMessages
from submissions import roles, workflow
from submissions.access import view_cases
from submissions.action_forms import AssignmentChoices
from submissions.models import Case

LIMIT = 100  # the oldest first; a batch larger than this is worked through in turns


class CaseChoice(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, case):
        return f"{case.reference} {case.title}"


def case_choice(user, status):
    return CaseChoice(
        label=gettext_lazy("Cases"),
        queryset=Case.objects.visible_to(user).filter(status=status).order_by("pk"),
        error_messages={
            "required": gettext_lazy("Tick at least one case."),
            "invalid_choice": gettext_lazy(
                "A ticked case has moved on in the meantime; reload the page."
            ),
        },
    )


class BatchAcceptForm(PlainMessages, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"] = case_choice(user, Case.Status.SUBMITTED)

    def move(self, case, user):
        return workflow.accept(case, user)


class BatchAssignForm(AssignmentChoices):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"] = case_choice(user, Case.Status.LISTED)
        self.order_fields(["cases"])

    def move(self, case, user):
        return self.assign(case, user)


BATCHES = {"accept": (roles.SCREEN, BatchAcceptForm), "assign": (roles.ASSIGN, BatchAssignForm)}


@view_cases
def bulk(request):
    allowed = {name for name, (right, _form) in BATCHES.items() if request.user.has_perm(right)}
    if not allowed:
        raise PermissionDenied
    posted = request.POST.get("bulk") if request.method == "POST" else None
    if posted is not None and posted not in allowed:
        raise PermissionDenied
    forms_ = {
        name: BATCHES[name][1](
            request.POST if name == posted else None, user=request.user, prefix=name
        )
        for name in sorted(allowed)
    }
    if posted and forms_[posted].is_valid():
        form = forms_[posted]
        moved, refused = [], []
        for case in form.cleaned_data["cases"][:LIMIT]:
            try:
                form.move(case, request.user)
                moved.append(case.reference)
            except workflow.WorkflowError as error:
                refused.append(f"{case.reference}：{error}")
        if moved:
            messages.success(
                request,
                ngettext(
                    "%(count)d case moved: %(refs)s", "%(count)d cases moved: %(refs)s", len(moved)
                )
                % {"count": len(moved), "refs": "、".join(moved)},
            )
        for line in refused:
            messages.error(request, line)
        return redirect("submissions_bulk")
    if posted:
        messages.error(request, _("Please correct the form below."))
    for form in forms_.values():
        form.fields["cases"].queryset = form.fields["cases"].queryset[:LIMIT]
    return render(request, "submissions/admin/bulk.html", {"forms": forms_})

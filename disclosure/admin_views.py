"""Staff actions on a case that belong to this app: 生成公示 and the key-issue link."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from disclosure import key_issues, notices
from disclosure.models import DisclosureIndexPage, KeyIssue, KeyIssueCase
from portal.forms import PlainMessages
from submissions import roles, workflow
from submissions.access import view_cases, visible_case


class KeyIssueChoiceForm(PlainMessages, forms.Form):
    key_issue = forms.ModelChoiceField(
        KeyIssue.objects.order_by("-year", "title"), label=gettext_lazy("Key issue")
    )


def can_generate(user):
    """Station staff make notices; they need to be able to add pages under the list."""
    index = DisclosureIndexPage.objects.order_by("path").first()
    return (
        user.has_perm(roles.SCREEN)
        and index is not None
        and index.permissions_for_user(user).can_add_subpage()
    )


def case_panel(request, case):
    notice = notices.existing_notice(case)
    link = KeyIssueCase.objects.select_related("key_issue").filter(case=case).first()
    return render_to_string(
        "disclosure/admin/case_panel.html",
        {
            "case": case,
            "notice": notice,
            "live": notice if notice and notice.live else None,
            "refusal": notices.refusal(case),
            "can_generate": can_generate(request.user),
            "link": link,
            "can_link": workflow.refusal(case, request.user, "key_supervision") is None,
            "key_issue_form": KeyIssueChoiceForm(prefix="key"),
        },
        request=request,
    )


@require_POST
@view_cases
def generate_notice(request, pk):
    case = visible_case(request.user, pk)
    if not can_generate(request.user):
        messages.error(request, _("You may not make disclosure notices."))
        return redirect("submissions_case", pk)
    try:
        notice, created = notices.generate(case, request.user)
    except notices.NoticeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("submissions_case", pk)
    if created:
        messages.success(
            request, _("A draft notice was made. Check the masked text, then submit it.")
        )
    return redirect("wagtailadmin_pages:edit", notice.pk)


@require_POST
@view_cases
def key_issue_link(request, pk):
    case = visible_case(request.user, pk)
    try:
        if request.POST.get("unlink"):
            key_issues.unlink(case, request.user)
            messages.success(request, _("The case no longer belongs to a key issue."))
        else:
            form = KeyIssueChoiceForm(request.POST, prefix="key")
            if not form.is_valid():
                messages.error(request, _("Choose a key issue."))
                return redirect("submissions_case", pk)
            key_issues.link(form.cleaned_data["key_issue"], case, request.user)
            messages.success(request, _("The case is now under key supervision."))
    except workflow.WorkflowError as refusal:
        messages.error(request, str(refusal))
    return redirect("submissions_case", pk)

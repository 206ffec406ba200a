"""Admin wiring: the case page's disclosure panel, its two actions, the 公示清单 ledger, the
public link on /track/, and the editor's warning about text that still looks like personal data."""

from django.contrib import messages
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from disclosure import admin_views, ledger, notices, suggestions
from disclosure.models import DisclosureNotice
from portal import page_cache


@hooks.register("register_admin_urls")
def register_disclosure_urls():
    return [
        path("cases/<int:pk>/notice/", admin_views.generate_notice, name="disclosure_generate"),
        path("cases/<int:pk>/key-issue/", admin_views.key_issue_link, name="disclosure_key_issue"),
    ]


@hooks.register("case_admin_panels")
def disclosure_case_panel(request, case):
    return admin_views.case_panel(request, case)


@hooks.register("register_ledgers")
def disclosure_ledger():
    """公示清单 among the ledgers staff download (submissions/ledgers.py)."""
    return [ledger.DISCLOSURE]


@hooks.register("case_public_links")
def disclosure_public_link(case):
    notice = notices.live_notice(case)
    return [(_("Disclosed: read the public notice"), notice.url)] if notice else []


def warn_about_leftovers(request, page):
    if isinstance(page, DisclosureNotice) and (parts := page.unconfirmed_leftovers()):
        messages.warning(
            request,
            _(
                "Saved, but this still looks like personal data: %(parts)s. Remove it, or "
                "confirm it is not personal data before the notice is published."
            )
            % {"parts": "、".join(parts)},
        )


hooks.register("after_create_page", warn_about_leftovers)
hooks.register("after_edit_page", warn_about_leftovers)


class DraftNoticesPanel(Component):
    """The editor's 待提交公示: notices made from closed cases that nobody has sent for review
    or published yet. Without it drafts are found only by browsing the page tree."""

    name = "draft_notices"
    order = 46
    template_name = "disclosure/admin/draft_notices_panel.html"

    def __init__(self, notices):
        self.notices = notices

    def get_context_data(self, parent_context):
        return {"notices": self.notices}


@hooks.register("construct_homepage_panels")
def add_draft_notices(request, panels):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, WorkflowState
    from wagtail.permissions import page_permission_policy

    editable = page_permission_policy.instances_user_has_permission_for(request.user, "change")
    in_review = WorkflowState.objects.filter(
        status=WorkflowState.STATUS_IN_PROGRESS,
        base_content_type=ContentType.objects.get_for_model(Page),
    )
    drafts = list(
        DisclosureNotice.objects.filter(pk__in=editable.values("pk"), live=False)
        .exclude(pk__in=[int(pk) for pk in in_review.values_list("object_id", flat=True)])
        .order_by("-latest_revision_created_at")[:20]
    )
    if drafts:
        panels.insert(0, DraftNoticesPanel(drafts))


@hooks.register("home_page_sections")
def latest_notices(request, count=5):
    notices = (
        DisclosureNotice.objects.live()
        .select_related("department")
        .order_by("-disclosed_on", "-pk")[:count]
    )
    template = "disclosure/includes/latest_notices.html"
    # The same for every visitor until a notice changes (a new generation): kept.
    return 20, page_cache.remember_rendered(
        "home_latest_notices", template, {"notices": notices}, request
    )


# The submission form's 已有类似问题？ suggestions (submissions/similar.py).
hooks.register("public_titles", suggestions.public_titles)

"""Admin wiring: the case page's disclosure panel, its two actions, the public link on
/track/, and the editor's warning about text that still looks like personal data."""

from django.contrib import messages
from django.urls import path
from django.utils.translation import gettext as _
from wagtail import hooks

from disclosure import admin_views, notices
from disclosure.models import DisclosureNotice


@hooks.register("register_admin_urls")
def register_disclosure_urls():
    return [
        path("cases/<int:pk>/notice/", admin_views.generate_notice, name="disclosure_generate"),
        path("cases/<int:pk>/key-issue/", admin_views.key_issue_link, name="disclosure_key_issue"),
    ]


@hooks.register("case_admin_panels")
def disclosure_case_panel(request, case):
    return admin_views.case_panel(request, case)


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

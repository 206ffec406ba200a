"""The public titles the submission form may suggest while a title is typed (see
submissions/similar.py for what is suggested and why case titles never are)."""

from django.utils.translation import gettext as _

from disclosure.models import DisclosureNotice, KeyIssue

# Newest first: the form suggests, it does not search the archive.
MAX_NOTICES = 500


def public_titles():
    """[{"title", "url", "label"}] of the live, unrestricted key issues and notices."""
    issues = KeyIssue.objects.live().public().order_by("-year", "title")
    notices = DisclosureNotice.objects.live().public().order_by("-disclosed_on", "-pk")
    return [
        {"title": page.title, "url": page.get_url(), "label": label}
        for label, pages in (
            (_("Key supervised issue"), issues),
            (_("Disclosed"), notices[:MAX_NOTICES]),
        )
        for page in pages.only("title", "url_path", "path", "depth")
    ]

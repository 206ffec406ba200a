"""Project-wide views."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.admin import messages
from wagtail.admin.views.pages import workflow as wagtail_workflow

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness plus a database round trip, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", whatever its type
        logger.exception("Health check: database unavailable")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class PreviewRevisionForTask(wagtail_workflow.PreviewRevisionForTask):
    """Wagtail's moderator preview, at its own URL (portal/urls.py puts this first), minus
    one leak: for a page not awaiting the task, Wagtail's message quotes the page's title to
    anyone who types its id, before any permission check. A draft disclosure notice's title
    is its case's title, so handlers and deputies could read cases outside their scope."""

    def add_error_message(self):
        messages.error(
            self.request, _("This page is not currently awaiting moderation in this task.")
        )

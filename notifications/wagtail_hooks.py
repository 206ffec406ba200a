"""The message log in the admin: every message with its status, attempts and last error."""

from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from notifications.models import Notification
from submissions.queues import ViewOnlyPolicy


class NotificationViewSet(ModelViewSet):
    """Every message with its status, attempts and last error; failures are retried by cron."""

    model = Notification
    icon = "mail"
    menu_label = pgettext_lazy("message log", "Notifications")
    menu_order = 900
    add_to_admin_menu = True
    exclude_form_fields = []  # required by ModelViewSet; the views that use it are refused
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "template",
        "status",
        "attempts",
        "last_error",
    ]
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient", "subject"]
    search_backend_name = None

    @property
    def permission_policy(self):
        return ViewOnlyPolicy(self.model)


@hooks.register("register_admin_viewset")
def register_notifications():
    return NotificationViewSet("notifications")

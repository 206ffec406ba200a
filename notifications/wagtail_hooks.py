"""The message log (every message with its status, attempts and last error), the background
tasks the worker ran (failed ones with their traceback), and each login's own messages (我的消息)
with their unread count on the dashboard."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_tasks_db.models import DBTaskResult
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

from notifications import views
from notifications.models import Notification
from submissions.queues import ViewOnlyPolicy


class NotificationViewSet(ModelViewSet):
    """Every message with its status, attempts and last error; failures are retried by the
    worker (notify.send) and by the send_reminders sweep."""

    model = Notification
    icon = "mail"
    menu_label = pgettext_lazy("message log", "Notifications")
    menu_order = 900
    add_to_admin_menu = True
    # Not in Wagtail's reference index: no usage count or delete warning asks where a case or
    # a login is "used" by the messages about it, a message's label names its recipient, and
    # each message saved would cost the worker an index update (its status changes twice more).
    add_to_reference_index = False
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


# django-tasks and django-tasks-db ship no Chinese: the names their screens show, translated in
# this project's catalogue (Django looks a message up in every catalogue).
TASK_LABELS = [
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
    _("Task Result"),
    _("Task Results"),
    _("started at"),
    _("args kwargs"),
    _("traceback"),
]


class BackgroundTaskViewSet(ModelViewSet):
    """What the task worker ran, newest first; a failed one shows its error and traceback. For
    station administrators (the view permission of django-tasks-db's results): it names tasks
    and their arguments, such as message numbers, and no one else needs it."""

    model = DBTaskResult
    icon = "tasks"
    menu_label = _("Background tasks")
    add_to_settings_menu = True
    exclude_form_fields = []  # required by ModelViewSet; the views that use it are refused
    list_display = [
        DateColumn("enqueued_at", label=_("enqueued at")),
        Column("task_path", label=_("task path")),
        Column("status", accessor="get_status_display", label=_("status")),
        DateColumn("finished_at", label=_("finished at")),
        Column("exception_class_path", label=_("exception class path")),
    ]
    list_filter = ["status"]
    inspect_view_fields = [
        "task_path",
        "status",
        "enqueued_at",
        "started_at",
        "finished_at",
        "args_kwargs",
        "exception_class_path",
        "traceback",
    ]
    ordering = ["-enqueued_at"]
    inspect_view_enabled = True
    search_backend_name = None

    @property
    def permission_policy(self):
        return ViewOnlyPolicy(self.model)


@hooks.register("register_admin_viewset")
def register_notifications():
    return NotificationViewSet("notifications")


@hooks.register("register_admin_viewset")
def register_background_tasks():
    return BackgroundTaskViewSet("background_tasks")


@hooks.register("register_admin_urls")
def inbox_urls():
    return [
        path("my-messages/", views.inbox, name="notifications_inbox"),
        path("my-messages/<int:pk>/", views.open_message, name="notifications_open"),
        path("my-messages/read/", views.mark_all_read, name="notifications_mark_all_read"),
    ]


@hooks.register("register_admin_menu_item")
def inbox_menu_item():
    return MenuItem(_("My messages"), reverse("notifications_inbox"), icon_name="mail", order=50)


class InboxPanel(Component):
    """The dashboard's count of unread messages, with the latest few."""

    name = "my_messages"
    order = 40
    template_name = "notifications/admin/inbox_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        unread = views.own_messages(self.request.user).filter(read_at__isnull=True)
        return {"unread": unread.count(), "latest": unread.order_by("-created_at", "-pk")[:5]}


@hooks.register("construct_homepage_panels")
def add_inbox_panel(request, panels):
    panels.append(InboxPanel(request))

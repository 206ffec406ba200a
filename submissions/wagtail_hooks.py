"""Admin for cases: reference data (categories, departments, committees), offline entry, a
case's page and its photos."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.menu import PermissionMenuItem
from submissions import (  # noqa: F401 (dashboard: its hooks)
    admin_views,
    assessment_views,
    bulk,
    dashboard,
    ledger_views,
    paper,
    roles,
)
from submissions.models import CalendarOverride, Category
from submissions.organisations import CommitteeViewSet, DepartmentViewSet


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    list_display = ["name", BooleanColumn("is_active", label=pgettext_lazy("category", "active"))]
    sort_order_field = "sort_order"
    menu_label = _("Categories")
    add_to_admin_menu = False
    menu_item_is_registered = True  # listed under reference data, not under Snippets


class CalendarOverrideViewSet(SnippetViewSet):
    model = CalendarOverride
    icon = "date"
    list_display = ["date", BooleanColumn("is_workday", label=_("working day")), "note"]
    list_filter = ["is_workday"]
    ordering = ["-date"]
    add_to_admin_menu = False
    menu_item_is_registered = True  # listed under reference data, not under Snippets


class ReferenceDataGroup(ModelViewSetGroup):
    """The lists the three lists are built from, each shown to whoever holds a permission on
    it: categories for the station, departments, committees and the working-day calendar of
    reply deadlines for the liaison committee."""

    menu_label = _("Reference data")
    menu_icon = "cogs"
    menu_order = 800
    items = [CategoryViewSet, DepartmentViewSet, CommitteeViewSet, CalendarOverrideViewSet]


@hooks.register("register_admin_viewset")
def register_reference_data():
    return ReferenceDataGroup()


@hooks.register("register_admin_urls")
def register_case_urls():
    return [
        path("cases/record/", admin_views.record_case, name="submissions_record"),
        path("cases/<int:pk>/", admin_views.case_detail, name="submissions_case"),
        path("cases/<int:pk>/receipt/", admin_views.case_receipt, name="submissions_receipt"),
        path(
            "cases/<int:pk>/act/<str:action>/", admin_views.case_action, name="submissions_action"
        ),
        path("cases/photos/<int:pk>/", admin_views.case_photo, name="submissions_photo"),
        path("cases/ledgers/", ledger_views.ledger_index, name="submissions_ledgers"),
        path("cases/report/", admin_views.director_report, name="submissions_report"),
        path(
            "cases/assessment/",
            assessment_views.assessment_page,
            name="submissions_assessment",
        ),
        path(
            "cases/ledgers/<str:kind>.xlsx", ledger_views.ledger_export, name="submissions_ledger"
        ),
        path("cases/replies/<int:pk>/", admin_views.reply_document, name="submissions_reply_doc"),
        path("cases/notes/<int:pk>/", admin_views.note_attachment, name="submissions_note_file"),
        path("cases/bulk/", bulk.bulk, name="submissions_bulk"),
        path(
            "cases/<int:pk>/rounds/<int:round_pk>/<str:kind>/",
            paper.round_paper,
            name="submissions_round_paper",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_record_menu_item():
    return PermissionMenuItem(
        _("Record an offline item"),
        reverse("submissions_record"),
        "submissions.add_case",
        icon_name="form",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_bulk_menu_item():
    return PermissionMenuItem(
        _("Batch accept and assign"),
        reverse("submissions_bulk"),
        (roles.SCREEN, roles.ASSIGN),
        icon_name="list-ul",
        order=155,
    )


@hooks.register("register_admin_menu_item")
def register_ledger_menu_item():
    return PermissionMenuItem(
        _("Ledgers (台账)"),
        reverse("submissions_ledgers"),
        "submissions.view_case",
        icon_name="download",
        order=160,
    )


@hooks.register("register_admin_menu_item")
def register_assessment_menu_item():
    return PermissionMenuItem(
        _("Department assessment"),
        reverse("submissions_assessment"),
        "submissions.view_department",
        icon_name="tasks",
        order=175,
    )


@hooks.register("register_admin_menu_item")
def register_report_menu_item():
    return PermissionMenuItem(
        _("Director's-meeting report"),
        reverse("submissions_report"),
        "submissions.view_department",
        icon_name="table",
        order=170,
    )


# Wagtail's reports a role has a use for. Those with page rights keep Wagtail's own page
# reports (Wagtail checks their page permissions); the site history scopes case entries per
# case (CaseLogEntry), yet only those who oversee every case have a use for it: handlers and
# deputies work from their own lists.
@hooks.register("construct_reports_menu")
def reports_for_role(request, menu_items):
    user = request.user
    if roles.edits_pages(user):
        return
    allowed = {"site-history"} if user.has_perm(roles.SEE_ALL) else set()
    menu_items[:] = [item for item in menu_items if item.name in allowed]


@hooks.register("register_log_actions")
def register_workflow_log_actions(actions):
    from submissions.models import Case, CaseLogEntry
    from submissions.workflow import ACTION_LABELS

    actions.register_model(Case, CaseLogEntry)
    for action, label in ACTION_LABELS.items():
        actions.register_action(f"submissions.{action}", label, label)


@hooks.register("register_admin_viewset")
def register_queues():
    from submissions.queues import CasesGroup

    return CasesGroup()


class CalendarWarningPanel(Component):
    """Tells admins when coming deadlines fall in days the official calendar does not cover."""

    name = "calendar_warning"
    order = 40
    template_name = "submissions/admin/calendar_warning.html"

    def __init__(self, dates):
        self.dates = dates

    def get_context_data(self, parent_context):
        return {"first": self.dates[0], "last": self.dates[-1], "count": len(self.dates)}


@hooks.register("construct_homepage_panels")
def add_calendar_warning(request, panels):
    from django.conf import settings
    from django.utils import timezone

    from submissions.deadlines import WORKDAYS, uncovered_dates

    if settings.REPLY_PERIOD_MODE != WORKDAYS or not request.user.has_perm(
        "submissions.add_calendaroverride"
    ):
        return
    dates = uncovered_dates(timezone.localdate(), 60)
    if dates:
        panels.insert(0, CalendarWarningPanel(dates))


@hooks.register("insert_global_admin_css")
def admin_css():
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))

"""The queues of the three lists, as Wagtail listings: one ModelViewSet per queue.

Every queue starts from Case.objects.visible_to(), so a department's handler can list and export
only their department's cases whatever queue or URL they open.
"""

import django_filters
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from portal.columns import AbsoluteDateColumn
from submissions import roles
from submissions.models import Assignment, Case, Category, Department

S = Case.Status


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Cases change only through workflow.py: no generic add, edit or delete views."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return "view" in actions and self.user_has_permission(user, "view")


class CaseFilterSet(WagtailFilterSet):
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=Category.objects.all()
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Case.Channel.choices)
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Case.Kind.choices)
    department = django_filters.ModelChoiceFilter(
        label=_("Lead department"),
        queryset=Department.objects.all(),
        field_name="current_assignment__lead_department",
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    received = django_filters.DateFromToRangeFilter(
        label=_("Date received"), field_name="received_on"
    )

    class Meta:
        model = Case
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.not_overdue()


def due_band(assignment, now=None):
    """(level, label) for the claim list: on time, due within 2 days, or overdue. The label
    says it in words too, so colour is never the only signal."""
    now = now or timezone.now()
    days = (timezone.localtime(assignment.due_at).date() - timezone.localtime(now).date()).days
    if assignment.due_at < now:
        return "overdue", _("%(days)d days overdue") % {"days": max(1, -days)}
    if days <= 2:
        return "soon", _("Due in %(days)d days") % {"days": days} if days else _("Due today")
    return "ok", _("%(days)d days left") % {"days": days}


class DueColumn(Column):
    cell_template_name = "submissions/admin/due_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        assignment = instance.current_assignment
        if assignment is not None:
            context["level"], context["label"] = due_band(assignment)
            context["due"] = timezone.localtime(assignment.due_at)
        return context


class ReaderTextColumn(Column):
    """Free text as the signed-in reader may read it: masked for roles without contact rights
    (roles.reader_mask), since submitters type phones and names into titles."""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        shown = roles.reader_mask(parent_context["request"].user, instance)
        context["value"] = shown(context["value"])
        return context


class QueueIndexView(IndexView):
    queue = None

    @property
    def page_title(self):
        return self.queue.menu_label

    def order_queryset(self, queryset):
        # A reference is <prefix>-<year>-<sequence>: sorting its text would put 10000 before
        # 9999, so "by reference" means by year, then sequence.
        if self.ordering in ("reference", "-reference"):
            sign = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(f"{sign}year", f"{sign}sequence", f"{sign}station_id")
        return super().order_queryset(queryset)

    def get_base_queryset(self):
        queryset = self.queue.cases(self.request.user)
        return queryset.select_related(
            "category", "enterprise", "current_assignment__lead_department"
        )


class CaseQueue(ModelViewSet):
    model = Case
    icon = "list-ul"
    add_to_admin_menu = False
    inspect_view_enabled = False
    copy_view_enabled = False
    index_view_class = QueueIndexView
    exclude_form_fields = []  # required by ModelViewSet; its edit views are never permitted
    filterset_class = CaseFilterSet
    search_fields = ["reference", "title", "description", "enterprise_name", "place"]
    search_backend_name = None  # icontains: finds Chinese words on SQLite and PostgreSQL
    list_per_page = 20
    ordering = ["-created_at"]
    list_export = [
        "reference",
        "received_on",
        "get_channel_display",
        "enterprise_name",
        "category",
        "title",
        "get_status_display",
    ]
    export_headings = {
        "reference": "编号",
        "received_on": "收集日期",
        "get_channel_display": "渠道",
        "enterprise_name": "企业",
        "category": "类别",
        "title": "问题内容",
        "get_status_display": "状态",
    }
    statuses = ()  # the statuses this queue lists; empty means all
    # The rights, any of which shows the queue in the menu and on the dashboard.
    rights = {roles.SEE_ALL, roles.ACT_FOR_DEPARTMENT, roles.SEE_ADDRESSED}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.list_display = self.columns()

    @property
    def permission_policy(self):
        return ViewOnlyPolicy(self.model)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queue=self, **kwargs)

    def columns(self):
        return [
            TitleColumn(
                "reference",
                label=_("Reference number"),
                sort_key="reference",
                get_url=lambda case: reverse("submissions_case", args=[case.pk]),
            ),
            ReaderTextColumn("title", label=_("Title")),
            Column("category", label=_("Category")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            AbsoluteDateColumn("received_on", label=_("Date received"), sort_key="received_on"),
        ]

    @classmethod
    def cases(cls, user):
        queryset = Case.objects.visible_to(user)
        return queryset.filter(status__in=cls.statuses) if cls.statuses else queryset

    @classmethod
    def is_shown_to(cls, user):
        return user.has_perm("submissions.view_case") and any(
            user.has_perm(right) for right in cls.rights
        )

    @classmethod
    def count(cls, user):
        return cls.cases(user).count()

    @property
    def menu_item_class(self):
        queue = self

        class QueueMenuItem(MenuItem):
            def is_shown(self, request):
                return queue.is_shown_to(request.user)

            def render_component(self, request):
                component = super().render_component(request)
                component.label = f"{component.label} ({queue.count(request.user)})"
                return component

        return QueueMenuItem


class ClaimQueue(CaseQueue):
    def columns(self):
        return super().columns()[:3] + [
            Column(
                "department",
                label=_("Lead department"),
                accessor=lambda c: c.current_assignment.lead_department.name,
            ),
            DueColumn("due", label=_("Reply due")),
            Column("rounds", label=_("Round"), accessor=lambda c: c.current_assignment.round),
        ]


def queue(name, label, statuses=(), rights=None, base=CaseQueue, **extra):
    attrs = {
        "name": name,
        "menu_label": label,
        "statuses": statuses,
        "url_prefix": f"cases/{name}",
        **extra,
    }
    if rights is not None:
        attrs["rights"] = rights
    return type(f"{name.title()}Queue", (base,), attrs)


class SupervisionQueue(ClaimQueue):
    @classmethod
    def cases(cls, user):
        continued = Q(current_assignment__supervision=Assignment.Supervision.CONTINUED) | Q(
            key_supervised=True
        )
        cases = Case.objects.visible_to(user).filter(status=S.ASSIGNED)
        return cases.filter(continued | Q(pk__in=cases.overdue().values("pk")))


SCREENING = {roles.SCREEN, roles.ASSIGN}  # the station and the committee
QUEUES = [
    queue("intake", _("Intake (待受理)"), [S.SUBMITTED], SCREENING),
    queue("problems", _("Problem list (问题清单)"), [S.LISTED], SCREENING),
    queue("claims", _("Claim list (认领清单)"), [S.ASSIGNED], base=ClaimQueue),
    queue("review", _("Replies to review (待审核答复)"), [S.REPLIED], {roles.ASSIGN}),
    queue("feedback", _("Awaiting feedback (待评价)"), [S.AWAITING_FEEDBACK], SCREENING),
    queue(
        "supervision",
        _("Continued supervision (持续督办)"),
        base=SupervisionQueue,
        rights=SCREENING,
    ),
    # A department's handler works from the claim list only (their menu shows nothing else).
    queue("closed", _("Closed (已销号)"), [S.CLOSED], {roles.SEE_ALL, roles.SEE_ADDRESSED}),
    queue("all", _("All cases"), rights={roles.SEE_ALL, roles.SEE_ADDRESSED}),
]


class CasesGroup(ModelViewSetGroup):
    menu_label = _("Three lists")
    menu_icon = "tasks"
    menu_order = 100
    items = QUEUES

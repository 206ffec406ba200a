"""The queues of the three lists, as Wagtail listings: one ModelViewSet per queue.

Every queue starts from Case.objects.visible_to(), so a department's handler can list and export
only their department's cases whatever queue or URL they open.
"""

import django_filters
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy

from portal.columns import AbsoluteDateColumn
from submissions import board, count_cache, roles
from submissions.models import SEARCHED_FIELDS, Case, Category, Department

S = Case.Status
OPEN = [status for status in S.values if status not in Case.FINISHED]


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


def where(queryset, condition, value):
    """The cases meeting condition for a yes, the others for a no."""
    return queryset.filter(condition) if value else queryset.exclude(condition)


class ClaimFilterSet(CaseFilterSet):
    """The claim list's lights, so the board's counts can link to exactly what they count."""

    due_soon = django_filters.BooleanFilter(
        label=_("Due soon (即将到期)"),
        method=lambda queryset, name, value: where(queryset, board.due_soon(), value),
    )
    signed = django_filters.BooleanFilter(
        label=_("Signed for (已签收)"),
        method=lambda queryset, name, value: where(queryset, board.signed(), value),
    )

    class Meta(CaseFilterSet.Meta):
        pass


class SupervisionFilterSet(ClaimFilterSet):
    reason = django_filters.MultipleChoiceFilter(
        label=_("Why supervised (督办原因)"),
        choices=[(reason.code, reason.name) for reason in board.REASONS],
        method="filter_reason",
    )

    class Meta(ClaimFilterSet.Meta):
        pass

    def filter_reason(self, queryset, name, value):
        return queryset.filter(board.supervision_condition(codes=value)) if value else queryset


def due_band(assignment, now=None):
    """(level, label) for the claim list: on time, due soon (board.due_soon_cutoff), or overdue.
    The label says it in words too, so colour is never the only signal."""
    now = now or timezone.now()
    days = (timezone.localtime(assignment.due_at).date() - timezone.localtime(now).date()).days
    if assignment.due_at < now:
        late = board.days_overdue(assignment.due_at, now)
        return "overdue", _("%(days)d days overdue") % {"days": late}
    if assignment.due_at <= board.due_soon_cutoff(now):
        return "soon", _("Due in %(days)d days") % {"days": days} if days else _("Due today")
    return "ok", _("%(days)d days left") % {"days": days}


class DueColumn(Column):
    """The current round's deadline as a band in colour and words; sortable by the deadline."""

    cell_template_name = "submissions/admin/due_cell.html"

    def __init__(self, name="due", label=None, **kwargs):
        super().__init__(name, label=label or _("Reply due"), sort_key="due", **kwargs)

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


class SignedColumn(Column):
    """签收: the date the department signed for the current round, or "待签收" in words."""

    cell_template_name = "submissions/admin/signed_cell.html"

    def __init__(self, name="signed", label=None, **kwargs):
        super().__init__(name, label=label or _("Signed for"), sort_key="signed", **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        assignment = instance.current_assignment
        context["signed_at"] = assignment.signed_at if assignment else None
        return context


class ReasonsColumn(Column):
    """Why the case is under supervision (board.supervision_reasons), each reason in words."""

    cell_template_name = "submissions/admin/reasons_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["reasons"] = board.supervision_reasons(instance)
        return context


# Sort keys of the queues' columns: the fields they order by (then the newest case first, so
# pages of equal deadlines keep a stable order).
SORTS = {
    "due": ["current_assignment__due_at"],
    "signed": ["current_assignment__signed_at"],
    "requested": ["current_assignment__extension_until"],
    "returned": ["returned_at"],
    # A reference is <prefix>-<year>-<sequence>: sorting its text would put 10000 before
    # 9999, so "by reference" means by year, then sequence.
    "reference": ["year", "sequence", "station_id"],
}


class CappedPaginator(WagtailPaginator):
    """Counts a search's or a filter's matches up to CAP and no further: at a million cases a
    common word matches a hundred thousand, and counting them all would cost more than the page.
    Past CAP the listing says "more than" (queue_results.html) and pages through the first CAP."""

    CAP = 10_000
    capped = False

    @cached_property
    def count(self):
        found = self.object_list.order_by()[: self.CAP + 1].count()
        self.capped = found > self.CAP
        return min(found, self.CAP)

    @cached_property
    def items_count_label(self):
        if self.count >= self.CAP and self.capped:
            return _("More than %(count)s cases") % {
                "count": number_format(self.CAP, force_grouping=True)
            }
        return super().items_count_label


class QueueIndexView(IndexView):
    queue = None
    paginator_class = CappedPaginator
    results_template_name = "submissions/admin/queue_results.html"

    @property
    def page_title(self):
        return self.queue.menu_label

    def order_queryset(self, queryset):
        key = self.ordering.lstrip("-") if isinstance(self.ordering, str) else None
        if key in SORTS:
            sign = "-" if self.ordering.startswith("-") else ""
            return queryset.order_by(*(f"{sign}{field}" for field in SORTS[key]), "-pk")
        return super().order_queryset(queryset)

    def get_paginator(self, *args, **kwargs):
        """An unfiltered first look reuses the menu's count of the queue (counts_for) rather
        than counting the same cases again: at a million cases, a count is most of a page."""
        paginator = super().get_paginator(*args, **kwargs)
        if not (self.is_filtering or self.is_searching):
            count = counts_for(self.request).get(self.queue.name)
            if count is not None:
                paginator.count = count
        return paginator

    def search_queryset(self, queryset):
        return queryset.search(self.search_query) if self.is_searching else queryset

    def get_base_queryset(self):
        queryset = self.queue.annotate(self.queue.cases(self.request.user))
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
    search_fields = SEARCHED_FIELDS  # searched by CaseQuerySet.search (QueueIndexView)
    search_backend_name = None
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
    def condition(cls, now):
        """The Q a visible case meets to be in this queue; None lists every visible case."""
        return Q(status__in=cls.statuses) if cls.statuses else None

    @classmethod
    def by_status(cls):
        """The queue is its statuses (or every case): counted from the count per status."""
        return cls.condition.__func__ is CaseQueue.condition.__func__

    @classmethod
    def cases(cls, user, now=None):
        queryset = Case.objects.visible_to(user)
        condition = cls.condition(now or timezone.now())
        return queryset if condition is None else queryset.filter(condition)

    @classmethod
    def annotate(cls, queryset):
        """What the queue's columns read beyond the case and its current round."""
        return queryset

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
                count = counts_for(request)[queue.name]
                component.label = f"{component.label} ({count})"
                return component

        return QueueMenuItem


def lead_department_column():
    return Column(
        "department",
        label=_("Lead department"),
        accessor=lambda c: c.current_assignment.lead_department.name,
    )


class ClaimQueue(CaseQueue):
    filterset_class = ClaimFilterSet

    def columns(self):
        return super().columns()[:3] + [
            lead_department_column(),
            SignedColumn(),
            DueColumn(),
            Column("rounds", label=_("Round"), accessor=lambda c: c.current_assignment.round),
        ]


class ReturnedQueue(CaseQueue):
    """已退回: back on the problem list because the department returned it, with who, when
    and why, for the committee to assign it anew."""

    @classmethod
    def condition(cls, now):
        return board.returned()

    @classmethod
    def annotate(cls, queryset):
        return queryset.annotate(**board.latest_return())

    def columns(self):
        return super().columns()[:3] + [
            Column("returned_by", label=_("Returned by (退回单位)")),
            AbsoluteDateColumn("returned_at", label=_("returned at"), sort_key="returned"),
            ReaderTextColumn("return_reason", label=_("reason for returning")),
        ]


class ExtensionQueue(CaseQueue):
    """待审批延期: rounds whose department asked for more time, awaiting the decision."""

    filterset_class = ClaimFilterSet

    @classmethod
    def condition(cls, now):
        return board.awaiting_extension()

    def columns(self):
        return super().columns()[:2] + [
            lead_department_column(),
            AbsoluteDateColumn(
                "requested",
                label=_("extension requested until"),
                accessor="current_assignment.extension_until",
                sort_key="requested",
            ),
            ReaderTextColumn(
                "extension_reason",
                label=_("reason for the extension"),
                accessor="current_assignment.extension_reason",
            ),
            DueColumn(label=_("Current deadline (当前期限)")),
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
    """持续督办: cases with their department that are overdue, under continued supervision or
    key supervised, each with its reasons (board.REASONS)."""

    filterset_class = SupervisionFilterSet

    @classmethod
    def condition(cls, now):
        return board.supervision_condition(now)

    @classmethod
    def annotate(cls, queryset):
        return board.with_reasons(queryset)

    def columns(self):
        return super().columns()[:3] + [
            lead_department_column(),
            ReasonsColumn("reasons", label=_("Why supervised (督办原因)")),
            DueColumn(),
            Column("rounds", label=_("Round"), accessor=lambda c: c.current_assignment.round),
        ]


SCREENING = {roles.SCREEN, roles.ASSIGN}  # the station and the committee
QUEUES = [
    queue("intake", _("Intake (待受理)"), [S.SUBMITTED], SCREENING),
    queue("problems", _("Problem list (问题清单)"), [S.LISTED], SCREENING),
    queue("returned", _("Returned (已退回)"), base=ReturnedQueue, rights=SCREENING),
    queue("claims", _("Claim list (认领清单)"), [S.ASSIGNED], base=ClaimQueue),
    queue(
        "extensions",
        _("Extension requests (待审批延期)"),
        base=ExtensionQueue,
        rights=SCREENING,
    ),
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


def counts_for(request, now=None):
    """{queue name: cases} for every queue the user's menu shows, and for those who see the
    supervision board its other figures (board.board_counts) too, made once per request whether
    the menu, the queue panel, the board or a queue's paginator asks first.

    Two queries whatever the number of cases: one count per status (the status index answers
    it) gives the queues that are a list of statuses; one aggregate over the open cases only
    gives the others and the board, whose conditions all ask for a case with a department or
    back on the problem list. At a million cases that still takes seconds, so the figures are
    kept for a while per scope (count_cache) and counted afresh when a case changes."""
    if (memo := getattr(request, "_case_counts", None)) is not None:
        return memo
    user = request.user
    shown = [queue for queue in QUEUES if queue.is_shown_to(user)]
    with_board = board_is_shown_to(user)
    # Readers of one scope and one menu share their counts for a while (count_cache).
    name = ";".join([roles.scope_key(user), *(queue.name for queue in shown), str(with_board)])
    counts = count_cache.remember(
        name, lambda: count_queues(user, shown, with_board, now or timezone.now())
    )
    request._case_counts = counts
    return counts


def count_queues(user, shown, with_board, now):
    """counts_for's figures, counted."""
    visible, counts, aggregates = Case.objects.visible_to(user), {}, {}
    if any(queue.by_status() for queue in shown):
        by_status = dict(visible.order_by().values_list("status").annotate(Count("pk")))
    for queue in shown:
        if queue.by_status():
            counts[queue.name] = sum(
                count
                for status, count in by_status.items()
                if not queue.statuses or status in queue.statuses
            )
        else:
            aggregates[queue.name] = Count("pk", filter=queue.condition(now))
    if with_board:
        aggregates |= board.board_counts(now)
    if aggregates:
        counts |= visible.filter(status__in=OPEN).aggregate(**aggregates)
    return counts


def board_is_shown_to(user):
    """The supervision board oversees every case: for those who see them all and act on them,
    the committee and the station; never a department's handler or a deputy."""
    return (
        user.has_perm("submissions.view_case")
        and user.has_perm(roles.SEE_ALL)
        and (user.has_perm(roles.ASSIGN) or user.has_perm(roles.SCREEN))
    )


class CasesGroup(ModelViewSetGroup):
    menu_label = _("Three lists")
    menu_icon = "tasks"
    menu_order = 100
    items = QUEUES

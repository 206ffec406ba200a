"""Admin for visits: listings of visits, teams, campaigns and monthly plans (Wagtail
ModelViewSets), the record-a-visit screen, coverage pages and the weekly batch intake."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from portal.menu import PermissionMenuItem
from visits import admin_views, batch_views, coverage
from visits.forms import VisitTeamForm
from visits.models import MIN_PLAN_DEPUTIES, Visit, VisitCampaign, VisitPlan, VisitTeam


class VisitIndexView(IndexView):
    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        buttons.append(
            HeaderButton(_("Team coverage"), url=reverse("visits_team_coverage"), icon_name="group")
        )
        return buttons

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("enterprise", "team")
            .prefetch_related("deputies", "cases")
        )


class VisitEditView(EditView):
    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("visits.add_visit"):
            buttons.append(
                HeaderButton(
                    _("Add items raised"),
                    url=reverse("visits_items", args=[self.object.pk]),
                    icon_name="plus",
                )
            )
        return buttons


class VisitViewSet(ModelViewSet):
    model = Visit
    icon = "group"
    url_prefix = "visits/visit"
    url_namespace = "visits_visit"
    index_view_class = VisitIndexView
    edit_view_class = VisitEditView
    list_display = [
        "date",
        TitleColumn("enterprise", url_name="visits_visit:edit", label=_("Enterprise")),
        "team",
        Column(
            "who",
            label=_("Deputies"),
            accessor=lambda v: "、".join(d.name for d in v.deputies.all()),
        ),
        Column("raised", label=_("Items raised"), accessor=lambda v: len(v.cases.all())),
    ]
    list_filter = ["date", "team", "deputies"]
    search_fields = ["enterprise__name", "purpose", "notes"]
    search_backend_name = None
    panels = [
        FieldRowPanel([FieldPanel("date"), FieldPanel("enterprise"), FieldPanel("team")]),
        FieldPanel("deputies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("staff"),
        FieldPanel("purpose"),
        FieldPanel("notes"),
        HelpPanel(template="visits/admin/visit_cases_panel.html", heading=_("Items raised")),
    ]
    menu_order = 100

    @property
    def add_view(self):
        # Recording a visit also records the items it raised: one screen does both.
        return RedirectView.as_view(pattern_name="visits_record")


class PlanWarningMixin:
    def get_success_message(self, instance):
        message = super().get_success_message(instance)
        if instance.deputies.count() < MIN_PLAN_DEPUTIES:
            messages.warning(
                self.request,
                _("The plan has fewer than %(min)d deputies; the rules ask for at least %(min)d.")
                % {"min": MIN_PLAN_DEPUTIES},
            )
        return message


class PlanCreateView(PlanWarningMixin, CreateView):
    pass


class PlanEditView(PlanWarningMixin, EditView):
    pass


def plan_progress_text(plan):
    progress = coverage.plan_progress(plan)
    text = _("%(done)d of %(planned)d planned enterprises visited") % {
        "done": progress["planned_visited"],
        "planned": progress["planned"],
    }
    if progress["too_few_deputies"]:
        text += " · " + _("only %(n)d deputies") % {"n": progress["deputies"]}
    return text


class VisitPlanViewSet(ModelViewSet):
    model = VisitPlan
    icon = "date"
    url_prefix = "visits/plan"
    url_namespace = "visits_plan"
    add_view_class = PlanCreateView
    edit_view_class = PlanEditView
    list_display = [
        TitleColumn(
            "month",
            url_name="visits_plan:edit",
            label=_("Month"),
            accessor=lambda plan: date_format(plan.month, "YEAR_MONTH_FORMAT"),
        ),
        "leader",
        Column("progress", label=_("Plan versus visits"), accessor=plan_progress_text),
    ]
    panels = [
        FieldRowPanel([FieldPanel("month"), FieldPanel("leader")]),
        FieldPanel("deputies", widget=forms.CheckboxSelectMultiple),
        FieldPanel("enterprises", widget=forms.CheckboxSelectMultiple),
        FieldPanel("notes"),
    ]
    menu_order = 400


class VisitTeamIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(enterprise_count=Count("enterprises"))


class VisitTeamViewSet(ModelViewSet):
    model = VisitTeam
    index_view_class = VisitTeamIndexView
    icon = "group"
    url_prefix = "visits/team"
    url_namespace = "visits_team"
    list_display = [
        TitleColumn("name", url_name="visits_team:edit", label=_("Name")),
        "leader",
        Column("enterprise_count", label=_("Enterprises")),
    ]
    search_fields = ["name", "leader"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("leader")]),
            FieldPanel("committee_members"),
            FieldPanel("deputies", widget=forms.CheckboxSelectMultiple),
            FieldPanel("enterprises", widget=forms.CheckboxSelectMultiple),
        ],
        base_form_class=VisitTeamForm,
    )
    menu_order = 200


class VisitCampaignViewSet(ModelViewSet):
    model = VisitCampaign
    icon = "calendar-alt"
    url_prefix = "visits/campaign"
    url_namespace = "visits_campaign"
    list_display = [
        TitleColumn("name", url_name="visits_campaign_coverage", label=_("Name")),
        "start",
        "end",
    ]
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("targets", widget=forms.CheckboxSelectMultiple),
    ]
    menu_order = 300


class VisitsGroup(ViewSetGroup):
    menu_label = _("Visits")
    menu_icon = "group"
    menu_order = 250
    items = (VisitViewSet, VisitTeamViewSet, VisitCampaignViewSet, VisitPlanViewSet)


@hooks.register("register_admin_viewset")
def register_visits():
    return VisitsGroup()


@hooks.register("register_admin_urls")
def register_visit_urls():
    return [
        path("visits/record/", admin_views.record, name="visits_record"),
        path("visits/visit/<int:pk>/items/", admin_views.add_raised_items, name="visits_items"),
        path(
            "visits/campaign/<int:pk>/coverage/",
            admin_views.campaign,
            name="visits_campaign_coverage",
        ),
        path(
            "visits/campaign/<int:pk>/not-visited.xlsx",
            admin_views.not_visited_xlsx,
            name="visits_not_visited",
        ),
        path("visits/coverage/", admin_views.team_coverage, name="visits_team_coverage"),
        *batch_views.admin_urls,
    ]


@hooks.register("register_admin_menu_item")
def register_batch_menu_item():
    return PermissionMenuItem(
        _("Batch intake (weekly meeting)"),
        reverse("visits_batch"),
        "submissions.add_case",
        icon_name="table",
        order=155,
    )


@hooks.register("deputy_profile_facts")
def enterprises_visited_this_year(deputy):
    visited = coverage.enterprises_visited(deputy, timezone.localdate().year)
    return [(_("Enterprises visited this year"), visited, "visited-count")]


@hooks.register("deputy_edit_sections")
def deputy_visits(deputy, request, count=20):
    visits = []
    if deputy and deputy.pk:
        visits = (
            Visit.objects.filter(deputies=deputy)
            .select_related("enterprise")
            .prefetch_related("cases")
            .order_by("-date", "-pk")[:count]
        )
    context = {"visits": visits, "deputy": deputy}
    return render_to_string("visits/admin/deputy_visits.html", context, request)

"""Admin for deputies, the station, enterprises and the reception roster."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, LiveStatusTagColumn
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from deputies import admin_views
from deputies.models import Deputy, Enterprise, ReceptionDay, Station
from deputies.pages import DeputyIndexPage, ReceptionPage
from portal.menu import PermissionMenuItem
from portal.page_cache import remember_rendered


class DeputyIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.append(
            ListingMenuItem(
                _("QR poster"),
                reverse("deputies_poster", args=[instance.pk]),
                icon_name="doc-full",
                priority=30,
            )
        )
        if self.request.user.has_perm("deputies.rotate_qr_token"):
            buttons.append(
                ListingMenuItem(
                    _("Rotate QR token"),
                    reverse("deputies_rotate", args=["deputy", instance.pk]),
                    icon_name="rotate",
                    priority=40,
                )
            )
        return buttons


class DeputyViewSet(SnippetViewSet):
    model = Deputy
    icon = "user"
    index_view_class = DeputyIndexView
    # Columns built here need their label: a Column names itself after the field in English.
    list_display = [
        "name",
        "level",
        "role",
        "work_unit",
        BooleanColumn("is_active", label=pgettext_lazy("deputy", "active")),
        LiveStatusTagColumn(label=_("Status")),
    ]
    list_filter = ["level", "role", "is_active"]
    search_fields = ["name", "work_unit", "delegation", "occupation"]
    search_backend_name = None  # plain icontains: works for Chinese on every database
    sort_order_field = "sort_order"
    menu_order = 100


class EnterpriseIndexView(IndexView):
    @property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("deputies.add_enterprise"):
            buttons.append(
                HeaderButton(
                    _("Import from XLSX"), url=reverse("deputies_import"), icon_name="upload"
                )
            )
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("pairings__deputy")


class EnterpriseViewSet(SnippetViewSet):
    model = Enterprise
    icon = "site"
    index_view_class = EnterpriseIndexView
    list_display = [
        "name",
        "credit_code",
        "industry",
        BooleanColumn("is_key", label=_("key enterprise")),
        Column(
            "paired_deputies",
            label=_("Paired deputies"),
            accessor=lambda e: "、".join(p.deputy.name for p in e.pairings.all()),
        ),
    ]
    list_filter = ["is_key", "is_active", "industry"]
    search_fields = ["name", "credit_code", "address", "industry"]
    search_backend_name = None
    list_export = [
        "name",
        "credit_code",
        "address",
        "industry",
        "is_key",
        "contact_name",
        "contact_phone",
    ]
    export_headings = {
        "name": "企业名称",
        "credit_code": "统一社会信用代码",
        "address": "地址",
        "industry": "行业",
        "is_key": "重点企业",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
    }
    export_filename = "enterprises"
    menu_order = 200


class ReceptionDayViewSet(SnippetViewSet):
    model = ReceptionDay
    icon = "date"
    list_display = [
        "date",
        "kind",
        "place",
        "theme",
        Column(
            "deputy_count",
            label=_("Deputies on duty"),
            accessor=lambda day: len(day.deputies.all()),
        ),
    ]
    list_filter = ["kind", "date"]
    search_fields = ["place", "theme", "staff_on_duty"]
    search_backend_name = None
    ordering = ["-date"]
    menu_order = 300

    def get_queryset(self, request):
        return ReceptionDay.objects.prefetch_related("deputies")


class StationViewSet(SnippetViewSet):
    model = Station
    icon = "home"
    list_display = ["name", "reference_prefix", "phone"]
    menu_order = 400


class DeputiesGroup(SnippetViewSetGroup):
    menu_label = _("Deputies & enterprises")
    menu_icon = "group"
    menu_order = 200
    items = [DeputyViewSet, EnterpriseViewSet, ReceptionDayViewSet, StationViewSet]


@hooks.register("register_admin_viewset")
def register_deputies_group():
    return DeputiesGroup()


@hooks.register("register_admin_urls")
def register_poster_urls():
    return [
        path("deputies/posters/", admin_views.poster_index, name="deputies_posters"),
        path("deputies/posters/sheet/", admin_views.poster_sheet, name="deputies_poster_sheet"),
        path(
            "deputies/posters/station/", admin_views.station_poster, name="deputies_station_poster"
        ),
        path("deputies/posters/<int:pk>/", admin_views.deputy_poster, name="deputies_poster"),
        path(
            "deputies/rotate/<str:kind>/<int:pk>/", admin_views.rotate_token, name="deputies_rotate"
        ),
        path(
            "deputies/enterprises/import/",
            admin_views.import_enterprises_view,
            name="deputies_import",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_poster_menu_item():
    return PermissionMenuItem(
        _("QR posters"),
        reverse("deputies_posters"),
        "deputies.view_deputy",
        icon_name="doc-full",
        order=210,
    )


@hooks.register("register_log_actions")
def register_rotation_log_action(actions):
    actions.register_action(
        "deputies.rotate_qr_token",
        _("Rotate QR token"),
        _("QR token rotated; the old poster link no longer works"),
    )


def warn_understaffed_reception(request, instance):
    if isinstance(instance, ReceptionDay):
        warning = instance.staffing_warning(instance.deputies.count())
        if warning:
            messages.warning(request, warning)


hooks.register("after_create_snippet", warn_understaffed_reception)
hooks.register("after_edit_snippet", warn_understaffed_reception)


@hooks.register("home_page_sections")
def station_contact(request):
    # The station comes from the template context (portal.context_processors, cached).
    # The same for every visitor until the station changes (a new generation): kept.
    template = "deputies/includes/home_contact.html"
    return 5, remember_rendered("home_station_contact", template, {}, request)


@hooks.register("home_page_sections")
def next_reception_days(request, count=3):
    # The same for every visitor on a given day until a reception day or page changes (a new
    # generation): kept, under the day's date since the days listed start from today.
    def context():
        return {
            "days": ReceptionDay.objects.upcoming().filter(kind=ReceptionDay.Kind.RECEPTION)[
                :count
            ],
            "roster_page": ReceptionPage.objects.live().first(),
            "wall_page": DeputyIndexPage.objects.live().first(),
        }

    template = "deputies/includes/home_reception.html"
    name = f"home_reception_days:{timezone.localdate()}"
    return 10, remember_rendered(name, template, context, request)

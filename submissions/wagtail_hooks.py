"""Admin for cases: categories, offline entry, a case's page and its photos."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from submissions import admin_views
from submissions.models import Category


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "tag"
    list_display = ["name", "is_active"]
    sort_order_field = "sort_order"
    menu_label = _("Categories")
    add_to_admin_menu = False


register_snippet(CategoryViewSet)


@hooks.register("register_admin_urls")
def register_case_urls():
    return [
        path("cases/record/", admin_views.record_case, name="submissions_record"),
        path("cases/<int:pk>/", admin_views.case_detail, name="submissions_case"),
        path("cases/<int:pk>/receipt/", admin_views.case_receipt, name="submissions_receipt"),
        path("cases/photos/<int:pk>/", admin_views.case_photo, name="submissions_photo"),
    ]


class RecordMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("submissions.add_case")


@hooks.register("register_admin_menu_item")
def register_record_menu_item():
    return RecordMenuItem(
        _("Record an offline item"), reverse("submissions_record"), icon_name="form", order=150
    )

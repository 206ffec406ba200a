"""The back office as the station's own, in Chinese: no Wagtail brand, no links to outside
sites, and Wagtail labels that never reach the catalogue given translatable ones."""

from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.menu import SubmenuMenuItem
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class

from portal import page_cache


@hooks.register("construct_help_menu")
def keep_help_inside(request, menu_items):
    """Drop Wagtail's "What's new" and "Editor Guide" items: both open guide.wagtail.org.

    The help menu keeps the keyboard shortcuts.
    """
    menu_items[:] = [
        item
        for item in menu_items
        if item.name != "editor-guide" and not item.name.startswith("whats-new-in-wagtail")
    ]


@hooks.register("construct_main_menu")
def hide_wagtail_version(request, menu_items):
    """The settings menu's footer says "Wagtail v7.x"; the back office names neither.

    Wagtail's SettingsMenuItem hard-codes that footer, so the item is swapped for a plain submenu
    item over the same menu, at the same place.
    """
    for index, item in enumerate(menu_items):
        if item.name == "settings" and type(item) is not SubmenuMenuItem:
            menu_items[index] = SubmenuMenuItem(
                item.label,
                item.menu,
                name=item.name,
                classname=item.classname,
                icon_name=item.icon_name,
                attrs=item.attrs,
                order=item.order,
            )


def label_site_columns():
    """Wagtail's Sites listing heads three columns with field names ("Port", "Site name", "Root
    page") made from code, never translated; head them with the fields' verbose names instead."""
    from django.utils.text import capfirst
    from wagtail.models import Site
    from wagtail.sites.views import IndexView

    for column in IndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


label_site_columns()


def translate_permission_labels_lazily():
    """Wagtail translates the labels of its collection permission tables ("Collection", "Add",
    "Add/edit images you own"...) once, when their module is imported (gettext, not
    gettext_lazy). A process that imports them while translations are switched off (migrate does,
    hence every test run) keeps them in English; make them lazy, so that every request gets them
    in its own language."""
    from django.utils.translation import gettext_lazy
    from wagtail.admin.forms.collections import GroupCollectionManagementPermissionFormSet
    from wagtail.documents.forms import GroupDocumentPermissionFormSet
    from wagtail.images.forms import GroupImagePermissionFormSet

    for formset in (
        GroupCollectionManagementPermissionFormSet,
        GroupImagePermissionFormSet,
        GroupDocumentPermissionFormSet,
    ):
        types = formset.permission_types  # the very list the checkboxes' labels are read from
        types[:] = [
            (codename, gettext_lazy(str(short)), gettext_lazy(str(long)))
            for codename, short, long in types
        ]
        formset.form.base_fields["collection"].label = gettext_lazy("Collection")


translate_permission_labels_lazily()


def label_workflow_content_types():
    """Wagtail's workflow form leaves its snippet-types field without a label, so Django shows
    the field name, "Content types"; give it Wagtail's own (translated) words."""
    from django.utils.text import capfirst
    from django.utils.translation import gettext_lazy
    from wagtail.admin.forms.workflows import WorkflowContentTypeForm

    field = WorkflowContentTypeForm.base_fields["content_types"]
    field.label = capfirst(gettext_lazy("content type"))


label_workflow_content_types()


class YesNoDisplay(BaseFieldDisplay):
    """A true/false field on Wagtail's inspect pages reads 是/否, not Python's True/False."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "-"
        return escape(gettext("Yes") if self.value else gettext("No"))


register_display_class(models.BooleanField, display_class=YesNoDisplay)


@hooks.register("insert_global_admin_js")
def admin_actions_js():
    """Print and confirm buttons (data-print, data-confirm) without inline handlers, which the
    Content-Security-Policy forbids."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<script src="{}" defer></script>', static("js/actions.js"))


@hooks.register("before_serve_page")
def offer_to_page_cache(page, request, serve_args, serve_kwargs):
    """Every page Wagtail serves may be kept for anonymous visitors; portal.page_cache decides
    from the answer (no cookie, no CSRF token, no view restriction)."""
    page_cache.offer(request, page)

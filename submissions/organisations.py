"""Admin screens for the departments (承办单位) and committees (对口工委) cases are handed to.

Wagtail ModelViewSets: a searchable, filterable listing, an inspect view, the history view over
Wagtail's audit log, and create/edit forms. Whoever holds the model's add/change permissions
(the liaison committee's group, administrators) edits them. Nothing is deleted: a department or
committee that has handled cases stays in the ledgers under its name, so it is taken out of use
(``is_active``) instead, which removes it from the assignment form's choices.
"""

import unicodedata

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from submissions.models import Committee, Department


def comparable_name(name):
    """Names that differ only in full-width vs half-width characters or in spacing are the
    same name to a reader: （县）人社局 and (县)人社局, 县 人社局 and 县人社局."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


class NoDeletePolicy(ModelPermissionPolicy):
    """Departments and committees are taken out of use, never deleted (not even by an
    administrator): their cases keep pointing at them."""

    def user_has_permission(self, user, action):
        return action != "delete" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a != "delete"])


class OrganisationForm(WagtailAdminModelForm):
    """Refuses a name (or short name) that another record of the same kind already has, with
    a message next to the field, before the database's unique index is reached."""

    duplicate_message = None

    def _refuse_duplicate(self, field):
        value = (self.cleaned_data.get(field) or "").strip()
        if not value:
            return value
        wanted = comparable_name(value)
        others = self._meta.model.objects.exclude(pk=self.instance.pk)
        for other in others.only("pk", "name", "short_name"):
            taken = getattr(other, field)
            if taken and comparable_name(taken) == wanted:
                raise forms.ValidationError(
                    self.duplicate_message, code="duplicate", params={"name": taken}
                )
        return value

    def clean_name(self):
        return self._refuse_duplicate("name")

    def clean_short_name(self):
        return self._refuse_duplicate("short_name")


class DepartmentForm(OrganisationForm):
    duplicate_message = _("There is already a department called “%(name)s”: choose another name.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A committee out of use can still be kept, not newly chosen.
        field = self.fields["committee"]
        field.queryset = Committee.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.committee_id or 0)
        )


class CommitteeForm(OrganisationForm):
    duplicate_message = _("There is already a committee called “%(name)s”: choose another name.")


def contact_panels():
    return MultiFieldPanel(
        [
            FieldPanel("contact_person"),
            FieldRowPanel([FieldPanel("contact_phone"), FieldPanel("email")]),
        ],
        heading=_("Contact details"),
    )


class OrganisationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().annotate(case_rounds=Count("assignments", distinct=True))


class DepartmentIndexView(OrganisationIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("committee")
            .annotate(
                active_handlers=Count(
                    "handlers",
                    filter=Q(handlers__user__is_active=True, handlers__acts_for="department"),
                    distinct=True,
                )
            )
        )


class OrganisationViewSet(ModelViewSet):
    add_to_admin_menu = False
    inspect_view_enabled = True
    copy_view_enabled = False
    search_backend_name = None  # icontains: finds Chinese names on SQLite and PostgreSQL
    search_fields = ["name", "short_name", "contact_person"]
    list_per_page = 50

    @property
    def permission_policy(self):
        return NoDeletePolicy(self.model)


class DepartmentViewSet(OrganisationViewSet):
    model = Department
    name = "departments"
    icon = "site"
    menu_label = _("Departments")
    menu_order = 200
    url_prefix = "organisations/departments"
    index_view_class = DepartmentIndexView
    list_filter = ["is_active", "committee"]
    list_display = [
        "name",
        "short_name",
        Column("committee", label=_("committee that forwards to it")),
        "contact_person",
        "contact_phone",
        Column("active_handlers", label=_("Handler logins")),
        Column("case_rounds", label=_("Rounds assigned")),
        BooleanColumn("is_active", label=_("in use")),
    ]
    inspect_view_fields = [
        "name",
        "short_name",
        "committee",
        "contact_person",
        "contact_phone",
        "email",
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("short_name"),
            FieldPanel("committee"),
            contact_panels(),
            FieldPanel("is_active"),
        ],
        base_form_class=DepartmentForm,
    )


class CommitteeViewSet(OrganisationViewSet):
    model = Committee
    name = "committees"
    icon = "group"
    menu_label = _("Committees")
    menu_order = 300
    url_prefix = "organisations/committees"
    index_view_class = OrganisationIndexView
    list_filter = ["is_active"]
    list_display = [
        "name",
        "short_name",
        "contact_person",
        "contact_phone",
        Column("case_rounds", label=_("Rounds assigned")),
        BooleanColumn("is_active", label=_("in use")),
    ]
    inspect_view_fields = [
        "name",
        "short_name",
        "contact_person",
        "contact_phone",
        "email",
        "is_active",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("short_name"),
            contact_panels(),
            FieldPanel("is_active"),
        ],
        base_form_class=CommitteeForm,
    )

"""Wagtail's Users screen, extended: creating or editing a login also sets what it acts for
(accounts.bindings), and a login that has acted on cases is deactivated, never deleted.

Wagtail is pointed here by accounts.apps.UsersConfig.user_viewset.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.ui.tables import Column
from wagtail.users.utils import user_can_delete_user
from wagtail.users.views import users

from accounts import bindings
from accounts.forms import StationUserCreationForm, StationUserEditForm

CANNOT_DELETE = gettext_lazy(
    "%(user)s has worked on cases and cannot be deleted: the case timelines name them. "
    "Untick “Active” on their edit page instead."
)


def warn_if_orphaned(request, department, user):
    orphaned = bindings.orphaned_department(department, user)
    if orphaned is not None:
        messages.warning(
            request,
            _(
                "%(department)s now has no active handler, and %(count)d case(s) wait for its "
                "reply. Open a handler's login for it, or have the committee reassign them."
            )
            % {"department": orphaned.name, "count": orphaned.open_cases().count()},
        )


def acts_for(user):
    """The listing's 归属 column: the department or deputy, else the station or committee."""
    try:
        profile = user.staff_profile
    except ObjectDoesNotExist:
        return ""
    bound = profile.department or profile.deputy
    return str(bound) if bound else profile.get_acts_for_display()


class IndexView(users.IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        label = gettext_lazy("Acts for")
        return columns[:3] + [Column("acts_for", label=label, accessor=acts_for)] + columns[3:]

    def get_base_queryset(self):
        users_ = (
            super()
            .get_base_queryset()
            .select_related("staff_profile__department", "staff_profile__deputy")
        )
        return bindings.with_case_history(users_)

    def get_delete_url(self, instance):
        if bindings.has_case_history(instance):
            return None
        return super().get_delete_url(instance)


class BindingMixin:
    """Saves the binding in the same transaction as the user, after Wagtail's own log entry."""

    def save_instance(self):
        user = super().save_instance()
        try:
            bindings.bind(user, **self.form.binding())
        except bindings.BindingError as error:
            # Another administrator bound the same deputy between validation and saving.
            self.form.add_error(error.field, error.message)
            raise
        return user

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except bindings.BindingError:
            if isinstance(self, CreateView):
                form.instance.pk = None  # its row was rolled back with the binding
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class CreateView(BindingMixin, users.CreateView):
    pass


class EditView(BindingMixin, users.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.handled_before = bindings.handled_department(
            self.object, bindings.profile_for(self.object)
        )
        if self.can_delete and bindings.has_case_history(self.object):
            self.can_delete = False

    def save_action(self):
        response = super().save_action()
        warn_if_orphaned(self.request, self.handled_before, self.object)
        return response


class DeleteView(users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        user = self.get_object()
        if user_can_delete_user(request.user, user) and bindings.has_case_history(user):
            messages.error(request, CANNOT_DELETE % {"user": user.get_username()})
            return redirect(self.edit_url_name, user.pk)
        return super().dispatch(request, *args, **kwargs)

    @property
    def confirmation_message(self):
        return _(
            "Deleting a login cannot be undone. If the person has only left their post, "
            "deactivate the login instead. Delete this user?"
        )


class UserViewSet(users.UserViewSet):
    index_view_class = IndexView
    add_view_class = CreateView
    edit_view_class = EditView
    delete_view_class = DeleteView
    create_template_name = "accounts/users/create.html"
    edit_template_name = "accounts/users/edit.html"

    def get_form_class(self, for_update=False):
        return StationUserEditForm if for_update else StationUserCreationForm

"""开通登录账号: the login of a deputy, made from the deputy's record; 登录锁定: the accounts
and addresses that failed to sign in, and unlocking them."""

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from accounts import bindings, lockouts
from accounts.forms import DeputyLoginForm
from deputies.models import Deputy

users_policy = ModelPermissionPolicy(get_user_model())


def may_open_logins(user):
    return users_policy.user_has_permission(user, "add")


class DeputyLoginView(WagtailAdminTemplateMixin, FormView):
    form_class = DeputyLoginForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = gettext_lazy("Open a login")
    header_icon = "user"
    submit_button_label = gettext_lazy("Open the login")
    submit_button_active_label = gettext_lazy("Opening…")

    def dispatch(self, request, pk):
        if not may_open_logins(request.user):
            raise PermissionDenied
        self.deputy = get_object_or_404(Deputy.objects.select_related("station"), pk=pk)
        self.deputy_url = AdminURLFinder(request.user).get_edit_url(self.deputy)
        existing = bindings.login_of(self.deputy)
        if existing is not None:
            messages.error(request, self.already_message(existing))
            return redirect(self.deputy_url or "wagtailadmin_home")
        return super().dispatch(request, pk)

    def already_message(self, user):
        return _("This deputy already has a login.") + f"（{user.get_username()}）"

    def get_page_subtitle(self):
        return self.deputy.name

    def get_breadcrumbs_items(self):
        items = [{"url": self.deputy_url or "", "label": self.deputy.name}]
        return super().get_breadcrumbs_items() + items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_url"] = self.request.path
        context["submit_button_label"] = self.submit_button_label
        context["submit_button_active_label"] = self.submit_button_active_label
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = bindings.open_deputy_login(
                self.deputy, data["username"], data["password1"], data.get("email", "")
            )
        except bindings.BindingError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(deputy)s can now sign in as “%(username)s”.")
            % {"deputy": self.deputy.name, "username": user.get_username()},
            buttons=[
                messages.button(reverse("wagtailusers_users:edit", args=[user.pk]), _("Edit"))
            ],
        )
        return redirect(self.deputy_url or "wagtailadmin_home")

    def form_invalid(self, form):
        messages.validation_error(
            self.request, _("The login could not be opened: see the errors below."), form
        )
        return super().form_invalid(form)


# --- 登录锁定: failed sign-ins, and unlocking ----------------------------------------------

lockouts_policy = ModelPermissionPolicy(AccessAttempt)


def may_see_lockouts(user):
    return lockouts_policy.user_has_any_permission(user, ["view", "delete"])


def may_unlock(user):
    return lockouts_policy.user_has_permission(user, "delete")


class UnlockColumn(Column):
    """A button that unlocks the row's account or address, for those who may."""

    cell_template_name = "accounts/admin/unlock_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context["may_unlock"] = may_unlock(request.user)
        context["csrf_token"] = get_token(request)
        context["unlock_url"] = reverse("accounts_unlock")
        return context


class TimeColumn(Column):
    """A date and time as the staff tables write them (2026-12-03 14:05), local time."""

    cell_template_name = "accounts/admin/time_cell.html"


class LockoutsView(ReportView):
    """Every account and address with failed sign-ins still counted, locked ones first."""

    page_title = gettext_lazy("Login lockouts")
    header_icon = "lock"
    index_url_name = "accounts_lockouts"
    permission_policy = lockouts_policy
    any_permission_required = ["view", "delete"]
    paginate_by = 50
    columns = [
        Column("kind_label", label=gettext_lazy("Locks")),
        Column("value", label=gettext_lazy("Account or address")),
        StatusTagColumn("status", label=gettext_lazy("Status"), primary=lambda r: r.locked),
        TimeColumn("last_failure", label=gettext_lazy("Last failure")),
        TimeColumn("locked_until", label=gettext_lazy("Locked until")),
        UnlockColumn("unlock", label=""),
    ]

    @property
    def no_results_message(self):
        return _("No failed sign-ins are counted at the moment.")

    def get_base_queryset(self):
        return lockouts.current_lockouts()


@require_POST
def unlock_view(request):
    if not may_unlock(request.user):
        raise PermissionDenied
    kind, value = request.POST.get("kind"), request.POST.get("value", "").strip()
    if kind not in lockouts.KIND_LABELS or not value:
        messages.error(request, _("Choose an account or an address to unlock."))
        return redirect("accounts_lockouts")
    lockouts.unlock(kind, value, request.user)
    messages.success(
        request,
        _("%(kind)s %(value)s is unlocked: it may sign in again.")
        % {"kind": lockouts.KIND_LABELS[kind], "value": value},
    )
    return redirect("accounts_lockouts")

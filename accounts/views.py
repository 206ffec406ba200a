"""开通登录账号: the login of a deputy, made from the deputy's record."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from accounts import bindings
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

"""Accounts in the admin: the deputy's 开通登录账号 button, the binding's audit-log action,
no deletion of logins that have worked on cases, in bulk either, and 登录锁定 under Settings
(with its permissions in the Groups screen and its audit-log actions)."""

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.log_actions import LogFormatter, log
from wagtail.snippets.action_menu import ActionMenuItem

from accounts import bindings, lockouts, two_factor, two_factor_views, views
from accounts.viewsets import CANNOT_DELETE, warn_if_orphaned
from deputies.models import Deputy

OPEN_LOGIN = gettext_lazy("Open a login")


@hooks.register("register_admin_urls")
def register_account_urls():
    return [
        path(
            "accounts/deputies/<int:pk>/login/",
            views.DeputyLoginView.as_view(),
            name="accounts_deputy_login",
        ),
        path("two-factor/", two_factor_views.overview, name="accounts_two_factor"),
        path("two-factor/verify/", two_factor_views.verify, name="accounts_two_factor_verify"),
        path("two-factor/enrol/", two_factor_views.enrol, name="accounts_two_factor_enrol"),
        path(
            "two-factor/backup-codes/",
            two_factor_views.backup_codes,
            name="accounts_two_factor_backup_codes",
        ),
        path(
            "two-factor/turn-off/", two_factor_views.turn_off, name="accounts_two_factor_turn_off"
        ),
        path(
            "two-factor/reset/<int:pk>/",
            two_factor_views.reset,
            name="accounts_two_factor_reset",
        ),
        path("accounts/lockouts/", views.LockoutsView.as_view(), name="accounts_lockouts"),
        path("accounts/lockouts/unlock/", views.unlock_view, name="accounts_unlock"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": _("Two-step sign-in"),
        "help_text": _("A code from your phone after your password; backup codes."),
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if two_factor.may_reset(request_user, user):
        yield ListingMenuItem(
            _("Reset two-step sign-in"),
            reverse("accounts_two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )


class LockoutsMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_see_lockouts(request.user)


@hooks.register("register_settings_menu_item")
def lockouts_menu_item():
    return LockoutsMenuItem(
        gettext_lazy("Login lockouts"),
        reverse("accounts_lockouts"),
        name="login-lockouts",
        icon_name="lock",
        order=610,  # after Users (600)
    )


@hooks.register("register_permissions")
def lockout_permissions():
    """Seeing and unlocking lockouts, to be given to a group in the Groups screen."""
    content_type = ContentType.objects.get_for_model(AccessAttempt)
    return Permission.objects.filter(
        content_type=content_type, codename__in=["view_accessattempt", "delete_accessattempt"]
    )


@hooks.register("register_snippet_listing_buttons")
def deputy_login_listing_button(snippet, user, next_url=None):
    if (
        isinstance(snippet, Deputy)
        and views.may_open_logins(user)
        and snippet.pk not in bindings.deputies_with_logins(user)
    ):
        yield ListingMenuItem(
            OPEN_LOGIN,
            reverse("accounts_deputy_login", args=[snippet.pk]),
            icon_name="user",
            priority=50,
        )


class DeputyLoginMenuItem(ActionMenuItem):
    """开通登录账号 in the deputy's edit screen, beside Save, while the deputy has none."""

    name = "action-open-login"
    label = OPEN_LOGIN
    icon_name = "user"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context.get("view") == "edit"
            and isinstance(instance, Deputy)
            and views.may_open_logins(context["request"].user)
            and bindings.login_of(instance) is None
        )

    def get_url(self, parent_context):
        return reverse("accounts_deputy_login", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def deputy_login_menu_item(model):
    if model is Deputy:
        return DeputyLoginMenuItem(order=500)
    return None


@hooks.register("register_log_actions")
def register_account_log_actions(actions):
    @actions.register_action(bindings.BINDING_ACTION)
    class BindingFormatter(LogFormatter):
        label = gettext_lazy("Change what the login acts for")

        def format_message(self, log_entry):
            return bindings.describe((log_entry.data or {}).get("after") or {})

    @actions.register_action(bindings.DEPUTY_LOGIN_ACTION)
    class DeputyLoginFormatter(LogFormatter):
        label = OPEN_LOGIN

        def format_message(self, log_entry):
            username = (log_entry.data or {}).get("username", "")
            return _("Login opened: %(username)s") % {"username": username}

    class LockoutFormatter(LogFormatter):
        def format_message(self, log_entry):
            return lockouts.describe(log_entry.data or {})

    @actions.register_action(lockouts.LOCKED_ACTION)
    class LockedFormatter(LockoutFormatter):
        label = gettext_lazy("Lock after failed sign-ins")

    @actions.register_action(lockouts.UNLOCKED_ACTION)
    class UnlockedFormatter(LockoutFormatter):
        label = gettext_lazy("Unlock sign-in")

    actions.register_action(
        two_factor.ENABLED_ACTION,
        gettext_lazy("Turn on two-step sign-in"),
        gettext_lazy("Two-step sign-in turned on"),
    )
    actions.register_action(
        two_factor.DISABLED_ACTION,
        gettext_lazy("Turn off two-step sign-in"),
        gettext_lazy("Two-step sign-in turned off"),
    )
    actions.register_action(
        two_factor.RESET_ACTION,
        gettext_lazy("Reset two-step sign-in"),
        gettext_lazy("Two-step sign-in reset by an administrator (lost phone)"),
    )
    actions.register_action(
        two_factor.BACKUP_CODES_ACTION,
        gettext_lazy("Make new backup codes"),
        gettext_lazy("New backup codes made"),
    )
    actions.register_action(
        "accounts.deactivate", gettext_lazy("Deactivate"), gettext_lazy("Deactivated")
    )
    actions.register_action(
        "accounts.activate", gettext_lazy("Activate"), gettext_lazy("Activated")
    )


def is_user_action(action):
    return get_user_model() in getattr(action, "models", [])


@hooks.register("before_bulk_action")
def refuse_deleting_workers(request, action_type, objects, action):
    if action_type != "delete" or not is_user_action(action):
        return None
    kept = [user for user in objects if bindings.has_case_history(user)]
    for user in kept:
        messages.error(request, CANNOT_DELETE % {"user": user.get_username()})
    if kept:
        return redirect(action.next_url or "wagtailusers_users:index")
    return None


@hooks.register("before_bulk_action")
def remember_handled_departments(request, action_type, objects, action):
    if action_type == "set_active_state" and is_user_action(action):
        request._handled_before = {
            user.pk: bindings.handled_department(user, bindings.profile_for(user))
            for user in objects
        }


@hooks.register("after_bulk_action")
def log_and_warn_active_state(request, action_type, objects, action):
    """Wagtail's bulk 'set active state' writes no audit log and knows nothing of departments:
    log each change and warn when a department is left without an active handler."""
    if action_type != "set_active_state" or not is_user_action(action):
        return
    active = action.cleaned_form.cleaned_data["mark_as_active"]
    before = getattr(request, "_handled_before", {})
    for user in objects:
        if user.pk == request.user.pk:
            continue  # Wagtail leaves the acting user as they are
        user.refresh_from_db(fields=["is_active"])
        log(instance=user, action="accounts.activate" if active else "accounts.deactivate")
        if not active:
            warn_if_orphaned(request, before.get(user.pk), user)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    """Logins of the station: what each acts for, onboarding deputies, account settings."""

    default = True  # apps.py holds two configs; "accounts" in INSTALLED_APPS means this one
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Wagtail's account page binds its name-and-e-mail form on every save, with all three
        # fields required: a login made without them (a deputy's, the demo's) could not even
        # change its password. Wagtail has no setting or hook for that form (wagtail#7410), so
        # its panel is given ours, which leaves them optional.
        from django.contrib.auth.signals import user_logged_in
        from wagtail.admin.views import account

        from accounts import sessions, two_factor
        from accounts.forms import NameEmailForm

        account.NameEmailSettingsPanel.form_class = NameEmailForm
        user_logged_in.connect(two_factor.note_sign_in, dispatch_uid="accounts.two_factor")
        user_logged_in.connect(sessions.stamp_login, dispatch_uid="accounts.sessions.stamp_login")


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's users app, with the Users screen that also says what a login acts for.
    Listed in INSTALLED_APPS in place of "wagtail.users"."""

    default = False
    user_viewset = "accounts.viewsets.UserViewSet"

"""Two-step sign-in enforced: a session that must pass the second step (two_factor.must_verify)
reaches nothing but that step, the enrolment and signing out, whatever URL it asks for (the
admin, Wagtail's own views, private documents, previews)."""

from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse
from django_otp import middleware as otp_middleware

from accounts import two_factor

# URL names a session may reach before its second step.
OPEN_BEFORE_SECOND_STEP = {
    "accounts_two_factor_verify",
    "accounts_two_factor_enrol",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
    "healthz",
}


class OTPMiddleware(otp_middleware.OTPMiddleware):
    """django-otp's middleware (request.user.otp_device, is_verified()), handing on the user
    itself rather than AuthenticationMiddleware's lazy object inside its own: Wagtail's audit
    log unwraps request.user one level to find its log model, and silently logs nothing for a
    lazy object within a lazy object (the account page's own "wagtail.edit", for one)."""

    def _verify_user_sync(self, request, user):
        return super()._verify_user_sync(request, auth_middleware.get_user(request))


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware. Costs no query for visitors and verified sessions
    beyond the device django-otp loads; the rule (a permission check) runs only for signed-in
    sessions without a verified device, and the admin's views load the same permissions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor.must_verify(request) and not self.is_open(request):
            return redirect_to_login(
                request.get_full_path(), login_url=reverse("accounts_two_factor_verify")
            )
        return self.get_response(request)

    @staticmethod
    def is_open(request):
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.url_name in OPEN_BEFORE_SECOND_STEP

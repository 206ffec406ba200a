"""The screens of two-step sign-in (accounts.two_factor): the code after the password, enrolling
a phone, backup codes, the account page's 两步验证, and an administrator's reset of another
login's (a lost phone). The first three use the sign-in page's layout, without the admin's
menu: a session before its second step may open nothing else."""

from django import forms
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_static.models import StaticDevice
from wagtail.admin import messages

from accounts import two_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=32,
        help_text=gettext_lazy(
            "The 6-digit code your authenticator app shows now, or one of your backup codes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class EnrolForm(CodeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "The 6-digit code your authenticator app shows after adding this login."
        )
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


def next_url(request):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else reverse("wagtailadmin_home")


def with_next(url_name, request):
    url = reverse(url_name)
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if target:
        from django.utils.http import urlencode

        url += "?" + urlencode({REDIRECT_FIELD_NAME: target})
    return url


def show_backup_codes(request, codes, first_time=False):
    return render(
        request,
        "accounts/two_factor/backup_codes.html",
        {"codes": codes, "first_time": first_time, "next": next_url(request)},
    )


@sensitive_post_parameters("code")
@never_cache
def verify(request):
    """The second step: the app's code or a backup code, throttled per device."""
    user = request.user
    if two_factor.is_verified(request):
        return redirect(next_url(request))
    if not two_factor.has_two_factor(user):
        if two_factor.required(user):
            return redirect(with_next("accounts_two_factor_enrol", request))
        request.session.pop(two_factor.ENROLLED_SESSION_KEY, None)  # reset by an administrator
        return redirect(next_url(request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            device = two_factor.verify(request, form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            if isinstance(device, StaticDevice):
                left = two_factor.backup_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a backup code; %(count)d is left. Make new ones "
                        "under Account → Two-step sign-in.",
                        "You signed in with a backup code; %(count)d are left. Make new ones "
                        "under Account → Two-step sign-in.",
                        left,
                    )
                    % {"count": left},
                )
            return redirect(next_url(request))
    return render(
        request, "accounts/two_factor/verify.html", {"form": form, "next": next_url(request)}
    )


@sensitive_post_parameters("code")
@never_cache
def enrol(request):
    """Add a phone: scan the QR code (or type the secret), confirm with a code, get backup
    codes. A login that already has one must pass the second step first to replace it."""
    user = request.user
    if two_factor.has_two_factor(user) and not two_factor.is_verified(request):
        return redirect(with_next("accounts_two_factor_verify", request))
    device = two_factor.pending_authenticator(user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            codes = two_factor.confirm_enrolment(request, device, form.cleaned_data["code"])
        except two_factor.CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            return show_backup_codes(request, codes, first_time=True)
    return render(
        request,
        "accounts/two_factor/enrol.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "username": user.get_username(),
            "required": two_factor.required(user),
            "next": next_url(request),
        },
    )


@never_cache
def overview(request):
    """账户设置 → 两步验证: whether it is on, backup codes left, and what the login may do."""
    user = request.user
    enabled = two_factor.has_two_factor(user)
    return render(
        request,
        "accounts/two_factor/overview.html",
        {
            "enabled": enabled,
            "device": two_factor.authenticator(user) if enabled else None,
            "codes_left": two_factor.backup_codes_left(user) if enabled else 0,
            "required": two_factor.required(user),
        },
    )


def verified_owner(request):
    """The account page's actions change the second factor: only after passing it."""
    if not (two_factor.has_two_factor(request.user) and two_factor.is_verified(request)):
        raise PermissionDenied


@never_cache
def backup_codes(request):
    if request.method != "POST":
        return redirect("accounts_two_factor")
    verified_owner(request)
    return show_backup_codes(request, two_factor.new_backup_codes(request.user))


def turn_off(request):
    """Only a login that is not required to use it may turn it off for itself."""
    if request.method != "POST":
        return redirect("accounts_two_factor")
    verified_owner(request)
    if two_factor.required(request.user):
        raise PermissionDenied
    two_factor.remove(request.user, by=request.user)
    request.session.pop(two_factor.ENROLLED_SESSION_KEY, None)
    messages.success(request, _("Two-step sign-in is off for your login."))
    return redirect("accounts_two_factor")


def reset(request, pk):
    """An administrator removes another login's phone and backup codes (a lost phone): at its
    next request the login enrols again (if it must) after its password."""
    target = get_object_or_404(get_user_model(), pk=pk)
    if not two_factor.may_reset(request.user, target):
        raise PermissionDenied
    edit_url = reverse("wagtailusers_users:edit", args=[target.pk])
    if request.method == "POST":
        two_factor.remove(target, by=request.user)
        messages.success(
            request,
            _(
                "Two-step sign-in of %(user)s was reset: the login enrols a phone again at its "
                "next sign-in."
            )
            % {"user": target.get_username()},
        )
        return redirect(edit_url)
    return render(
        request,
        "accounts/two_factor/reset_confirm.html",
        {
            "target": target,
            "enabled": two_factor.has_two_factor(target),
            "cancel_url": edit_url,
        },
    )

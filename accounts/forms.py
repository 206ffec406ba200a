"""Wagtail's user forms with what the login acts for, the deputy's login form, the account
page's name-and-e-mail form with nothing required, and the password-reset form whose mail the
task worker sends."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.account import NameEmailForm as WagtailNameEmailForm
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm
from wagtail.users.forms import UserCreationForm, UserEditForm, UserForm

from accounts import bindings, tasks
from deputies.models import Deputy, Station
from submissions.models import Department

ActsFor = bindings.ActsFor
OPTIONAL = ("email", "first_name", "last_name")


class DeputyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, deputy):
        return f"{deputy.name}（{deputy.station.name}）"


class BindingFormMixin:
    """Adds the binding (acts for, station, department, deputy) to Wagtail's user forms.

    The station chooser is hidden while the installation has one station. Names and e-mail
    are optional: handlers' and deputies' logins often have no e-mail of their own.
    """

    binding_fields = ("acts_for", "station", "department", "deputy")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OPTIONAL:
            if name in self.fields:
                self.fields[name].required = False
        profile = bindings.profile_for(self.instance) if self.instance.pk else None
        self.fields["acts_for"] = forms.ChoiceField(
            label=_("Acts for"),
            choices=ActsFor.choices,
            initial=profile.acts_for if profile else ActsFor.STATION,
            widget=forms.RadioSelect,
            help_text=_(
                "Whose cases the login works on. A new login for which no role group is "
                "ticked joins the matching one."
            ),
        )
        stations = list(Station.objects.order_by("pk")[:2])
        self.fields["station"] = forms.ModelChoiceField(
            label=_("station"),
            queryset=Station.objects.order_by("pk"),
            required=len(stations) > 1,
            initial=(profile.station if profile and profile.station_id else Station.default()),
        )
        if len(stations) <= 1:
            self.fields["station"].widget = forms.HiddenInput()
        current_department = profile.department_id if profile else None
        self.fields["department"] = forms.ModelChoiceField(
            label=_("department"),
            queryset=Department.objects.filter(Q(is_active=True) | Q(pk=current_department or 0)),
            required=False,
            initial=current_department,
            help_text=_("For a handler's login: the department whose cases it signs for."),
        )
        self.fields["deputy"] = DeputyChoiceField(
            label=_("deputy"),
            queryset=Deputy.objects.select_related("station").order_by("station", "sort_order"),
            required=False,
            initial=profile.deputy_id if profile else None,
            help_text=_("For a deputy's login: the deputy it is."),
        )

    @property
    def binding_bound_fields(self):
        return [self[name] for name in self.binding_fields if not self[name].is_hidden]

    def clean_station(self):
        return self.cleaned_data.get("station") or Station.default()

    def clean(self):
        data = super().clean()
        acts_for = data.get("acts_for")
        if not acts_for:
            return data
        groups = data.get("groups")
        if not self.instance.pk and not data.get("is_superuser") and groups is not None:
            if not groups.exists() and (group := bindings.default_group(acts_for)):
                data["groups"] = groups.model.objects.filter(pk=group.pk)
                groups = data["groups"]
        rights = set(
            Permission.objects.filter(group__in=groups or []).values_list("codename", flat=True)
        )
        try:
            bindings.check(
                self.instance,
                acts_for,
                data.get("station"),
                department=data.get("department"),
                deputy=data.get("deputy"),
                group_rights=rights,
            )
        except bindings.BindingError as error:
            self.add_error(error.field, error.message)
        return data

    def binding(self):
        data = self.cleaned_data
        return {
            "acts_for": data["acts_for"],
            "station": data.get("station"),
            "department": data.get("department"),
            "deputy": data.get("deputy"),
        }


class StationUserCreationForm(BindingFormMixin, UserCreationForm):
    pass


class StationUserEditForm(BindingFormMixin, UserEditForm):
    pass


class DeputyLoginForm(UserForm):
    """开通登录账号 on a deputy's record: a username, a password and, if they have one, an
    e-mail; the rest (name, role group, binding) comes from the deputy."""

    first_name = None
    last_name = None
    is_superuser = None
    email = forms.EmailField(label=_("e-mail"), required=False)

    class Meta:
        model = get_user_model()
        fields = ["username", "email"]


class NameEmailForm(WagtailNameEmailForm):
    """The account page's name-and-e-mail panel, with nothing required: it is saved together
    with the password panel, so a login without a name could not change its password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class PasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's reset form (WAGTAILADMIN_USER_PASSWORD_RESET_FORM) that hands the address to
    the task worker, which looks up its logins and mails them: the request does the same work
    for a known and an unknown address, so neither the answer nor the time it takes tells
    anybody which addresses have a login, and it never waits for the mail server."""

    def save(
        self,
        domain_override=None,
        use_https=False,
        token_generator=default_token_generator,
        request=None,
        extra_email_context=None,
        **templates,
    ):
        if token_generator is not default_token_generator:
            raise ValueError("the worker makes its tokens with the default token generator")
        if domain_override:
            site_name = domain = domain_override
        else:
            site = get_current_site(request)
            site_name, domain = site.name, site.domain
        arguments = {
            "email": self.cleaned_data["email"],
            "domain": domain,
            "site_name": site_name,
            "use_https": use_https,
            "extra_email_context": dict(extra_email_context or {}),
            **templates,
        }
        transaction.on_commit(lambda: tasks.send_password_reset.enqueue(**arguments))

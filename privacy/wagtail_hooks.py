"""Privacy in the admin: the 显示联系方式 form on a case's page, a person's requests (under the
station's work), and the committee's logs of contact reads, requests and anonymisations."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from portal.menu import PermissionMenuItem
from privacy import views
from privacy.anonymise import ANONYMISE_ACTION, RETENTION_RUN_ACTION
from privacy.forms import RevealForm
from privacy.models import Anonymisation, ContactRead, PersonRequest
from privacy.person_requests import CORRECT_ACTION
from submissions import roles
from submissions.queues import ViewOnlyPolicy


@hooks.register("register_admin_urls")
def register_privacy_urls():
    return [
        path("cases/<int:pk>/contact/", views.reveal_contact, name="privacy_reveal_contact"),
        path("privacy/requests/", views.person_search, name="privacy_person_requests"),
        path("privacy/requests/<str:action>/", views.person_action, name="privacy_person_action"),
    ]


@hooks.register("register_admin_menu_item")
def register_person_requests_menu_item():
    return PermissionMenuItem(
        _("Personal-information requests"),
        reverse("privacy_person_requests"),
        roles.PERSON_REQUESTS,
        icon_name="user",
        order=165,
    )


@hooks.register("case_admin_panels", order=-10)
def contact_panel(request, case):
    """The form that shows the submitter's contact details, after a recorded reason."""
    if not roles.sees_submitter_contact(request.user, case):
        return ""
    anonymisation = Anonymisation.objects.filter(case=case).first()
    return render_to_string(
        "privacy/contact_panel.html",
        {
            "case": case,
            "anonymisation": anonymisation,
            "revealed": getattr(request, "contact_revealed", False),
            "form": RevealForm(),
        },
        request=request,
    )


class LogViewSet(ModelViewSet):
    icon = "list-ul"
    add_to_admin_menu = False
    exclude_form_fields = []  # required by ModelViewSet; the views that use it are refused
    search_backend_name = None

    @property
    def permission_policy(self):
        return ViewOnlyPolicy(self.model)


class ContactReadViewSet(LogViewSet):
    model = ContactRead
    icon = "view"
    menu_label = _("Contact details reads")
    list_display = ["created_at", "case", "user", "reason"]
    list_filter = ["created_at"]
    list_export = ["created_at", "case", "user", "reason"]
    search_fields = ["case__reference", "reason"]

    def get_queryset(self, request):
        return ContactRead.objects.select_related("case", "user")


class PersonRequestViewSet(LogViewSet):
    model = PersonRequest
    menu_label = _("Personal-information requests log")
    list_display = ["created_at", "action", "user", "query", "references", "reason"]
    list_filter = ["action", "created_at"]
    list_export = ["created_at", "action", "user", "query", "references", "reason"]


class AnonymisationViewSet(LogViewSet):
    model = Anonymisation
    icon = "lock"
    menu_label = _("Anonymisations")
    list_display = ["created_at", "case", "trigger", "user", "reason"]
    list_filter = ["trigger", "created_at"]
    list_export = ["created_at", "case", "trigger", "user", "reason"]

    def get_queryset(self, request):
        return Anonymisation.objects.select_related("case", "user")


class PrivacyGroup(ModelViewSetGroup):
    menu_label = _("Personal information")
    menu_icon = "lock"
    menu_order = 850
    items = [
        ContactReadViewSet("privacy_contact_reads"),
        PersonRequestViewSet("privacy_request_log"),
        AnonymisationViewSet("privacy_anonymisations"),
    ]


@hooks.register("register_admin_viewset")
def register_privacy_logs():
    return PrivacyGroup()


@hooks.register("register_log_actions")
def register_privacy_log_actions(actions):
    actions.register_action(
        ANONYMISE_ACTION, _("Personal data anonymised"), _("Personal data anonymised")
    )
    actions.register_action(
        RETENTION_RUN_ACTION,
        _("Retention run: expired cases anonymised"),
        _("Retention run: expired cases anonymised"),
    )
    actions.register_action(
        CORRECT_ACTION,
        _("Personal data corrected on request"),
        _("Personal data corrected on request"),
    )

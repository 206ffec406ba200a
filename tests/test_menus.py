"""Each role's menu holds only what it uses (help menu aside): pinned per role."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.menu import admin_menu

from submissions import roles
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_user

QUEUES = "/admin/cases/{}/"
EXPECTED = {
    roles.HANDLER: {"/admin/cases/claims/", "/admin/cases/ledgers/"},
    roles.DEPUTY: {
        *(QUEUES.format(q) for q in ("claims", "closed", "all")),
        "/admin/cases/ledgers/",
    },
    roles.STAFF: {
        *(QUEUES.format(q) for q in ("intake", "problems", "returned", "claims", "extensions")),
        QUEUES.format("feedback"),
        *(QUEUES.format(q) for q in ("supervision", "closed", "all")),
        "/admin/cases/record/",
        "/admin/cases/batch/",
        "/admin/cases/bulk/",
        "/admin/cases/ledgers/",
        "/admin/deputies/posters/",
        "/admin/snippets/deputies/deputy/",
        "/admin/snippets/deputies/enterprise/",
        "/admin/snippets/deputies/receptionday/",
        "/admin/snippets/submissions/category/",
        *(f"/admin/visits/{v}/" for v in ("visit", "team", "campaign", "plan")),
        "/admin/privacy/requests/",  # a person's requests (PIPL)
    },
    roles.COMMITTEE: {
        *(QUEUES.format(q) for q in ("intake", "problems", "returned", "claims", "extensions")),
        *(QUEUES.format(q) for q in ("review", "feedback")),
        *(QUEUES.format(q) for q in ("supervision", "closed", "all")),
        "/admin/cases/bulk/",
        "/admin/cases/ledgers/",
        "/admin/cases/report/",
        "/admin/cases/assessment/",
        "/admin/deputies/posters/",
        "/admin/notifications/",
        "/admin/snippets/deputies/deputy/",
        "/admin/snippets/deputies/enterprise/",
        "/admin/snippets/submissions/category/",
        "/admin/snippets/submissions/calendaroverride/",
        "/admin/organisations/departments/",
        "/admin/organisations/committees/",
        *(f"/admin/visits/{v}/" for v in ("visit", "team", "campaign", "plan")),
        # The privacy logs: reads of contact details, a person's requests, anonymisations.
        "/admin/privacy_contact_reads/",
        "/admin/privacy_request_log/",
        "/admin/privacy_anonymisations/",
    },
}


def menu_urls(user, skip=("help",)):
    """Every URL the user's admin menu links to, submenus included, but for the named ones."""
    reverse("wagtailadmin_home")  # loading the admin URLs registers the viewsets' menu items
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = set()

    def walk(menu):
        for item in menu.menu_items_for_request(request):
            if item.name in skip:
                continue
            if getattr(item, "menu", None) is not None:
                walk(item.menu)
            else:
                urls.add(item.url)

    walk(admin_menu)
    return urls


EVERYONE = {"/admin/my-messages/"}  # each login's own messages
for expected in EXPECTED.values():
    expected |= EVERYONE


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_menu_holds_only_what_it_uses(role):
    station = StationFactory()
    user = make_user(
        "someone",
        role,
        department=DepartmentFactory() if role == roles.HANDLER else None,
        deputy=DeputyFactory(station=station) if role == roles.DEPUTY else None,
    )
    assert menu_urls(user) == EXPECTED[role]
    assert "/admin/snippets/" not in menu_urls(user)  # no generic 片段 menu for any role

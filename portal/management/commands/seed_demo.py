"""Build the demo station site: fictional people, realistic content. Safe to run twice."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex, Site
from wagtail.signal_handlers import disable_reference_index_auto_update

from accounts.validators import DEMO_PASSWORD
from deputies import demo as deputies_demo
from deputies.models import Deputy
from disclosure import demo as disclosure_demo
from home import demo as home_demo
from submissions import demo as submissions_demo
from submissions.models import Case, Department
from visits import demo as visits_demo
from visits.models import Visit

# Each app that has demo data contributes one seed(command) function, run in this order.
SEEDERS = [
    home_demo.seed,
    deputies_demo.seed,
    submissions_demo.seed,
    visits_demo.seed,
    disclosure_demo.seed,
]


class Command(BaseCommand):
    help = "Load the demo content of the liaison-station site (idempotent; refused in production)."

    def handle(self, *args, **options):
        if getattr(settings, "PORTAL_ENV", "") == "production":
            raise CommandError("seed_demo creates demo logins and must not run in production.")
        password = os.environ.get("DEMO_PASSWORD", DEMO_PASSWORD)
        logins = []
        # Every record created, and every move that changes a case's links, would refresh
        # Wagtail's reference index one at a time: the index is brought up to date once, at
        # the end.
        with transaction.atomic(), disable_reference_index_auto_update():
            for seed in SEEDERS:
                logins += seed(password=password, log=self.stdout.write) or []
            serve_site_at(settings.WAGTAILADMIN_BASE_URL)
        with transaction.atomic():
            index_references()
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, role in logins:
            self.stdout.write(f"  {username:<16} {role}")
        self.show_a_case_to_rate()

    def show_a_case_to_rate(self):
        """A newcomer's first try: a case waiting for its submitter's rating. The tracking code
        is the submitter's credential; the demo's operator plays the submitter."""
        case = Case.objects.filter(status=Case.Status.AWAITING_FEEDBACK).order_by("pk").first()
        if case is None:
            self.stdout.write("No demo case awaits a rating any more.")
            return
        self.stdout.write(
            f"Rate a reply as its submitter would: {settings.WAGTAILADMIN_BASE_URL}"
            f"{reverse('track')}\n  reference {case.reference}  tracking code {case.tracking_code}"
        )


def index_references():
    """What the reference index would hold had it followed every save: the references of the
    pages, images and records that the admin's usage counts read. Messages are left out."""
    for model in (Page, get_image_model(), Deputy, Department, Case, Visit):
        for instance in model.objects.all().iterator():
            ReferenceIndex.create_or_update_for_object(getattr(instance, "specific", instance))


def serve_site_at(base_url):
    """Wagtail's default site answers at the base URL, so its pages' full URLs (sitemap, share
    cards) point where `make run` serves."""
    address = urlsplit(base_url)
    port = address.port or (443 if address.scheme == "https" else 80)
    Site.objects.filter(is_default_site=True).update(hostname=address.hostname, port=port)

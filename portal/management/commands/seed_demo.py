"""Build the demo station site: fictional people, realistic content. Safe to run twice."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.validators import DEMO_PASSWORD
from deputies import demo as deputies_demo
from disclosure import demo as disclosure_demo
from home import demo as home_demo
from submissions import demo as submissions_demo
from visits import demo as visits_demo

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
        with transaction.atomic():
            for seed in SEEDERS:
                logins += seed(password=password, log=self.stdout.write) or []
        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Demo logins (password: {password}):")
        for username, role in logins:
            self.stdout.write(f"  {username:<16} {role}")

"""Exit at once, with one line, when the database or the shared cache cannot be reached.
Run before a production process starts (deploy/Procfile, the systemd units, make serve).

Once both answer, it starts new generations of what the shared cache keeps for pages and
queues: the kept routes and parts hold pickled model instances, and a process starting may run
a release whose models differ from the one that pickled them."""

from django.core.management.base import BaseCommand, CommandError

from portal import page_cache
from portal.preflight import problems
from submissions import count_cache


class Command(BaseCommand):
    help = "Check that the database and the shared cache answer; fail with one line if not."
    requires_system_checks = []  # they would log their own cache errors before the one line

    def handle(self, *args, **options):
        if found := problems():
            raise CommandError("; ".join(found))
        page_cache.invalidate()
        count_cache.invalidate()
        self.stdout.write("database and cache: ok")

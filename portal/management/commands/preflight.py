"""Exit at once, with one line, when the database or the shared cache cannot be reached.
Run before a production process starts (deploy/Procfile, the systemd units, make serve)."""

from django.core.management.base import BaseCommand, CommandError

from portal.preflight import problems


class Command(BaseCommand):
    help = "Check that the database and the shared cache answer; fail with one line if not."
    requires_system_checks = []  # they would log their own cache errors before the one line

    def handle(self, *args, **options):
        if found := problems():
            raise CommandError("; ".join(found))
        self.stdout.write("database and cache: ok")

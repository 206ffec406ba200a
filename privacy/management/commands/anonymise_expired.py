"""Run from cron (daily is plenty): anonymise the finished cases whose retention period has
ended, forget failed sign-ins that lock nothing any more, and delete the photos kept for
forms that were never sent again. Safe to run again and again: a
case is anonymised once."""

from django.core.management.base import BaseCommand

from accounts.lockouts import expired_failures
from privacy.anonymise import run_retention
from submissions import staging


class Command(BaseCommand):
    help = (
        "Anonymise the personal data of finished cases whose station's retention period has "
        "ended (every copy: messages, timeline, audit log, files)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the cases that are due and count the failed sign-ins, change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        references = run_retention(dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"would anonymise {len(references)} case(s)")
        else:
            self.stdout.write(f"anonymised {len(references)} case(s)")
        for reference in references:
            self.stdout.write(f"  {reference}")
        failures = expired_failures()
        if dry_run:
            self.stdout.write(f"would forget {failures.count()} expired failed sign-in(s)")
        else:
            self.stdout.write(f"forgot {failures.delete()[0]} expired failed sign-in(s)")
            # Photos kept for a form that was never sent again (submissions/staging.py).
            self.stdout.write(f"deleted {staging.delete_expired()} unused staged photo file(s)")

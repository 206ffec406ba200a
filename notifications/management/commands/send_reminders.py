"""Run from cron every few minutes: queue due reminders, then send what is due (with retries)."""

from django.core.management.base import BaseCommand

from notifications.notify import deliver_due
from notifications.reminders import queue_reminders


class Command(BaseCommand):
    help = "Queue deadline reminders and overdue notices, then send pending notifications."

    def handle(self, *args, **options):
        queued = queue_reminders()
        sent = deliver_due()
        self.stdout.write(f"queued {queued}, sent {sent}")

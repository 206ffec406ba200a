"""SMS backends. A real provider fits by implementing send(phone, text) and naming the class
in the SMS_BACKEND setting; the default only logs, so development never texts anyone (and
`check --deploy` warns that a production site left on it sends no text)."""

import logging
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from submissions import masking

logger = logging.getLogger(__name__)


class LoggingSMSBackend:
    def send(self, phone, text):
        if settings.DEBUG:  # development: the texts (codes, links) are what one reads here
            logger.info("SMS to %s: %s", phone, text)
        else:
            # A log is no place for a phone number, a tracking code or a one-time code (§5).
            logger.info(
                "SMS to %s not sent (no SMS_BACKEND): %d characters",
                masking.mask_phone(phone),
                len(text),
            )


class FileSMSBackend:
    """Writes each message to a file of its own in SMS_FILE_PATH, like Django's file-based
    e-mail backend: for a production-like run that must prove a text was sent (deploy/smoke.py)."""

    def send(self, phone, text):
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.txt").write_text(f"{phone}\n{text}\n")


def get_backend():
    return import_string(settings.SMS_BACKEND)()


outbox = []  # what OutboxSMSBackend "sent", as (phone, text): tests read it like mail.outbox


class OutboxSMSBackend:
    """For tests: keeps each message in sms.outbox instead of sending it."""

    def send(self, phone, text):
        outbox.append((phone, text))

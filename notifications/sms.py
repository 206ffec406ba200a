"""SMS backends. A real provider fits by implementing send(phone, text) and naming the class
in the SMS_BACKEND setting; the default only logs, so development never texts anyone."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LoggingSMSBackend:
    def send(self, phone, text):
        logger.info("SMS to %s: %s", phone, text)


def get_backend():
    return import_string(settings.SMS_BACKEND)()


outbox = []  # what OutboxSMSBackend "sent", as (phone, text): tests read it like mail.outbox


class OutboxSMSBackend:
    """For tests: keeps each message in sms.outbox instead of sending it."""

    def send(self, phone, text):
        outbox.append((phone, text))

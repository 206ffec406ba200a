"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks

LOGGING_BACKEND = "notifications.sms.LoggingSMSBackend"


@checks.register(checks.Tags.compatibility, deploy=True)
def sms_backend_sends(app_configs, **kwargs):
    if settings.SMS_BACKEND != LOGGING_BACKEND:
        return []
    return [
        checks.Warning(
            "SMS_BACKEND is the logging backend: no text reaches anyone (receipts, my-cases "
            "codes, deadline reminders).",
            hint="Name your SMS provider's backend class in SMS_BACKEND.",
            id="notifications.W001",
        )
    ]

"""Production settings with the outgoing mail and texts written to files, for deploy/smoke.py:
the smoke test proves that the worker, not the request, delivered them."""

from .production import *  # noqa: F401,F403
from .production import VAR_DIR

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = VAR_DIR / "smoke-outbox" / "mail"
SMS_BACKEND = "notifications.sms.FileSMSBackend"
SMS_FILE_PATH = VAR_DIR / "smoke-outbox" / "sms"

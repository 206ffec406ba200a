"""An e-mail backend that always fails, for tests of retries."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingEmailBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server unreachable")

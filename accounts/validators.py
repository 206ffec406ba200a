"""Password rules of our own, beside Django's (AUTH_PASSWORD_VALIDATORS)."""

import os

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

# seed_demo's password; the README and `make run` print it, so it is known to everyone.
DEMO_PASSWORD = "demo-2026"  # noqa: S105 (published on purpose: it is what we refuse)

# Django 5.2 words MinimumLengthValidator's error anew ("%d"), and its zh_Hans catalogue has only
# the old words: the project's catalogue translates these, listed here for makemessages.
DJANGO_MISSING = [
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
    ),
]


class DemoPasswordValidator:
    """Refuse the demo logins' password (and the one DEMO_PASSWORD names on this machine): it
    is printed in the README, so a login that keeps it is open to anyone who has read it.
    seed_demo sets it with set_password, which no validator sees."""

    def known_passwords(self):
        known = {DEMO_PASSWORD, os.environ.get("DEMO_PASSWORD", "")}
        return {password.strip().casefold() for password in known if password.strip()}

    def validate(self, password, user=None):
        if password.strip().casefold() in self.known_passwords():
            raise ValidationError(
                _(
                    "This is the demo site's published password; anyone could sign in with it. "
                    "Choose another."
                ),
                code="password_is_demo",
            )

    def get_help_text(self):
        return _("Your password can't be the demo site's published password.")

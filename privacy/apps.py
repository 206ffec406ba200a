from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """The personal-information lifecycle (PIPL arts. 17, 19, 44–47): retention and
    anonymisation, a person's requests (access, correction, erasure), and the log of staff
    reads of contact details. It sits above every app whose rows hold a copy of the data."""

    name = "privacy"
    verbose_name = _("Personal information")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyCasesConfig(AppConfig):
    name = "mycases"
    verbose_name = _("My submissions")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Cases")

    def ready(self):
        from submissions import count_cache

        count_cache.connect_signals()

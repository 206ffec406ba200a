from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self):
        from disclosure import permissions, stats
        from disclosure.models import DisclosureIndexPage

        post_save.connect(
            permissions.on_index_saved, sender=DisclosureIndexPage, dispatch_uid="notice-perms"
        )
        stats.connect_signals()

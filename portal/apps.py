from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The project package as an app, for what belongs to no single app."""

    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from portal import context_processors, page_cache
        from portal.csp import nonce_wagtail_scripts
        from portal.exports import guard_wagtail_exports

        guard_wagtail_exports()
        nonce_wagtail_scripts()
        context_processors.connect_signals()
        page_cache.connect_signals()

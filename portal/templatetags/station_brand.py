"""The station's name for the back office (Wagtail admin) templates."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def station_name(context):
    """The name the public site shows: home.SiteSettings.station_name for the request's site.

    Read once per request (the title, the sidebar and the dashboard heading share it), and only
    read: unlike SiteSettings.for_request it never creates the settings row, so an admin page
    costs the same queries the first time as every other time. Without a request, or before the
    settings are saved, it is the field's default; without a site, WAGTAIL_SITE_NAME.
    """
    from wagtail.models import Site

    from home.models import SiteSettings

    request = context.get("request")
    if request is None:
        return settings.WAGTAIL_SITE_NAME
    name = getattr(request, "_station_name", None)
    if name is None:
        loaded = getattr(request, SiteSettings.get_cache_attr_name(), None)
        if loaded is not None:  # the settings context processor has already fetched them
            name = loaded.station_name
        else:
            site = Site.find_for_request(request)
            if site is None:
                name = settings.WAGTAIL_SITE_NAME
            else:
                name = (
                    SiteSettings.objects.filter(site=site)
                    .values_list("station_name", flat=True)
                    .first()
                ) or SiteSettings._meta.get_field("station_name").get_default()
        request._station_name = name
    return name

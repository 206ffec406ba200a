"""The station's name for the back office (Wagtail admin) templates."""

from django import template

from portal.context_processors import current_station

register = template.Library()


@register.simple_tag(takes_context=True)
def station_name(context):
    """The station's name, read once per request (the title, the sidebar and the dashboard
    heading share it); WAGTAIL_SITE_NAME until a station is set up."""
    request = context.get("request")
    name = getattr(request, "_station_name", None)
    if name is None:
        name = current_station().name
        if request is not None:
            request._station_name = name
    return name

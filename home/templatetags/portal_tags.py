"""Template helpers used by every public page: navigation and absolute links."""

from django import template
from django.conf import settings
from wagtail.models import Site

from portal.page_cache import remember

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page's live children that editors marked "show in menus"."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return {"items": [], "root": None}
    root, items = remember(f"main_menu:{site.pk}", lambda: menu_pages(site))
    current = context.get("page")
    for item in items:
        item.is_active = bool(current and current.path.startswith(item.path))
    return {"items": items, "root": root, "current": current}


@register.simple_tag
def absolute_url(path):
    """An absolute URL built from the configured base URL, never from the Host header."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL + path


def menu_pages(site):
    root = site.root_page
    return root, list(root.get_children().live().in_menu())

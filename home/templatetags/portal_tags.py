"""Template helpers used by every public page: navigation, absolute links, the share card and
the 长辈版 switch."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Site

from home import display
from home.models import SiteSettings
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


@register.filter
def display_mode(request):
    """ "elder" when the visitor chose the 长辈版, else "standard" (see home.display)."""
    return display.mode(request)


@register.inclusion_tag("includes/display_switch.html")
def display_switch(request, current):
    """The link that turns the 长辈版 on or off and comes back to this page."""
    target = display.STANDARD if current == display.ELDER else display.ELDER
    back = request.get_full_path() if request is not None else "/"
    return {"query": urlencode({"mode": target, "next": back}), "elder": current == display.ELDER}


@register.inclusion_tag("includes/share_card.html", takes_context=True)
def share_card(context, title=None, description=None, image=None):
    """The page's share card: what is given, else the page's own title, summary and image,
    else the station's name and the site's share image."""
    page = context.get("page")
    station = context.get("station")
    request = context.get("request")
    title = title or (page and (page.seo_title or page.title)) or station.name
    description = description or share_text(page) or station.name
    image = image or getattr(page, "main_image", None)
    if image is None and request is not None:
        image = SiteSettings.for_request(request).share_image
    if image is not None:
        image_url = absolute_url(image.get_rendition("max-1200x1200").url)
    else:
        image_url = absolute_url(static("img/share.png"))
    return {
        "title": title,
        "description": Truncator(description).chars(120),
        "image_url": image_url,
        "url": absolute_url(page.url) if page and page.url else None,
        "site_name": station.name,
    }


def share_text(page):
    """The first plain text a page offers as its summary."""
    if page is None:
        return ""
    for name in ("search_description", "summary", "intro"):
        value = getattr(page, name, "")
        if value:
            return strip_tags(str(value)).strip()
    return ""

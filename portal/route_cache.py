"""Wagtail's routing of a public URL, kept in the shared cache like the parts every page prints
(:func:`portal.page_cache.remember`).

Before a page renders, Wagtail finds the site for the host (one query), walks the tree from the
site's root to the page (a query per level and one more for each page's specific row) and reads
the view restrictions of the page and its ancestors (two queries): six to seven queries that give
the same answer to every visitor until a page, site or view restriction changes, all of which
start a new generation of the page cache. So the site and the route result (the specific page,
with a sub-route's view and arguments) are kept per host, language and path, and handed to
Wagtail through the attributes in which it keeps them for the request (``_wagtail_site`` and
``_wagtail_route_for_request``, see ``Site.find_for_request`` and ``Page.route_for_request``).

What is kept is pickled before the page is served, so nothing the render sets on the page
object (or anything about the visitor) goes into it, and it is kept only after a 200 answer, so
made-up URLs (a 404, or a sub-route whose object does not exist) fill no cache slot; like the
pages, it is learnt from anonymous visits only. A page
behind a view restriction is never kept: its route is found afresh and its restrictions checked
by Wagtail as usual. A kept route therefore belongs to a page with no restriction at that
generation, and the page's restriction look-up answers without a query.
"""

import logging
import pickle

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page, PageViewRestriction, Site

from portal.page_cache import PART_PREFIX, lookup, may_be_public

logger = logging.getLogger(__name__)

MAX_PATH = 200  # longer paths are routed afresh rather than given a key of their own


class RouteCacheMiddleware:
    """Hand Wagtail's serve view the kept site and route of a URL, or keep them after a 200."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_route_cache_pending", None)
        if pending is not None and response.status_code == 200:
            key, generation, value = pending
            try:
                cache.set(key, (generation, value), settings.PAGE_CACHE_TIMEOUT)
            except Exception:  # noqa: BLE001 - the page was served; keeping its route is a bonus
                logger.warning("route cache: could not keep a route", exc_info=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not wagtail_views.serve or request.method not in ("GET", "HEAD"):
            return None
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        if len(path) > MAX_PATH:
            return None
        key = f"{PART_PREFIX}route:{request.get_host()}:{translation.get_language()}:{path}"
        try:
            generation, entry = lookup(key)
        except Exception:  # noqa: BLE001 - without a cache, Wagtail routes as usual
            logger.warning("route cache unavailable", exc_info=True)
            return None
        if entry is not None:
            site, route = pickle.loads(entry[1])  # noqa: S301 - written below; the cache unpickles too
            request._wagtail_site = site
            request._wagtail_route_for_request = route
            unrestricted(route.page)  # kept only while it had no restriction (see above)
            return None
        route = Page.route_for_request(request, path)
        if route is None or route.page.get_view_restrictions().exists():
            return None  # Wagtail answers as usual (a 404, or the restriction's checks)
        if may_be_public(request):  # learnt from anonymous visits only, like the pages
            kept = pickle.dumps((Site.find_for_request(request), route))
            request._route_cache_pending = (key, generation, kept)
        unrestricted(route.page)
        return None


def unrestricted(page):
    """Wagtail's check of view restrictions (a before_serve_page hook) reads none for the page,
    without the two queries: there are none, as was just found or as the kept route says."""
    page.get_view_restrictions = PageViewRestriction.objects.none

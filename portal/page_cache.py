"""Anonymous visitors' copies of the public pages, kept in the shared cache (DESIGN.md §7).

What is kept: the 200 answer to a GET of a Wagtail page (its sub-routes included) that
:func:`offer` marked while Wagtail served it, when the request carried no session cookie (so no
signed-in user, no flash messages, no page password), the answer set no cookie and used no
CSRF token (which also leaves out pages with a view restriction). Everything else (the forms at
``/submit/``, ``/q/…``, ``/track/``, the admin, any personal answer) is never stored, and
leaves here marked ``Cache-Control: private, no-store`` unless its view said otherwise. Kept
pages go out as ``public`` with a short max-age, so a proxy in front (nginx's proxy_cache, a
CDN) may keep them that long too; for longer, wagtail.contrib.frontend_cache can purge such a
proxy on publish.

Invalidation: one *generation* token for the whole site, replaced (:func:`invalidate`) whenever a
row that a public page may show is saved or deleted: any page, site, image, document or view
restriction, and any row of the apps whose data the pages print (see :data:`PUBLIC_APPS`). A
kept page is served only while its generation is current, so nothing has to know which keys
to delete; a page also expires after ``PAGE_CACHE_TIMEOUT`` seconds, which bounds what no signal
reports (``QuerySet.update()``, time passing: the next reception day).

The CSP nonce: a kept page carries the nonce of the request that rendered it. A hit replaces it
with the new request's own nonce, and django-csp (outside this middleware) writes that nonce in
the header, so every answer has a fresh nonce and its scripts still match it.

A cache that fails (Redis down) costs only speed: pages are then rendered for every request.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from portal.generations import Generations

logger = logging.getLogger(__name__)

KEPT = Generations("page_cache", lambda: settings.PAGE_CACHE_TIMEOUT)
GENERATION_KEY = KEPT.key
KEY_PREFIX = "page_cache:page:"
PART_PREFIX = "page_cache:part:"
MAX_BODY = 2 * 1024 * 1024  # a page larger than this is not worth a cache slot
# Apps whose rows public pages print (cases move the statistics, events the disclosure).
PUBLIC_APPS = {"home", "deputies", "submissions", "disclosure", "visits"}
# Wagtail's and Django's models that pages print or that decide who sees a page. Renditions are
# left out: the first render of an image makes one, which must not empty the cache.
PUBLIC_MODELS = {
    "wagtailcore.site",
    "wagtailcore.pageviewrestriction",
    "wagtailimages.image",
    "wagtaildocs.document",
}
NOT_STORED = {"Set-Cookie", "Content-Security-Policy", "Content-Length"}


def remember(name, build):
    """build()'s value, kept like the pages until the next generation: for what every page
    prints (the menu, the site's settings), so that a page rendered afresh reads it without a
    query. With the cache out, build() is called every time."""
    return KEPT.remember(PART_PREFIX + name, build)


def remember_rendered(name, template_name, context, request, keep=True):
    """A template's output kept like :func:`remember`, for a part that is the same for every
    visitor but costly to draw (a form of filters whose choices come from the database). The
    name carries the language, since the output is translated; context may be a function, so
    that what it reads is read only when the part is drawn. The template must print nothing
    personal: no CSRF token, no nonce, nothing about the visitor. keep=False draws it afresh
    (a form the visitor filled in is theirs, not everyone's)."""
    from django.template.loader import render_to_string
    from django.utils.translation import get_language

    def draw():
        values = context() if callable(context) else context
        return render_to_string(template_name, values, request=request)

    return remember(f"{name}:{get_language()}", draw) if keep else draw()


lookup = KEPT.lookup
invalidate = KEPT.invalidate


def offer(request, page):
    """Mark the request as serving a page (a ``before_serve_page`` hook calls this)."""
    request._page_cache_page = page


def shows_publicly(model):
    from wagtail.models import Page

    meta = model._meta
    return (
        meta.app_label in PUBLIC_APPS
        or meta.label_lower in PUBLIC_MODELS
        or issubclass(model, Page)
    )


def on_change(sender, **kwargs):
    from wagtail.contrib.settings.models import BaseSiteSetting

    if kwargs.get("created") and issubclass(sender, BaseSiteSetting):
        return  # made with its defaults on its first read (a page's render): nothing new shows
    if shows_publicly(sender):
        KEPT.invalidate_now_and_on_commit()


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(on_change, dispatch_uid="portal.page_cache")


class PageCacheMiddleware:
    """Serve and keep public pages (see the module's docstring). Sits after CommonMiddleware
    (the host is checked) and before the session, CSRF and authentication middleware, which a
    hit does not need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        enabled = settings.PAGE_CACHE_ENABLED and may_be_public(request)
        generation = None
        if enabled and request.method == "GET":
            key = page_key(request)
            try:
                generation, entry = lookup(key)
            except Exception:  # noqa: BLE001 - without a cache, pages are rendered
                logger.warning("page cache unavailable", exc_info=True)
                enabled = False
            else:
                if entry is not None:
                    return from_entry(request, entry)
        response = self.get_response(request)
        if not is_public(request, response):
            if "Cache-Control" not in response:
                patch_cache_control(response, private=True, no_store=True)
            return response
        patch_cache_control(response, public=True, max_age=settings.PAGE_CACHE_MAX_AGE)
        if enabled and generation is not None:
            response["X-Page-Cache"] = "miss"
            keep(request, response, key, generation)
        return response


def may_be_public(request):
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def is_public(request, response):
    # A page with a view restriction answers an anonymous visitor with a form carrying a CSRF
    # token or a redirect to the login, and a visitor it let in with a session cookie: so it
    # never gets here as a public answer, without a query of its own.
    return (
        getattr(request, "_page_cache_page", None) is not None
        and may_be_public(request)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form's token is personal
        and "Cache-Control" not in response
    )


def page_key(request):
    url = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    # Only the values a cookie is known to take make their own copy, so a made-up value cannot
    # fill the cache.
    for name, values in sorted(settings.PAGE_CACHE_VARY_COOKIES.items()):
        value = request.COOKIES.get(name)
        url += f" {name}={value if value in values else ''}"
    return KEY_PREFIX + hashlib.sha256(url.encode()).hexdigest()


def request_nonce(request):
    nonce = getattr(request, "csp_nonce", None)
    return str(nonce) if nonce is not None else None


def keep(request, response, key, generation):
    if len(response.content) > MAX_BODY:
        return
    headers = [(k, v) for k, v in response.items() if k not in NOT_STORED]
    entry = (generation, response.status_code, headers, response.content, request_nonce(request))
    try:
        cache.set(key, entry, settings.PAGE_CACHE_TIMEOUT)
    except Exception:  # noqa: BLE001 - the page was served; keeping it is a bonus
        logger.warning("page cache: could not keep a page", exc_info=True)


def from_entry(request, entry):
    _generation, status, headers, content, nonce = entry
    new_nonce = request_nonce(request) if nonce else None
    if new_nonce:
        content = content.replace(nonce.encode(), new_nonce.encode())
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return response

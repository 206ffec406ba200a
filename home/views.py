"""Public views of the home app that are not Wagtail pages."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from home import display

# What search engines may crawl: never the forms, a case's tracking, the QR entries (each is a
# credential-free but personal doorway to a deputy) or the admin.
ROBOTS_DISALLOWED = ("/admin/", "/track/", "/q/", "/submit/", "/display/", "/documents/")


@require_GET
def display_switch(request):
    """Remember the display chosen (?mode=elder or standard) and go back to the page it was
    chosen on. A plain link, so it works in every browser and under the strict CSP."""
    chosen = request.GET.get("mode")
    response = HttpResponseRedirect(display.safe_return_path(request, request.GET.get("next")))
    response["Cache-Control"] = "no-store"
    if chosen in display.MODES:
        response.set_cookie(
            display.COOKIE,
            chosen,
            max_age=display.COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
@cache_control(max_age=60 * 60 * 24, public=True)
def robots_txt(request):
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOWED]
    lines.append(f"Sitemap: {settings.WAGTAILADMIN_BASE_URL}/sitemap.xml")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    """Browsers and WeChat ask for /favicon.ico whatever the page says; send them the file."""
    return HttpResponseRedirect(static("img/favicon.ico"))

"""Response headers Django does not set itself: which browser features the site may use
(Permissions-Policy), who may embed its resources (Cross-Origin-Resource-Policy), where scripts,
styles and frames may come from (Content-Security-Policy); and requests refused by their size
before anything reads them."""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


class BrowserPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy from settings.CONTENT_SECURITY_POLICY, with one exception: a response
    Wagtail lets the site frame itself (X-Frame-Options: SAMEORIGIN, the page editor's live
    preview) gets frame-ancestors 'self' instead of 'none', or browsers, which obey
    frame-ancestors over X-Frame-Options, would leave the preview blank."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over settings.MAX_REQUEST_SIZE, without
    reading its body, so a huge upload costs neither memory nor a temporary file.

    Under WSGI Django reads a body only as far as its Content-Length (none: nothing), so a
    chunked body without a length never reaches a view; the proxy's own limit
    (client_max_body_size) stops such a request, and any other, before it gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length > settings.MAX_REQUEST_SIZE:
            return too_large(request)
        return self.get_response(request)


def too_large(request):
    """A short page in plain words; rendered without context processors or the database."""
    limit = settings.MAX_REQUEST_SIZE // (1024 * 1024)
    return HttpResponse(render_to_string("413.html", {"limit": limit}), status=413)

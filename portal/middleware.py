"""Response headers Django does not set itself: which browser features the site may use
(Permissions-Policy), who may embed its resources (Cross-Origin-Resource-Policy), where scripts,
styles and frames may come from (Content-Security-Policy); and requests refused by their size
before anything reads them."""

import re

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from portal.csp import current_nonce

FRAME_ANCESTORS = re.compile(r"frame-ancestors [^;]*")


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
    """django-csp's policy from settings.CONTENT_SECURITY_POLICY, with two exceptions: the admin
    adds settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE (inline styles), and a response Wagtail
    lets the site frame itself (X-Frame-Options: SAMEORIGIN, the page editor's live preview)
    gets frame-ancestors 'self' instead of 'none', or browsers, which obey frame-ancestors over
    X-Frame-Options, would leave the preview blank.

    Wagtail renders a preview by passing a made-up request for the page through the whole
    middleware stack inside the editor's request, and marks the response SAMEORIGIN only after
    that; so the exception is made on the header already written (whose nonce is the one the
    preview's scripts carry), whichever of the two requests gets here first."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and in_admin(request):
            parts.update = {**settings.ADMIN_CONTENT_SECURITY_POLICY_UPDATE, **(parts.update or {})}
        return parts

    def process_request(self, request):
        super().process_request(request)
        # For Wagtail's widgets and panels, which render without the request (portal.csp).
        request._csp_nonce_token = current_nonce.set(request.csp_nonce)

    def process_response(self, request, response):
        token = getattr(request, "_csp_nonce_token", None)
        if token is not None:
            try:
                current_nonce.reset(token)
            except ValueError:  # set in another context (ASGI runs the steps apart)
                current_nonce.set(None)
        response = super().process_response(request, response)
        if HEADER in response and response.get("X-Frame-Options", "").upper() == "SAMEORIGIN":
            response[HEADER] = FRAME_ANCESTORS.sub("frame-ancestors 'self'", response[HEADER])
        return response


def in_admin(request):
    try:
        return request.path_info.startswith(reverse("wagtailadmin_home"))
    except NoReverseMatch:  # a URLconf without the admin
        return False


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

"""Issue 17: the Content-Security-Policy allows no inline script without the request's nonce, so
templates carry no inline handlers, and Wagtail's own inline scripts get the nonce."""

import re

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from wagtail.admin.widgets.datetime import AdminDateInput
from wagtail.utils.decorators import xframe_options_sameorigin_override

from portal.csp import current_nonce, with_nonce

TEMPLATES = settings.BASE_DIR / "templates"
# An on…="" attribute inside an HTML tag (not {% with online=… %}), or a javascript: URL.
INLINE_HANDLER = re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=\s*[\"']|javascript:", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def plain(request):
    return HttpResponse("<p>plain</p>")


@xframe_options_sameorigin_override
def previewed(request):
    return HttpResponse("<p>preview</p>")


urlpatterns = [path("plain/", plain), path("previewed/", previewed)]


def test_templates_run_no_script_the_policy_would_block():
    """No onclick="" and the like, no javascript: links; a <script> either loads a file or is
    JSON data, and either way carries the nonce unless it is data."""
    for template in sorted(TEMPLATES.rglob("*.html")):
        source = template.read_text()
        assert not INLINE_HANDLER.search(source), template
        for tag in SCRIPT_TAG.findall(source):
            if "application/json" in tag:
                continue
            assert "src=" in tag, (template, tag)
            assert 'nonce="{{ request.csp_nonce }}"' in tag, (template, tag)


def test_only_the_site_frames_what_wagtail_lets_it_frame(client, settings):
    settings.ROOT_URLCONF = __name__
    assert "frame-ancestors 'none'" in client.get("/plain/")["Content-Security-Policy"]
    policy = client.get("/previewed/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "'none'; " not in policy.split("object-src")[0]


def test_wagtails_inline_scripts_get_the_nonce_and_what_a_user_typed_does_not():
    token = current_nonce.set("abc123")
    try:
        html = AdminDateInput().render("when", "<script>alert(1)</script>", {"id": "id_when"})
    finally:
        current_nonce.reset(token)
    assert html.count('<script nonce="abc123">') == 1
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_outside_a_request_nothing_changes():
    assert with_nonce("<script>x</script>") == "<script>x</script>"

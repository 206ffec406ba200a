"""The request's Content-Security-Policy nonce on the few inline scripts Wagtail's admin writes.

Wagtail 7.4 still starts some widgets with a small inline ``<script>`` right after their HTML:
the date, time and date-time pickers (also in the listings' date range filters), the choosers
(page, image, document, snippet, task) and the inline panels (a page's gallery). Widgets and
panels render without the request, so :class:`portal.middleware.ContentSecurityPolicyMiddleware`
puts the request's nonce in :data:`current_nonce` for the time of the request, and
:func:`nonce_wagtail_scripts` (run once at start-up, ``PortalConfig.ready``) has those renderers
write ``<script nonce="…">``.

Only the bare ``<script>`` tags in the output of these renderers get the nonce: everything else
in it is escaped by Wagtail's templates (a ``<script>`` typed by a user arrives as
``&lt;script&gt;``), so no script a user wrote can borrow the nonce, and script-src needs no
'unsafe-inline' in the admin either.
"""

from contextvars import ContextVar
from functools import wraps

from django.utils.safestring import SafeString, mark_safe

# The nonce (django-csp's lazy request.csp_nonce) of the request being answered, if any.
current_nonce = ContextVar("current_nonce", default=None)


def with_nonce(html):
    """html with the current request's nonce on each bare <script> tag."""
    nonce = current_nonce.get()  # lazy: made on first use, then sent in the header
    if nonce is None or "<script>" not in html:
        return html
    result = html.replace("<script>", f'<script nonce="{nonce}">')
    # Safe as it was: only Wagtail's own tag changed, with a base64 nonce.
    return mark_safe(result) if isinstance(html, SafeString) else result  # noqa: S308


def _nonced(render):
    @wraps(render)
    def render_with_nonce(*args, **kwargs):
        return with_nonce(render(*args, **kwargs))

    render_with_nonce._csp_nonce = True
    return render_with_nonce


def nonce_wagtail_scripts():
    """Wrap the renderers of Wagtail's widgets and panels that write inline scripts. Idempotent."""
    from wagtail.admin.filters import DateRangePickerWidget
    from wagtail.admin.panels import InlinePanel
    from wagtail.admin.widgets.chooser import BaseChooser
    from wagtail.admin.widgets.datetime import AdminDateInput, AdminDateTimeInput, AdminTimeInput

    for cls, method in (
        (AdminDateInput, "render"),
        (AdminTimeInput, "render"),
        (AdminDateTimeInput, "render"),
        (DateRangePickerWidget, "render"),  # two date pickers, rendered by its own template
        (BaseChooser, "render"),  # and every chooser built on it
        (InlinePanel.BoundPanel, "render_html"),  # and MultipleChooserPanel's
    ):
        original = getattr(cls, method)
        if not getattr(original, "_csp_nonce", False):
            setattr(cls, method, _nonced(original))

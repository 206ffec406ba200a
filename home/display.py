"""The 长辈版 (large-print) display, in line with 工信部《互联网网站适老化通用设计规范》(2021).

A visitor's choice lives in one cookie, read on the server so that the page arrives already in
the chosen display (no flash of the standard one) and the switch works without any script.
The cookie holds no personal data: only which of the two displays to draw.
"""

from django.utils.http import url_has_allowed_host_and_scheme

COOKIE = "display"
ELDER = "elder"
STANDARD = "standard"
MODES = (STANDARD, ELDER)
COOKIE_AGE = 365 * 24 * 60 * 60  # remembered for a year, like the browser's own font setting


def mode(request):
    """The display this request asked for; the standard one unless the cookie says otherwise."""
    value = request.COOKIES.get(COOKIE) if request is not None else None
    return ELDER if value == ELDER else STANDARD


def safe_return_path(request, path):
    """path if it is a local path on this site, else the home page (the switch is no open
    redirect)."""
    if (
        path
        and path.startswith("/")
        and url_has_allowed_host_and_scheme(path, allowed_hosts=None, require_https=False)
    ):
        return path
    return "/"

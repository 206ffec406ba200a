"""Sessions end after SESSION_COOKIE_AGE without a request, and when the browser closes.

Django stores a session's end when it saves the session, and saves only a changed one; saving
on every request (SESSION_SAVE_EVERY_REQUEST) would cost a write on every page. Instead a
signed-in session carries the time its end was last pushed back, and a request pushes it back
again only when that is older than renew_after(): at most one write every few minutes for a
login at work, none on most requests, and a session left alone ends on time.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

RENEWED = "_renewed_at"


def renew_after():
    """Seconds between renewals: five minutes, less when the idle time is very short."""
    return min(300, settings.SESSION_COOKIE_AGE // 10)


def mark_renewed(session):
    session[RENEWED] = int(time.time())


def stamp_login(sender, request, user, **kwargs):
    """user_logged_in: a login's session starts renewed, so its first requests write nothing."""
    if request is not None and hasattr(request, "session"):
        mark_renewed(request.session)


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a session the request has read already (no query of its own) and signed in.
        if session is None or not session.accessed or SESSION_KEY not in session:
            return response
        renewed = session.get(RENEWED, 0)
        if session.modified or time.time() - renewed >= renew_after():
            mark_renewed(session)  # saved, with a new end, by SessionMiddleware
        return response

"""Access-log lines without the credentials some paths carry (DESIGN.md §5).

A signed tracking link (/track/<token>/) opens its case for whoever holds it, for up to
TRACK_LINK_DAYS, and a kept photo's address (/submit/kept/<token>/<photo>/) names a browser's
staged photos: a log line keeping either would be a pass to the case in every log reader's
hands. The logs keep which kind of page was asked for, not the token. deploy/nginx.conf maps
its own log line with the same patterns (tests/test_access_log.py checks they agree)."""

import re

from gunicorn.glogging import Logger

# (pattern, replacement): the longest paths first; each keeps the route, drops what follows.
CREDENTIAL_PATHS = (
    (re.compile(r"^/submit/kept/[^/]+/[^/]+/"), "/submit/kept/-/-/"),
    (re.compile(r"^/track/[^/]+/"), "/track/-/"),
)


def redacted(path):
    for pattern, replacement in CREDENTIAL_PATHS:
        if pattern.match(path):
            return pattern.sub(replacement, path, count=1)
    return path


class AccessLogger(Logger):
    """gunicorn's logger, whose %(U)s (the path) and %(r)s (the request line) are redacted."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        atoms["U"] = redacted(path)
        atoms["r"] = "{} {} {}".format(
            environ.get("REQUEST_METHOD"), redacted(path), environ.get("SERVER_PROTOCOL")
        )
        return atoms

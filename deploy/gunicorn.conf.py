"""gunicorn's settings for the portal: `gunicorn -c deploy/gunicorn.conf.py portal.wsgi`.

Every value can be changed from the environment; the defaults fit nginx on the same host
(deploy/nginx.conf) and the two-core machines the station runs on."""

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: requests are short, nginx buffers slow uploads and slow readers, and the worker
# process (not a thread) sends the mail.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # long spreadsheet exports included
graceful_timeout = 30
keepalive = 5  # nginx keeps connections to us open (upstream keepalive)
max_requests = 2000  # a slow leak in a library cannot grow for ever
max_requests_jitter = 200
# The proxies whose X-Forwarded-Proto gunicorn believes: nginx on this host. The application
# reads the client's address from X-Forwarded-For by the same rule (TRUSTED_PROXIES=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The access log names the client as nginx saw it, and the path without its query string:
# tracking links carry a submitter's code there, which no log may keep (DESIGN.md §5); and
# without the signed token of a tracking link's path, a pass to the case (portal.access_log).
logger_class = "portal.access_log.AccessLogger"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%({x-forwarded-for}i)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms pid=%(p)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def on_starting(server):
    """Refuse to start, with one line, when the database or the shared cache does not answer
    (manage.py preflight, in a process of its own so that no connection is forked)."""
    result = subprocess.run(  # noqa: S603 (our own manage.py, no outside input)
        [sys.executable, str(ROOT / "manage.py"), "preflight"],
        capture_output=True,
        text=True,
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.production", **os.environ},
    )
    if result.returncode:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["preflight failed"]
        server.log.error(lines[-1])
        sys.exit(1)

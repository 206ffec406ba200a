"""Access logs (gunicorn's and nginx's) keep which page was asked for, never the signed token
in a tracking link's or a kept photo's path: either is a pass (portal/access_log.py)."""

import re
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from hypothesis import given
from hypothesis import strategies as st

from portal.access_log import CREDENTIAL_PATHS, AccessLogger, redacted

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
TOKEN = st.text(st.characters(blacklist_characters="/", blacklist_categories=("Cs",)), min_size=1)


@given(token=TOKEN, photo=TOKEN, rest=st.sampled_from(["", "x", "a/b"]))
def test_no_token_reaches_the_log_line(token, photo, rest):
    assert redacted(f"/track/{token}/{rest}") == f"/track/-/{rest}"
    assert redacted(f"/submit/kept/{token}/{photo}/{rest}") == f"/submit/kept/-/-/{rest}"


def test_other_paths_are_logged_as_they_are():
    for path in ["/track/", "/submit/", "/submit/kept/", "/my-cases/list/", "/deputies/x/"]:
        assert redacted(path) == path


def log_line(path):
    """The line gunicorn writes with the deployed format and logger."""
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    config = Config()
    config.set("logger_class", settings["logger_class"])
    config.set("access_log_format", settings["access_log_format"])
    logger = config.logger_class(config)
    assert isinstance(logger, AccessLogger)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_X_FORWARDED_FOR": "10.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", sent=100, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "10.0.0.1")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=5))
    return config.access_log_format % atoms


def test_gunicorn_writes_the_route_not_the_token():
    token = "12s:1xZAUl:WzueDg3yNJHZgd3aqBEvxY29WYPONiIjU0k3dczO7XY"
    line = log_line(f"/track/{token}/")
    assert '"GET /track/-/"' in line and token not in line and "WzueDg3y" not in line


def test_nginx_redacts_with_the_same_patterns():
    text = (DEPLOY / "nginx.conf").read_text()
    block = re.search(r"map \$uri \$portal_logged_uri \{(.*?)\}", text, re.S)[1]
    rules = re.findall(r"~(\S+)\s+(\S+);", block)
    assert rules == [(pattern.pattern, replacement) for pattern, replacement in CREDENTIAL_PATHS]
    assert "$portal_logged_uri" in re.search(r"log_format portal (.*?);", text, re.S)[1]
    assert '"$request_method $uri"' not in text

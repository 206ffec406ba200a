"""Production settings, through manage.py as a deployment runs it: the deploy check passes and
the settings refuse to start without what production needs. Values the settings files merely
state are not restated here."""

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
GOOD_PRODUCTION_ENV = {
    "SECRET_KEY": "x9-Lk2vQ7pZr4Tn8Wb1Yc6Hd3Jf5Mg0Es2Ua7Io9Pq4Rw6Tz8Xv1Bn3Cm5Dl7Fk9Gh",
    "ALLOWED_HOSTS": "station.example.gov.cn",
    "SITE_BASE_URL": "https://station.example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def run_production(*args, **env):
    """Run manage.py under production settings with exactly the given environment."""
    clean_env = {k: v for k, v in os.environ.items() if k not in GOOD_PRODUCTION_ENV}
    for leaked in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CACHE_BACKEND"):
        clean_env.pop(leaked, None)
    clean_env.update(
        env,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        PORTAL_VAR_DIR=str(ROOT / "var" / "prod-check"),
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_check_with_its_variables_set():
    sms = {"SMS_BACKEND": "notifications.sms.FileSMSBackend"}  # any backend that sends
    result = run_production(
        "check", "--deploy", "--fail-level", "WARNING", **sms, **GOOD_PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_that_the_logging_sms_backend_texts_nobody():
    result = run_production("check", "--deploy", "--fail-level", "WARNING", **GOOD_PRODUCTION_ENV)
    assert result.returncode != 0
    assert "notifications.W001" in result.stderr + result.stdout


def test_production_refuses_to_start_without_each_required_variable():
    for missing in GOOD_PRODUCTION_ENV:
        env = {k: v for k, v in GOOD_PRODUCTION_ENV.items() if k != missing}
        result = run_production("check", **env)
        assert result.returncode != 0
        assert f"Environment variable {missing} must be set in production." in result.stderr


def test_production_runs_on_the_database_cache_instead_of_redis_when_told_so():
    env = {k: v for k, v in GOOD_PRODUCTION_ENV.items() if k != "REDIS_URL"}
    result = run_production("check", CACHE_BACKEND="database", **env)
    assert result.returncode == 0, result.stderr
    result = run_production("check", CACHE_BACKEND="memory", **env)
    assert result.returncode != 0
    assert "CACHE_BACKEND must be redis or database, not 'memory'" in result.stderr


def test_start_up_names_in_one_line_the_cache_or_database_it_cannot_reach():
    env = dict(GOOD_PRODUCTION_ENV, REDIS_URL="redis://:s3cret@127.0.0.1:1/0")
    result = run_production("preflight", **env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "CommandError: Cannot reach the shared cache at 127.0.0.1:1/0: "
        "Error 111 connecting to 127.0.0.1:1. Connection refused."
    ]
    env = dict(GOOD_PRODUCTION_ENV, DATABASE_URL="postgres://portal:s3cret@127.0.0.1:1/portal")
    result = run_production("preflight", **env)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("CommandError: Cannot reach the database at 127.0.0.1:1/portal: ")
    assert "s3cret" not in line


def test_production_refuses_an_insecure_secret_key():
    env = dict(GOOD_PRODUCTION_ENV, SECRET_KEY="django-insecure-short")
    result = run_production("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY is insecure" in result.stderr


def test_production_refuses_debug_on():
    result = run_production("check", DEBUG="1", **GOOD_PRODUCTION_ENV)
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_sends_the_browser_policy_headers():
    """Under production settings, on a page and on a static file: no camera, microphone or
    location for any page, and nothing outside the site may load its resources."""
    code = (
        "from django.test import Client\n"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='station.example.gov.cn')\n"
        "print(r.status_code)\n"
        "for name in ('Permissions-Policy', 'Cross-Origin-Resource-Policy', 'X-Frame-Options',"
        " 'X-Content-Type-Options', 'Referrer-Policy', 'Strict-Transport-Security'):\n"
        "    print(name, '=', r.headers.get(name))\n"
    )
    result = run_production("shell", "-c", code, **GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    headers = dict(line.split(" = ", 1) for line in lines if " = " in line)
    status = next(line for line in lines if line.isdigit())
    assert status in ("200", "503"), result.stdout  # the database may not exist; headers do
    policy = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


# Under production settings, in a throwaway database the subprocess migrates: the headers of a
# public page (the home page) and of an admin page with Wagtail's inline scripts (the home
# page's editor), and every <script> of each with its nonce. Static files are named as in
# development (no collectstatic here); everything else is production's.
HEADERS_SCRIPT = """
import json, os, re
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import setup_test_environment
from wagtail.models import Site
from tests.second_step import pass_second_step

setup_test_environment()
if "DATABASE_URL" not in os.environ:  # else a copy of the migrated test database
    connection.creation.create_test_db(verbosity=0)
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
home = Site.objects.get(is_default_site=True).root_page
admin = get_user_model().objects.create_superuser("csp-admin", password="x")
client = Client(HTTP_HOST="station.example.gov.cn")
results = {}
with override_settings(STORAGES={"default": plain, "staticfiles": plain}):
    for name, path in (("public", "/"), ("admin", f"/admin/pages/{home.pk}/edit/")):
        if name == "admin":
            client.force_login(admin)
            pass_second_step(client)  # production asks an administrator for a code too
        r = client.get(path, secure=True)
        results[name] = {
            "status": r.status_code,
            "headers": {k: r.headers.get(k) for k in (
                "Content-Security-Policy", "Permissions-Policy", "Cross-Origin-Resource-Policy",
                "X-Frame-Options")},
            "scripts": re.findall(r"<script\\b[^>]*>", r.content.decode()),
        }
print("RESULTS " + json.dumps(results))
"""


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.fixture
def migrated_database(django_db_setup, django_db_blocker, tmp_path):
    """On SQLite, the test database as the migrations left it, copied to a file that a process
    under production settings opens instead of migrating one of its own (30 s): the
    environment naming it. Else None."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return None
    path = tmp_path / "migrated.sqlite3"
    with django_db_blocker.unblock():
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return {"DATABASE_URL": f"sqlite:///{path}"}


@pytest.mark.one_database  # the headers do not depend on the database
def test_production_sends_a_content_security_policy_with_a_nonce_on_every_script(
    migrated_database,
):
    database = migrated_database or {}
    result = run_production("shell", "-c", HEADERS_SCRIPT, **database, **GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULTS "))
    results = json.loads(line.removeprefix("RESULTS "))
    for name, page in results.items():
        assert page["status"] == 200, name
        headers = page["headers"]
        policy = directives(headers["Content-Security-Policy"])
        assert "'unsafe-inline'" not in policy["script-src"], name
        nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
        assert len(nonces) == 1, name
        nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        # Inline styles only in the admin, whose page editor writes <style> elements.
        assert policy["style-src"] == (
            ["'self'", "'unsafe-inline'"] if name == "admin" else ["'self'"]
        ), name
        assert "camera=()" in headers["Permissions-Policy"]
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        # Scripts: the site's own files, or inline with the nonce; JSON data is not run.
        inline = [
            tag for tag in page["scripts"] if "src=" not in tag and "application/json" not in tag
        ]
        for tag in inline:
            assert f'nonce="{nonce}"' in tag, (name, tag)
        assert any(f'nonce="{nonce}"' in tag for tag in page["scripts"]), name
    # Wagtail's own inline scripts (the editor's date pickers) are there, and carry the nonce.
    admin_inline = [
        tag
        for tag in results["admin"]["scripts"]
        if "src=" not in tag and "application/json" not in tag
    ]
    assert admin_inline


@pytest.mark.django_db
def test_a_process_starting_drops_what_the_cache_kept_from_the_release_before(settings):
    """Kept routes and parts are pickled model instances: after a deploy, preflight (run before
    gunicorn and the worker start) makes sure none is read back by the new code."""
    from django.core.cache import cache

    from portal import page_cache
    from submissions import count_cache

    before = cache.get_many([page_cache.GENERATION_KEY, count_cache.GENERATION_KEY])
    page_cache.remember("release-test", lambda: "pickled by the old release")
    call_command("preflight", stdout=io.StringIO())
    after = cache.get_many([page_cache.GENERATION_KEY, count_cache.GENERATION_KEY])
    assert after[page_cache.GENERATION_KEY] != before.get(page_cache.GENERATION_KEY)
    assert after[count_cache.GENERATION_KEY] != before.get(count_cache.GENERATION_KEY)
    assert page_cache.remember("release-test", lambda: "rebuilt") == "rebuilt"


SETTINGS_SCRIPT = """
from django.conf import settings
tasks = settings.TASKS["default"]["BACKEND"]
print("SETTINGS", settings.EMAIL_TIMEOUT, settings.MAX_REQUEST_SIZE, tasks)
"""


def test_the_deploy_files_match_what_production_runs():
    """deploy/ is what an operator copies: its limits and processes agree with the settings
    production starts with (the CI smoke test boots gunicorn.conf.py and the worker itself)."""
    result = run_production("shell", "-c", SETTINGS_SCRIPT, **GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr[-2000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS "))
    _, email_timeout, max_request, backend = line.split()
    assert 0 < int(email_timeout) <= 30  # the worker never hangs on a dead mail server
    assert backend == "django_tasks_db.DatabaseBackend"  # what `db_worker` in the Procfile reads
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert megabytes * 1024 * 1024 == int(max_request)  # nginx lets through what Django takes
    procfile = (ROOT / "deploy" / "Procfile").read_text()
    assert "manage.py preflight && exec .venv/bin/python manage.py db_worker" in procfile
    assert "gunicorn -c deploy/gunicorn.conf.py" in procfile

"""Production settings, through manage.py as a deployment runs it: the deploy check passes and
the settings refuse to start without what production needs. Values the settings files merely
state are not restated here."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD_PRODUCTION_ENV = {
    "SECRET_KEY": "x9-Lk2vQ7pZr4Tn8Wb1Yc6Hd3Jf5Mg0Es2Ua7Io9Pq4Rw6Tz8Xv1Bn3Cm5Dl7Fk9Gh",
    "ALLOWED_HOSTS": "station.example.gov.cn",
    "SITE_BASE_URL": "https://station.example.gov.cn",
}


def run_production(*args, **env):
    """Run manage.py under production settings with exactly the given environment."""
    clean_env = {k: v for k, v in os.environ.items() if k not in GOOD_PRODUCTION_ENV}
    for leaked in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"):
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
    result = run_production("check", "--deploy", "--fail-level", "WARNING", **GOOD_PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_each_required_variable():
    for missing in GOOD_PRODUCTION_ENV:
        env = {k: v for k, v in GOOD_PRODUCTION_ENV.items() if k != missing}
        result = run_production("check", **env)
        assert result.returncode != 0
        assert f"Environment variable {missing} must be set in production." in result.stderr


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

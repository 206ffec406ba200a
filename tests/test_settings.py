import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

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


def test_interface_is_simplified_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_whitenoise_comes_right_after_security_middleware():
    middleware = settings.MIDDLEWARE
    assert middleware[0] == "django.middleware.security.SecurityMiddleware"
    assert middleware[1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_tests_use_fast_hasher_plain_static_storage_and_local_cache():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith("StaticFilesStorage")
    assert "Manifest" not in settings.STORAGES["staticfiles"]["BACKEND"]
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def test_postgres_contrib_is_installed_exactly_when_the_database_is_postgres():
    is_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert ("django.contrib.postgres" in settings.INSTALLED_APPS) == is_postgres


def test_every_app_of_the_layout_is_installed():
    for app in ("home", "deputies", "submissions", "disclosure"):
        assert app in settings.INSTALLED_APPS


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


def test_production_uses_compressed_manifest_static_storage():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = run_production("shell", "-v", "0", "-c", code, **GOOD_PRODUCTION_ENV)
    assert result.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage"

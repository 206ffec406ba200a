"""Production settings: every secret and host comes from the environment.

Start-up fails with one clear message naming the variable when a required one is missing or
still has a development value.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool, env_list

PORTAL_ENV = "production"


def required(name):
    return required_for(name, "")


def required_for(name, why):
    value = os.environ.get(name, "").strip()
    if not value:
        message = f"Environment variable {name} must be set in production. {why}"
        raise ImproperlyConfigured(message.strip())
    return value


SECRET_KEY = required("SECRET_KEY")
if SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "Environment variable SECRET_KEY is insecure: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if env_bool("DEBUG", False):
    raise ImproperlyConfigured("Environment variable DEBUG must be off in production.")
DEBUG = False
required("ALLOWED_HOSTS")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
WAGTAILADMIN_BASE_URL = required("SITE_BASE_URL").rstrip("/")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# HTTPS. A proxy in front terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# Preloading HSTS is a commitment for every subdomain of the government domain, which is not
# this site's to make; turn it on with SECURE_HSTS_PRELOAD=1 once the domain owner agrees.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Processes (issue 19): shared cache, background tasks, mail timeouts ----------------------
# Kept in one block so that other changes to the settings merge around it. README.md (Production)
# and deploy/ say how the processes (web, worker, scheduler) run.

# Every worker must see the same rate limits, statistics and cached pages: a cache per process
# would multiply each limit by the number of workers and leave a refresh in one worker only.
# Redis (REDIS_URL) is the cache; CACHE_BACKEND=database is the fallback that needs nothing more
# than the database (run `manage.py createcachetable` once), slower under load.
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "redis").strip().lower()
if CACHE_BACKEND == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }
elif CACHE_BACKEND == "redis":
    CACHES = {
        "default": {
            # An outage degrades to uncached pages, never to errors (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": required_for(
                "REDIS_URL",
                "Every worker shares one cache: give Redis's address (redis://host:6379/0), "
                "or set CACHE_BACKEND=database and run manage.py createcachetable.",
            ),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    raise ImproperlyConfigured(
        f"Environment variable CACHE_BACKEND must be redis or database, not {CACHE_BACKEND!r}."
    )

# Background work (notifications, Wagtail's index updates) goes through django-tasks' database
# backend; `manage.py db_worker` runs it, so no queue server is needed beyond the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# The mail server. The worker, not the request, waits for it; even so, never for long.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
# --- end of processes -------------------------------------------------------------------------

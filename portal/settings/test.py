from .base import *  # noqa: F401,F403

PORTAL_ENV = "test"
DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests that change rows behind the signals' back would read kept pages: tests/test_page_cache.py
# turns it on.
PAGE_CACHE_ENABLED = False
CASE_COUNTS_TIMEOUT = 0  # likewise the admin's counts; tests/test_queue_scale.py turns it on
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False}
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"  # noqa: F405

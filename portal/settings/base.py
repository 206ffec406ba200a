"""Settings shared by every environment.

Everything that differs between machines is read from the environment here, in one place;
the defaults are for development only and production.py refuses to start on them.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Which settings module is in force; commands that must never run in production check it.
PORTAL_ENV = "base"

SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-dev-only-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "home",
    "deputies",
    "submissions",
    "accounts",
    "visits",
    "notifications",
    "disclosure",
    "mycases",
    "privacy",
    "portal",
    "crispy_forms",
    "crispy_bootstrap5",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",  # /sitemap.xml: the live public pages (home.views wires it)
    "wagtail.contrib.redirects",
    "wagtail.sites",
    "accounts.apps.UsersConfig",  # Wagtail's users app with our Users screen
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",  # Wagtail's task framework: its checks, and in production
    "django_tasks_db",  # the database backend and its db_worker (portal/settings/production.py)
    "django_otp",  # two-step sign-in (accounts.two_factor)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # the sitemap's XML templates
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.BrowserPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.OTPMiddleware",  # django-otp's, see there
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# No page needs the camera, microphone, location, payment or USB APIs (photos are chosen with the
# file picker); nothing outside this site may load its pages' resources.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), payment=(), usb=()"
)
CROSS_ORIGIN_RESOURCE_POLICY = os.environ.get("CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.station",
            ],
        },
    },
]

# Database: an SQLite file by default; DATABASE_URL (e.g. postgres://user@host:5432/name)
# switches to another server.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
    # The admin's case counts are one aggregate of many FILTERs, which PostgreSQL's JIT compiles
    # for seconds (3 s at 20,000 cases) to save milliseconds: this application runs short
    # queries only (bench/admin_scale.py).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: local memory by default; REDIS_URL shares it between processes (rate limits need that).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Every password set through a form (the Users screen, one's account, a reset, a deputy's
# login): long, not common, not all digits, not like the name, and never the demo's.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.DemoPasswordValidator"},
]

# Internationalisation: the interface is Simplified Chinese; source strings are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
# The site's date formats (portal/formats/zh_Hans/formats.py), ahead of Django's for the locale.
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "人大代表联络站")
# The absolute base URL of the public site. QR codes and e-mails are built from it, never from
# a request's Host header.
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "txt", "jpg", "jpeg", "png"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the site may run on a closed network
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The back office is the station's, in Chinese, and makes no call outside the site: no avatars
# from Gravatar, no "what's new" banner linking to wagtail.org, one language, one time zone (so
# the account page offers no list of foreign languages and zones).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]
# Two-step sign-in: the authenticator app lists the login under the station's name.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Case photos: outside MEDIA_ROOT, served only through a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))

# Public forms: rate limits as (count, seconds), per client IP and per mobile number.
# One address is often hundreds of people: a factory's Wi-Fi, a dormitory, a carrier's NAT
# (mobile data in China mostly is). The per-address limits are sized for a shift of workers
# after a briefing, not for one person; each person is held by the per-phone limit, and the
# wide per-address ceiling still stops one machine from flooding the queue.
SUBMISSION_RATE_PER_IP = (int(os.environ.get("SUBMISSION_RATE_PER_IP", "300")), 3600)
SUBMISSION_RATE_PER_PHONE = (int(os.environ.get("SUBMISSION_RATE_PER_PHONE", "5")), 86400)
# Photos kept across a form error (submissions.staging) stay on disk until the daily run: per
# address an hour, and overall a day, how many may be kept; beyond, a try's photos are not kept
# and the person is asked to choose them again. The daily ceiling bounds the disk they take: a
# kept photo is at most about 4 MB (2560 px of noise), and the daily run leaves at most two
# windows' worth, so 300 a day is about 2.4 GB at worst.
STAGED_PHOTOS_PER_IP = (int(os.environ.get("STAGED_PHOTOS_PER_IP", "60")), 3600)
STAGED_PHOTOS_PER_DAY = (int(os.environ.get("STAGED_PHOTOS_PER_DAY", "300")), 86400)
# Typed tracking look-ups (submissions.tracking): wrong codes for one reference lock that
# reference for a while, from every address; wrong codes from one address are capped widely.
TRACK_LOCK = (
    int(os.environ.get("TRACK_LOCK_FAILURES", "5")),
    int(os.environ.get("TRACK_LOCK_MINUTES", "15")) * 60,
)
TRACK_FAILURES_PER_IP = (int(os.environ.get("TRACK_FAILURES_PER_IP", "200")), 3600)
# Signed tracking links: days an SMS or e-mail link lasts, hours a link shown on a page lasts.
TRACK_LINK_DAYS = int(os.environ.get("TRACK_LINK_DAYS", "30"))
TRACK_PAGE_LINK_HOURS = int(os.environ.get("TRACK_PAGE_LINK_HOURS", "24"))
# 查我的反映 (mycases): SMS codes per phone and per address, and how long the list stays open.
MY_CASES_CODES_PER_PHONE = (int(os.environ.get("MY_CASES_CODES_PER_PHONE", "5")), 3600)
MY_CASES_CODES_PER_IP = (int(os.environ.get("MY_CASES_CODES_PER_IP", "200")), 3600)
# Refused codes one address may hear an hour, whatever phones it tries (mycases.codes).
MY_CASES_FAILURES_PER_IP = (int(os.environ.get("MY_CASES_FAILURES_PER_IP", "100")), 3600)
MY_CASES_MINUTES = int(os.environ.get("MY_CASES_MINUTES", "30"))
# Behind proxies that append to X-Forwarded-For, how many of them there are: the client address
# is the entry the outermost added (portal.ratelimit.client_ip). TRUST_X_FORWARDED_FOR=1 means one.
TRUSTED_PROXIES = int(
    os.environ.get("TRUSTED_PROXIES", "1" if env_bool("TRUST_X_FORWARDED_FOR", False) else "0")
)

# The three lists: days a department has to reply, and days a submitter has to rate.
REPLY_PERIOD_DAYS = int(os.environ.get("REPLY_PERIOD_DAYS", "7"))
FEEDBACK_PERIOD_DAYS = int(os.environ.get("FEEDBACK_PERIOD_DAYS", "7"))
# "calendar" days or Chinese "workdays" (official holidays and make-up workdays honoured).
REPLY_PERIOD_MODE = os.environ.get("REPLY_PERIOD_MODE", "calendar")
# Working days a department has to sign for (or return) a case; the assessment's 按时签收率.
SIGN_PERIOD_WORKDAYS = int(os.environ.get("SIGN_PERIOD_WORKDAYS", "1"))
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.LoggingSMSBackend")
# Days before the deadline when a department is reminded.
REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "2"))

# --- Content-Security-Policy and request size (django-csp) ----------------------------------
# Kept in one block so that other changes to the settings merge around it.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

# Scripts run only from this site's own files or from a <script> carrying the request's nonce
# ({{ request.csp_nonce }}); no inline event handlers, no javascript: URLs, nothing from a CDN.
# Styles too come only from the site's files, except in the admin (below).
# Images: data: for Bootstrap's and Wagtail's icons written in CSS, blob: for the admin's preview
# of an image before it is uploaded. frame-ancestors is 'none', except on the pages Wagtail marks
# X-Frame-Options: SAMEORIGIN (the page editor's live preview), which the site itself may frame
# (portal.middleware.ContentSecurityPolicyMiddleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# The admin (every path under Wagtail's, the live preview included) may also use inline styles:
# Wagtail's page editor (Draftail, the side panels) writes <style> elements from its scripts,
# different on each load, so neither a hash nor a nonce can name them. An injected style may
# restyle a page but runs no code; scripts stay as strict there as on the public site.
ADMIN_CONTENT_SECURITY_POLICY_UPDATE = {"style-src": [UNSAFE_INLINE]}
INSTALLED_APPS.append("csp")  # django-csp's system checks (they refuse its old settings)

# The largest request body accepted, in bytes: three photos of 10 MB each and the form's text.
# Larger requests are answered 413 from their Content-Length before anything reads the body
# (portal.middleware.RequestSizeLimitMiddleware); the proxy in front should refuse them too
# (nginx: client_max_body_size 35m), which also covers chunked bodies without a length.
MAX_REQUEST_SIZE = int(os.environ.get("MAX_REQUEST_SIZE", str(35 * 1024 * 1024)))
# Form fields other than files may take 2.5 MB (Django's default, said here so it is not
# raised by accident); uploaded files larger than that are streamed to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Both run before anything that could read the body: right after the browser policy headers,
# so that a refusal still carries them.
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.middleware.BrowserPolicyMiddleware") + 1,
    "portal.middleware.ContentSecurityPolicyMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("portal.middleware.ContentSecurityPolicyMiddleware") + 1,
    "portal.middleware.RequestSizeLimitMiddleware",
)
# --- end of Content-Security-Policy and request size -----------------------------------------

# Logins (issue 17). django-axes counts failed sign-ins on every login form: an account is locked
# after LOGIN_FAILURE_LIMIT failures, a client address after LOGIN_FAILURES_PER_ADDRESS (more: a
# whole office may sign in from one address), each for LOGIN_LOCKOUT_MINUTES after its last
# failure. accounts.lockouts decides and words it; administrators unlock under Settings.
INSTALLED_APPS.append("axes")
MIDDLEWARE += ["accounts.sessions.IdleSessionMiddleware", "axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = ["accounts.lockouts.LockoutBackend"]  # Django's, behind Axes' check
AXES_HANDLER = "accounts.lockouts.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.client_ip"  # the rate limits' rule, with its proxy
AXES_LOCKOUT_CALLABLE = "accounts.lockouts.lockout_response"
# A success does not wipe the failures: it would also wipe those of its address, other accounts'
# included, so that one's own login would reset the count against someone else's.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept: nothing reads them
AXES_ENABLE_ADMIN = False  # no django.contrib.admin here
# Sessions end after SESSION_IDLE_MINUTES without a request (accounts.sessions renews them) and
# when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", str(8 * 60))) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Reset mail is looked up and sent after the response: known and unknown addresses answer alike.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "accounts.forms.PasswordResetForm"

# --- Public page cache (portal.page_cache) --------------------------------------------------
# Anonymous visitors' copies of the public pages, kept in the default cache (shared by every
# worker in production) until a change to what they show, or PAGE_CACHE_TIMEOUT seconds; browsers
# and proxies may keep them PAGE_CACHE_MAX_AGE seconds. PAGE_CACHE=0 turns the server-side copies
# off (the benchmark compares both); the Cache-Control headers stay.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", "300"))
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
# The admin's case counts (menu badges, board) per reader's scope, kept until a case changes or
# this many seconds pass (submissions.count_cache); 0 counts afresh on every page.
CASE_COUNTS_TIMEOUT = int(os.environ.get("CASE_COUNTS_TIMEOUT", "60"))
# Cookies that change how a public page is drawn, each with the values that count (any other
# value draws the default page): the 长辈版 switch (home.display) keeps its own copies.
PAGE_CACHE_VARY_COOKIES = {"display": ("elder",)}
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1,
    "portal.page_cache.PageCacheMiddleware",
)
# Wagtail's routing of a public URL (site, page, view restrictions) from the same cache.
MIDDLEWARE.append("portal.route_cache.RouteCacheMiddleware")
# --- end of public page cache ---------------------------------------------------------------

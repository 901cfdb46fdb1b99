"""Settings for ML Career Paths, driven by environment variables.

The defaults give a working local site on SQLite. With DJANGO_DEBUG off the site refuses
to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
import re
from email.utils import parseaddr
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "local-development-only-not-a-secret"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]
else:
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random string of 50 or more characters "
            "when DJANGO_DEBUG is false."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false.")

CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

# The site's public address, which links in emails use whatever Host a request named. Unset in
# production it is https:// and the first allowed host; unset locally, the request's address.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "").rstrip("/")
if not SITE_URL and not DEBUG:
    if ALLOWED_HOSTS[0].startswith(".") or "*" in ALLOWED_HOSTS[0]:
        raise ImproperlyConfigured(
            "DJANGO_SITE_URL must be set when the first of DJANGO_ALLOWED_HOSTS is a wildcard."
        )
    SITE_URL = f"https://{ALLOWED_HOSTS[0]}"
if SITE_URL and not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise ImproperlyConfigured(
        f"DJANGO_SITE_URL must be a scheme and host, like https://careers.example.com, "
        f"not {SITE_URL!r}"
    )
# Email subjects start with the site's name; allauth would take it from the request's Host.
if SITE_URL:
    ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_URL.split('://', 1)[1]}] "

INSTALLED_APPS = [
    "core",
    "careers",
    "roadmaps",
    "quizzes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "allauth",
    "allauth.account",
    "accounts",
    "reversion",
    "import_export",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Above CommonMiddleware, so its redirects (APPEND_SLASH) carry these headers too.
    "csp.middleware.CSPMiddleware",
    "config.middleware.permissions_policy",
    "config.middleware.reject_nul_characters",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.cache.learner_changes",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.csrf_slot",
                "roadmaps.context_processors.learner",
            ],
            # Partials everywhere without {% load partials %}: the move to Django 6's
            # built-in partials is then a settings edit.
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

# SQLite by default, tuned for several gunicorn workers writing at once; DATABASE_URL
# switches to PostgreSQL.
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=600, conn_health_checks=True)}
    # Every request repeats the same few statements (session, user, content version, the
    # learner's rows). Bound by the server, psycopg prepares each one the fifth time it runs,
    # and PostgreSQL stops parsing and planning it: half its CPU per status change. Turn it off
    # behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode
    # before 1.21). psycopg keeps at most 100 per connection.
    if envbool("DJANGO_DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": 5,
            **DATABASES["default"].get("OPTIONS", {}),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "core.sqlite",  # Django's, with writers taking turns (core/sqlite/base.py)
            "NAME": os.environ.get("DJANGO_SQLITE_PATH", BASE_DIR / "db.sqlite3"),
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 25,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # In memory, as Django's own engine tests (and pytest-django knows it by name only).
            "TEST": {"NAME": ":memory:"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (django-allauth): learners sign up and log in with their email address. The
# username is filled in from the email and becomes the public progress page's address.
# Sessions in the database (every worker and server shares them), read with one plain query.
SESSION_ENGINE = "core.sessions"

# Django's and allauth's, loading the signed-in user with a query compiled once.
AUTHENTICATION_BACKENDS = ["core.backends.ModelBackend", "core.backends.AccountBackend"]
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Without a mail server, learners are never blocked on a confirmation email (it only reaches
# the console). With one, confirming is required: that is what lets sign-up keep quiet about
# which addresses have an account, mailing their owner instead (see the README).
ACCOUNT_EMAIL_VERIFICATION = "mandatory" if os.environ.get("DJANGO_EMAIL_HOST") else "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# allauth's defaults limit failed logins per account and per address. The same counters also
# bound how many quizzes visitors without an account start from one address (quizzes/views.py).
ACCOUNT_RATE_LIMITS = {"quiz_start": "120/h/ip"}
# Their counters live in the default cache below, which every worker and server shares.
# Behind nginx every request comes from 127.0.0.1: the client's address is the one the
# trusted proxies appended to X-Forwarded-For. 0 ignores the header (it can be forged).
ALLAUTH_TRUSTED_PROXY_COUNT = envint("DJANGO_TRUSTED_PROXY_COUNT", 0)
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/dashboard/"

# Email goes to the console unless an SMTP server is configured.
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Where the accessibility statement (/accessibility/) asks visitors to report a problem: an
# email address or a web page (a contact form, an issue tracker) of whoever runs this site.
# Unset, the address the site's emails come from, the one address learners already have.
ACCESSIBILITY_CONTACT = (
    os.environ.get("DJANGO_ACCESSIBILITY_CONTACT") or parseaddr(DEFAULT_FROM_EMAIL)[1]
)
if not re.fullmatch(r"https?://[^\s/?#]+\S*", ACCESSIBILITY_CONTACT):
    try:
        validate_email(ACCESSIBILITY_CONTACT)
    except ValidationError:
        raise ImproperlyConfigured(
            f"DJANGO_ACCESSIBILITY_CONTACT must be an email address or an http(s) address, "
            f"not {ACCESSIBILITY_CONTACT!r} (unset, it is DJANGO_DEFAULT_FROM_EMAIL's address)"
        ) from None

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if envbool("DJANGO_MANIFEST_STATIC", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise.
WHITENOISE_ROOT = BASE_DIR / "public"
# Pages name static files only by their hashed names ({% static %}), so the unhashed copies
# are never asked for: not keeping them halves collectstatic's compressing (11.5 s of CPU
# against 6 s) and the files on disk.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# "default" holds what every worker and server must agree on, allauth's rate-limit counters
# first: Redis when REDIS_URL is set, else a table in the database. "pages" holds cached pages:
# each worker's own memory on one machine, Redis shared by several servers. Invalidation never
# depends on the cache: pages are keyed by a content version kept in the database.
if os.environ.get("REDIS_URL"):
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "pages")
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rate_limits",
            # Counters last minutes; culling early (past 300 rows by default) would let
            # someone wipe them by failing logins under many addresses.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
# A signed-in learner's own pages (core.cache.cache_for_learner), in each worker's memory even
# with Redis: they are keyed by versions kept in the database. At most this many per worker
# (benchmarks/README.md has what they take), each for a day at most: the date is in the key.
CACHES["learner_pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "TIMEOUT": 24 * 60 * 60,
    "OPTIONS": {"MAX_ENTRIES": envint("DJANGO_LEARNER_PAGES_PER_PROCESS", 300)},
}

# Pages for visitors who are not signed in are cached until content changes (see
# careers/cache.py); this only bounds how long an unchanged page stays in memory.
PAGE_CACHE_SECONDS = envint("DJANGO_PAGE_CACHE_SECONDS", 3600)
# Signed-in pages keep the content they show (a role and its skills, a roadmap and its rendered
# page) in each worker's memory, for the current content version only: at most this many
# parts per process. benchmarks/README.md has what the whole site takes.
CONTENT_PARTS_PER_PROCESS = envint("DJANGO_CONTENT_PARTS_PER_PROCESS", 1000)
# Comparisons are content parts too, one per selection of roles in the order asked (a quiz
# links its ranking): a store of their own, so the addresses visitors type cannot push out the
# parts every page needs. About 115 KB each in memory (benchmarks/README.md).
COMPARISONS_PER_PROCESS = envint("DJANGO_COMPARISONS_PER_PROCESS", 50)

# Bulk editing in the admin (core/bulk.py): CSV export needs the view permission, import the
# change permission (and add, checked there). A previewed file waits in the default cache,
# which every worker and server shares, until the editor confirms it.
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.CacheStorage"

# Spaced review: a skill marked done comes up for review after the first interval; each passed
# review moves it to the next (the last repeats), a failed one back to the first.
# docs/plan.md explains it to learners. Days, comma-separated, increasing.
REVIEW_INTERVALS_DAYS = tuple(
    int(days) for days in envlist("DJANGO_REVIEW_INTERVALS_DAYS", "3,7,16,35,75")
)
if (
    sorted(set(REVIEW_INTERVALS_DAYS)) != list(REVIEW_INTERVALS_DAYS)
    or min(REVIEW_INTERVALS_DAYS, default=0) < 1
):
    raise ImproperlyConfigured("DJANGO_REVIEW_INTERVALS_DAYS must be increasing whole days.")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Strict Content-Security-Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features no page needs, switched off by Permissions-Policy (config/middleware.py).
# Only names Chromium and Firefox know: an unknown one is logged as a console error.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "xr-spatial-tracking",
]

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = envbool("DJANGO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", False)
if envbool("DJANGO_BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

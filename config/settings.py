"""Tranche settings: one file, read from the environment.

Development works with no variables at all when DJANGO_DEBUG=1 (the Makefile sets it);
production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}.")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for: a server started without configuration must not leak tracebacks.
DEBUG = envbool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. In development, set "
            "DJANGO_DEBUG=1 (make does). In production, generate a key with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Only ever used with DEBUG on; the check above keeps it out of production.
    SECRET_KEY = "django-insecure-development-only-key-never-used-when-debug-is-off"

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "core",
    "compensation",
    "grants",
    "reports",
    "workspace",
    "benchmark",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.IdleSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Every page needs a signed-in user unless the view opts out (the login page does).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username and IP before the password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the groups' names with their permissions.
    "core.backends.RoleBackend",
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
                "core.context_processors.company",
            ],
        },
    },
]

# The same markup as Django's renderer; <input> widgets written in Python (core/renderers.py).
FORM_RENDERER = "core.renderers.InputsInPython"

# Database: DATABASE_URL, or a SQLite file in the project directory.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at the
    # start of a transaction, so two writers queue instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # SQLite has no covering indexes: it builds an index's keys without the columns it
    # includes on PostgreSQL, which is what this warning says. It is silenced for every
    # model; installment_grant_shares is the one index that includes columns.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs a short page query hundreds of milliseconds when estimates run
    # high (after a bulk load, say) and never pays back on OLTP-sized queries.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Two-factor sign-in (TOTP, with backup codes): required for every account unless
# REQUIRE_2FA=0; on by default when debug is off.
REQUIRE_2FA = envbool("REQUIRE_2FA", not DEBUG)
# The admin's history screens show past versions but never revert to one
# (core/admin_history.py refuses the POST as well).
SIMPLE_HISTORY_REVERT_DISABLED = True
# A change's reason holds what a person typed (why an approved salary was reopened, the
# meeting that approved it) or which terms of a grant changed: kept whole, not cut to 100.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
OTP_TOTP_ISSUER = "Tranche"
# django-axes: lock a username and IP together after 5 failures for 15 minutes, and log
# every attempt (the admin lists them under Axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address a sign-in comes from (core.auth.client_ip): behind DJANGO_PROXY_COUNT
# trusted proxies, read from X-Forwarded-For; with none, the connection's own address.
AXES_CLIENT_IP_CALLABLE = "core.auth.client_ip"
AXES_USERNAME_CALLABLE = "core.auth.client_username"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
# One date format everywhere (ISO 8601): see config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
USE_THOUSAND_SEPARATOR = False  # amounts are formatted explicitly by core.templatetags.money

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap/css", bootstrap_wrapper.get_bootstrap_css_dir()),
    ("bootstrap/js", bootstrap_wrapper.get_bootstrap_js_dir()),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploads (the import page): a file stops being read past core.imports.MAX_BYTES, neither
# kept in memory nor written to disk beyond it. The other fields of a request are bounded
# by Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), and a file larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) waits in a temporary file rather than in memory.
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/tranche.html"

COMPANY_NAME = os.environ.get("TRANCHE_COMPANY_NAME", "Valence Technology, Inc.")
# The company's fiscal year-end, month and day ("06-30" for June 30); fiscal year Y is the
# one that ends in calendar year Y. Checked at start-up (core/fiscal.py).
FISCAL_YEAR_END = os.environ.get("TRANCHE_FISCAL_YEAR_END", "12-31")

# Security. Production (DEBUG off) gets HTTPS-only cookies, HSTS and a redirect to HTTPS;
# behind a TLS-terminating proxy set DJANGO_SECURE_PROXY_SSL_HEADER=1.
X_FRAME_OPTIONS = "DENY"
# No inline script or style without the page's nonce; everything else from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 30 * 60
# 30 minutes idle, not 30 minutes after sign-in: core.middleware.IdleSessionMiddleware
# renews a signed-in session at most once every SESSION_RENEW_AFTER seconds.
SESSION_RENEW_AFTER = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if envbool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For (0: none, and the header,
# which any client can send, is ignored). Sign-in lockouts count by the address read there.
PROXY_COUNT = envint("DJANGO_PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_PROXY_COUNT must be 0 or more.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

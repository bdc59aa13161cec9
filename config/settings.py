"""Roundtable settings. Every value comes from the environment; README.md lists them all."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str, parse_rate

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ROUNDTABLE_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver", "::1", "[::1]"}


def _site_url() -> str:
    """The public address, for links in emails, calendar files, feeds and the API.

    A site that answers to a public host name must say its address (SITE_URL); a local run
    (the demo, tests, development) links to where it is served: `roundtable.core.serve` passes
    the address it binds to, and `make demo PORT=...` sets PORT."""
    url = env_str("SITE_URL")
    if url:
        return url.rstrip("/")
    public = [host for host in ALLOWED_HOSTS if host not in LOCAL_HOSTS]
    if public:
        raise ImproperlyConfigured(
            f"SITE_URL must be set to the site's public address (e.g. https://{public[0].lstrip('.')}), "
            "because ALLOWED_HOSTS names a public host: every link in emails and calendar files uses it."
        )
    return f"http://127.0.0.1:{env_int('PORT', 8000, minimum=1)}"


SITE_URL = _site_url()
# A site whose public address is https:// is served over HTTPS, so its cookies must be secure
# even if nobody remembered HTTPS=true.
HTTPS = env_bool("HTTPS", SITE_URL.startswith("https://"))


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long")
        return key
    # Local runs (demo, tests) keep a random key in var/ so nobody ships a known key.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
SITE_NAME = env_str("SITE_NAME", "Roundtable")
CENTRE_NAME = env_str("CENTRE_NAME", "Centre for Co-production in Health Research")
CENTRE_EMAIL = env_str("CENTRE_EMAIL", "hello@example.org")
CENTRE_PHONE = env_str("CENTRE_PHONE", "020 7946 0000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "roundtable.core",
    "roundtable.accounts",
    "roundtable.people",
    "roundtable.cocreation",
    "roundtable.bookings",
    "roundtable.api",
    "roundtable.blog",
    "roundtable.newsletter",
    "roundtable.evaluation",
    "roundtable.records",
    "roundtable.board",
    "roundtable.payments",
    "roundtable.involvement",
    "roundtable.workspace",
    "roundtable.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the form: an oversized body is refused unread.
    "roundtable.core.bodylimit.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: every answer to a signed-in person is private, no-store.
    "roundtable.core.nostore.SignedInNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
                "roundtable.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'roundtable.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
# A kept-open connection the database dropped (restart, idle kill, failover) is checked before its
# first use in each request and opened again, instead of failing that request with a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction begins, so two processes never deadlock
    # upgrading read locks; busy timeout makes the loser wait instead of raising "database is locked".
    # Connections stay open between requests (DB_CONN_MAX_AGE): closing the last connection to a
    # WAL database checkpoints it, which made every request pay for a checkpoint (bench/: 12 → 6 ms
    # of CPU per sign-up, 9 → 4 ms per session page).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_TIMEOUT", 30),
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"),
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT: PostgreSQL compiles a query whose estimated cost is high, and for the report queries
    # compiling took longer than running (0.8 s of 1.9 s for the dashboard's newcomers query at
    # 500,000 bookings; bench/bench_evaluation.py).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "roundtable_cache",
    },
    # Rendered public pages for visitors who are not signed in, kept in each server process's
    # memory (roundtable/core/pagecache.py). Keys carry the page's version, so a change shows at
    # once; the timeout only bounds memory and anything changed behind the application's back.
    # PUBLIC_PAGE_CACHE_SECONDS=0 turns it off.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "roundtable-pages",
        "TIMEOUT": env_int("PUBLIC_PAGE_CACHE_SECONDS", 300, minimum=0),
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Every way of signing in (the site's form, the Django admin, authenticate()) goes through this
# backend, which holds the wrong-password lockout.
AUTHENTICATION_BACKENDS = ["roundtable.accounts.backends.ThrottledModelBackend"]
# The raw-data admin at /django-admin/ is mounted only with DEBUG or ADMIN_ENABLED=true.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", False)
# Coordinators must set up two-factor sign-in (an authenticator app) before any page of the
# workspace; facilitators may. Off only for the demo and the test suite.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "coordinator:home"
LOGOUT_REDIRECT_URL = "cocreation:session_list"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Time and language ----------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files (GOV.UK Frontend comes from node_modules, our CSS is compiled into build/) --
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", BASE_DIR / "node_modules" / "govuk-frontend"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or not env_bool("STATIC_MANIFEST", True):
    # The test live server serves files straight from their folders, so it needs plain names.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Session outputs (photos, audio): larger uploads are refused with a message next to the field.
OUTPUT_MAX_UPLOAD_MB = env_int("OUTPUT_MAX_UPLOAD_MB", 15, minimum=1)
# Receipts for expense claims (a photo or a PDF): larger ones are refused next to the field. The
# claim page is in UPLOAD_VIEWS, so its body limit is the largest of the upload limits plus 1 MB.
RECEIPT_MAX_UPLOAD_MB = env_int("RECEIPT_MAX_UPLOAD_MB", 10, minimum=1)
# Request bodies: every request but an upload is refused (413) above MAX_FORM_BODY_KB, before
# any of it is read; the views in UPLOAD_VIEWS take up to the largest upload plus 1 MB for the
# form around it (roundtable/core/bodylimit.py). Forms that take no file never store one.
# 1 MB: the longest form (a newsletter issue, 50,000 characters) is up to 600 KB form-encoded.
MAX_FORM_BODY_KB = env_int("MAX_FORM_BODY_KB", 1024, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_FORM_BODY_KB * 1024
UPLOAD_VIEWS = [
    "records:output_add",
    "records:output_edit",
    "evaluation:evidence_add",
    "evaluation:evidence_edit",
    "blog:manage_image_add",
    "board:add_idea",
    "boards:type_up",
    "involvement:expense_claim",
]
# "What happened" emails wait until a session's actions have been quiet this long, so several
# updates made in one sitting reach people as one email.
RECORDS_UPDATE_QUIET_MINUTES = env_int("RECORDS_UPDATE_QUIET_MINUTES", 30, minimum=0)

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Without a mail server (the demo), emails are written as files you can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "sent-mail"
EMAIL_BACKEND = env_str("EMAIL_BACKEND", EMAIL_BACKEND)
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 8, minimum=1)
EMAIL_RETRY_BASE_SECONDS = env_int("EMAIL_RETRY_BASE_SECONDS", 30, minimum=1)
# A mailer holds the emails it has claimed for this long (renewing the hold while it works through
# a slow batch); if it dies, they are due again once the hold runs out. Longer than one send can take.
EMAIL_LEASE_SECONDS = env_int("EMAIL_LEASE_SECONDS", 120, minimum=2 * EMAIL_TIMEOUT)
# While sign-ups pour in, the mailer waits for a lull (at most this long) and then sends their
# confirmations together, so a rush for places is answered first. 0 sends each email at once.
EMAIL_HOLD_SECONDS = env_int("EMAIL_HOLD_SECONDS", 10, minimum=0)

# --- Background work ------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Sign-up --------------------------------------------------------------------------------
SIGNUP_RATE_LIMIT = parse_rate("SIGNUP_RATE_LIMIT", "20/h")
BLOG_COMMENT_RATE_LIMIT = parse_rate("BLOG_COMMENT_RATE_LIMIT", "5/h")
# "Send my link again" requests per client address (it emails whatever address is typed in).
SEND_LINK_RATE_LIMIT = parse_rate("SEND_LINK_RATE_LIMIT", "10/h")
# Booking emails (confirmations, "send my link again") to one address, whoever asks: a public form
# must not become a way to fill a stranger's inbox (roundtable/core/mailcap.py).
BOOKING_EMAILS_PER_ADDRESS = parse_rate("BOOKING_EMAILS_PER_ADDRESS", "3/h")
# Signing up again for a session sends nothing while that booking was emailed this recently
# (a double click, or Back and submit, makes one email).
SIGNUP_REPEAT_QUIET_MINUTES = env_int("SIGNUP_REPEAT_QUIET_MINUTES", 15, minimum=0)
# "Your involvement" links stop working after this many days without being used.
INVOLVEMENT_LINK_IDLE_DAYS = env_int("INVOLVEMENT_LINK_IDLE_DAYS", 180, minimum=1)
# A person's readable copy of their data (PDF) is deleted this long after they asked for it.
DATA_FILE_KEEP_HOURS = env_int("DATA_FILE_KEEP_HOURS", 24, minimum=1)
# "Get my link" requests per client address, and emails of that link to one address.
INVOLVEMENT_LINK_RATE_LIMIT = parse_rate("INVOLVEMENT_LINK_RATE_LIMIT", "10/h")
INVOLVEMENT_EMAILS_PER_ADDRESS = parse_rate("INVOLVEMENT_EMAILS_PER_ADDRESS", "3/h")
# Blog digests asked for by visitors who are not signed in (new PDFs and chosen printable pages).
DIGEST_RATE_LIMIT = parse_rate("DIGEST_RATE_LIMIT", "10/h")
# The stored digest PDFs: at most this many and this many megabytes; the oldest go first.
DIGEST_MAX_FILES = env_int("DIGEST_MAX_FILES", 100, minimum=1)
DIGEST_MAX_MB = env_int("DIGEST_MAX_MB", 500, minimum=1)
API_TOKEN_PREFIX = "rt_"

# --- Payments -------------------------------------------------------------------------------
# Benefit-safe mode warns a person before accepted fees in one week (Monday to Sunday) or one
# calendar month would go over these limits, in pence. These are the centre's figures and
# benefit rules change every April: check them each April (the defaults are £20 a week, the
# earnings disregard of several means-tested benefits, and £86.67 a month, the same over a month).
# A person may set their own limits, which take the place of these.
PAYMENTS_BENEFIT_WEEKLY_LIMIT_PENCE = env_int("PAYMENTS_BENEFIT_WEEKLY_LIMIT_PENCE", 2000, minimum=0)
PAYMENTS_BENEFIT_MONTHLY_LIMIT_PENCE = env_int("PAYMENTS_BENEFIT_MONTHLY_LIMIT_PENCE", 8667, minimum=0)
# Whether the centre pays regular contributors through payroll: if so, people are asked whether
# they would like that.
PAYMENTS_PAYROLL_OFFERED = env_bool("PAYMENTS_PAYROLL_OFFERED", False)
# The coordinator home lists unpaid items whose session ended more than this many days ago.
PAYMENTS_TARGET_DAYS = env_int("PAYMENTS_TARGET_DAYS", 28, minimum=1)

# --- Newsletter -----------------------------------------------------------------------------
# Emails per second when sending an issue (0: as fast as the mail server takes them).
NEWSLETTER_SEND_RATE = env_int("NEWSLETTER_SEND_RATE", 10, minimum=0)

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a reverse proxy: X-Forwarded-Proto says whether the request came over HTTPS, and the
# client's address is the X-Forwarded-For entry the outermost of TRUSTED_PROXY_COUNT proxies
# added (roundtable/core/clientaddr.py); anything the client wrote there itself is ignored.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1, minimum=1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SILENCED_SYSTEM_CHECKS = [] if not HTTPS or SECURE_HSTS_PRELOAD else ["security.W021"]

# No inline script, no third parties: everything the pages load comes from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "roundtable": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False},
        "django_tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Retention ------------------------------------------------------------------------------
ACCESS_NEEDS_RETENTION_DAYS = env_int("ACCESS_NEEDS_RETENTION_DAYS", 30, minimum=0)

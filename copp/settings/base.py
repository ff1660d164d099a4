"""Settings shared by every environment; everything variable comes from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "copp.admin_site.BackOfficeAdminConfig",  # django.contrib.admin, our own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "phonenumber_field",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "csp",
    "axes",
    "django_ratelimit",
    "django_tasks",
    "django_tasks_db",
    "core",
    "copp",
    "programs",
    "enrollment",
    "partners",
]

MIDDLEWARE = [
    # First: a public page in the shared cache is answered before anything else
    # runs, with the headers the whole stack gave it (core.pagecache).
    "core.pagecache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "copp.urls"
WSGI_APPLICATION = "copp.wsgi.application"

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
                "django.template.context_processors.i18n",
                "copp.context_processors.site",
                "copp.accessibility.context",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL points elsewhere (postgres://...).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Serialise writers as PostgreSQL row locks would: BEGIN IMMEDIATE.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database that does not answer is an outage (the 503 page), not a hang:
    # connecting gives up after a few seconds, and a line that goes silent
    # (a network cut that drops packets instead of refusing them) is noticed
    # by TCP keepalives when idle and by tcp_user_timeout when a request waits
    # on unacknowledged data, instead of the kernel's quarter of an hour.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    options.setdefault("keepalives", 1)
    options.setdefault("keepalives_idle", 10)
    options.setdefault("keepalives_interval", 5)
    options.setdefault("keepalives_count", 3)
    options.setdefault(
        "tcp_user_timeout", env.int("DATABASE_TCP_USER_TIMEOUT_MS", default=15_000)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def resilient_cache(url: str) -> dict:
    """The cache at ``url``; for Redis, short timeouts and errors ignored.

    Without Redis the portal keeps working: a cache read misses and a write
    is dropped (pages render uncached), rate limits fail open
    (RATELIMIT_FAIL_OPEN below), and /healthz reports the cache as down.
    Every operation gives up within CACHE_TIMEOUT seconds, and after a
    failure each process goes without the cache for CACHE_RETRY_SECONDS, so a
    Redis that hangs costs one timeout per process now and then, not one per
    operation.
    """
    cache = environ.Env.cache_url_config(url)
    if "redis" in cache["BACKEND"].lower():
        options = cache.setdefault("OPTIONS", {})
        options.setdefault(
            "SOCKET_CONNECT_TIMEOUT", env.float("CACHE_CONNECT_TIMEOUT", default=0.25)
        )
        options.setdefault("SOCKET_TIMEOUT", env.float("CACHE_TIMEOUT", default=0.5))
        options.setdefault("IGNORE_EXCEPTIONS", True)
        # After a failure, skip Redis for CACHE_RETRY_SECONDS (core.cache).
        options.setdefault("CLIENT_CLASS", "core.cache.ResilientClient")
    cache.setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="copp"))
    return cache


CACHES = {"default": resilient_cache(env("CACHE_URL", default="locmemcache://copp"))}
CACHE_RETRY_SECONDS = env.int("CACHE_RETRY_SECONDS", default=10)

AUTHENTICATION_BACKENDS = [
    # Refuses logins while an address and user name are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end libraries from the npm registry (package.json), served by the portal.
# Only the files the pages use are collected (core.staticfiles), not the
# packages' other builds and languages.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfiles.NamedFilesFinder",
]
STATIC_NAMED_FILES: dict[str, tuple[Path, list[str]]] = {}
CHARTJS_DIR = BASE_DIR / "node_modules" / "chart.js" / "dist"
if CHARTJS_DIR.is_dir():
    STATIC_NAMED_FILES["vendor/chartjs"] = (
        CHARTJS_DIR,
        ["chart.umd.min.js", "chart.umd.min.js.map"],
    )
CHARTS_AVAILABLE = CHARTJS_DIR.is_dir()
# Hyphenation patterns (Liang's, from TeX) for the larger type steps, in a
# browser that has no Russian dictionary of its own.
HYPHEN_DIR = BASE_DIR / "node_modules" / "hyphen"
if HYPHEN_DIR.is_dir():
    STATIC_NAMED_FILES["vendor/hyphen"] = (HYPHEN_DIR, ["hyphen.js", "patterns/ru.js"])
HYPHENATION_AVAILABLE = HYPHEN_DIR.is_dir()
# The font of the centre's papers (contracts, invoices, orders), read by the
# PDF printer from disk; without it the system's DejaVu Serif is used.
PAPER_FONTS_DIR = BASE_DIR / "node_modules" / "@fontsource" / "pt-serif" / "files"
# Uploaded files live under VAR_DIR, never in the code's directory. Both roots
# must be shared by every app server and backed up (docs/deployment.md).
# Public files (partners' logos) are served by a view that checks the partner
# is public; MEDIA_URL is not served as a directory.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
# Applicants' and partners' files: outside any served directory.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.storage.PrivateFileStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# The history's "revert" writes old values back without any service: off for
# every model (the services own the fields that matter).
SIMPLE_HISTORY_REVERT_DISABLED = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Every form ties the help and error of a group of radio buttons or
# checkboxes to each button (core.forms.DescribedBoundField).
FORM_RENDERER = "core.forms.FormRenderer"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Every connection to the mail server gives up after this many seconds: a
# server that accepts and never answers costs a retry, never a stuck process.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# After a failure an e-mail is tried again after this many seconds, then twice,
# four times as long..., at most an hour apart, ten times in all.
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=60)
# A worker's claim on an e-mail lapses after this (it died while sending).
EMAIL_CLAIM_SECONDS = env.int("EMAIL_CLAIM_SECONDS", default=3 * EMAIL_TIMEOUT + 30)
# The portal's public address, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ЦОПП <noreply@copp.local>")

# Organisation shown across the site and in schema.org data.
COPP_NAME = env(
    "COPP_NAME",
    default="Центр опережающей профессиональной подготовки «Промышленные и инженерные технологии»",
)
COPP_SHORT_NAME = env("COPP_SHORT_NAME", default="ЦОПП «Промышленные технологии»")
COPP_ADDRESS = env("COPP_ADDRESS", default="г. Энск, ул. Заводская, д. 12")
COPP_PHONE = env("COPP_PHONE", default="+7 (800) 000-00-00")
COPP_EMAIL = env("COPP_EMAIL", default="info@copp.local")
# Public pages with live seat counts may be cached this many seconds at most.
CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=5)
# What besides the address changes a public page: the version for the visually
# impaired. Other cookies (the CSRF token) do not split the cache.
PUBLIC_PAGE_VARIANT = "copp.accessibility.page_variant"
# Each app server process also keeps the pages it served last, never past
# their CATALOG_CACHE_SECONDS (core.pagecache).
PUBLIC_PAGE_LOCAL_ENTRIES = env.int("PUBLIC_PAGE_LOCAL_ENTRIES", default=200)

# Background work (e-mail, long exports, periodic duties): Django's Tasks API
# with its database backend, so a task is enqueued in the transaction of the
# change that calls for it and any number of workers (``manage.py db_worker``)
# on any number of machines share the queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        # Long exports have a queue of their own, so that e-mails never wait
        # behind them when a worker serves only "default".
        "QUEUES": ["default", "exports"],
    }
}
# /healthz says "degraded" when a due task has waited longer than this.
QUEUE_DELAY_ALERT_SECONDS = env.int("QUEUE_DELAY_ALERT_SECONDS", default=300)
# A task RUNNING longer than this lost its worker (killed): it is run again.
TASK_STALLED_AFTER_SECONDS = env.int("TASK_STALLED_AFTER_SECONDS", default=15 * 60)
# An export of more rows than this is made in the background (My exports).
EXPORT_IN_BACKGROUND_ROWS = env.int("EXPORT_IN_BACKGROUND_ROWS", default=5000)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)

# Periodic duties, in one place: (name, task, every N minutes, starting M
# minutes after Moscow midnight). ``manage.py run_scheduler`` enqueues each
# once per period; one scheduler is active however many run (core.schedule).
DAY = 24 * 60
PERIODIC_DUTIES = [
    ("expire-offers", "enrollment.tasks.expire_offers", 1, 0),
    ("reminders", "enrollment.tasks.send_reminders", 60, 5),
    ("stalled-tasks", "core.tasks.recover_stalled_tasks", 5, 0),
    ("expired-exports", "enrollment.tasks.delete_expired_exports", 60, 10),
    ("abandoned-uploads", "enrollment.tasks.delete_abandoned_uploads", 60, 20),
    ("cohorts-at-risk", "enrollment.tasks.notify_cohorts_at_risk", DAY, 8 * 60),
    ("expiring-agreements", "partners.tasks.notify_expiring_agreements", DAY, 7 * 60),
    ("scheduled-reports", "copp.tasks.send_scheduled_reports", DAY, 6 * 60),
    ("purge-personal-data", "enrollment.tasks.purge_personal_data", DAY, 210),
    ("prune-task-results", "core.tasks.prune_task_results", DAY, 150),
    ("clear-sessions", "core.tasks.clear_expired_sessions", DAY, 225),
    ("check-daily-intake", "enrollment.tasks.check_daily_intake", 7 * DAY, 240),
    ("program-notices", "programs.tasks.send_program_notices", 60, 20),
]

# The active scheduler renews its lease at every tick (10 s); if it dies,
# another takes over when the lease runs out.
SCHEDULER_LEASE_SECONDS = env.int("SCHEDULER_LEASE_SECONDS", default=30)

# Reminders, each of which the centre may turn off.
REMINDERS = {
    "offer_expiring": env.bool("REMIND_OFFER_EXPIRING", default=True),
    "documents_missing": env.bool("REMIND_DOCUMENTS_MISSING", default=True),
    "group_starts": env.bool("REMIND_GROUP_STARTS", default=True),
    "payment_overdue": env.bool("REMIND_PAYMENT_OVERDUE", default=True),
}
# Hours before an offer's deadline; days after submission with a document missing.
REMIND_OFFER_HOURS = env.int("REMIND_OFFER_HOURS", default=24)
REMIND_DOCUMENTS_AFTER_DAYS = env.int("REMIND_DOCUMENTS_AFTER_DAYS", default=3)

LOGIN_URL = "admin:login"

PHONENUMBER_DEFAULT_REGION = "RU"
PHONENUMBER_DB_FORMAT = "E164"

# Enrollment rules that the centre may tune.
OFFER_VALID_HOURS = env.int("OFFER_VALID_HOURS", default=72)
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# Files attached to an application form that came back with an error are kept
# this long for the person to send it again; then they are deleted.
STAGED_UPLOAD_HOURS = env.int("STAGED_UPLOAD_HOURS", default=24)
# Bounds on one application's documents: how many, and how large in all.
DOCUMENTS_PER_APPLICATION = env.int("DOCUMENTS_PER_APPLICATION", default=20)
DOCUMENTS_TOTAL_MB = env.int("DOCUMENTS_TOTAL_MB", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own "django" logger prints to the console under DEBUG and also
    # passes its lines up to the root: one handler only, the root's.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # The PDF printer reports every step of every paper at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}


# --- Security headers, in every environment (the tests see what production sends).
# Scripts and styles come from the portal only: no inline script, no CDN.
# JSON-LD and json_script blocks are data, never executed, so they need no
# exception.
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
    },
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Abuse: rate limits per client address (django-ratelimit, in the shared
# cache) and a lockout after repeated failed staff logins (django-axes).
RATE_LIMITS = {
    "apply": env("RATE_LIMIT_APPLY", default="20/h"),
    "lost_link": env("RATE_LIMIT_LOST_LINK", default="10/h"),
    "upload": env("RATE_LIMIT_UPLOAD", default="60/h"),
    "subscribe": env("RATE_LIMIT_SUBSCRIBE", default="10/h"),
}
RATELIMIT_VIEW = "copp.views.too_many_requests"
# Without the shared cache the limits cannot count: the forms stay open rather
# than refuse every applicant during a Redis outage. Abuse is then held back by
# the honeypot, CSRF and the proxy's own limits (docs/deployment.md); staff
# logins keep their lockout, which django-axes counts in the database.
RATELIMIT_FAIL_OPEN = True
# Behind the proxy, the address it saw (docs/deployment.md: HTTP_X_REAL_IP).
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="REMOTE_ADDR")
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# One person guessing one account from one address is locked out; others are not.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# Development and tests run in one process with a local-memory cache; production
# requires the shared Redis cache (copp.settings.production).
# SQLite ignores the covering part of an index (INCLUDE); PostgreSQL uses it.
SILENCED_SYSTEM_CHECKS = [
    "django_ratelimit.E003",
    "django_ratelimit.W001",
    "models.W040",
]

# --- Personal data (152-ФЗ): how long after the last application ended a
# person's data are kept before purge_personal_data anonymises them.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=3 * 365)
# Finished tasks (sent e-mails hold applicants' links) are deleted after this
# many days.
TASK_RESULTS_KEEP_DAYS = env.int("TASK_RESULTS_KEEP_DAYS", default=7)

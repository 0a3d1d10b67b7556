"""Settings for ESF-portalen: one module, every deploy-time knob read from the environment.

The defaults are for a developer's machine (SQLite file, no HTTPS) so that a fresh checkout runs
with `make run`. Deploys run `manage.py check --deploy --fail-level WARNING`, which fails on the
insecure default key and on missing HTTPS settings, so local defaults cannot reach production.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read true/false from the environment; anything else is a configuration error."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value not in ("true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', got {value!r}")
    return value in ("true", "1")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
INSECURE_SECRET_KEY = "django-insecure-local-only"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "projects.lockout_app.LockoutConfig",  # django-axes
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "projects",
]

MIDDLEWARE = [
    # First: load balancers and Docker probe http://127.0.0.1:8000/healthz, which the host check
    # and the HTTPS redirect below would refuse.
    "projects.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "esfportal.csp.ContentSecurityPolicyMiddleware",
    # Before the session and CSRF middleware: /api/ answers any origin's GET (projects/api/).
    "projects.api.cors.CorsMiddleware",
    "projects.health.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a form: a body larger than an import may be is refused unread (413).
    "projects.admin_import.UploadLimitMiddleware",
    "projects.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "esfportal.urls"
WSGI_APPLICATION = "esfportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.registry",
            ],
        },
    },
]

# SQLite by default so that a checkout runs without a database server; DATABASE_URL switches
# to PostgreSQL (CI and production), e.g. postgres://esf@127.0.0.1:5432/esfportal.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that stops answering should give a 503 within seconds, not hang workers.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
    )
    # Memory per sort, hash or bitmap of a query. PostgreSQL's 4 MB makes a search's bitmap
    # lossy at a million projects (every row of a lossy page rechecked against the search) and
    # sends the dashboard's GROUPING SETS sort to disk; 32 MB keeps both in memory
    # (docs/performance.md). A DATABASE_URL that sets `options` keeps its own.
    WORK_MEM = os.environ.get("DJANGO_DB_WORK_MEM", "32MB").strip()
    if not re.fullmatch(r"[1-9][0-9]*(kB|MB|GB)", WORK_MEM):
        raise ImproperlyConfigured(f"DJANGO_DB_WORK_MEM must be like 32MB, got {WORK_MEM!r}")
    DATABASES["default"]["OPTIONS"].setdefault("options", f"-c work_mem={WORK_MEM}")
else:
    # The covering indexes' INCLUDE columns are PostgreSQL's; SQLite builds the same indexes on
    # their key columns, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where people report accessibility problems (lagen 2018:1937; DIGG's model statement): the
# accessibility statement names it, and the deploy check requires it.
ACCESSIBILITY_EMAIL = os.environ.get("ESF_ACCESSIBILITY_EMAIL", "").strip()
ACCESSIBILITY_PHONE = os.environ.get("ESF_ACCESSIBILITY_PHONE", "").strip()


def cache_config(url: str) -> dict:
    """The default cache from CACHE_URL: `locmem://` (the default: per process),
    `file:///var/cache/esfportal` (shared by the workers of one host) or `redis://host:6379/0`
    (shared by hosts; needs the `redis` package). Cached figures are dropped on every registry
    change, which reaches other workers only through a shared cache."""
    scheme, separator, rest = url.partition("://")
    if scheme == "locmem" and separator:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "file" and rest.startswith("/"):
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest}
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(
        f"CACHE_URL {url!r}: use locmem://, file:///absolute/path or redis://host:port/db"
    )


CACHES = {"default": cache_config(os.environ.get("CACHE_URL", "locmem://").strip())}


def env_positive(name: str, default: int, *, minimum: int = 1) -> int:
    value = env_int(name, default)
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


# Bounds on /projects/export.* (projects/exports/limits.py, docs/operations.md "Exports").
# XLSX is built in one piece by openpyxl (about 5 000 rows/s with lxml): above this many rows
# it is refused with a link to the CSV of the same filter, which streams any size.
ESF_XLSX_MAX_ROWS = env_positive("ESF_XLSX_MAX_ROWS", 20_000)
# Exports built at once per process; beyond that 503 with Retry-After, so that a few large
# exports cannot take every thread and the CPU from the ordinary pages.
ESF_EXPORT_CONCURRENCY = env_positive("ESF_EXPORT_CONCURRENCY", 2)
# Finished export files are kept gzip-compressed per registry version, filter, format and
# language, up to this many bytes each (0: none), and this many per process.
ESF_EXPORT_CACHE_MAX_BYTES = env_positive("ESF_EXPORT_CACHE_MAX_BYTES", 50 * 1024 * 1024, minimum=0)
ESF_EXPORT_CACHE_ENTRIES = env_positive("ESF_EXPORT_CACHE_ENTRIES", 8)
# Export files are large: they get a cache of their own in each process, with few entries, so
# that they never crowd the figures out of the default cache or hold more memory than
# ESF_EXPORT_CACHE_ENTRIES × ESF_EXPORT_CACHE_MAX_BYTES. Its keys hold the registry version from
# the default cache, so a registry change reaches it as it reaches every other cached figure.
CACHES["exports"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "esf-exports",
    "OPTIONS": {"MAX_ENTRIES": ESF_EXPORT_CACHE_ENTRIES},
}

# Axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Each with its own limit in LOCKOUT_LIMITS (projects/lockout.py): a username from one address,
# any username from one address, a username from any address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
LOCKOUT_LIMITS = [AXES_FAILURE_LIMIT, 20, 10]
AXES_HANDLER = "projects.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no start-up banner on every manage.py command
AXES_LOCKOUT_CALLABLE = "projects.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "projects.lockout.client_ip"
# How many proxies in front of the app append to X-Forwarded-For (0: use the peer address).
# Behind one TLS proxy set 1, or every login would share the proxy's address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# X-Forwarded-For is believed only from these peers (the proxies' addresses or networks): a
# client reaching gunicorn directly cannot pick the address it is counted under.
TRUSTED_PROXIES = env_list(
    "DJANGO_TRUSTED_PROXIES",
    "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7",
)

# The open-data API (/api/v1/, projects/api/): read-only JSON, no sessions or logins, so no
# authentication classes (and no CSRF); JSON only (the browsable API's pages would need inline
# scripts). Each client address gets ESF_API_RATE requests (count/second|minute|hour|day),
# counted in the default cache; beyond that 429 with Retry-After.
ESF_API_RATE = os.environ.get("ESF_API_RATE", "120/minute").strip()
_count, _slash, _unit = ESF_API_RATE.partition("/")
if not (_count.isdigit() and int(_count) > 0 and _unit in ("second", "minute", "hour", "day")):
    raise ImproperlyConfigured(
        f"ESF_API_RATE must look like 120/minute (second, minute, hour, day), got {ESF_API_RATE!r}"
    )
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["projects.api.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Rates and shares are JSON numbers, not strings
    "COERCE_DECIMAL_TO_STRING": False,
    "DEFAULT_VERSIONING_CLASS": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ESF-portalen API",
    "DESCRIPTION": (
        "Read-only open data on European Social Fund projects in Sweden: projects, decisions, "
        "organisations, code lists and the dashboard's aggregates. Money in whole kronor, "
        "rates in percent as numbers, dates ISO 8601."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package's static files: no CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": False,
    "ENUM_NAME_OVERRIDES": {},
}

# The admin's URL prefix, e.g. "forvaltning/"; reverse("admin:…") follows it.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip()
if not ADMIN_PATH.endswith("/") or ADMIN_PATH.startswith("/") or ADMIN_PATH == "/":
    raise ImproperlyConfigured(f"DJANGO_ADMIN_PATH must look like 'admin/', got {ADMIN_PATH!r}")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS is off by default so that http://127.0.0.1 works; deploys behind a TLS proxy set it.
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS on means a deploy: refuse to start with the key from this file instead of only warning.
if HTTPS and not DEBUG and SECRET_KEY == INSECURE_SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_HTTPS is true")

# One key=value line per record on stdout (tracebacks escaped into the line), for the container
# log collector; gunicorn's access log uses the same style (see Dockerfile).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"()": "esfportal.logfmt.LogfmtFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "line",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

# Admin users see history of every change; the audit keeps who changed what and when.
SIMPLE_HISTORY_REVERT_DISABLED = True

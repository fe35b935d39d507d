"""Django settings, all configuration from environment variables.

- ``DATABASE_URL``: the database for every command (default: ``eduplan.sqlite3`` in the
  working directory). ``postgres://postgres@127.0.0.1:5432/test`` for PostgreSQL.
- ``EDUPLAN_SECRET_KEY``: Django's secret key (a development key is used when unset; with debug
  off the server refuses to start on it).
- ``EDUPLAN_ID_HASH_KEY``: the key for hashing staff identity numbers (must be set on its own in
  production; in development it defaults to the secret key).
- ``EDUPLAN_KEY_FILE``: a JSON file holding both keys (``make demo`` writes one once).
- ``EDUPLAN_DEBUG``: ``1``/``true`` for debug pages.
- ``EDUPLAN_ALLOWED_HOSTS``: comma-separated host names.
- ``EDUPLAN_HTTPS``: ``1`` behind HTTPS (production): secure cookies, HSTS, redirect to HTTPS.
- ``EDUPLAN_PROXY_SSL_HEADER``: the header a TLS-terminating proxy sets (``X-Forwarded-Proto``).
- ``EDUPLAN_CSP``: the Content-Security-Policy (a strict default: no inline script).
See docs/security.md for the production settings.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import warnings
from pathlib import Path

import dj_database_url

from eduplan.security.keys import resolve as resolve_keys

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _flag("EDUPLAN_DEBUG", False)
# Keys from the environment or EDUPLAN_KEY_FILE (eduplan.security.keys); with neither, a development
# key — which the WSGI app and `eduplan serve` refuse with debug off.
SECRET_KEY, ID_HASH_KEY, ID_HASH_KEY_GIVEN = resolve_keys(os.environ)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("EDUPLAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

DEFAULT_DATABASE_URL = f"sqlite:///{Path.cwd() / 'eduplan.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app read while an import or the demo generator writes. Transactions begin
    # IMMEDIATE: a writer takes the write lock up front and a second one waits for it (up to the
    # busy timeout) instead of failing at once with "database is locked" when its read snapshot
    # went stale (two officers saving at the same moment).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": int(os.environ.get("EDUPLAN_SQLITE_BUSY_SECONDS", 30)),
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Connections are kept (one per server thread, as on PostgreSQL): opening one reads the whole
    # schema, which at province scale was half of what serving a cached public page cost (py-spy,
    # bench/portal.py). A restore copies pages into the live file (eduplan.security.backup), so a
    # kept connection sees it at its next transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("EDUPLAN_CONN_MAX_AGE", 600))
    # Tests use a file, not memory, so other engines (Ibis, DuckDB) can read what Django wrote.
    # One per process, so concurrent test runs on one machine don't share it.
    DATABASES["default"]["TEST"] = {"NAME": str(Path.cwd() / f".test-eduplan-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_eduplan_{os.getpid()}"}

# Derived results (indicators, findings) are cached under the registry's data version; the key
# prefix names the database so two databases never share entries. File-based: shared by all
# gunicorn workers with no extra service.
_db_key = hashlib.sha1(str(DATABASES["default"].get("NAME", "")).encode()).hexdigest()[:12]
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "EDUPLAN_CACHE_BACKEND", "django.core.cache.backends.filebased.FileBasedCache"
        ),
        "LOCATION": os.environ.get(
            "EDUPLAN_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"eduplan-cache-{_db_key}")
        ),
        "KEY_PREFIX": _db_key,
        "TIMEOUT": 3600,
    }
}

INSTALLED_APPS = [
    # The admin without autodiscovery at start-up: every app's admin.py (and what it imports) is
    # loaded with the URL configuration (``urls.py`` calls ``admin.autodiscover()``), so command
    # line tools that never serve a page do not pay for it (issue 19 item 7).
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "eduplan.registry",
    "eduplan.accounts",
    "eduplan.common",
    "eduplan.demo",
    "eduplan.metrics",
    "eduplan.plans",
    "eduplan.rules",
    "eduplan.planning",
    "eduplan.intake",
    "eduplan.returns",
    "eduplan.supervision",
    "eduplan.tasks",
    "eduplan.programmes",
    "eduplan.workforce",
    "eduplan.duties",
    "eduplan.portal",
    "eduplan.complaints",
    "eduplan.api",
    "eduplan.web",
    "eduplan.security",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "eduplan.security.middleware.ContentSecurityPolicyMiddleware",
    "eduplan.security.middleware.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "eduplan.security.middleware.SweepMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "eduplan.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "eduplan.urls"
WSGI_APPLICATION = "eduplan.wsgi.application"

# Form labels and choices "中文 English" show their English half on English pages (web/forms_renderer.py).
FORM_RENDERER = "eduplan.web.forms_renderer.BilingualFormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "eduplan.web.context.demo_label",
                "eduplan.accounts.permissions.capabilities_context",
            ]
        },
    }
]

# Passwords (docs/security.md): long enough, not a common one, not like the user's own name, not
# all digits. Checked on the password change page and by the admin's reset.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("EDUPLAN_PASSWORD_MIN_LENGTH", 10))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (eduplan.accounts.throttle): failures per user name and per address.
AUTHENTICATION_BACKENDS = ["eduplan.accounts.throttle.LoginThrottleBackend"]  # ModelBackend, throttled
LOGIN_MAX_FAILURES = int(os.environ.get("EDUPLAN_LOGIN_MAX_FAILURES", 5))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("EDUPLAN_LOGIN_MAX_FAILURES_PER_ADDRESS", 20))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("EDUPLAN_LOGIN_LOCKOUT_SECONDS", 900))
LOGIN_CLIENT_IP_HEADER = os.environ.get("EDUPLAN_CLIENT_IP_HEADER", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("EDUPLAN_STATIC_ROOT", Path.cwd() / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("EDUPLAN_MEDIA_ROOT", Path.cwd() / "media"))
MEDIA_URL = "/media/"


def _vendor_static_dirs() -> list[tuple[str, str]]:
    """Front-end libraries that ship inside Python packages (no CDN: intranets are closed)."""
    dirs = []
    # Located, not imported: importing plotly costs every command (even --help) about 90 ms.
    plotly = importlib.util.find_spec("plotly")
    if plotly is not None and plotly.submodule_search_locations:
        dirs.append(("vendor/plotly", str(Path(plotly.submodule_search_locations[0]) / "package_data")))
    try:
        import xstatic.pkg.leaflet as leaflet

        dirs.append(("vendor/leaflet", leaflet.BASE_DIR))
    except ImportError:  # pragma: no cover - xstatic-leaflet is a dependency
        pass
    return dirs


# Map tiles: an intranet serves its own (e.g. http://tiles.example.gov/{z}/{x}/{y}.png). Empty:
# maps draw points and outlines on a blank background, still useful with no tile server.
MAP_TILE_URL = os.environ.get("EDUPLAN_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("EDUPLAN_MAP_TILE_ATTRIBUTION", "")


STATICFILES_DIRS = _vendor_static_dirs()
WHITENOISE_USE_FINDERS = True
# Static files are served from the installed apps (finders); collectstatic is optional.
warnings.filterwarnings("ignore", message="No directory at")
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/office/login/"
LOGIN_REDIRECT_URL = "/office/"

# Where the plan and standards files live (see plans/). Overridable for another city's plan.
PLAN_DIR = Path(os.environ.get("EDUPLAN_PLAN_DIR", PROJECT_DIR / "plan"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EDUPLAN_LOG_LEVEL", "WARNING")},
}

# Uploads (see intake/limits.py and docs/security.md). What one uploaded file may cost to read;
# every refusal names the setting. The size cap holds while the body is received
# (eduplan.intake.uploads.CappedUploadHandler stops the upload past it).
UPLOAD_MAX_BYTES = int(os.environ.get("EDUPLAN_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))
# Any other upload (evidence photos, admissions files of up to ADMISSIONS_MAX_UPLOAD_BYTES).
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get("EDUPLAN_UPLOAD_MAX_REQUEST_BYTES", 256 * 1024 * 1024))
UPLOAD_MAX_UNZIPPED_BYTES = int(os.environ.get("EDUPLAN_UPLOAD_MAX_UNZIPPED_BYTES", 400 * 1024 * 1024))
UPLOAD_MAX_RATIO = int(os.environ.get("EDUPLAN_UPLOAD_MAX_RATIO", 200))
UPLOAD_MAX_ROWS = int(os.environ.get("EDUPLAN_UPLOAD_MAX_ROWS", 300_000))
UPLOAD_MAX_COLUMNS = int(os.environ.get("EDUPLAN_UPLOAD_MAX_COLUMNS", 300))
UPLOAD_MAX_CELLS = int(os.environ.get("EDUPLAN_UPLOAD_MAX_CELLS", 10_000_000))
UPLOAD_MAX_STRING = int(os.environ.get("EDUPLAN_UPLOAD_MAX_STRING", 32_767))  # Excel's own cell limit
FILE_UPLOAD_HANDLERS = [
    "eduplan.intake.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file, not memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files
# An import still "running" this long after it started has died with its process: the sweep
# (eduplan.intake.sweep, run on every visit to the import page and before every import) marks it
# failed with the reason.
IMPORT_STALE_SECONDS = int(os.environ.get("EDUPLAN_IMPORT_STALE_SECONDS", 1800))
# Uploads larger than this are imported by the task worker, not in the request (intake/background.py).
IMPORT_IN_WORKER_BYTES = int(os.environ.get("EDUPLAN_IMPORT_IN_WORKER_BYTES", 2 * 1024 * 1024))
# How often served requests sweep long operations whose process died (security.sweeps; 0: never,
# leave it to `eduplan sweep --every`).
SWEEP_SECONDS = int(os.environ.get("EDUPLAN_SWEEP_SECONDS", 30))

# HTTPS and browser protections (docs/security.md). EDUPLAN_HTTPS=1 turns on what production over
# HTTPS needs; each can be set on its own.
HTTPS = _flag("EDUPLAN_HTTPS", False)
SESSION_COOKIE_SECURE = _flag("EDUPLAN_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("EDUPLAN_SESSION_SECONDS", 8 * 3600))  # one working day
SECURE_SSL_REDIRECT = _flag("EDUPLAN_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("EDUPLAN_HSTS_SECONDS", 31_536_000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("EDUPLAN_HSTS_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = _flag("EDUPLAN_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining browsers' preload list is the bureau's decision for its whole domain, not the app's.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
_proxy_header = os.environ.get("EDUPLAN_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
USE_X_FORWARDED_HOST = _flag("EDUPLAN_USE_X_FORWARDED_HOST", False)
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("EDUPLAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]


def _tile_origin(url: str) -> str:
    """The map tile server's origin, for img-src (Leaflet's ``{s}`` subdomains as ``*``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}" if parts.netloc else ""


CONTENT_SECURITY_POLICY = os.environ.get(
    "EDUPLAN_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    f"img-src 'self' data: blob: {_tile_origin(MAP_TILE_URL)}".rstrip()
    + "; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# API tokens expire this many days after they are made (eduplan api-token --days overrides).
API_TOKEN_DAYS = int(os.environ.get("EDUPLAN_API_TOKEN_DAYS", 90))

# ---------------------------------------------------------------------------------------------
# Beyond one machine (issue 20): a shared cache, a task queue. Every one is optional; without its
# variable the embedded default of one machine stays. See docs/running.md, "Production".
#
# - ``EDUPLAN_CACHE_URL``: ``redis://host:6379/0`` puts the indicator, findings, dashboard and to-do
#   caches in Redis, shared by every application server (it takes precedence over
#   ``EDUPLAN_CACHE_BACKEND``/``EDUPLAN_CACHE_DIR``). Entries are keyed on the database's data
#   version, which the one save path moves, so a write through any server makes them stale.
# - ``EDUPLAN_CACHE_PREFIX``: the key prefix (default: derived from the database name, so two
#   databases sharing one Redis never share entries).
# - ``EDUPLAN_TASKS_BACKEND``: ``database`` (default: tasks in the database, run by
#   ``eduplan worker``; no broker), ``rq`` (Redis through django-tasks-rq, ``EDUPLAN_RQ_URL`` or
#   the cache URL) or ``immediate`` (run in the request; for tests of the task bodies only).

_CACHE_URL = os.environ.get("EDUPLAN_CACHE_URL", "").strip()
if _CACHE_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _CACHE_URL,
        "KEY_PREFIX": os.environ.get("EDUPLAN_CACHE_PREFIX", _db_key),
        "TIMEOUT": 3600,
    }
elif os.environ.get("EDUPLAN_CACHE_PREFIX"):
    CACHES["default"]["KEY_PREFIX"] = os.environ["EDUPLAN_CACHE_PREFIX"]
# Public pages kept for the next visitor asking for the same URL (eduplan.portal.caching), apart
# from the derived results so that many searches never push out an indicator that took seconds:
# in Redis with the cache URL (every application server serves what one rendered), else in each
# process's memory (about 6 kB a page, compressed).
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": f"{CACHES['default']['KEY_PREFIX']}:pages"}
    if _CACHE_URL
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "eduplan-public-pages",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
)

# Long work (admissions runs …) as tasks of Django's task framework (the django-tasks backport
# while the project is on Django 5.2): the database backend by default, RQ on Redis by choice.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]
_TASKS_BACKEND = os.environ.get("EDUPLAN_TASKS_BACKEND", "database").strip().lower()
if _TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {
        "default": {"URL": os.environ.get("EDUPLAN_RQ_URL") or _CACHE_URL or "redis://127.0.0.1:6379/0"}
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif _TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Shared file storage: ``EDUPLAN_STORAGE_URL=s3://BUCKET/PREFIX?endpoint_url=…&region_name=…``
# stores evidence files and other FileFields in an S3-compatible object store (django-storages;
# credentials from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Files are never public:
# the object store is private and every download goes through a permission-checked view.
_STORAGE_URL = os.environ.get("EDUPLAN_STORAGE_URL", "").strip()


def _storage_from_url(url: str) -> dict[str, object]:
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"EDUPLAN_STORAGE_URL: expected s3://BUCKET/PREFIX?…, got {url!r}")
    options: dict[str, object] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
    }
    options.update(dict(parse_qsl(parts.query)))
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# The daily sweep (escalations and reminders) is queued by the task worker at this local time
# (HH:MM; "off" leaves it to cron: eduplan remind --escalate). eduplan.web.sweep.
SWEEP_AT = os.environ.get("EDUPLAN_SWEEP_AT", "07:00")

# Public pages carry an ETag of the data version and ``Cache-Control: public, no-cache`` (a proxy
# revalidates every request); a number of seconds lets a proxy serve them that long without asking
# (eduplan.portal.caching).
PUBLIC_MAX_AGE = int(os.environ.get("EDUPLAN_PUBLIC_MAX_AGE", 0))

STORAGES = {
    "default": _storage_from_url(_STORAGE_URL)
    if _STORAGE_URL
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

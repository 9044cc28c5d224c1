"""Settings: one module, every value read from the environment through small helpers."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEEDLEPOINT_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def embedded_secret_key() -> str:
    """The embedded (single-machine) set-up keeps a generated key under var/; production sets
    SECRET_KEY in the environment."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
# Production (PRODUCTION=true) takes its key only from the environment; the demo and the tests
# keep a generated one under var/.
PRODUCTION = env_bool("PRODUCTION", False)
if PRODUCTION and not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured(
        "Set the environment variable SECRET_KEY (50+ random characters) in production."
    )
SECRET_KEY = os.environ.get("SECRET_KEY") or embedded_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "needlepoint.accounts",
    "needlepoint.directory",
    "needlepoint.screening",
    "needlepoint.scheduling",
    "needlepoint.clinic",
    "needlepoint.interop",
    "needlepoint.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "needlepoint.accounts.audit.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "needlepoint.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "needlepoint.urls"
WSGI_APPLICATION = "needlepoint.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'needlepoint.sqlite3'}"),
        conn_max_age=int(env_str("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN
    # so that a read-then-write transaction never fails half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not :memory:) so that threads and the live server share the test database; one
    # per process so that two test runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Argon2id hashes new passwords; older PBKDF2 hashes still verify and are rehashed at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "needlepoint.accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
# The embedded demo serves static files straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)

# Uploaded evidence and photos are health or identity data: kept outside any public path and
# served only through access-checked views.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Where they are kept (directory.models.private_storage): PRIVATE_MEDIA_ROOT on this machine's
# disk by default; a private bucket of an S3-compatible service when AWS_STORAGE_BUCKET_NAME is
# set (AWS_S3_ENDPOINT_URL for a service other than AWS). The key pair comes only from the
# environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), read by boto3 itself, never from
# here. No object gets a public ACL; the pages serve the files through their access checks.


def s3_private_storage(bucket: str) -> dict[str, object]:
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "location": env_str("AWS_LOCATION", "private"),
            "default_acl": None,  # the bucket's own: private (and no ACL header to refuse)
            "file_overwrite": False,
            "querystring_auth": True,  # any URL made is signed and expires in 5 minutes
            "querystring_expire": 300,
            "signature_version": "s3v4",  # SigV2 is refused by newer AWS regions
        },
    }


AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
PRIVATE_STORAGE: dict[str, object] = (
    s3_private_storage(AWS_STORAGE_BUCKET_NAME)
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "needlepoint.directory.models.PrivateStorage"}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}
# How long a client's clinical records outlive an erasure request: Toronto Public Health asks
# for 3 years (CLINICAL-FACTS §7); set your jurisdiction's figure.
CLINICAL_RECORD_RETENTION_DAYS = int(env_str("CLINICAL_RECORD_RETENTION_DAYS", "1096"))

# The public origin used in links inside e-mails (they are read outside the site).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Needlepoint <noreply@needlepoint.test>")

# Background work (booking notifications) through django-tasks, the backport of Django 6's
# django.tasks. Env TASKS_BACKEND picks the backend:
#   "database" (default): tasks are rows in this database; run `manage.py db_worker`.
#   "rq": tasks go to Redis through RQ; run
#         `manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default`.
#   "immediate": tasks run inside the request; nothing waits for run_after (debugging only).
# Env REDIS_URL (rq only; default redis://127.0.0.1:6379/0) is the Redis holding the queue.
TASKS: dict[str, dict[str, object]]
match env_str("TASKS_BACKEND", "database"):
    case "database":
        TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case "rq":
        INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
        TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
        RQ_QUEUES = {"default": {"URL": env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    case "immediate":
        TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    case other:
        raise ImproperlyConfigured(
            f"TASKS_BACKEND must be database, rq or immediate, not {other!r}."
        )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Clients stay signed in for two weeks (Django's default); clinic roles and staff, who read
# health data, get a shorter session at sign-in (accounts.auth_services.CLINIC_SESSION_SECONDS).
SESSION_COOKIE_AGE = 14 * 24 * 3600
# The embedded demo serves plain http on loopback; production behind TLS sets SECURE_COOKIES.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script reads the CSRF cookie: forms carry the token and htmx sends the form's own field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

NINJA_PAGINATION_PER_PAGE = 50

# The audit trail of health data is kept this many days (6 years by default), then
# `manage.py purge_audit_trail` deletes older events. Its addresses honour X-Forwarded-For only
# behind RATE_LIMIT_TRUSTED_PROXIES proxies (below), as the rate limits do.
AUDIT_RETENTION_DAYS = int(env_str("AUDIT_RETENTION_DAYS", str(6 * 365 + 2)))

# --- Security headers and CSP ---
# Scripts and styles only from our own static files: no inline script, style element or style
# attribute anywhere (scripts set styles through the DOM, which CSP allows); map tiles come from
# OpenStreetMap and Leaflet's CSS uses data: images.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "https://tile.openstreetmap.org"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), browsing-topics=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# A request body past this (files aside) is refused with 400; Django's default, 2.5 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(env_str("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2_621_440)))
# Behind TLS (production): HSTS and redirect to https. SECURE_HSTS_SECONDS=0 turns HSTS off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# The header only consents to preloading; submitting the domain stays a deliberate step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
if env_bool("BEHIND_TLS_PROXY", False):
    # The proxy terminates TLS and says so in this header (it must strip a client's own).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The cache: CACHE_URL (redis://… or locmem://), else the task queue's Redis when
# TASKS_BACKEND=rq, else this process's memory (one process: the demo and the tests).
_cache_url = env_str(
    "CACHE_URL",
    env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
    if env_str("TASKS_BACKEND", "database") == "rq"
    else "locmem://",
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Rate limits, COUNT/SECONDS per client IP (search, booking, account_mail: sign-up, password
# reset and verification e-mails) and per user (booking_user);
# empty turns one off. RATE_LIMIT_TRUSTED_PROXIES: how many proxies append to X-Forwarded-For.
RATE_LIMITS = {
    "search": env_str("RATE_LIMIT_SEARCH", "300/60"),
    "booking": env_str("RATE_LIMIT_BOOKING", "120/60"),
    "booking_user": env_str("RATE_LIMIT_BOOKING_USER", "30/60"),
    "account_mail": env_str("RATE_LIMIT_ACCOUNT_MAIL", "20/3600"),
}
RATE_LIMIT_CACHE = "default"
RATE_LIMIT_TRUSTED_PROXIES = int(env_str("RATE_LIMIT_TRUSTED_PROXIES", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

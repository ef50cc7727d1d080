"""SamSam settings, read from the environment.

With no environment at all this is the embedded default: SQLite, an in-memory
channel layer, a filesystem Celery broker and console email, so that one command
runs the whole site on a fresh machine. Every variable is listed in .env.example.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY, or DEBUG=true for a random development key.")
    SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "channels",
    "accounts",
    "notifications",
    "ads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samsam.middleware.NonceCSPMiddleware",
    "samsam.middleware.PrivateCacheMiddleware",
    "accounts.middleware.LimitsMiddleware",
]

ROOT_URLCONF = "samsam.urls"
WSGI_APPLICATION = "samsam.wsgi.application"
ASGI_APPLICATION = "samsam.asgi.application"

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
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# PostgreSQL is the production database; SQLite is the embedded default.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
EMAIL_CONFIRMATION_MAX_AGE = 60 * 60 * 24 * 3

# Sessions live in the database: Redis only speeds things up.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 60 * 60 * 24 * 365)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The containers' health checks ask over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp): scripts and styles only from this site or with the
# per-response nonce ({{ request.csp_nonce }}); never 'unsafe-inline'. Nothing may frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        # 'self' covers same-origin websockets in current browsers; SITE_URL's for older ones.
        "connect-src": ["'self'", SITE_URL.replace("https://", "wss://", 1).replace("http://", "ws://", 1)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Redis speeds things up (cache, channel layer, broker); without REDIS_URL the
# embedded default needs no server at all.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Limits on failed logins and password resets (accounts/limits.py): counted in Redis, and
# refused ("fail closed") when that Redis is down; without Redis, in the LIMITS_CACHE cache.
LIMITS_REDIS_URL = env_str("LIMITS_REDIS_URL", REDIS_URL)
LIMITS_CACHE = "default"
LIMITS_KEY_PREFIX = "limits"
# Only behind a reverse proxy that sets X-Forwarded-For: then its last entry is the client.
LIMITS_TRUST_X_FORWARDED_FOR = env_bool("LIMITS_TRUST_X_FORWARDED_FOR", False)

# Live pushes, measured in bench/live.py (see docs/live.md). "redis": a view PUBLISHes
# each event once on LIVE_REDIS_CHANNEL and every ASGI process fans it out to its own
# websockets; "local": the one embedded process delivers in memory; "channels": through
# the channel layer named by LIVE_CHANNEL_LAYER, kept so the benchmark can compare.
LIVE_TRANSPORT = env_str("LIVE_TRANSPORT", "redis" if REDIS_URL else "local")
LIVE_REDIS_CHANNEL = env_str("LIVE_REDIS_CHANNEL", "samsam:live")
LIVE_CHANNEL_LAYER = env_str("LIVE_CHANNEL_LAYER", "memory")
_CHANNEL_LAYER_BACKENDS = {
    "memory": "channels.layers.InMemoryChannelLayer",
    "redis": "channels_redis.core.RedisChannelLayer",
    "redis-pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
if LIVE_TRANSPORT not in ("redis", "local", "channels") or LIVE_CHANNEL_LAYER not in _CHANNEL_LAYER_BACKENDS:
    raise ImproperlyConfigured("LIVE_TRANSPORT: redis, local or channels; LIVE_CHANNEL_LAYER: memory, redis(-pubsub).")
if LIVE_TRANSPORT == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("LIVE_TRANSPORT=redis needs REDIS_URL.")
if LIVE_TRANSPORT == "channels" and LIVE_CHANNEL_LAYER == "memory":
    raise ImproperlyConfigured("LIVE_TRANSPORT=channels needs LIVE_CHANNEL_LAYER=redis or redis-pubsub.")
CHANNEL_LAYERS = {"default": {"BACKEND": _CHANNEL_LAYER_BACKENDS[LIVE_CHANNEL_LAYER]}}
if LIVE_CHANNEL_LAYER != "memory":
    CHANNEL_LAYERS["default"]["CONFIG"] = {"hosts": [REDIS_URL]}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if CELERY_BROKER_URL != "filesystem://"
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        # Where kombu keeps its exchange tables; its default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_ALWAYS_EAGER = False

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SamSam <noreply@samsam.local>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.RolesTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "samsam.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SamSam API",
    "DESCRIPTION": "Neighbourhood help exchange: requests, offers, conversations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

AD_LIFETIME_DAYS = env_int("AD_LIFETIME_DAYS", 30)
BOARD_PAGE_SIZE = env_int("BOARD_PAGE_SIZE", 20)
API_MAX_PAGE_SIZE = 100

# The escalation ladder: how often beat runs the scan and the raise of unclaimed
# escalations, how many requests one batch handles, and how long the neighbourhood's
# workers have to pick up one addressed to them (partners set their own window).
ESCALATION_SCAN_SECONDS = env_int("ESCALATION_SCAN_SECONDS", 60)
ESCALATION_SCAN_BATCH_SIZE = env_int("ESCALATION_SCAN_BATCH_SIZE", 500)
ESCALATION_WORKER_ACK_MINUTES = env_int("ESCALATION_WORKER_ACK_MINUTES", 24 * 60)
if min(ESCALATION_SCAN_SECONDS, ESCALATION_SCAN_BATCH_SIZE, ESCALATION_WORKER_ACK_MINUTES) < 1:
    raise ImproperlyConfigured("ESCALATION_SCAN_SECONDS, _BATCH_SIZE and _WORKER_ACK_MINUTES must be at least 1.")
# Partner webhooks: how long one POST may take, and the first wait before a retry
# (doubled each time; at most 5 attempts, then the delivery is marked failed).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_BACKOFF_SECONDS = env_int("WEBHOOK_BACKOFF_SECONDS", 30)
if WEBHOOK_TIMEOUT_SECONDS < 1 or WEBHOOK_BACKOFF_SECONDS < 0:
    raise ImproperlyConfigured("WEBHOOK_TIMEOUT_SECONDS must be at least 1, WEBHOOK_BACKOFF_SECONDS at least 0.")

# Notifications: the local hour from which the daily digests go out, how long before
# its end an ad's owner is reminded to renew it, and how often the periodic jobs run.
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 17)
AD_EXPIRY_REMINDER_DAYS = env_int("AD_EXPIRY_REMINDER_DAYS", 3)
NOTIFICATIONS_JOB_SECONDS = env_int("NOTIFICATIONS_JOB_SECONDS", 3600)
if not 0 <= NOTIFICATIONS_DIGEST_HOUR <= 23 or min(AD_EXPIRY_REMINDER_DAYS, NOTIFICATIONS_JOB_SECONDS) < 1:
    raise ImproperlyConfigured("NOTIFICATIONS_DIGEST_HOUR is 0-23; AD_EXPIRY_REMINDER_DAYS, _JOB_SECONDS at least 1.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

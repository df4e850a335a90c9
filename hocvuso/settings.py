"""One settings module, driven by the environment (STYLE rule 15).

Production-safe by default. ``HOCVUSO_DEV=1`` (set by ``python3 dev.py start``) switches on
development mode: DEBUG, a throwaway secret key, plain-HTTP cookies.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from hocvuso.core.env import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_rate,
    env_secret,
    env_str,
    env_time,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("HOCVUSO_VAR_DIR", str(BASE_DIR.parent / "var")))

DEV = env_bool("HOCVUSO_DEV", False)
DEBUG = env_bool("DEBUG", DEV)
# DEBUG never runs in production, so it may use a throwaway key like development mode.
SECRET_KEY = env_secret("SECRET_KEY", "dev-only-insecure-key" if DEV or DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEV else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # The API docs (/api/docs) from Swagger UI's files shipped with django-ninja: without the
    # app, ninja's page loads them from a CDN, blank on a network without internet.
    "ninja",
    "template_partials",
    "treebeard",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "hocvuso.core",
    "hocvuso.orgunits",
    "hocvuso.accounts",
    "hocvuso.plans",
    "hocvuso.events",
    "hocvuso.fieldwork",
    "hocvuso.learning",
    "hocvuso.communications",
    "hocvuso.reports",
]
if DEV:
    INSTALLED_APPS.append("hocvuso.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hocvuso.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hocvuso.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hocvuso.urls"
WSGI_APPLICATION = "hocvuso.wsgi.application"
ASGI_APPLICATION = "hocvuso.asgi.application"

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
                "hocvuso.accounts.context_processors.notifications",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hocvuso.sqlite3'}"),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    # Redis, and this process's memory while Redis cannot be reached (core/cache.py): the
    # cache holds only what can be recomputed, so an outage must not fail requests.
    CACHES = {
        "default": {"BACKEND": "hocvuso.core.cache.RedisWithFallbackCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Live screens (bridge points, control room). In memory on one process; Redis's pub/sub layer
# when REDIS_URL is set, so several server processes share the broadcasts. Either way a screen
# that misses a message catches up from the state it fetches on (re)connect or by polling.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "hocvuso.core.layers.InMemoryChannelLayer"}}
# Seconds between the chair pressing "launch" and every screen flipping, so that screens that
# get the message at different moments still flip together.
EVENT_LAUNCH_DELAY_SECONDS = env_int("EVENT_LAUNCH_DELAY_SECONDS", 5)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Deadline reminders: N days before a duty's deadline, and again every M days while overdue.
PLAN_REMINDER_DAYS_BEFORE = env_int("PLAN_REMINDER_DAYS_BEFORE", 3)
PLAN_REMINDER_OVERDUE_EVERY_DAYS = env_int("PLAN_REMINDER_OVERDUE_EVERY_DAYS", 7)
# Jobs `hocvuso run-scheduler` enqueues once a day, at a local (TIME_ZONE) time of day.
SCHEDULED_JOBS = {
    "hocvuso.plans.jobs.send_task_reminders": env_time("PLAN_REMINDER_TIME", "07:00"),
    "hocvuso.reports.jobs.send_report_reminders": env_time("REPORT_REMINDER_TIME", "07:30"),
}
# A unit late with a periodic report is reminded the day after the deadline, then every N days.
REPORT_REMINDER_EVERY_DAYS = env_int("REPORT_REMINDER_EVERY_DAYS", 3)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "hocvuso.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "hocvuso.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login rate limit: five failures for one username from one address lock that pair out.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "hocvuso.accounts.backends.normalised_login"
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
# The project's catalogues, then Vietnamese for Django's own messages that Django's vi
# catalogue leaves in English ("Null characters are not allowed."…). Kept apart from
# locale/ so that makemessages never touches them: they are Django's strings, not ours.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
FORMAT_MODULE_PATH = ["hocvuso.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development serves static files straight from the apps; production from collectstatic.
WHITENOISE_USE_FINDERS = DEV
WHITENOISE_AUTOREFRESH = DEV
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded spreadsheets are read in memory; anything larger is refused before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
UNIT_IMPORT_MAX_BYTES = env_int("UNIT_IMPORT_MAX_BYTES", 5 * 1024 * 1024)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEV
    else "django.core.mail.backends.smtp.EmailBackend",
)
# No host, no e-mail: with the SMTP backend, notifications are sent by e-mail only once
# EMAIL_HOST names a server (set it to "localhost" for a local MTA). Any other backend
# (console in development, locmem in tests) always receives them. See accounts.services.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "hocvuso@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The site's public address, to turn a notification's path into a link in an e-mail.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEV else "").rstrip("/")
ADMINS = [("Admin", addr) for addr in env_list("ADMINS", [])]

# Production defaults; development mode relaxes only what plain HTTP on localhost needs.
SECURE = not DEV
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", SECURE)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
# Joining the browsers' HSTS preload list binds every subdomain of the province's domain for
# years: the domain owner decides (SECURE_HSTS_PRELOAD=1), so the check is not a failure here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (core/middleware.py), in development too so that a page breaking
# it shows there first. Scripts only from this server's files: no inline script, no eval
# (htmx's eval is switched off in base.html). Styles also inline: pygal's charts are inline
# SVG carrying their own <style>, and bars and meters take their width from a style
# attribute; CSS cannot run code, and every text a user typed is escaped by the templates.
# 'self' in connect-src covers the live screens' WebSocket on the same host (ws:/wss:).
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# The open API's allowances (hocvuso/core/api.py): requests per person, by session or token,
# and per address without credentials; over them the API answers 429.
API_RATE_LIMIT = env_rate("API_RATE_LIMIT", "600/m")
API_ANON_RATE_LIMIT = env_rate("API_ANON_RATE_LIMIT", "60/m")
# The public class finder's registrations and certificate look-ups, per address.
LEARN_REGISTER_RATE_LIMIT = env_rate("LEARN_REGISTER_RATE_LIMIT", "30/h")
LEARN_VERIFY_RATE_LIMIT = env_rate("LEARN_VERIFY_RATE_LIMIT", "30/m")
# Check-in at a class's door (learning/views/door.py), per address: a hall's phones behind one
# wifi still pass, a script trying codes or flooding does not.
CHECKIN_RATE_LIMIT = env_rate("CHECKIN_RATE_LIMIT", "240/m")
# An address is REMOTE_ADDR, or behind the HTTPS proxy the address it forwards: a client's
# own X-Forwarded-For must not choose which allowance it draws on.
NINJA_NUM_PROXIES = 1 if SECURE_PROXY_SSL_HEADER else 0

# Every line passes through core/logs.py's filter, which masks the secrets that open a bridge
# point or an invitation, and API tokens (the loggers that write paths are filtered too).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secrets": {"()": "hocvuso.core.logs.RedactSecrets"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Django's own handlers, but redacting; its records also reach the console above.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}

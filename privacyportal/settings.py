"""The one settings module: every value comes from the environment, with a safe local default.

Every variable read here is listed in `.env.example`.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

from core import languages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# A known key for local runs only; `make serve` refuses it when DEBUG is off.
INSECURE_SECRET_KEY = "insecure-local-only-key-never-use-in-production"  # noqa: S105

SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
# Old keys still accepted while a rotation settles (docs/DEPLOY.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "core",
    "requests_app",
    "disputes_app",
]

MIDDLEWARE = [
    "core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.cors.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.errors.DatabaseUnavailableMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "privacyportal.urls"
WSGI_APPLICATION = "privacyportal.wsgi.application"

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
                "core.context_processors.organisation",
            ],
        },
    },
]

# Widgets render through TEMPLATES, so that templates/ can hold the portal's own.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite by default, PostgreSQL through DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the Celery worker write to the same file: wait for the lock
    # instead of failing, and take the write lock at the start of each transaction.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a Celery worker started by a test sees the test data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The statements that bind their values on the server (a filing's, core/together.py) are
    # prepared once per connection; Django's own queries bind theirs in Python and never are.
    # Off behind a pooler in transaction mode that does not carry prepared statements over.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set (shared by every process: rate limits), else local memory.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "privacyportal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: the portal speaks the languages of its requesters, the 24 official languages of the
# EU and the EEA's Icelandic and Norwegian Bokmål (core/languages.py).
LANGUAGE_CODE = "en"
LANGUAGES = languages.PORTAL_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
# Where the portal writes a date otherwise than Django does for a language (Italian).
FORMAT_MODULE_PATH = ["core.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Files of answers and case files: private, never served by URL, only through expiring links.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names from collectstatic, served by whitenoise; plain in development.
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "private": {"BACKEND": "core.storage.PrivateStorage"},
}
# How long after a private link was e-mailed the answer's files can be downloaded through it;
# after that the lost-link page sends a fresh one.
ANSWER_FILE_DAYS = env.int("ANSWER_FILE_DAYS", default=30)
# How long after a request was closed its private links still open (and at the purge never).
STATUS_LINK_DAYS_AFTER_CLOSE = env.int("STATUS_LINK_DAYS_AFTER_CLOSE", default=90)

# Connectors (docs/CONNECTORS.md): at most this many rows per table in an access run (the
# result says when the limit was hit), each statement on a system's database stopped after
# this many seconds, and the officer reminded when a processor has not replied in N days.
CONNECTOR_ROW_LIMIT = env.int("CONNECTOR_ROW_LIMIT", default=100_000)
CONNECTOR_STATEMENT_TIMEOUT = env.float("CONNECTOR_STATEMENT_TIMEOUT", default=30.0)
CONNECTOR_PROCESSOR_REMINDER_DAYS = env.int("CONNECTOR_PROCESSOR_REMINDER_DAYS", default=7)

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
# smtp:// URLs send through Django's SMTP backend as the portal extends it: an internationalised
# address (josé@example.com) goes out with SMTPUTF8 instead of being mangled.
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_CONFIG["EMAIL_BACKEND"] = "core.mail.EmailBackend"
vars().update(EMAIL_CONFIG)
# Whether the forms take internationalised addresses: only a mail server that speaks SMTPUTF8
# can deliver to them. The backends without a server (console, file, memory) take anything.
EMAIL_SMTPUTF8 = env.bool(
    "EMAIL_SMTPUTF8",
    default=EMAIL_CONFIG["EMAIL_BACKEND"]
    in {
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
        "django.core.mail.backends.dummy.EmailBackend",
    },
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="privacy@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PRIVACY_OFFICER_EMAIL = env.str("PRIVACY_OFFICER_EMAIL", default="privacy-officer@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport (no server needed).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# A setting so that each worker a test starts gets a folder of its own (tests/helpers.py).
CELERY_BROKER_DIR = Path(env.str("EMBEDDED_BROKER_DIR", default=str(VAR_DIR / "broker")))
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        # Exchange bindings; kombu's default is ./control in the working directory.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The organisation the portal serves (defaults: the first one, see docs/ORGANISATION.md).
ORGANISATION_NAME = env.str("ORGANISATION_NAME", default="Kaizen Software Solutions, LLC")
ORGANISATION_EMAIL = env.str("ORGANISATION_EMAIL", default="privacy@kaizensoftware.com")
ORGANISATION_ADDRESS = env.str(
    "ORGANISATION_ADDRESS",
    default="Attn: Privacy Officer\n39962 Cedar Blvd, Suite 323\nNewark, CA 94560-5326",
    multiline=True,
)
ORGANISATION_WEBSITES = env.list(
    "ORGANISATION_WEBSITES",
    default=[
        "www.kaizensoftware.com",
        "www.kaizen-assets.com",
        "www.kaizen-training-manager.com",
        "www.kzsoftware.com",
    ],
)
ORGANISATION_SUBPROCESSORS = env.list(
    "ORGANISATION_SUBPROCESSORS", default=["Google", "FastSpring", "Microsoft"]
)
ORGANISATION_PRIVACY_NOTICE_URL = env.str(
    "ORGANISATION_PRIVACY_NOTICE_URL", default="http://www.kzsoftware.com/privacy.htm"
)
# The organisation's entry on the Data Privacy Framework List, named in every case file.
ORGANISATION_DPF_LISTING_URL = env.str(
    "ORGANISATION_DPF_LISTING_URL", default="https://www.dataprivacyframework.gov/list"
)
# The calendar day of receipt is taken in this zone (docs/DEADLINES.md), and so is every
# "today" the portal compares a due date with; pages and the admin show times in it too.
ORGANISATION_TIME_ZONE = env.str("ORGANISATION_TIME_ZONE", default="UTC")
TIME_ZONE = ORGANISATION_TIME_ZONE
# Where escalated case files go by e-mail; unset: only the requester gets the case file. It
# seeds the default recourse body's contact on migrate while the body has none; from then on
# the body's row in the admin is the truth (disputes_app/apps.py).
RECOURSE_BODY_EMAIL = env.str("RECOURSE_BODY_EMAIL", default="")

# Deadlines (docs/DEADLINES.md)
DEADLINE_DEFAULT_DAYS = env.int("DEADLINE_DEFAULT_DAYS", default=30)
DEADLINE_COMPLAINT_DAYS = env.int("DEADLINE_COMPLAINT_DAYS", default=45)
# A shorter time the organisation promises for rights and questions; unset: none.
DEADLINE_PROMISED_DAYS = env.int("DEADLINE_PROMISED_DAYS", default=None)
# Whose public holidays move a due date: empty for the requester's country, or a country code.
DEADLINE_HOLIDAY_COUNTRY = env.str("DEADLINE_HOLIDAY_COUNTRY", default="")

# Pauses: in the EU/EEA, Switzerland and elsewhere the law names none, so by default the
# clock runs on while the portal waits for the requester; true moves the due date by each wait.
DEADLINE_PAUSES = env.bool("DEADLINE_PAUSES", default=False)
# A request whose address is not confirmed in this many days lapses.
LAPSE_DAYS = env.int("LAPSE_DAYS", default=14)

# Closed requests lose their personal data this many days after closing (docs/RULES.md 5).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=3 * 365)

# How many reverse proxies in front of the portal append to X-Forwarded-For; the client's
# address is the entry that many from the right. 0: REMOTE_ADDR, the header is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Rate limits on public POSTs (the windows are in requests_app/ratelimit.py): filings per
# client address in ten minutes, lost-link e-mails per e-mail address in an hour, requester
# messages per request (whichever of its links) in an hour.
INTAKE_RATE_LIMIT = env.int("INTAKE_RATE_LIMIT", default=5)
LOST_LINK_RATE_LIMIT = env.int("LOST_LINK_RATE_LIMIT", default=3)
MESSAGE_RATE_LIMIT = env.int("MESSAGE_RATE_LIMIT", default=10)

# Staff sign-in: a second factor (TOTP) before any admin page; lockout after failed logins.
ADMIN_REQUIRE_2FA = env.bool("ADMIN_REQUIRE_2FA", default=True)
# The name authenticator apps list the code under: one fixed name, so that every device
# enrolled, before or after a change of the organisation's name, shows the same.
OTP_TOTP_ISSUER = "privacyportal"
# Five failed sign-ins (per user name and client address) lock that pair out for an hour
# (axes reads a number as hours): room for typing mistakes, far too few to guess a password.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1.0
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same client address as the portal's own limits (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Only staff have sessions (requesters follow token links): a sign-in lasts this many hours.
STAFF_SESSION_HOURS = env.int("STAFF_SESSION_HOURS", default=8)
SESSION_COOKIE_AGE = STAFF_SESSION_HOURS * 3600

# Security
TRUST_X_FORWARDED_PROTO = env.bool("TRUST_X_FORWARDED_PROTO", default=False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS = [
        # Joining the browsers' preload list binds every subdomain of the organisation's
        # domain for good: its owner decides that, not the portal.
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
        # Both are on unless the operator turns them off, for a proxy that redirects to HTTPS
        # or sends the HSTS header itself: `check --deploy` (and so `make serve`) takes
        # their word.
        *([] if SECURE_SSL_REDIRECT else ["security.W008"]),
        *([] if SECURE_HSTS_SECONDS else ["security.W004"]),
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The JSON API (docs/API.md): staff authenticate with a Bearer token and may do what their
# account may in the admin; errors are problem details (RFC 9457); JSON in and out only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.api.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.TokenScope", "core.api.AdminPermissions"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "requests_app.api.problems.exception_handler",
}
# The schema at /api/schema/ and its reference at /api/docs/ (docs/openapi.yaml is the same).
SPECTACULAR_SETTINGS = {
    "TITLE": "privacyportal API",
    "DESCRIPTION": (
        "File a data-subject request (public), and read the requests with a staff "
        "member's token. Errors are problem details (RFC 9457). See docs/API.md."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its reference are public, whatever Authorization header comes along.
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI from the sidecar package, served as the portal's own static files: the
    # reference needs no CDN and the content security policy stays as it is.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Origins whose pages may post filings to the API from the browser (an organisation's own
# form): the public intake's POST only, without cookies. Empty: none.
API_CORS_ORIGINS = env.list("API_CORS_ORIGINS", default=[])
CORS_ALLOWED_ORIGINS = API_CORS_ORIGINS
CORS_URLS_REGEX = r"^/api/v1/requests/$"
CORS_ALLOW_METHODS = ["POST"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-type"]
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Logs: one JSON line per event (text when DEBUG); ERROR_HOOK receives error records.
LOG_FORMAT = "text" if DEBUG else "json"
ERROR_HOOK = env.str("ERROR_HOOK", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "core.logs.ContextFilter"}},
    "formatters": {
        # time, level, logger, message, the request id and any `extra` fields, and the
        # traceback as text in "exception".
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger", "exc_info": "exception"},
            "timestamp": "time",
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        },
        **({"hook": {"class": "core.logs.HookHandler", "level": "ERROR"}} if ERROR_HOOK else {}),
    },
    "root": {
        "handlers": ["console", *(["hook"] if ERROR_HOOK else [])],
        "level": env.str("LOG_LEVEL", default="INFO"),
    },
    # One line per request comes from RequestLogMiddleware; Django's own would repeat it.
    "loggers": {"django.request": {"level": "ERROR"}, "django.server": {"level": "WARNING"}},
}

# The periodic sweeps (static schedule, UTC, in seconds), run by the one beat. The outbox
# sweep only takes up e-mails whose task was lost or whose retry is due: a minute is soon
# enough. Reminders are due on days; five minutes late is on time, and the officer's "new
# request" notice waits no longer than that.
CELERY_BEAT_SCHEDULE = {
    "sweep-outbox": {"task": "requests_app.outbox.sweep", "schedule": 60.0},
    "sweep-runs": {"task": "requests_app.tasks.sweep_runs", "schedule": 60.0},
    "sweep-webhooks": {"task": "requests_app.tasks.sweep_webhooks", "schedule": 60.0},
    "sweep-reminders": {"task": "requests_app.tasks.sweep_reminders", "schedule": 300.0},
    "refresh-figures": {"task": "requests_app.tasks.refresh_figures", "schedule": 300.0},
    "purge-closed": {"task": "requests_app.tasks.purge_closed", "schedule": 24 * 3600.0},
}

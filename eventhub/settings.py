"""EventHub settings: one file, configured from the environment (DESIGN §1).

Every variable has an embedded default so that `make run` needs none; the
defaults are for development and are refused where production needs a real
value (see `_require_in_production`).
"""

import datetime
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))


def _generated_secret(name: str, *, length: int = 50) -> str:
    """Return a development secret kept in var/, creating it on first use."""
    path = VAR_DIR / name
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(length)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def _require_in_production(name: str) -> None:
    if not DEBUG and name not in env.ENVIRON:
        raise ImproperlyConfigured(f"{name} must be set when DEBUG is off.")


# --- Core -------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

if "SECRET_KEY" in env.ENVIRON:
    SECRET_KEY = env.str("SECRET_KEY")
else:
    _require_in_production("SECRET_KEY")
    SECRET_KEY = _generated_secret("secret_key")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=["http://127.0.0.1:8000", "http://localhost:8000"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "eventhub.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "events",
    "registrations",
    "payments",
    "checkins",
    "files",
    "reports",
    "audit",
    "waitingroom",
    # The project itself: its management commands (backup, restore).
    "eventhub",
]

MIDDLEWARE = [
    # First: /healthz answers before host validation and the HTTPS redirect (eventhub/health.py).
    "eventhub.health.HealthCheckMiddleware",
    # Then the waiting room's join/poll by bearer token, straight from Redis (waitingroom/middleware.py).
    "waitingroom.middleware.QueueMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before any view (and the CSRF check) reads them: query strings and bodies no field can hold (400).
    "eventhub.sanitise.InputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The session's verified second factor, then staff powers wait for it (STAFF_REQUIRE_2FA).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: API answers get their headers and a JSON 405 (eventhub/middleware.py).
    "eventhub.middleware.ApiMiddleware",
]

ROOT_URLCONF = "eventhub.urls"
WSGI_APPLICATION = "eventhub.wsgi.application"
ASGI_APPLICATION = "eventhub.asgi.application"

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
            ],
        },
    },
]


# --- Database ---------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3's connection pool; turn it off behind an external pooler (PgBouncer).
    if env.bool("DB_POOL", default=True):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DB_POOL_MAX_SIZE", default=10),
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registrations:dashboard"
LOGOUT_REDIRECT_URL = "events:home"


# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
# Default date formats name the time zone (WIB, WITA, WIT): eventhub/formats/.
FORMAT_MODULE_PATH = ["eventhub.formats"]


# --- Static files and storage -----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"

# Private storage: MEDIA_ROOT is never served directly (no MEDIA_URL route,
# whitenoise serves STATIC_ROOT only). The files app reads through a view.
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
        },
    }


# --- Email and background tasks --------------------------------------------

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="EventHub <tiket@eventhub.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAIL_DIR = VAR_DIR / "mail"


def _mailer_from_env() -> dict:
    """Return the default MAILERS entry: EMAIL_BACKEND (an anymail ESP), else EMAIL_URL, else .eml files."""
    if "EMAIL_BACKEND" in env.ENVIRON:
        # e.g. anymail.backends.mailgun.EmailBackend, configured by ANYMAIL_* variables.
        return {"BACKEND": env.str("EMAIL_BACKEND")}
    if "EMAIL_URL" in env.ENVIRON:
        parsed = env.email_url("EMAIL_URL")
        backend = parsed["EMAIL_BACKEND"]
        if backend != "django.core.mail.backends.smtp.EmailBackend":
            return {"BACKEND": backend}
        return {
            "BACKEND": backend,
            "OPTIONS": {
                "host": parsed.get("EMAIL_HOST", "localhost"),
                "port": parsed.get("EMAIL_PORT") or 25,
                "username": parsed.get("EMAIL_HOST_USER", ""),
                "password": parsed.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(parsed.get("EMAIL_USE_TLS")),
                "use_ssl": bool(parsed.get("EMAIL_USE_SSL")),
                "timeout": env.int("EMAIL_TIMEOUT", default=20),
            },
        }
    # Each message is written as an .eml file under var/mail/ that any mail client opens.
    return {"BACKEND": "eventhub.mail.EmlFileBackend", "OPTIONS": {"file_path": str(MAIL_DIR)}}


MAILERS = {"default": _mailer_from_env()}
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value for key, value in env.ENVIRON.items() if key.startswith("ANYMAIL_")
}

TASKS = {
    "default": (
        {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]}
        if env.str("TASKS_BACKEND", default="immediate") == "database"
        else {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
    ),
}

# A failed email is retried after 60 s, doubling up to an hour between attempts, 30 attempts (about a day).
TASK_RETRY_BASE_SECONDS = env.float("TASK_RETRY_BASE_SECONDS", default=60)
TASK_RETRY_MAX_DELAY_SECONDS = env.float("TASK_RETRY_MAX_DELAY_SECONDS", default=3600)
TASK_RETRY_MAX_ATTEMPTS = env.int("TASK_RETRY_MAX_ATTEMPTS", default=30)


# --- Events and registrations -----------------------------------------------

PAYMENT_WINDOW_MINUTES = env.int("PAYMENT_WINDOW_MINUTES", default=30)
# How long seats offered to the next on a waiting list stay held for them.
WAITLIST_CLAIM_MINUTES = env.int("WAITLIST_CLAIM_MINUTES", default=60)
if "QR_SIGNING_KEYS" in env.ENVIRON:
    QR_SIGNING_KEYS = env.list("QR_SIGNING_KEYS")
else:
    _require_in_production("QR_SIGNING_KEYS")
    QR_SIGNING_KEYS = [_generated_secret("qr_signing_key", length=32)]
if any(len(key) < 32 for key in QR_SIGNING_KEYS):
    raise ImproperlyConfigured("Each key in QR_SIGNING_KEYS must be at least 32 characters.")


# --- Waiting room (waitingroom/) -------------------------------------------

# The queues live in Redis, shared by every API process; unset (`make run`), an
# in-process store with the same rules serves one process (waitingroom/store.py).
REDIS_URL = env.str("REDIS_URL", default="")
# Keys of every room start with this, so one Redis can hold several sites (and tests their own).
WAITING_ROOM_KEY_PREFIX = env.str("WAITING_ROOM_KEY_PREFIX", default="eh:wr:")
# How long an admission pass lets its holder buy.
WAITING_ROOM_PASS_MINUTES = env.int("WAITING_ROOM_PASS_MINUTES", default=15)


# --- Payments ---------------------------------------------------------------

PAYMENT_SIMULATOR = env.bool("PAYMENT_SIMULATOR", default=DEBUG)
PAYMENT_PROVIDERS = {
    "midtrans": "payments.gateways.midtrans.MidtransGateway",
    "xendit": "payments.gateways.xendit.XenditGateway",
}
MIDTRANS_SERVER_KEY = env.str("MIDTRANS_SERVER_KEY", default="SB-Mid-server-eventhub-simulator")
MIDTRANS_CLIENT_KEY = env.str("MIDTRANS_CLIENT_KEY", default="SB-Mid-client-eventhub-simulator")
MIDTRANS_IS_PRODUCTION = env.bool("MIDTRANS_IS_PRODUCTION", default=False)
XENDIT_SECRET_KEY = env.str("XENDIT_SECRET_KEY", default="xnd_development_eventhub_simulator")
XENDIT_CALLBACK_TOKEN = env.str("XENDIT_CALLBACK_TOKEN", default="eventhub-simulator-callback-token")
if PAYMENT_SIMULATOR and not DEBUG:
    raise ImproperlyConfigured("PAYMENT_SIMULATOR must be off when DEBUG is off: it accepts fake payments.")
# Methods offered at each gateway: Snap `enabled_payments` codes, Xendit invoice `payment_methods`.
# The gateway that takes each way of paying the checkout offers (payments.methods): QRIS and cards at
# Midtrans, virtual accounts and e-wallets at Xendit; a way a gateway does not offer goes to the other.
PAYMENT_METHOD_GATEWAYS = {"qris": "midtrans", "va": "xendit", "ewallet": "xendit", "card": "midtrans"}
PAYMENT_METHODS = {
    "midtrans": env.list(
        "MIDTRANS_ENABLED_PAYMENTS",
        default=["other_qris", "gopay", "shopeepay", "bca_va", "bni_va", "bri_va", "permata_va", "echannel",
                 "credit_card", "alfamart", "indomaret"],
    ),
    "xendit": env.list(
        "XENDIT_PAYMENT_METHODS",
        default=["QRIS", "BCA", "BNI", "BRI", "MANDIRI", "PERMATA", "OVO", "DANA", "SHOPEEPAY", "LINKAJA",
                 "CREDIT_CARD", "ALFAMART", "INDOMARET"],
    ),
}
# Gateway base URLs; empty means the SDK's own (sandbox or production), or the
# simulator under SITE_URL while PAYMENT_SIMULATOR is on (payments.gateways.base).
MIDTRANS_SNAP_BASE_URL = env.str("MIDTRANS_SNAP_BASE_URL", default="")
MIDTRANS_CORE_BASE_URL = env.str("MIDTRANS_CORE_BASE_URL", default="")
XENDIT_API_HOST = env.str("XENDIT_API_HOST", default="")
# Every gateway call: seconds to connect, seconds to wait for the answer.
PAYMENT_CONNECT_TIMEOUT = env.float("PAYMENT_CONNECT_TIMEOUT", default=5.0)
PAYMENT_READ_TIMEOUT = env.float("PAYMENT_READ_TIMEOUT", default=20.0)
# Pending attempts older than this are asked about by reconcile_payments.
PAYMENT_RECONCILE_AFTER_MINUTES = env.int("PAYMENT_RECONCILE_AFTER_MINUTES", default=5)


# --- Check-ins --------------------------------------------------------------


# --- Files ------------------------------------------------------------------

FILE_MAX_BYTES = env.int("FILE_MAX_BYTES", default=10 * 1024 * 1024)
FILE_ALLOWED_TYPES = env.list("FILE_ALLOWED_TYPES", default=["application/pdf", "image/jpeg", "image/png"])
# Per-user quota: how many files and how many bytes in all one account may keep.
FILE_MAX_PER_USER = env.int("FILE_MAX_PER_USER", default=50)
FILE_MAX_TOTAL_BYTES_PER_USER = env.int("FILE_MAX_TOTAL_BYTES_PER_USER", default=200 * 1024 * 1024)
# Images larger than this (width × height) are refused before Pillow decodes them.
FILE_MAX_IMAGE_PIXELS = env.int("FILE_MAX_IMAGE_PIXELS", default=50_000_000)
# Lifetime of the presigned URL a download redirects to (S3 storage).
FILE_DOWNLOAD_URL_EXPIRE_SECONDS = env.int("FILE_DOWNLOAD_URL_EXPIRE_SECONDS", default=60)
# Local storage behind nginx: hand downloads to an `internal` location serving
# MEDIA_ROOT (e.g. "/protected-media/"); empty streams them from Django.
FILE_X_ACCEL_REDIRECT_PREFIX = env.str("FILE_X_ACCEL_REDIRECT_PREFIX", default="")
if AWS_STORAGE_BUCKET_NAME:
    # "path" for S3-compatible servers without virtual-host buckets (MinIO, local tests).
    STORAGES["default"]["OPTIONS"]["addressing_style"] = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
    STORAGES["default"]["OPTIONS"]["signature_version"] = env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4")


# --- API --------------------------------------------------------------------

AUTH_THROTTLE_RATE = env.str("AUTH_THROTTLE_RATE", default="10/minute")
# Admins and event managers must log in with an authenticator app code (accounts/twofactor.py).
# Off for `make run` and the tests unless set; .env.example (production) turns it on.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=False)
OTP_TOTP_ISSUER = "EventHub"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "eventhub.pagination.Pagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "eventhub.base.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "eventhub.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's, answering `Accept: */*` and `application/json` at once (eventhub/negotiation.py).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "eventhub.negotiation.ContentNegotiation",
    # JSON and urlencoded bodies are checked by eventhub.sanitise.InputMiddleware; multipart once parsed.
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "eventhub.sanitise.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"auth": AUTH_THROTTLE_RATE},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Client IPs for throttling: 0 = REMOTE_ADDR; 1 behind one proxy (nginx) that sets X-Forwarded-For.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": datetime.timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": datetime.timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "USER_ID_FIELD": "id",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EventHub API",
    # Tokens, the refresh cookie, error codes: the schema's description is eventhub/api.md.
    "DESCRIPTION": (BASE_DIR / "eventhub" / "api.md").read_text(),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets are called `role`: the platform's and an event team's; a registration's
    # status is one enum wherever it appears (registrations, scans, the manifest).
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.models.User.Role",
        "TeamRoleEnum": "events.models.EventMember.Role",
        "RegistrationStatusEnum": "registrations.models.Registration.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "eventhub.openapi.add_standard_errors",
    ],
}
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# The PWA may send the httpOnly refresh cookie from a configured origin (credentials: "include").
CORS_ALLOW_CREDENTIALS = True


# --- Security and production ------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Values that have a development default above but must be real in production.
for _name in ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SITE_URL", "DATABASE_URL"):
    _require_in_production(_name)
if not DEBUG and not {"EMAIL_URL", "EMAIL_BACKEND"} & env.ENVIRON.keys():
    raise ImproperlyConfigured("EMAIL_URL or EMAIL_BACKEND must be set when DEBUG is off.")
if not QR_SIGNING_KEYS:
    raise ImproperlyConfigured("QR_SIGNING_KEYS must hold at least one key.")

# Behind nginx (nginx/eventhub.conf.template), which terminates TLS and
# overwrites X-Forwarded-Proto on every request, Django may believe that header.
# Never turn this on where a client can reach Django without such a proxy.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("TRUST_X_FORWARDED_PROTO", default=False) else None
)
# nginx passes the client's Host itself; X-Forwarded-Host is only for a further
# proxy in front of nginx that rewrites Host (and must then overwrite the header).
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Health checks speak plain HTTP to the container; HealthCheckMiddleware answers
# them before SecurityMiddleware, and this keeps the path exempt if it moves.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# The cache holds the API's throttle counters: one shared by every process in
# production (dbcache://eventhub_cache; the migrate step creates the table),
# else each gunicorn worker would count on its own.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# REDIS_URL (see Waiting room above) also holds which ticket types are sold out
# (events/soldout.py, through eventhub/redis.py), so a refusal costs no database
# round trip. Unset for `make run`: each process then remembers on its own, for
# SOLD_OUT_MEMORY_SECONDS at most.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="eh:")
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
SOLD_OUT_MEMORY_SECONDS = env.float("SOLD_OUT_MEMORY_SECONDS", default=1.0)
# Behind PgBouncer in transaction pooling mode (DB_POOL=false), named cursors
# cannot outlive a transaction: Django must not use them.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)


# --- Logging ----------------------------------------------------------------

# One JSON object per line on stdout in production (for `docker compose logs`
# and any log collector); readable lines in development.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "eventhub.log.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

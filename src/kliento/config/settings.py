"""Kliento settings: one module, every value read from the environment.

Production refuses to start without its secrets (secret key, allowed hosts,
encryption keys). The demo and the tests get theirs from ``instance/kliento.env``,
which ``kliento instance init`` creates with fresh random values.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import dj_database_url
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kliento.config.env import (
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
    load_env_file,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("KLIENTO_HOME", str(Path.cwd())))
INSTANCE_DIR = Path(env_str("KLIENTO_INSTANCE_DIR", str(BASE_DIR / "instance")))

# An empty KLIENTO_ENV_FILE turns the instance file off (production, the deploy check).
_env_file = os.environ.get("KLIENTO_ENV_FILE", str(INSTANCE_DIR / "kliento.env"))
if _env_file:
    load_env_file(Path(_env_file))

# --- Core -------------------------------------------------------------------
SECRET_KEY = env_secret("KLIENTO_SECRET_KEY")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("KLIENTO_SECRET_KEY must be at least 50 characters long.")
DEBUG = env_bool("KLIENTO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("KLIENTO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("KLIENTO_ALLOWED_HOSTS must list the host names served.")
CSRF_TRUSTED_ORIGINS = env_list("KLIENTO_CSRF_TRUSTED_ORIGINS")


def _read_encryption_keys(raw: str) -> dict[str, bytes]:
    """Parse ``id:base64key,id:base64key``: key-encryption keys with ids, 32 bytes each."""
    keys: dict[str, bytes] = {}
    for item in raw.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not key_id:
            raise ImproperlyConfigured("KLIENTO_ENCRYPTION_KEYS must be 'id:base64key,...'.")
        try:
            key = base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes (AES-256).")
        keys[key_id] = key
    return keys


# Key-encryption keys wrap the per-person data keys. New data keys are wrapped with
# KLIENTO_ENCRYPTION_KEY_ID; the others stay readable until `kliento keys rotate`.
ENCRYPTION_KEYS = _read_encryption_keys(env_secret("KLIENTO_ENCRYPTION_KEYS"))
ENCRYPTION_KEY_ID = env_str("KLIENTO_ENCRYPTION_KEY_ID") or next(iter(ENCRYPTION_KEYS))
if ENCRYPTION_KEY_ID not in ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        f"KLIENTO_ENCRYPTION_KEY_ID={ENCRYPTION_KEY_ID!r} is not in KLIENTO_ENCRYPTION_KEYS."
    )
BLIND_INDEX_KEY = env_secret("KLIENTO_BLIND_INDEX_KEY").encode()
if len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured("KLIENTO_BLIND_INDEX_KEY must be at least 32 characters.")
# Signs consent receipts (JWS, ES256); the public half is at /.well-known/jwks.json.
CONSENT_SIGNING_KEY = env_secret("KLIENTO_CONSENT_SIGNING_KEY")
try:
    _consent_key = load_pem_private_key(CONSENT_SIGNING_KEY.encode(), password=None)
except (ValueError, TypeError) as exc:
    raise ImproperlyConfigured("KLIENTO_CONSENT_SIGNING_KEY must be a PEM private key.") from exc
if (
    not isinstance(_consent_key, ec.EllipticCurvePrivateKey)
    or _consent_key.curve.name != "secp256r1"
):
    raise ImproperlyConfigured("KLIENTO_CONSENT_SIGNING_KEY must be a P-256 (ES256) PEM key.")

# --- Applications -------------------------------------------------------------
INSTALLED_APPS = [
    "kliento.accounts.admin_config.KlientoAdminConfig",  # admin.site: administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "kliento.common",
    "kliento.accounts",
    "kliento.audit",
    "kliento.register",
    "kliento.consent",
    "kliento.merchants",
    "kliento.cards",
    "kliento.visits",
    "kliento.sharing",
    "kliento.surveys",
    "kliento.marketing",
    "kliento.privacy",
    "kliento.disclosures",
    "kliento.dsr",
    "kliento.backoffice",
    "kliento.config",
]

MIDDLEWARE = [
    # Outermost, so it also envelopes what the other middleware answer under /api/.
    "kliento.common.http.ApiErrorEnvelopeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "kliento.common.http.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "kliento.accounts.middleware.StaffMfaMiddleware",
]

ROOT_URLCONF = "kliento.config.urls"
WSGI_APPLICATION = "kliento.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kliento.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database answers 503 within seconds instead of hanging (issue 15):
    # a short connect timeout, a short wait for a pooled connection, and every pooled
    # connection checked before use, so one terminated by the server is replaced.
    _db["OPTIONS"] = {"connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 2)}
    if env_bool("DATABASE_POOL", True):
        _db["CONN_MAX_AGE"] = 0
        _db["OPTIONS"]["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
        }
        _db["CONN_HEALTH_CHECKS"] = True  # Django passes the pool its connection check
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches (rate limits) ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Authentication --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B: length, a deny list of common and breached passwords, no
# composition rules, and long passphrases allowed.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "kliento.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "kliento.accounts.passwords.BreachedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "kliento.register.signup.RegisterAccountAdapter"
ACCOUNT_USER_DISPLAY = "kliento.accounts.adapter.user_display"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# The login e-mail changes only through a verified request: the new address must be
# confirmed through a link sent to it, and the old address gets a notice.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Adding, removing or switching the login e-mail asks for the password again (then good
# for five minutes); changing the password asks for the current one.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Kliento: "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if env_bool("KLIENTO_HTTPS", default=True) else "http"
ACCOUNT_RATE_LIMITS = {
    # Failed logins count per address *and* per (address, account), never per account
    # alone, so nobody can lock a person out by failing on purpose (see the adapter).
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "kliento.accounts.mfa_adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Kliento"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool("KLIENTO_WEBAUTHN_INSECURE_ORIGIN", default=False)
MFA_PASSKEY_LOGIN_ENABLED = True
# WebAuthn forms that turn a malformed credential into a form error (see accounts/forms.py).
MFA_FORMS = {
    name: f"kliento.accounts.forms.{cls}"
    for name, cls in (
        ("add_webauthn", "AddWebAuthnForm"),
        ("signup_webauthn", "SignupWebAuthnForm"),
        ("authenticate_webauthn", "AuthenticateWebAuthnForm"),
        ("login_webauthn", "LoginWebAuthnForm"),
        ("reauthenticate_webauthn", "ReauthenticateWebAuthnForm"),
    )
}

SESSION_COOKIE_AGE = env_int("KLIENTO_SESSION_SECONDS", 60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security headers ------------------------------------------------------------
HTTPS = env_bool("KLIENTO_HTTPS", default=True)
SECURE_SSL_REDIRECT = HTTPS and env_bool("KLIENTO_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("KLIENTO_HSTS_SECONDS", 63072000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("KLIENTO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("KLIENTO_TRUSTED_PROXY_COUNT", 1)
# API rate limits key on the client address: trust X-Forwarded-For only as far as
# our own proxies reach, or anyone could pick a fresh address per request.
NINJA_NUM_PROXIES = (
    env_int("KLIENTO_TRUSTED_PROXY_COUNT", 1) if env_bool("KLIENTO_BEHIND_PROXY") else 0
)
# Failed bearer-token attempts per client address before 429 (ninja rate syntax).
KLIENTO_RATE_FAILED_TOKENS = env_str("KLIENTO_RATE_FAILED_TOKENS", "20/m")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KLIENTO_MAX_BODY_BYTES", 256 * 1024)
CSRF_FAILURE_VIEW = "kliento.common.http.csrf_failure"

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
# English dates day-first (British), not American: config/formats/en/formats.py.
FORMAT_MODULE_PATH = ["kliento.config.formats"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("KLIENTO_STATIC_ROOT", str(INSTANCE_DIR / "static")))
# The project-wide CSS/JS live beside the templates, outside any app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
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
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -------------------------------------------------------------------------
_email_backends = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env_str("KLIENTO_EMAIL_BACKEND", "console")
if _email_backend not in _email_backends:
    raise ImproperlyConfigured(f"KLIENTO_EMAIL_BACKEND must be one of {sorted(_email_backends)}.")
# Pages queue each message as a background task (kliento.config.mail) and the worker
# delivers it with this backend; KLIENTO_EMAIL_QUEUED=0 sends from the request instead.
KLIENTO_EMAIL_DELIVERY_BACKEND = _email_backends[_email_backend]
EMAIL_BACKEND = (
    "kliento.config.mail.QueuedEmailBackend"
    if env_bool("KLIENTO_EMAIL_QUEUED", default=True)
    else KLIENTO_EMAIL_DELIVERY_BACKEND
)
EMAIL_FILE_PATH = Path(env_str("KLIENTO_EMAIL_FILE_PATH", str(INSTANCE_DIR / "mail")))
EMAIL_HOST = env_str("KLIENTO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KLIENTO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KLIENTO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("KLIENTO_EMAIL_HOST_PASSWORD", required=False)
EMAIL_USE_TLS = env_bool("KLIENTO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env_int("KLIENTO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("KLIENTO_FROM_EMAIL", "Kliento <no-reply@kliento.fi>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks ------------------------------------------------------------------
_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = env_str("KLIENTO_TASKS_BACKEND", "database")
if _task_backend not in _task_backends:
    raise ImproperlyConfigured(f"KLIENTO_TASKS_BACKEND must be one of {sorted(_task_backends)}.")
TASKS = {"default": {"BACKEND": _task_backends[_task_backend]}}

# --- Logging: structured enough to grep, never with secrets ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Links with keys and searched values never reach a log line (common/gunicorn_logging).
    "filters": {"redact": {"()": "kliento.common.gunicorn_logging.RedactingFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": env_str("KLIENTO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

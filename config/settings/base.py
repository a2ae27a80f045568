"""Settings shared by every profile. Values that differ per machine come from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "servicedesk.core",
    "servicedesk.accounts",
    "servicedesk.catalog",
    "servicedesk.sla",
    "servicedesk.tickets",
    "servicedesk.channels",
    "servicedesk.ui",
    "servicedesk.demo",
    "servicedesk.portal",
    "servicedesk.console",
    "servicedesk.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "servicedesk.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# The embedded default is SQLite so `make run` needs no server; production sets DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
# Persistent connections: a new PostgreSQL connection per request costs milliseconds.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our pages join a ticket to its foreign keys (organization, module, assignee…): the order in
    # which the ORM writes them is already the best one, yet the planner searches every order,
    # and with 6–8 joins planning costs 4–12 ms for a query that runs in 0.2 ms (measured with
    # benchmarks/web.py). A collapse limit of 1 keeps the written order. Override with
    # PG_JOIN_COLLAPSE_LIMIT (e.g. 8, PostgreSQL's default) for analytical work.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c join_collapse_limit={env.int('PG_JOIN_COLLAPSE_LIMIT', default=1)}"
    )
    # Choice lists (ModelChoiceField) iterate with .iterator(): a server-side cursor would cost
    # three round trips (DECLARE, FETCH, CLOSE) for a few dozen rows, and breaks behind pgbouncer.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"
# Administrators may require TOTP two-factor login for every staff member.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=False)
OTP_TOTP_ISSUER = "WeConnect Service Desk"

# Store UTC; business time is computed in America/Sao_Paulo and shown in Brasília time.
USE_TZ = True
TIME_ZONE = "UTC"
DISPLAY_TIME_ZONE = "America/Sao_Paulo"
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments live outside the web root and are served only through access-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=40_000_000)

# Background work through django.tasks: the database worker in the embedded default,
# our Redis backend (servicedesk.core.task_backends) when REDIS_URL is set in production.
REDIS_URL = env("REDIS_URL", default="")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# "counts" keeps queue totals and counters for a few seconds (console/selectors.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "counts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counts"},
}

# Sessions are read on every request: from the cache first, the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="WeConnect Service Desk <suporte@weconnect.example>")

# Repeated failed logins lock the account for a while (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# Lock the account, not the address: an HR office shares one NAT address among many users,
# and an IP lock would stop the whole customer on payroll day. Hence axes.W006 is silenced.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# A locked account sees the login page with the same message as a wrong password.
AXES_LOCKOUT_CALLABLE = "servicedesk.accounts.views.login_locked_out"

# Auto-close and SLA warnings (domain.md §7): "at risk" once this share of a target is used.
SLA_AT_RISK_RATIO = 0.8
SUPPORT_PHONE = "(11) 4000-1117"
# Tasks that `manage.py sla_sweeper` enqueues besides the SLA sweep: (dotted path, seconds).
PERIODIC_TASKS = [("servicedesk.api.tasks.api_housekeeping", 3600)]

# REST API (servicedesk.api): requests per minute per token (or session user) and per client
# address, counted in Django's cache (Redis in production); 0 disables a limit. Behind a reverse
# proxy set API_TRUSTED_PROXIES to the number of X-Forwarded-For hops to trust.
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_RATE_LIMIT_PER_IP_PER_MINUTE = env.int("API_RATE_LIMIT_PER_IP_PER_MINUTE", default=1200)
API_TRUSTED_PROXIES = env.int("API_TRUSTED_PROXIES", default=0)
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}},
}

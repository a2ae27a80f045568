"""Settings shared by every profile. Values that differ per machine come from the environment."""

from pathlib import Path

import environ
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    # django.contrib.admin, with our AdminSite as admin.site: its login is /conta/entrar/ (TOTP step).
    "servicedesk.accounts.admin_apps.ServiceDeskAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks_db",
    "servicedesk.core",
    "servicedesk.outbox",
    "servicedesk.accounts",
    "servicedesk.catalog",
    "servicedesk.sla",
    "servicedesk.tickets",
    "servicedesk.channels",
    "servicedesk.replies",
    "servicedesk.advisory",
    "servicedesk.knowledge",
    "servicedesk.documents",
    "servicedesk.suggestions",
    "servicedesk.surveys",
    "servicedesk.reports",
    "servicedesk.ui",
    "servicedesk.demo",
    "servicedesk.portal",
    "servicedesk.console",
    "servicedesk.api",
    "servicedesk.ops",
]

MIDDLEWARE = [
    "servicedesk.core.requestlog.RequestIdMiddleware",  # first: the id and the latency cover everything
    # A view that lost the database answers 503 + Retry-After (core/unavailable.py).
    "servicedesk.core.unavailable.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "servicedesk.core.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "servicedesk.core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "servicedesk.accounts.middleware.SessionIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Plain widgets drawn in Python, the rest through the templates (servicedesk/ui/forms.py).
FORM_RENDERER = "servicedesk.ui.forms.FastRenderer"

# models.W040: an index's INCLUDE columns are PostgreSQL's (production); on SQLite the same index
# is built without them, which is what we want (tickets.Ticket.Meta, ticket_org_opened_cov_idx).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

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
    # No parallel workers for the web's short queries: starting them cost more than they saved
    # (a capped word-search count: 28 ms serial, 44–53 ms with a worker; a page read in order:
    # 10 ms serial, 55–79 ms with a Gather Merge), and on a busy machine they compete with the
    # other requests for the same cores. PG_PARALLEL_WORKERS_PER_GATHER overrides it (reports).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c join_collapse_limit={env.int('PG_JOIN_COLLAPSE_LIMIT', default=1)}"
        f" -c max_parallel_workers_per_gather={env.int('PG_PARALLEL_WORKERS_PER_GATHER', default=0)}"
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
    "django.contrib.auth.backends.ModelBackend",
    # The administrator role opens the business tables of the back office (accounts/admin_site.py).
    "servicedesk.accounts.admin_site.BusinessAdministratorBackend",
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
    # Not checks: Django calls their password_changed() whenever a new password is saved (reset,
    # change, admin, manage.py changepassword). A new password lifts the username's login locks
    # and revokes every API token of the user.
    {"NAME": "servicedesk.accounts.login_guard.ClearOnPasswordChange"},
    {"NAME": "servicedesk.api.password_hooks.RevokeTokensOnPasswordChange"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"
# Administrators may require TOTP two-factor login for every staff member.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=False)
OTP_TOTP_ISSUER = "WeConnect Service Desk"

# Failed logins (servicedesk/accounts/login_guard.py; docs/security.md). Every password check is
# reserved first; refused attempts never reach the password. 0 disables a counter.
LOGIN_FAILURES_PER_USER_AND_ADDRESS = env.int("LOGIN_FAILURES_PER_USER_AND_ADDRESS", default=5)
LOGIN_FAILURES_PER_USER = env.int("LOGIN_FAILURES_PER_USER", default=10)  # from any address, then back-off
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)  # any username (NAT offices)
LOGIN_LOCK_SECONDS = env.int("LOGIN_LOCK_SECONDS", default=900)  # lock, and the longest back-off step
LOGIN_BACKOFF_SECONDS = env.int("LOGIN_BACKOFF_SECONDS", default=30)  # first back-off step, doubling
LOGIN_USER_MEMORY_SECONDS = env.int("LOGIN_USER_MEMORY_SECONDS", default=3600)

# Sessions end after this long without a request (accounts/middleware.py); the expiry moves
# forward at most once per SESSION_IDLE_REFRESH_SECONDS, so an active session costs one write a
# minute, not one per request. SESSION_COOKIE_AGE bounds sessions that never saw a request.
SESSION_IDLE_TIMEOUT_STAFF = env.int("SESSION_IDLE_TIMEOUT_STAFF", default=30 * 60)
SESSION_IDLE_TIMEOUT_CUSTOMER = env.int("SESSION_IDLE_TIMEOUT_CUSTOMER", default=8 * 3600)
SESSION_IDLE_REFRESH_SECONDS = env.int("SESSION_IDLE_REFRESH_SECONDS", default=60)
SESSION_COOKIE_AGE = max(SESSION_IDLE_TIMEOUT_STAFF, SESSION_IDLE_TIMEOUT_CUSTOMER)

# Web forms outside the API (core/ratelimit.py): password-reset e-mails per account and requests
# per client address in a window; portal replies and ticket openings per user and hour.
PASSWORD_RESET_LIMIT_PER_ACCOUNT = env.int("PASSWORD_RESET_LIMIT_PER_ACCOUNT", default=3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=20)
PASSWORD_RESET_LIMIT_WINDOW = env.int("PASSWORD_RESET_LIMIT_WINDOW", default=3600)
PORTAL_REPLIES_PER_HOUR = env.int("PORTAL_REPLIES_PER_HOUR", default=60)
PORTAL_TICKETS_PER_HOUR = env.int("PORTAL_TICKETS_PER_HOUR", default=20)
# The article suggestions of the new-ticket form (issue 10): requests per user and minute.
PORTAL_ARTICLE_SUGGESTIONS_PER_MINUTE = env.int("PORTAL_ARTICLE_SUGGESTIONS_PER_MINUTE", default=60)
KB_ANONYMOUS_FEEDBACK_PER_HOUR = env.int("KB_ANONYMOUS_FEEDBACK_PER_HOUR", default=10)  # per address

# Store UTC; business time is computed in America/Sao_Paulo and shown in Brasília time.
USE_TZ = True
TIME_ZONE = "UTC"
DISPLAY_TIME_ZONE = "America/Sao_Paulo"
LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", "Português (Brasil)"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Attachments live outside the web root and are served only through access-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_PIXELS = env.int("ATTACHMENT_MAX_PIXELS", default=40_000_000)

# Background work through django.tasks: the database worker in the embedded default, Celery
# on Redis (servicedesk.core.task_backends.CeleryBackend) when REDIS_URL is set in production.
REDIS_URL = env("REDIS_URL", default="")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Celery (production's workers; docs/deployment.md "Background work"). A task is acknowledged
# only once it finished (acks late) and put back when its pool process dies; a task taken by a
# worker that died whole comes back after the visibility timeout. One task at a time per process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_ACKS_ON_FAILURE_OR_TIMEOUT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"  # django.tasks' queue name
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_SEND_TASK_EVENTS = True  # celery events / Flower
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# "counts" keeps queue totals and counters for a few seconds (console/selectors.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "counts": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "counts"},
}

# Sessions are read on every request: from the cache first, the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Every e-mail is first an outbox row written in the sender's transaction (servicedesk.outbox);
# the relay delivers it through OUTBOX_EMAIL_BACKEND. The embedded default writes each as a
# readable .eml file under var/mail/ (one file a message, UTF-8, 8-bit: open it in any mail
# client or a text editor); production uses SMTP. The environment's EMAIL_BACKEND names it.
EMAIL_BACKEND = "servicedesk.outbox.backend.OutboxEmailBackend"
OUTBOX_EMAIL_BACKEND = env("EMAIL_BACKEND", default="servicedesk.core.mail.EmlFileBackend")
# A row that failed this many times is FAILED and shown to administrators (admin: Caixa de saída).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# Sent rows are deleted this many days after they were sent (housekeeping); failed rows stay.
OUTBOX_SENT_RETENTION_DAYS = env.int("OUTBOX_SENT_RETENTION_DAYS", default=30)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="WeConnect Service Desk <suporte@weconnect.example>")
# The address people reach the service desk at: every link in an e-mail starts with it. Required
# in production (config/settings/production.py); the embedded default is `make run`'s address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Invitations an approver may send per hour from the organization page (accounts.services).
PORTAL_INVITATIONS_PER_HOUR = env.int("PORTAL_INVITATIONS_PER_HOUR", default=20)

# Auto-close and SLA warnings (domain.md §7): "at risk" once this share of a target is used.
SLA_AT_RISK_RATIO = 0.8
SUPPORT_PHONE = "(11) 4000-1117"
# Tasks that `manage.py sla_sweeper` enqueues besides the SLA sweep: (dotted path, seconds).
PERIODIC_TASKS = [
    ("servicedesk.api.tasks.api_housekeeping", 3600),
    ("servicedesk.accounts.tasks.login_guard_housekeeping", 3600),
    ("servicedesk.reports.tasks.statements_monthly", 900),
    ("servicedesk.surveys.tasks.surveys_send", 60),
    ("servicedesk.outbox.tasks.outbox_sweep", 60),
    ("servicedesk.outbox.tasks.outbox_purge", 3600),
    ("servicedesk.ops.tasks.storage_check", 3600),
]
# Stored files no row names are deleted by the storage check only when older than this (an
# upload in flight has its file and not yet its row).
ATTACHMENT_ORPHAN_GRACE_HOURS = env.int("ATTACHMENT_ORPHAN_GRACE_HOURS", default=24)
# celery beat's schedule (production): the same ticks as the sweeper's, each through
# `servicedesk.periodic`, which enqueues its task once per interval even if two beats run.
SLA_SWEEP_INTERVAL = env.int("SLA_SWEEP_INTERVAL", default=60)
CELERY_BEAT_SCHEDULE = {
    path.rsplit(".", 1)[-1]: {"task": "servicedesk.periodic", "schedule": every, "args": (path, every)}
    for path, every in [("servicedesk.tickets.tasks.sla_sweep", SLA_SWEEP_INTERVAL), *PERIODIC_TASKS]
}

# REST API (servicedesk.api): requests per minute per token (or session user) and per client
# address, counted in Django's cache (Redis in production); 0 disables a limit. Failed token
# attempts have their own, stricter bucket per address and never use the valid callers' one.
# Behind a reverse proxy set API_TRUSTED_PROXIES to the number of X-Forwarded-For hops to trust
# (the client address of every limit, the login guard included, comes from it).
API_RATE_LIMIT_PER_MINUTE = env.int("API_RATE_LIMIT_PER_MINUTE", default=600)
API_RATE_LIMIT_PER_IP_PER_MINUTE = env.int("API_RATE_LIMIT_PER_IP_PER_MINUTE", default=1200)
API_AUTH_FAILURES_PER_IP_PER_MINUTE = env.int("API_AUTH_FAILURES_PER_IP_PER_MINUTE", default=30)
API_TRUSTED_PROXIES = env.int("API_TRUSTED_PROXIES", default=0)
# Uploads waiting for a ticket (POST /attachments), per user: how many, how many bytes in all,
# and how many new ones per minute.
API_PENDING_UPLOADS_MAX_FILES = env.int("API_PENDING_UPLOADS_MAX_FILES", default=20)
API_PENDING_UPLOADS_MAX_BYTES = env.int("API_PENDING_UPLOADS_MAX_BYTES", default=50 * 1024 * 1024)
API_UPLOADS_PER_MINUTE = env.int("API_UPLOADS_PER_MINUTE", default=10)
# Personal access tokens: lifetime chosen at creation, default and maximum in days.
API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 365
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200

# CSRF failures under /api/ answer problem+json; elsewhere Django's page.
CSRF_FAILURE_VIEW = "servicedesk.api.errors.csrf_failure"

# Content-Security-Policy (django-csp; docs/security.md). Scripts only from our origin or with the
# per-response nonce (templates: nonce="{{ request.csp_nonce }}"); no plugins, no <base>, no
# framing. Stylesheets only from our origin (htmx's own <style> is off: base.html's htmx-config);
# inline *style attributes* stay allowed (style-src-attr): templates use them for layout, and an
# attribute cannot hold a selector, so it cannot read the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Every record carries the request id (servicedesk.core.requestlog); LOG_FORMAT=json (the
# production default) writes one JSON object a line (python-json-logger).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "servicedesk.core.requestlog.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # One line per request (method, path, status, duration): production's access log.
    "loggers": {"servicedesk.request": {"level": env("REQUEST_LOG_LEVEL", default="WARNING")}},
}
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>" (unset: 404, no metrics).
METRICS_TOKEN = env("METRICS_TOKEN", default="")

"""Production: every secret and address from the environment; PostgreSQL, Redis, SMTP, gunicorn."""

import copy

from .base import *
from .base import DATABASES, LOGGING, REDIS_URL, env

# Copies: this module changes them, and base.py's objects are shared with every other profile
# imported in the same process (a test that imports this module must not change the test profile).
DATABASES = copy.deepcopy(DATABASES)
LOGGING = copy.deepcopy(LOGGING)

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
env("DATABASE_URL")  # required here (base.py parsed it, with its connection options); fail loudly if unset

if REDIS_URL:
    TASKS = {"default": {"BACKEND": "servicedesk.core.task_backends.CeleryBackend"}}
    CACHES = {
        "default": {"BACKEND": "servicedesk.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
        "counts": {"BACKEND": "servicedesk.core.cache.ResilientRedisCache", "LOCATION": REDIS_URL},
    }

# Required: e-mail links must point to the public address (https://…), never to a default.
SITE_URL = env("SITE_URL").rstrip("/")
# The outbox relay delivers through it (EMAIL_BACKEND itself is the outbox: base.py).
OUTBOX_EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: the browser accepts them only with Secure, Path=/ and no Domain, so no
# subdomain (or a man in the middle over plain HTTP) can set or shadow them (ASVS 3.3.1).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Operations (docs/deployment.md "Operations"): the load balancer may probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# PostgreSQL connection pool (Django's psycopg pool), per process: sized in docs/deployment.md.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool("DB_POOL", default=True):
    from psycopg_pool import ConnectionPool

    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections instead
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=4),
        "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        "max_idle": 300,
        # A connection is checked before it is lent: after a PostgreSQL restart the pool's dead
        # connections are replaced, not handed to one request each (which would answer 503).
        "check": ConnectionPool.check_connection,
    }

# Structured logs: one JSON object a line with the request id, and one line per request.
LOGGING["handlers"]["console"]["formatter"] = env("LOG_FORMAT", default="json")
LOGGING["loggers"]["servicedesk.request"]["level"] = env("REQUEST_LOG_LEVEL", default="INFO")

# Sentry, only when SENTRY_DSN is set (errors of the web processes and of the Celery workers).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
    )

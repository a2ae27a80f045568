"""Test profile: fast hasher, tasks run immediately, locmem e-mail."""

import tempfile

from .base import *

SECRET_KEY = "test-only-not-secret"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# E-mails go through the outbox (conftest.py puts it back after Django's test set-up replaced
# EMAIL_BACKEND with locmem), delivered at once to locmem in the sender's transaction.
OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OUTBOX_DELIVER_AT_ONCE = True
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="servicedesk-test-media-")
# Tests serve no collected static files; WhiteNoise would only warn that STATIC_ROOT is empty.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
# Queue totals are read live in tests (no few-seconds cache between an action and its check).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "counts": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
DATABASES["default"]["CONN_MAX_AGE"] = 0

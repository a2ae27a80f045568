"""What `/readyz` checks: each returns None when the dependency answers, else the reason (never
raises). Bounded: a dependency that does not answer fails its check within a couple of seconds."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connections

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def _fail(name: str, exc: BaseException) -> str:
    logger.warning("readyz: %s unavailable: %s: %s", name, type(exc).__name__, exc)
    return f"{type(exc).__name__}: {exc}"[:200]


def database() -> str | None:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _fail("database", exc)
    return None


def cache() -> str | None:
    try:
        backend = caches["default"]
        key = f"servicedesk:readyz:{uuid.uuid4().hex}"
        backend.set(key, "1", timeout=10)
        ok = backend.get(key) == "1"
        backend.delete(key)
    except Exception as exc:
        return _fail("cache", exc)
    return None if ok else "the value written was not read back"


def uses_celery() -> bool:
    return settings.TASKS["default"]["BACKEND"].endswith("task_backends.CeleryBackend")


def broker() -> str | None:
    """The Celery broker (Redis) when production runs on Celery; the database queue otherwise
    (already checked with the database)."""
    if not uses_celery():
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        client.ping()
        client.close()
    except Exception as exc:
        return _fail("broker", exc)
    return None


def storage() -> str | None:
    """The attachment storage takes a file and gives it back."""
    try:
        backend = storages["default"]
        name = backend.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
        try:
            with backend.open(name) as handle:
                ok = handle.read() == b"ok"
        finally:
            backend.delete(name)
    except Exception as exc:
        return _fail("storage", exc)
    return None if ok else "the file written was not read back"


CHECKS = {"database": database, "cache": cache, "broker": broker, "storage": storage}

"""Django's Redis cache that keeps the site up while Redis is down (production's CACHES).

The cache only ever holds what can be lost: sessions (cached_db: the database has them), queue
totals, rate-limit counters. So a Redis error is logged and answered as a miss — `get` gives the
default, `set` does nothing, `add` says "added" (a rate limit lets the request through rather
than refuse everybody) — instead of failing every request with a 500 (issue 12's drill).
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = [0.0]


def _warn(operation: str, exc: BaseException) -> None:
    if time.monotonic() - _last_warning[0] > 10:  # one line every 10 s, not one per request
        _last_warning[0] = time.monotonic()
        logger.warning("cache unavailable (%s: %s): answering as a miss", operation, exc)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {
            **params,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, **params.get("OPTIONS", {})},
        }
        super().__init__(server, params)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except ERRORS as exc:
            _warn("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except ERRORS as exc:
            _warn("get_many", exc)
            return {}

    def set(self, key, value, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        try:
            return super().set(key, value, DEFAULT_TIMEOUT if timeout is ... else timeout, version)
        except ERRORS as exc:
            _warn("set", exc)
            return None

    def set_many(self, data, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        try:
            return super().set_many(data, DEFAULT_TIMEOUT if timeout is ... else timeout, version)
        except ERRORS as exc:
            _warn("set_many", exc)
            return list(data)

    def add(self, key, value, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        try:
            return super().add(key, value, DEFAULT_TIMEOUT if timeout is ... else timeout, version)
        except ERRORS as exc:
            _warn("add", exc)
            return True

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except ERRORS as exc:
            _warn("incr", exc)
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except ERRORS as exc:
            _warn("delete", exc)
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except ERRORS as exc:
            _warn("delete_many", exc)
            return None

    def touch(self, key, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        try:
            return super().touch(key, DEFAULT_TIMEOUT if timeout is ... else timeout, version)
        except ERRORS as exc:
            _warn("touch", exc)
            return False

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except ERRORS as exc:
            _warn("has_key", exc)
            return False

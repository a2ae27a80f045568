"""Fixed-window rate limits counted in Django's cache (Redis in production, so every process shares them).

``hit(bucket, limit=…, window=…)`` counts one event in the current window of `bucket` and answers
how many seconds to wait when the count is over `limit` (``None``: go ahead). Counting is one
atomic ``cache.add`` (the first event of a window) or ``cache.incr`` (the next ones): two requests
at the same instant never read the same count. A fixed window lets up to twice the limit through
across a window boundary; that is the price of one cache operation per event, and enough for
stopping floods (the login guard, which must be exact, counts in the database instead).

Users: the REST API (per token, per address, failed tokens per address), password-reset e-mails
(per account, per address), portal replies and ticket creation (per user, ``throttle_posts``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext, gettext_noop

KEY_PREFIX = "rate"
TOO_MANY_REQUESTS = gettext_noop(
    "Você fez muitas solicitações em pouco tempo. Nada foi alterado: aguarde {minutes} minuto(s) e tente de novo."
)

# The clock of the limiter; tests replace it (no sleeping).
clock: Callable[[], float] = time.time


def hit(bucket: str, *, limit: int, window: int = 60, cache_alias: str = "default") -> float | None:
    """Count one event in `bucket`'s current window of `window` seconds; seconds to wait when over `limit`.

    A `limit` of 0 (or less) disables the limit: nothing is counted.
    """
    if limit <= 0:
        return None
    cache = caches[cache_alias]
    now = clock()
    index = int(now // window)
    key = f"{KEY_PREFIX}:{bucket}:{window}:{index}"
    # The key outlives its window by a second so that a late incr never recreates it without a timeout.
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: this event opens the window again
            count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
    if count > limit:
        return max(1.0, (index + 1) * window - now)
    return None


def client_ip(request: HttpRequest) -> str:
    """The caller's address. Behind a reverse proxy, ``API_TRUSTED_PROXIES`` hops of X-Forwarded-For are trusted.

    With 0 (the default) the header is ignored and REMOTE_ADDR is the caller: right when gunicorn
    faces the clients, wrong behind a proxy (every client would share the proxy's address). With N,
    the N-th address from the right of X-Forwarded-For is taken: the one the outermost trusted proxy
    saw. A larger N than the real number of proxies lets clients choose their address.
    """
    hops = getattr(settings, "API_TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if hops and forwarded:
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))][:64]
    return (request.META.get("REMOTE_ADDR", "") or "unknown")[:64]


def too_many_requests(request: HttpRequest, wait: float):
    """The web answer over a limit: a Portuguese page, HTTP 429, ``Retry-After``."""
    seconds = math.ceil(wait)
    minutes = max(1, math.ceil(seconds / 60))
    message = gettext(TOO_MANY_REQUESTS).format(minutes=minutes)
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def throttle_posts(scope: str, *, limit_setting: str, window: int = 3600) -> Callable:
    """View decorator: at most ``settings.<limit_setting>`` POSTs per signed-in user and `window`.

    Over the limit the view does not run (nothing changes) and the person gets the 429 page.
    Anonymous requests pass through: the view sends them to the login page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and request.user.is_authenticated:
                limit = getattr(settings, limit_setting)
                wait = hit(f"{scope}:user:{request.user.pk}", limit=limit, window=window)
                if wait is not None:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

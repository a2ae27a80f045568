"""Who is calling: a personal access token (``Authorization: Bearer wcsd_…``) or the browser session.

Both resolve to the ``User``; the endpoints read it as ``request.auth``. A token also sits on
``request.api_token``. Rules:

* an unknown, malformed or revoked token → 401 (no fallback to the session: the caller meant the token);
* a ``read`` token on an unsafe method → 403;
* the session needs the CSRF token on unsafe methods (ninja's cookie auth checks it);
* staff who must verify a second factor (``REQUIRE_STAFF_2FA``) use the API only with a token
  created after that verification, or once the session is verified.

Rate limits (fixed one-minute windows in Django's cache, ``core/ratelimit.py``): per token (or per
session user) and per client address. Failed token attempts count in a bucket of their own per
address (``API_AUTH_FAILURES_PER_IP_PER_MINUTE``, stricter): a flood of garbage tokens gets 429
itself and never uses up the bucket of the valid callers behind the same address.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError, Throttled
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from servicedesk.accounts.permissions import effective_role, needs_two_factor_setup
from servicedesk.api.services import api_token_authenticate
from servicedesk.core import clock, ratelimit
from servicedesk.core.ratelimit import client_ip

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_INVALID = "Token inválido, expirado ou revogado."
TOKEN_READ_ONLY = "Este token é somente leitura: crie um token de leitura e escrita para alterar dados."
ACCOUNT_INACTIVE = "Sua conta não tem acesso à API."
TWO_FACTOR_REQUIRED = "Conclua a verificação em duas etapas no console antes de usar a API pela sessão."


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wcsd_<id>_<secret>``."""

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "")
        if header and not header.lower().startswith("bearer "):
            raise AuthenticationError(message=TOKEN_INVALID)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(raw=token.strip(), now=clock.now())
        if api_token is None:
            _count_failure(request)
            raise AuthenticationError(message=TOKEN_INVALID)
        if effective_role(api_token.user) is None:
            raise AuthenticationError(message=ACCOUNT_INACTIVE)
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise AuthorizationError(message=TOKEN_READ_ONLY)
        request.api_token = api_token  # type: ignore[attr-defined]
        request.user = api_token.user
        return api_token.user


class BrowserSessionAuth(SessionAuth):
    """Django's session cookie, CSRF enforced on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if effective_role(user) is None:
            raise AuthorizationError(message=ACCOUNT_INACTIVE)
        if needs_two_factor_setup(request):
            raise AuthorizationError(message=TWO_FACTOR_REQUIRED)
        request.api_token = None  # type: ignore[attr-defined]
        return user


def anonymous_auth(request: HttpRequest) -> Any:
    """The last resort of the few reads open to visitors (the knowledge base's public articles):
    no credentials at all → the anonymous user. A token or session that fails still answers 401/403,
    because the callbacks before this one raise."""
    return AnonymousUser()


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()
AUTH = [token_auth, session_auth]


# --------------------------------------------------------------------------- rate limits


WINDOW = 60


def _hit(bucket: str, limit: int) -> float | None:
    """Count one request in the current minute of `bucket`; seconds to wait when over `limit`."""
    return ratelimit.hit(f"api:{bucket}", limit=limit, window=WINDOW)


def _count_failure(request: HttpRequest) -> None:
    wait = _hit(f"auth-failures:ip:{client_ip(request)}", settings.API_AUTH_FAILURES_PER_IP_PER_MINUTE)
    if wait is not None:
        raise Throttled(wait=math.ceil(wait))


class _Throttle(BaseThrottle):
    # ninja shares throttle instances between threads: keep the last wait per thread.
    _state = threading.local()

    def wait(self) -> float | None:
        return getattr(self._state, "wait", None)

    def _check(self, bucket: str, limit: int) -> bool:
        self._state.wait = _hit(bucket, limit)
        return self._state.wait is None


class IpThrottle(_Throttle):
    def allow_request(self, request: HttpRequest) -> bool:
        return self._check(f"ip:{client_ip(request)}", settings.API_RATE_LIMIT_PER_IP_PER_MINUTE)


class TokenThrottle(_Throttle):
    """Per token; a browser session counts as one "token" per user."""

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "api_token", None)
        if token is None and not request.user.is_authenticated:
            return True  # a visitor (public knowledge-base reads): the address limit counts them
        bucket = f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"
        return self._check(bucket, settings.API_RATE_LIMIT_PER_MINUTE)


THROTTLES = [IpThrottle(), TokenThrottle()]

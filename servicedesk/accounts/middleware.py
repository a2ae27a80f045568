"""Idle session timeout: a signed-in session ends after a while without requests.

``SESSION_IDLE_TIMEOUT_STAFF`` (30 minutes: staff reach every organization's tickets and the
back office) and ``SESSION_IDLE_TIMEOUT_CUSTOMER`` (8 hours: a working day at the portal).

``SESSION_SAVE_EVERY_REQUEST`` would move the expiry forward on every request at the price of
one session write (cache and database) per request. Here the session remembers when its expiry
was last moved (``_idle_seen``) and moves it again only when ``SESSION_IDLE_REFRESH_SECONDS``
(60) have passed: an active session costs one write a minute. The price is precision: the session
ends between ``timeout − refresh`` and ``timeout`` after the last request. The expiry is also
enforced here (not only by the session store), so a store that keeps rows longer changes nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

from servicedesk.accounts.permissions import is_staff_user
from servicedesk.core import clock

SEEN_KEY = "_idle_seen"


def idle_timeout_for(user) -> int:
    if user.is_staff or is_staff_user(user):
        return settings.SESSION_IDLE_TIMEOUT_STAFF
    return settings.SESSION_IDLE_TIMEOUT_CUSTOMER


def _touch(request, now: int) -> None:
    request.session[SEEN_KEY] = now
    request.session.set_expiry(idle_timeout_for(request.user))


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(clock.now().timestamp())
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            seen = session.get(SEEN_KEY)
            if seen is not None and now - seen > idle_timeout_for(request.user):
                logout(request)  # flushes the session; this request continues anonymous
                if not request.path_info.startswith("/api/"):
                    messages.info(request, _("Sua sessão terminou por inatividade. Entre novamente."))
            elif seen is None or now - seen >= settings.SESSION_IDLE_REFRESH_SECONDS:
                _touch(request, now)
        response = self.get_response(request)
        # The request that logged in: start the clock now, not at the next request. Only a session
        # login counts: an API call with a Bearer token also sets request.user, and must not get a
        # session (nor a cookie) for it.
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) is not None and SEEN_KEY not in session:
            _touch(request, now)
        return response

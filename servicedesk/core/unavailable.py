"""The database does not answer (PostgreSQL restarting, the pool exhausted): a clear 503 with
Retry-After instead of a 500 — a pt-BR page in the web UI, problem+json under /api/.

Nothing was changed by such a request: every write is one transaction, rolled back with the
error. Three places turn the error into the 503 (each a test in core/tests/test_unavailable.py):
`DatabaseUnavailableMiddleware.process_exception` for a view's error, `server_error`
(config/urls.py handler500) for one raised in a middleware (the session, the user), and the API's
own handler (api/errors.py), since django-ninja answers its views' exceptions itself."""

from __future__ import annotations

import json
import logging
import sys

from django import db
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext, gettext_noop
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 15
DETAIL_UNAVAILABLE = gettext_noop(
    "O serviço está temporariamente indisponível (banco de dados fora do ar). Nada foi alterado; "
    "tente novamente em alguns segundos."
)
API_PREFIX = "/api/"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """The database connection failed or was lost (OperationalError, InterfaceError — psycopg's
    PoolTimeout reaches us as an OperationalError), not a bad query (ProgrammingError,
    IntegrityError), which stays a bug or a rule's error."""
    if isinstance(exc, (db.OperationalError, db.InterfaceError)):
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - SQLite-only installs
        return False
    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError))


def unavailable_response(request) -> HttpResponse:
    detail = gettext(DETAIL_UNAVAILABLE)
    if request.path_info.startswith(API_PREFIX):
        body = {
            "type": "/api/v1/problems/service-unavailable",
            "title": gettext("Serviço indisponível"),
            "status": 503,
            "detail": detail,
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), status=503, content_type="application/problem+json"
        )
    else:
        # Rendered without the request: no context processor (the user, the menus) reads the database.
        response = HttpResponse(loader.render_to_string("503.html", {"message": detail}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def log_unavailable(request, exc: BaseException) -> None:
    logger.warning(
        "database unavailable: %s %s answered 503 (%s: %s)", request.method, request.path, type(exc).__name__, exc
    )


class DatabaseUnavailableMiddleware:
    """A view that lost the database answers 503 (the transaction already rolled back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log_unavailable(request, exception)
        return unavailable_response(request)


def server_error(request, *args, **kwargs):
    """handler500: an error raised outside a view (a middleware reading the session or the user)
    is still a 503 when it is the database that failed; anything else is Django's plain 500."""
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        log_unavailable(request, exc)
        return unavailable_response(request)
    return defaults.server_error(request, *args, **kwargs)

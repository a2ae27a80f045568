"""Every API error as RFC 9457 ``application/problem+json`` with a pt-BR ``detail``.

Shape: ``{"type", "title", "status", "detail", "errors": [{"field", "reason"}]}``; ``type`` is a
URI under ``/api/v1/problems/`` naming the kind of problem (stable, for client code).
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError as DjangoInterfaceError
from django.db import OperationalError as DjangoOperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views import csrf as django_csrf
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from servicedesk.core import unavailable
from servicedesk.core.errors import DomainError, ServiceUnavailable, TooManyRequests

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "/api/v1/problems/"

TITLES = {
    400: "Requisição inválida",
    401: "Não autenticado",
    403: "Acesso negado",
    404: "Não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    413: "Conteúdo grande demais",
    415: "Tipo de conteúdo não suportado",
    422: "Dados inválidos",
    429: "Muitas requisições",
    500: "Erro interno",
    503: "Serviço indisponível",
}
DETAIL_UNAUTHENTICATED = (
    "Autentique-se com a sessão do navegador ou com um token pessoal no cabeçalho “Authorization: Bearer …”."
)
DETAIL_FORBIDDEN = "Você não tem permissão para esta operação."
DETAIL_NOT_FOUND = "Recurso não encontrado."
DETAIL_METHOD = "Método {method} não permitido neste endereço."
DETAIL_THROTTLED = "Limite de requisições atingido. Tente novamente em {wait} segundos."
DETAIL_INVALID = "Alguns campos são inválidos. Veja a lista em “errors”."
DETAIL_SERVER = "Erro interno. A equipe WeConnect foi avisada; tente novamente mais tarde."
DETAIL_CSRF = "Verificação CSRF falhou: envie o cabeçalho X-CSRFToken com o valor do cookie {cookie}."
DETAIL_TOO_BIG = "Corpo da requisição grande demais (máximo {max_kib} KiB). Envie textos menores; arquivos vão por POST /attachments."
DETAIL_TOO_MANY_FIELDS = "Campos ou arquivos demais na mesma requisição."

# pydantic error type → pt-BR reason
REASONS = {
    "missing": "Campo obrigatório.",
    "extra_forbidden": "Campo desconhecido ou que você não pode definir.",
    "timezone_aware": "Informe data e hora com fuso horário (ISO 8601 com offset, ex.: 2026-03-02T10:00:00-03:00).",
    "datetime_parsing": "Data e hora inválidas: use ISO 8601 com offset (ex.: 2026-03-02T10:00:00-03:00).",
    "datetime_from_date_parsing": "Data e hora inválidas: use ISO 8601 com offset (ex.: 2026-03-02T10:00:00-03:00).",
    "datetime_type": "Data e hora inválidas: use ISO 8601 com offset.",
    "int_parsing": "Informe um número inteiro.",
    "int_type": "Informe um número inteiro.",
    "float_parsing": "Informe um número.",
    "string_type": "Informe um texto.",
    "string_too_long": "Texto longo demais (máximo {max_length} caracteres).",
    "string_too_short": "Texto curto demais.",
    "literal_error": "Valor não aceito. Valores possíveis: {expected}.",
    "enum": "Valor não aceito. Valores possíveis: {expected}.",
    "bool_parsing": "Informe true ou false.",
    "json_invalid": "JSON inválido.",
    "model_attributes_type": "O corpo deve ser um objeto JSON.",
    "dict_type": "O corpo deve ser um objeto JSON.",
    "list_type": "Informe uma lista.",
    "greater_than_equal": "Valor pequeno demais (mínimo {ge}).",
    "greater_than": "Valor pequeno demais (deve ser maior que {gt}).",
    "less_than_equal": "Valor grande demais (máximo {le}).",
    "less_than": "Valor grande demais.",
    "value_error": "{msg}",
}


def problem(
    status: int, detail: str, *, kind: str | None = None, errors: list[dict] | None = None, **extra: Any
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (kind or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": TITLES.get(status) or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE)


def _field_name(loc: list | tuple) -> str:
    # ninja's loc is ("body", "payload", "field", ...) / ("query", "name") / ("path", "number")
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form", "file", "cookie"):
        parts = parts[1:]
        if len(parts) > 1 and parts[0] in ("payload", "data", "filters", "params"):
            parts = parts[1:]
    return ".".join(parts) or "body"


def _reason(error: dict) -> str:
    template = REASONS.get(error.get("type", ""))
    ctx = {**(error.get("ctx") or {}), "msg": error.get("msg", "")}
    if template is None:
        return "Valor inválido."
    try:
        text = template.format(**ctx)
    except (KeyError, IndexError):
        text = template.split(" {")[0]
    return text.removeprefix("Value error, ")


def validation_errors(errors: list[dict]) -> list[dict]:
    return [{"field": _field_name(e.get("loc", ())), "reason": _reason(e)} for e in errors]


def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problem(422, DETAIL_INVALID, kind="validation", errors=validation_errors(exc.errors))


def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    errors = [{"field": field, "reason": reason} for field, reason in (exc.fields or {}).items()]
    response = problem(exc.status_code, exc.message, kind=exc.code.replace("_", "-"), errors=errors or None)
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    elif isinstance(exc, ServiceUnavailable):  # the storage…: as for the database, try again soon
        response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


def on_request_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (or too many fields) when it is read."""
    if isinstance(exc, RequestDataTooBig):
        max_kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        return problem(413, DETAIL_TOO_BIG.format(max_kib=max_kib), kind="request-too-large")
    return problem(413, DETAIL_TOO_MANY_FIELDS, kind="request-too-large")


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc, Throttled):
        wait = int(exc.wait or 60) + (1 if exc.wait and exc.wait % 1 else 0)
        return problem(429, DETAIL_THROTTLED.format(wait=wait), kind="rate-limited")
    if isinstance(exc, AuthenticationError):
        detail = exc.message if exc.message != "Unauthorized" else DETAIL_UNAUTHENTICATED
        response = problem(401, detail, kind="unauthenticated")
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response
    if isinstance(exc, AuthorizationError):
        return problem(403, exc.message if exc.message != "Forbidden" else DETAIL_FORBIDDEN, kind="forbidden")
    if status == 403 and exc.message == "CSRF check Failed":
        return problem(403, DETAIL_CSRF.format(cookie=settings.CSRF_COOKIE_NAME), kind="csrf")
    return problem(status, exc.message, kind=None)


def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, DETAIL_NOT_FOUND, kind="not-found")


def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Erro não tratado na API: %s %s", request.method, request.path, exc_info=exc)
    if settings.DEBUG and getattr(settings, "API_DEBUG_RAISE", False):
        raise exc
    return problem(500, DETAIL_SERVER, kind="server-error")


def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database does not answer (restarting, the pool exhausted): 503 + Retry-After, not a
    500; the request's transaction rolled back, nothing changed."""
    unavailable.log_unavailable(request, exc)
    response = problem(503, gettext(unavailable.DETAIL_UNAVAILABLE), kind="service-unavailable")
    response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(Exception, on_unexpected)
    api.add_exception_handler(DjangoOperationalError, on_database_unavailable)
    api.add_exception_handler(DjangoInterfaceError, on_database_unavailable)
    api.add_exception_handler(Http404, on_not_found)
    for too_big in (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
        api.add_exception_handler(too_big, on_request_too_big)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(DomainError, on_domain_error)


# Plain Django views for what ninja never sees (unknown paths, wrong methods under /api/v1/).


@csrf_exempt  # it changes nothing: a Bearer DELETE to an unknown path is a 404, not a CSRF page
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem(404, DETAIL_NOT_FOUND, kind="not-found")


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
    response = problem(405, DETAIL_METHOD.format(method=request.method), kind="method-not-allowed")
    response["Allow"] = ", ".join(allowed)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: problem+json under /api/, Django's own page everywhere else."""
    if request.path_info.startswith("/api/"):
        return problem(403, DETAIL_CSRF.format(cookie=settings.CSRF_COOKIE_NAME), kind="csrf")
    return django_csrf.csrf_failure(request, reason=reason)

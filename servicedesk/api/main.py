"""The one NinjaAPI of the service desk: /api/v1/ (spec at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

from servicedesk.api import errors
from servicedesk.api.auth import AUTH, THROTTLES
from servicedesk.api.routers import advisory, attachments, documents, knowledge, reference, suggestions, tickets
from servicedesk.api.routers import reports as reports_router
from servicedesk.tickets.attachments import BINARY_TYPES, TEXT_TYPE

DOWNLOAD_TYPES = BINARY_TYPES | {TEXT_TYPE}

DESCRIPTION = """\
API da WeConnect Service Desk: as mesmas regras do portal e do console, pela mesma camada de serviços.

**Autenticação**: a sessão do navegador (com o cabeçalho `X-CSRFToken` nos métodos que alteram dados)
ou um token pessoal em `Authorization: Bearer wcsd_…` (crie em /tokens/). Tokens *somente leitura*
recebem 403 em métodos que alteram dados; tokens revogados, 401.

**Erros**: `application/problem+json` (RFC 9457) com `detail` em português e, para campos inválidos,
`errors: [{field, reason}]`. Campos desconhecidos no corpo são recusados (422).

**Datas**: ISO 8601 com fuso (`2026-03-02T10:00:00-03:00`); datas sem fuso são recusadas (422).
As respostas vêm no horário de Brasília.

**Paginação**: por cursor (`next_cursor` → `?cursor=`). **Limites**: por token e por endereço; acima
deles, 429 com `Retry-After`. **Idempotência**: `POST /tickets` aceita `Idempotency-Key`.
"""


class VendoredSwagger(DocsBase):
    """Swagger UI from static/vendor/swagger-ui/ (browsers without internet access still get the docs)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {"url": self.get_openapi_url(api, kwargs), "dom_id": "#swagger-ui", "deepLinking": True}
        return render(request, "api/docs.html", {"api": api, "swagger_settings": settings})


class ServiceDeskAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return _problem_responses(schema)


def _problem_responses(schema: dict) -> dict:
    """Errors are application/problem+json; 429 carries Retry-After; downloads are binary."""
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(code) >= 400 and "application/json" in content:
                    response["content"] = {errors.PROBLEM_CONTENT_TYPE: content["application/json"]}
                if int(code) == 429:
                    response["headers"] = {
                        "Retry-After": {
                            "description": "Segundos até o limite de requisições ser renovado.",
                            "schema": {"type": "integer"},
                        }
                    }
            if operation.get("operationId") == "attachments_download":
                binary = {"schema": {"type": "string", "format": "binary"}}
                # ninja keys responses by int: replace its 200, or the JSON gets "200" twice (and
                # Swagger UI refuses the whole document: "duplicated mapping key").
                operation["responses"].pop(200, None)
                operation["responses"]["200"] = {
                    "description": "O arquivo, com o tipo detectado pelo conteúdo no envio.",
                    "content": dict.fromkeys(sorted(DOWNLOAD_TYPES), binary),
                }
    return schema


api = ServiceDeskAPI(
    title="WeConnect Service Desk API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=AUTH,
    throttle=THROTTLES,
    docs=VendoredSwagger(),
)
errors.install(api)
api.add_router("", reference.router)
api.add_router("", tickets.router)
api.add_router("", attachments.router)
api.add_router("", advisory.router)
api.add_router("", documents.router)
api.add_router("", suggestions.router)
api.add_router("", knowledge.router)
api.add_router("", reports_router.router)

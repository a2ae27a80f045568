"""Product documentation (issue 10): the documents of the caller's licensed products, the staff's
upload (multipart, the same content checks as attachments) and the access-checked, logged download.

Each endpoint: parse, one access function or selector of `documents`, one service, respond. A
customer asking for a document of a product its organization does not license (or another
organization's) gets 404; a customer uploading gets 403 (staff only).
"""

from __future__ import annotations

from typing import Annotated, Literal

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Path, Query, Router, Status
from ninja.files import UploadedFile

from servicedesk.api.schemas.common import MAX_ID, Problem, responses
from servicedesk.api.schemas.documents import DocumentFilters, DocumentOut, DocumentPage, document_out
from servicedesk.api.selectors import Keyset
from servicedesk.catalog.selectors import supported_release_ids
from servicedesk.core import clock
from servicedesk.core.ratelimit import client_ip
from servicedesk.documents import services
from servicedesk.documents.access import access_document
from servicedesk.documents.selectors import document_list_for
from servicedesk.tickets.attachments import BINARY_TYPES, TEXT_TYPE

router = Router(tags=["Documentação dos produtos"])

DocumentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id do documento.")]
Kind = Literal["manual", "notas-de-versao", "leiaute", "outro"]
# Newest first: ids grow with the uploads, so the page is an index range scan.
DOCUMENT_KEYSET = Keyset("documents", "id", descending=True)
UNAVAILABLE = {503: Problem}
_BINARY = {"schema": {"type": "string", "format": "binary"}}
DOWNLOAD_SPEC = {
    "responses": {
        200: {
            "description": "O arquivo, com o tipo detectado pelo conteúdo no envio (sempre como anexo).",
            "content": dict.fromkeys(sorted(BINARY_TYPES | {TEXT_TYPE}), _BINARY),
        }
    }
}


@router.get(
    "/documents",
    response=responses({200: DocumentPage}),
    operation_id="documents_list",
    summary="Documentos dos produtos",
)
def documents_list(request: HttpRequest, filters: Query[DocumentFilters]):
    """Clientes: os documentos dos produtos que a organização licencia (a licença é conferida a cada
    requisição); equipe WeConnect: todos, inclusive os retirados. Mais novos primeiro, por cursor."""
    documents = document_list_for(request.auth, product_id=filters.product)
    items, next_cursor = DOCUMENT_KEYSET.page(documents, cursor=filters.cursor, limit=filters.limit)
    supported = supported_release_ids()
    return {"items": [document_out(d, supported=supported) for d in items], "next_cursor": next_cursor}


@router.post(
    "/documents",
    response=responses({201: DocumentOut, **UNAVAILABLE}),
    operation_id="documents_upload",
    summary="Publicar documento",
)
def documents_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    title: Form[str],
    product: Annotated[int, Form(..., ge=1, le=MAX_ID, description="Id do produto.")],
    release: Annotated[int | None, Form(None, ge=1, le=MAX_ID, description="Id de uma versão do produto.")] = None,
    kind: Form[Kind] = "manual",
):
    """Equipe WeConnect (analistas, gestores, administradores). Multipart: `file`, `title`, `product`,
    `release` (opcional, uma versão do mesmo produto), `kind`. O tipo do arquivo é conferido pelo
    conteúdo, como nos anexos (PDF, texto, ZIP, imagens); 422 para arquivo recusado ou versão de outro produto."""
    document = services.document_upload(
        actor=request.auth, title=title, kind=kind, product=product, release=release, upload=file, now=clock.now()
    )
    return Status(201, document_out(access_document(request.auth, document.pk), supported=supported_release_ids()))


@router.get(
    "/documents/{document_id}",
    response=responses({200: DocumentOut}),
    operation_id="documents_get",
    summary="Documento",
)
def documents_get(request: HttpRequest, document_id: DocumentId):
    return document_out(access_document(request.auth, document_id), supported=supported_release_ids())


@router.get(
    "/documents/{document_id}/download",
    response=responses({200: None, **UNAVAILABLE}),
    operation_id="documents_download",
    summary="Baixar documento",
    openapi_extra=DOWNLOAD_SPEC,
)
def documents_download(request: HttpRequest, document_id: DocumentId):
    """O arquivo, se o produto for licenciado pela organização (a cada download); cada download é registrado."""
    document, handle = services.document_download(
        user=request.auth, document_id=document_id, address=client_ip(request), now=clock.now()
    )
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

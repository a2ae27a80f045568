"""Product documentation: documents of the licensed products, their filters and pages."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import MAX_ID, CleanIn, DateTimeOut, Ref


class ReleaseRef(Schema):
    id: int
    version: str
    supported: bool = Field(..., description="A versão mais recente do produto ou o patch anterior (versão suportada).")


class DocumentOut(Schema):
    id: int
    title: str
    kind: str = Field(..., description="manual, notas-de-versao, leiaute ou outro.")
    product: Ref
    release: ReleaseRef | None = Field(..., description="null: vale para todas as versões do produto.")
    file_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: DateTimeOut
    withdrawn_at: DateTimeOut | None = Field(..., description="Só a equipe vê documentos retirados.")
    download_url: str


class DocumentFilters(CleanIn):
    product: int | None = Field(None, ge=1, le=MAX_ID, description="Id do produto (GET /catalog/products).")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class DocumentPage(Schema):
    items: list[DocumentOut]
    next_cursor: str | None


def document_out(document, *, supported: set[int]) -> dict:
    release = document.release
    return {
        "id": document.pk,
        "title": document.title,
        "kind": document.kind,
        "product": {"id": document.product_id, "name": document.product.name},
        "release": (
            {"id": release.pk, "version": release.version, "supported": release.pk in supported} if release else None
        ),
        "file_name": document.original_name,
        "content_type": document.content_type,
        "size": document.size,
        "sha256": document.sha256,
        "uploaded_at": document.uploaded_at,
        "withdrawn_at": document.withdrawn_at,
        "download_url": f"/api/v1/documents/{document.pk}/download",
    }

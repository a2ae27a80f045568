"""Uploads (checked, waiting to be attached) and access-checked downloads."""

from __future__ import annotations

from typing import Annotated

from django.http import FileResponse, HttpRequest
from ninja import File, Path, Router, Status
from ninja.files import UploadedFile

from servicedesk.api import services
from servicedesk.api.schemas.common import MAX_ID, responses
from servicedesk.api.schemas.reference import UploadOut
from servicedesk.core import clock
from servicedesk.tickets.access import access_attachment

router = Router(tags=["Anexos"])
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id do anexo (campo attachments[].id das mensagens).")]


def _upload_out(pending) -> dict:
    return {
        "id": pending.pk,
        "name": pending.original_name,
        "content_type": pending.content_type,
        "size": pending.size,
        "sha256": pending.sha256,
        "created_at": pending.created_at,
    }


@router.post(
    "/attachments", response=responses({201: UploadOut}), operation_id="attachments_upload", summary="Enviar anexo"
)
def attachments_upload(request: HttpRequest, file: File[UploadedFile]):
    """Envia um arquivo (multipart, campo `file`). As mesmas verificações do portal: tipo pelo conteúdo,
    tamanho máximo, imagens íntegras. O id devolvido é usado em `attachments` ao abrir um chamado ou comentar."""
    pending = services.pending_upload_create(user=request.auth, upload=file, now=clock.now())
    return Status(201, _upload_out(pending))


@router.get(
    "/attachments/{attachment_id}",
    response=responses({200: bytes}),
    operation_id="attachments_download",
    summary="Baixar anexo",
)
def attachments_download(request: HttpRequest, attachment_id: AttachmentId):
    """O arquivo, se o chamado for visível ao usuário (anexos internos: só a equipe WeConnect)."""
    attachment = access_attachment(request.auth, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

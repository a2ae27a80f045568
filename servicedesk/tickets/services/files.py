"""Files on tickets: every upload is checked before anything is written (all or nothing), then
stored outside the web root under its content hash (`tickets.models.attachment_path`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.core.errors import ServiceUnavailable
from servicedesk.tickets.attachments import CheckedUpload, check_upload
from servicedesk.tickets.models import Attachment, Comment, Ticket

logger = logging.getLogger(__name__)
STORAGE_UNAVAILABLE = gettext_noop(
    "Não foi possível guardar o arquivo agora: nada foi salvo. Tente novamente em alguns minutos."
)


def check_uploads(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, CheckedUpload]]:
    """Check every file first: one refused file (`DomainError`, field "files") refuses them all."""
    return [(upload, check_upload(upload)) for upload in files]


def store_attachment(
    *,
    ticket: Ticket,
    uploader: User,
    upload: UploadedFile,
    info: CheckedUpload,
    now: datetime,
    comment: Comment | None = None,
    internal: bool = False,
) -> Attachment:
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        uploaded_by=uploader,
        original_name=info.name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        is_internal=internal,
        created_at=now,
    )
    try:
        attachment.file.save(info.sha256, upload, save=False)
    except OSError as exc:  # the storage is full, read-only or gone: the caller's transaction rolls back
        logger.error("attachment storage unavailable: %s: %s", type(exc).__name__, exc)
        raise ServiceUnavailable(STORAGE_UNAVAILABLE, code="storage_unavailable", field="files") from exc
    attachment.save()
    return attachment

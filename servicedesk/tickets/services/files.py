"""Files on tickets: every upload is checked before anything is written (all or nothing), then
stored outside the web root under its content hash (`tickets.models.attachment_path`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
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
    store_file(attachment.file, info.sha256, upload, field="files")
    attachment.save()
    return attachment


def store_file(field_file, name: str, content, *, field: str) -> None:
    """Write an upload to its storage (`FieldFile.save(..., save=False)`); a storage that is full,
    read-only or gone is a `ServiceUnavailable` (503, STORAGE_UNAVAILABLE on `field`) and nothing
    was stored: the caller's transaction rolls back. Ticket attachments, the API's pending
    uploads and the knowledge base's images all store through here."""
    try:
        field_file.save(name, content, save=False)
    except OSError as exc:
        logger.error("attachment storage unavailable: %s: %s", type(exc).__name__, exc)
        raise ServiceUnavailable(STORAGE_UNAVAILABLE, code="storage_unavailable", field=field) from exc


def save_row_or_remove_file(row, field_file) -> None:
    """Save the row of a file just stored; if the row does not make it, the file is removed (no
    file without its row)."""
    try:
        with transaction.atomic():
            row.save()
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise

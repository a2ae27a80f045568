"""Images of article bodies: uploaded by writers, checked by content like ticket attachments
(type from the bytes, never the name; Pillow verifies the image and refuses decompression bombs),
stored under a name made of their digest, served by `knowledge.access.access_article_image`."""

from __future__ import annotations

from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts import permissions
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.knowledge.models import Article, ArticleImage
from servicedesk.knowledge.services.articles import WRITERS_ONLY
from servicedesk.tickets.attachments import IMAGE_TYPES, check_upload
from servicedesk.tickets.services.files import save_row_or_remove_file, store_file

IMAGE_REQUIRED = gettext_noop("Escolha uma imagem para enviar.")
IMAGE_TYPE_REFUSED = gettext_noop("“{name}” não é uma imagem aceita: envie PNG, JPEG, GIF ou WebP.")


@transaction.atomic
def article_image_upload(*, article: Article, actor, upload: UploadedFile | None, now: datetime) -> ArticleImage:
    if not permissions.can(actor, "knowledge.write"):
        raise NotAllowed(WRITERS_ONLY)
    if upload is None:
        raise DomainError(IMAGE_REQUIRED, field="image")
    info = check_upload(upload)
    if info.content_type not in IMAGE_TYPES:
        raise DomainError(gettext(IMAGE_TYPE_REFUSED).format(name=info.name), field="image")
    image = ArticleImage(
        article=article,
        original_name=info.name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor,
        created_at=now,
    )
    store_file(image.file, info.sha256, upload, field="image")  # storage down: a clear error, nothing kept
    save_row_or_remove_file(image, image.file)
    return image

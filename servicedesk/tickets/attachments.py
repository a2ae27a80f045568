"""Upload checks: type by content (never by name), size limit, image bombs refused."""

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext, gettext_noop
from PIL import Image

from servicedesk.core.errors import DomainError

ATTACHMENT_TOO_LARGE = gettext_noop("O arquivo “{name}” excede o limite de {limit} MB.")
ATTACHMENT_TYPE_REFUSED = gettext_noop(
    "O tipo do arquivo “{name}” não é aceito. Envie imagens (PNG, JPEG, GIF, WebP), PDF, texto/log ou ZIP."
)
ATTACHMENT_IMAGE_INVALID = gettext_noop("A imagem “{name}” está corrompida ou é grande demais para ser processada.")
ATTACHMENT_EMPTY = gettext_noop("O arquivo “{name}” está vazio.")

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
BINARY_TYPES = IMAGE_TYPES | {"application/pdf", "application/zip"}
TEXT_TYPE = "text/plain"
# Text that a browser would render as markup is never accepted as "text": it could be
# served somewhere inline one day, and then it is a stored XSS.
_MARKUP_MARKERS = (b"<svg", b"<html", b"<!doctype", b"<script", b"<?xml", b"<body", b"<iframe")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    name: str


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample end is still text.
        if exc.start < len(head) - 4:
            try:
                head.decode("latin-1")
            except UnicodeDecodeError:
                return False
    lowered = head.lower()
    return not any(marker in lowered for marker in _MARKUP_MARKERS)


def check_upload(upload: UploadedFile) -> CheckedUpload:
    name = (upload.name or "arquivo").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    size = upload.size or 0
    if size == 0:
        raise DomainError(gettext(ATTACHMENT_EMPTY).format(name=name), field="files")
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise DomainError(gettext(ATTACHMENT_TOO_LARGE).format(name=name, limit=limit // (1024 * 1024)), field="files")
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    content_type = kind.mime if kind else None
    if content_type not in BINARY_TYPES:
        if content_type is None and _looks_like_text(head):
            content_type = TEXT_TYPE
        else:
            raise DomainError(gettext(ATTACHMENT_TYPE_REFUSED).format(name=name), field="files")
    if content_type in IMAGE_TYPES:
        _check_image(upload, name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type=content_type, size=size, sha256=digest.hexdigest(), name=name)


def _check_image(upload: UploadedFile, name: str) -> None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > settings.ATTACHMENT_MAX_PIXELS:
                raise DomainError(gettext(ATTACHMENT_IMAGE_INVALID).format(name=name), field="files")
            image.verify()
    except DomainError:
        raise
    except Exception as exc:  # Pillow raises many kinds for broken or hostile files
        raise DomainError(gettext(ATTACHMENT_IMAGE_INVALID).format(name=name), field="files") from exc

"""Every write of the product documentation: upload, withdraw, delete, and the logged download.

Uploads are the staff's (`documents.publish`: analysts, managers, administrators). A file is
checked by content exactly as ticket attachments are (`tickets.attachments.check_upload`: the
type from its bytes, never from its name; the same size limit, ATTACHMENT_MAX_BYTES), and stored
like them under its hash. Nothing is half-saved: every field is checked before the file is
written; if the file cannot be stored there is no row, and if the row cannot be written the
stored file is removed. A deleted document's file goes once the deletion is committed.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts import permissions
from servicedesk.catalog.models import Product, Release
from servicedesk.core.errors import DomainError, NotAllowed, NotFound
from servicedesk.documents.access import DOCUMENT_NOT_FOUND, access_document
from servicedesk.documents.files import safe_filename
from servicedesk.documents.models import Document, DocumentDownload, DocumentKind
from servicedesk.tickets.attachments import check_upload

logger = logging.getLogger(__name__)

PUBLISHERS_ONLY = gettext_noop("Somente analistas, gestores e administradores publicam documentos.")
TITLE_REQUIRED = gettext_noop("Informe o título do documento.")
TITLE_TOO_LONG = gettext_noop("O título pode ter no máximo 200 caracteres.")
TITLE_INVALID = gettext_noop("O título não pode conter caracteres de controle.")
KIND_INVALID = gettext_noop("Escolha o tipo: manual, notas de versão, leiaute de arquivo ou outro.")
PRODUCT_REQUIRED = gettext_noop("Escolha o produto do documento.")
PRODUCT_UNKNOWN = gettext_noop("Produto desconhecido.")
RELEASE_UNKNOWN = gettext_noop("Versão desconhecida.")
RELEASE_NOT_OF_PRODUCT = gettext_noop("A versão escolhida não é do produto do documento.")
FILE_REQUIRED = gettext_noop("Escolha o arquivo do documento.")
STORAGE_FAILED = gettext_noop("Não foi possível guardar o arquivo agora; nada foi salvo. Tente novamente.")
FILE_UNAVAILABLE = gettext_noop("O arquivo deste documento não está disponível. Avise a equipe WeConnect.")
ALREADY_WITHDRAWN = gettext_noop("Este documento já foi retirado.")

MAX_TITLE = 200


class StorageUnavailable(DomainError):
    """The file store refused the write: nothing was saved, the caller may try again."""

    status_code = 503
    code = "storage_unavailable"


def _ensure_publisher(actor) -> None:
    if not permissions.can(actor, "documents.publish"):
        raise NotAllowed(PUBLISHERS_ONLY)


def _clean_title(title) -> str:
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        raise DomainError(TITLE_REQUIRED, field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(TITLE_TOO_LONG, field="title")
    if any(ord(c) < 32 or ord(c) == 127 for c in title):
        raise DomainError(TITLE_INVALID, field="title")
    return title


def _id_of(value) -> int | None:
    if value is None or value == "":
        return None
    pk = getattr(value, "pk", value)
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return -1
    return pk if 0 < pk < 2**63 else -1


def _product(value) -> Product:
    pk = _id_of(value)
    if pk is None:
        raise DomainError(PRODUCT_REQUIRED, field="product")
    product = Product.objects.filter(pk=pk).first()
    if product is None:
        raise DomainError(PRODUCT_UNKNOWN, field="product")
    return product


def _release(value, product: Product) -> Release | None:
    pk = _id_of(value)
    if pk is None:
        return None
    release = Release.objects.filter(pk=pk).first()
    if release is None:
        raise DomainError(RELEASE_UNKNOWN, field="release")
    if release.product_id != product.pk:
        raise DomainError(RELEASE_NOT_OF_PRODUCT, field="release")
    return release


def document_upload(
    *,
    actor,
    title: str,
    product: Product | int | None,
    upload: UploadedFile | None,
    now: datetime,
    kind: str = DocumentKind.MANUAL,
    release: Release | int | None = None,
) -> Document:
    """Check everything, store the file, write the row; a refusal (`DomainError`, per field:
    title, kind, product, release, file) stores nothing."""
    _ensure_publisher(actor)
    title = _clean_title(title)
    if kind not in DocumentKind.values:
        raise DomainError(KIND_INVALID, field="kind")
    product = _product(product)
    release = _release(release, product)
    if upload is None:
        raise DomainError(FILE_REQUIRED, field="file")
    try:
        info = check_upload(upload)
    except DomainError as exc:
        raise DomainError(exc.message, field="file") from exc
    document = Document(
        title=title,
        kind=kind,
        product=product,
        release=release,
        original_name=safe_filename(info.name),
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
        uploaded_by=actor,
        uploaded_at=now,
    )
    try:
        document.file.save(info.sha256, upload, save=False)
    except OSError as exc:
        logger.exception("Falha ao guardar o arquivo do documento %r", title)
        raise StorageUnavailable(STORAGE_FAILED, field="file") from exc
    try:
        with transaction.atomic():
            document.save()
    except BaseException:
        # The row did not make it: the file must not stay behind, unreferenced.
        document.file.storage.delete(document.file.name)
        raise
    return document


@transaction.atomic
def document_withdraw(*, document: Document, actor, now: datetime) -> Document:
    """Take a document out of the portal and the API at once (staff keep it and its log)."""
    _ensure_publisher(actor)
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    if locked.withdrawn_at is not None:
        raise DomainError(ALREADY_WITHDRAWN)
    locked.withdrawn_at = now
    locked.withdrawn_by = actor
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return locked


@transaction.atomic
def document_delete(*, document: Document, actor) -> None:
    """Delete the row and its download log; the file goes once that is committed (a rolled-back
    deletion keeps the file its row still points to)."""
    _ensure_publisher(actor)
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None:
        raise NotFound(DOCUMENT_NOT_FOUND)
    storage, name = locked.file.storage, locked.file.name
    locked.delete()
    transaction.on_commit(lambda: storage.delete(name))


def _address(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return None


def document_download(*, user, document_id, address: str | None, now: datetime) -> tuple[Document, File]:
    """The document (access-checked now: `access_document`) and its opened file; the download is
    logged in the same call, once the file is open (a missing file logs nothing)."""
    document = access_document(user, document_id)
    try:
        handle = document.file.open("rb")
    except OSError as exc:
        logger.exception("Arquivo do documento %s indisponível", document.pk)
        raise StorageUnavailable(FILE_UNAVAILABLE) from exc
    try:
        DocumentDownload.objects.create(document=document, user=user, at=now, address=_address(address))
    except BaseException:
        handle.close()
        raise
    return document, handle

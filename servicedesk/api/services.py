"""Writes of the API app: personal access tokens, pending uploads, idempotent ticket opening.

Nothing here decides a ticket rule: opening, commenting and attaching go through
``servicedesk.tickets.services``; this module only adapts API inputs to those services.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.api.models import ApiToken, IdempotencyRecord, PendingUpload, TokenScope
from servicedesk.core.errors import DomainError, NotFound
from servicedesk.tickets.attachments import check_upload
from servicedesk.tickets.services.files import save_row_or_remove_file, store_file

TOKEN_PREFIX = "wcsd"
TOKEN_NAME_REQUIRED = gettext_noop("Dê um nome ao token (por exemplo, o sistema que vai usá-lo).")
TOKEN_SCOPE_UNKNOWN = gettext_noop("Escolha o escopo: somente leitura ou leitura e escrita.")
TOKEN_ALREADY_REVOKED = gettext_noop("Este token já foi revogado.")
TOKEN_NOT_FOUND = gettext_noop("Token não encontrado.")
UPLOAD_NOT_FOUND = "Anexo enviado não encontrado: envie o arquivo por POST /attachments e use o id devolvido."
IDEMPOTENCY_KEY_REUSED = (
    "Esta Idempotency-Key já foi usada com outro conteúdo. Use uma chave nova para uma requisição diferente."
)
IDEMPOTENCY_KEY_INVALID = "A Idempotency-Key deve ter entre 1 e 255 caracteres visíveis."
# How often last_used_at is written: once a minute is precise enough and spares a write per request.
LAST_USED_GRANULARITY = timedelta(minutes=1)
TOKEN_LIFETIME_INVALID = gettext_noop("Escolha uma validade entre 1 e {max_days} dias.")
# Uploads waiting for a ticket (pending_upload_create): limits from settings.API_PENDING_UPLOADS_*
# and API_UPLOADS_PER_MINUTE; only uploads younger than the housekeeping age count.
UPLOAD_QUOTA_WINDOW = timedelta(hours=24)
UPLOAD_RATE_LIMITED = (
    "Envios de anexos demais em pouco tempo: aguarde {wait} segundos e envie de novo. Nada foi guardado."
)
UPLOAD_QUOTA_FILES = (
    "Você já tem {count} anexos enviados e ainda não usados em um chamado (máximo {max_files}). "
    "Use-os ao abrir um chamado ou comentar, ou aguarde 24 horas. Nada foi guardado."
)
UPLOAD_QUOTA_BYTES = (
    "Seus anexos enviados e ainda não usados passariam de {max_mib} MiB. "
    "Use-os ao abrir um chamado ou comentar, ou aguarde 24 horas. Nada foi guardado."
)


# --------------------------------------------------------------------------- tokens


def _hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    raw: str  # shown once, never stored


def api_token_create(
    *, user: User, name: str, scope: str, now: datetime, lifetime_days: int | None = None
) -> CreatedToken:
    """A new token for `user`, valid for `lifetime_days` (API_TOKEN_DEFAULT_DAYS; at most API_TOKEN_MAX_DAYS)."""
    from django.conf import settings
    from django.utils.translation import gettext

    name = name.strip()
    days = settings.API_TOKEN_DEFAULT_DAYS if lifetime_days is None else lifetime_days
    errors = {}
    if not name:
        errors["name"] = TOKEN_NAME_REQUIRED
    if scope not in TokenScope.values:
        errors["scope"] = TOKEN_SCOPE_UNKNOWN
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["lifetime_days"] = gettext(TOKEN_LIFETIME_INVALID).format(max_days=settings.API_TOKEN_MAX_DAYS)
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    prefix = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        scope=scope,
        prefix=prefix,
        secret_hash=_hash_secret(raw),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return CreatedToken(token=token, raw=raw)


def api_token_revoke(*, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of `user`'s own tokens. Another user's token is "not found"."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if token is None:
            raise NotFound(TOKEN_NOT_FOUND)
        if token.revoked_at is not None:
            raise DomainError(TOKEN_ALREADY_REVOKED)
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, raw: str, now: datetime) -> ApiToken | None:
    """The active token matching `raw` (its user active too), or None. Records the last use."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.select_related("user", "user__organization").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash_secret(raw)):
        return None
    if token.revoked_at is not None or token.is_expired(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --------------------------------------------------------------------------- uploads


def pending_upload_create(*, user: User, upload: UploadedFile, now: datetime) -> PendingUpload:
    """Check the file exactly as the ticket services do (tickets.attachments) and keep it for `user`.

    Per user, at most API_UPLOADS_PER_MINUTE uploads a minute (429, TooManyRequests) and at most
    API_PENDING_UPLOADS_MAX_FILES files / API_PENDING_UPLOADS_MAX_BYTES bytes waiting for a
    ticket (413, QuotaExceeded). Over a limit nothing is stored.
    """
    import math

    from django.conf import settings
    from django.db.models import Count, Sum

    from servicedesk.core import ratelimit
    from servicedesk.core.errors import QuotaExceeded, TooManyRequests

    wait = ratelimit.hit(f"api:uploads:user:{user.pk}", limit=settings.API_UPLOADS_PER_MINUTE, window=60)
    if wait is not None:
        raise TooManyRequests(UPLOAD_RATE_LIMITED.format(wait=math.ceil(wait)), retry_after=math.ceil(wait))
    info = check_upload(upload)
    with transaction.atomic():
        # The user's row lock makes two parallel uploads read the quota one after the other.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        waiting = PendingUpload.objects.filter(uploaded_by=user, created_at__gte=now - UPLOAD_QUOTA_WINDOW).aggregate(
            count=Count("id"), size=Sum("size")
        )
        max_files, max_bytes = settings.API_PENDING_UPLOADS_MAX_FILES, settings.API_PENDING_UPLOADS_MAX_BYTES
        if waiting["count"] >= max_files:
            raise QuotaExceeded(UPLOAD_QUOTA_FILES.format(count=waiting["count"], max_files=max_files))
        if (waiting["size"] or 0) + info.size > max_bytes:
            raise QuotaExceeded(UPLOAD_QUOTA_BYTES.format(max_mib=f"{max_bytes / 1024 / 1024:g}"))
        pending = PendingUpload(
            uploaded_by=user,
            original_name=info.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            created_at=now,
        )
        store_file(pending.file, info.sha256, upload, field="file")  # storage down: 503, nothing kept
        save_row_or_remove_file(pending, pending.file)
    return pending


def pending_uploads_claim(*, user: User, ids: Sequence[int]) -> list[PendingUpload]:
    """Lock `user`'s pending uploads `ids` (in the caller's transaction); unknown ids → DomainError."""
    unique_ids = list(dict.fromkeys(ids))
    if not unique_ids:
        return []
    found = {p.pk: p for p in PendingUpload.objects.select_for_update().filter(uploaded_by=user, pk__in=unique_ids)}
    missing = [i for i in unique_ids if i not in found]
    if missing:
        raise DomainError(UPLOAD_NOT_FOUND, fields={"attachments": UPLOAD_NOT_FOUND})
    return [found[i] for i in unique_ids]


def _with_pending_files(*, user: User, attachment_ids: Sequence[int], call: Callable[[list[File]], Any]) -> Any:
    """Hand the user's pending uploads to a ticket service as files, then forget them."""
    pendings = pending_uploads_claim(user=user, ids=attachment_ids)
    with ExitStack() as stack:
        files = []
        for pending in pendings:
            handle = stack.enter_context(pending.file.open("rb"))
            files.append(File(handle, name=pending.original_name))
        result = call(files)
    storage_names = [(p.file.storage, p.file.name) for p in pendings]
    PendingUpload.objects.filter(pk__in=[p.pk for p in pendings]).delete()

    def _delete_files() -> None:
        for storage, name in storage_names:
            storage.delete(name)

    transaction.on_commit(_delete_files)
    return result


def api_ticket_open(*, requester: User, attachment_ids: Sequence[int], open_ticket: Callable[..., Any]) -> Any:
    """`open_ticket(files=...)` is a partial of tickets.services.ticket_open with the parsed fields."""
    with transaction.atomic():
        return _with_pending_files(user=requester, attachment_ids=attachment_ids, call=lambda f: open_ticket(files=f))


def api_comment_add(*, author: User, attachment_ids: Sequence[int], add_comment: Callable[..., Any]) -> Any:
    """`add_comment(files=...)` is a partial of tickets.services.ticket_comment_add."""
    with transaction.atomic():
        return _with_pending_files(user=author, attachment_ids=attachment_ids, call=lambda f: add_comment(files=f))


# --------------------------------------------------------------------------- idempotency


@dataclass(frozen=True)
class IdempotentResult:
    status_code: int
    body: dict
    replayed: bool


def request_fingerprint(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def idempotency_key_valid(key: str) -> bool:
    return 0 < len(key) <= 255 and key.isprintable()


def idempotent_create(
    *,
    user: User,
    key: str,
    fingerprint: str,
    now: datetime,
    create: Callable[[], tuple[Any, int, dict]],
) -> IdempotentResult:
    """Run `create` once per (user, key); a repeat returns the first response.

    `create` returns (ticket, status_code, body). The record is inserted *before* `create`
    runs, in the same transaction: a concurrent request with the same key blocks on the
    unique index until this one commits, then fails the insert and replays the stored
    response. If `create` raises, everything rolls back and the key stays free.
    """
    if not idempotency_key_valid(key):
        raise DomainError(IDEMPOTENCY_KEY_INVALID, fields={"Idempotency-Key": IDEMPOTENCY_KEY_INVALID})
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint, created_at=now)
        except IntegrityError:
            record = IdempotencyRecord.objects.get(user=user, key=key)
            if record.fingerprint != fingerprint:
                raise DomainError(IDEMPOTENCY_KEY_REUSED, code="idempotency_key_reused")
            return IdempotentResult(status_code=record.status_code, body=record.response, replayed=True)
        ticket, status_code, body = create()
        record.ticket, record.status_code, record.response = ticket, status_code, body
        record.save(update_fields=["ticket", "status_code", "response"])
        return IdempotentResult(status_code=status_code, body=body, replayed=False)


# --------------------------------------------------------------------------- housekeeping


def api_housekeeping(*, now: datetime, max_age: timedelta = timedelta(hours=24)) -> dict[str, int]:
    """Forget what callers abandoned: uploads never attached and idempotency keys older than
    `max_age` (a retry after a day is a new request). Idempotent; safe on several workers."""
    cutoff = now - max_age
    removed_uploads = 0
    for upload in PendingUpload.objects.filter(created_at__lt=cutoff).iterator():
        upload.file.delete(save=False)
        removed_uploads += PendingUpload.objects.filter(pk=upload.pk).delete()[0]
    removed_keys = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0]
    return {"uploads": removed_uploads, "idempotency_keys": removed_keys}

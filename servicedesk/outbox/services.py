"""Writing outbox rows (in the caller's transaction) and relaying them (docs/architecture.md,
"Nothing lost: the outbox").

- `outbox_call(path, **kwargs)` and the e-mail backend (`backend.OutboxEmailBackend`) write a
  row in the current transaction and, once it commits, enqueue `tasks.relay_outbox_message`.
- `outbox_deliver(id)` locks the row, and if it is still pending runs it (calls the function, or
  sends the e-mail through OUTBOX_EMAIL_BACKEND) and marks it sent, all in one transaction: two
  relays of one row send one e-mail. A failure is written on the row (attempts, error) with the
  next attempt after an exponential back-off; after OUTBOX_MAX_ATTEMPTS the row is FAILED and
  waits for an administrator (admin: "Caixa de saída").
- `outbox_sweep(now)` (every minute) enqueues the relay of each pending row that is due: those
  whose enqueue was lost (the broker was down at the commit: due at once), those whose relay
  was enqueued but never ran (after STUCK_AFTER) and those whose back-off has passed.
- `outbox_purge(now)` (housekeeping, hourly) deletes the sent rows older than
  OUTBOX_SENT_RETENTION_DAYS; pending rows and failed ones stay (a failed row waits for an
  administrator, who retries it or deletes it in the back office).
"""

from __future__ import annotations

import base64
import logging
from datetime import datetime, timedelta
from email import message_from_bytes
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, transaction
from django.utils.module_loading import import_string

from servicedesk.core import clock
from servicedesk.outbox.models import OutboxKind, OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# A row whose relay was enqueued at its commit is picked up by the sweep only after this long.
STUCK_AFTER = timedelta(minutes=2)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    """30 s, 60 s, 2 min, 4 min … after the 1st, 2nd, 3rd … failure, at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def _enqueue_relay(message_id: int) -> None:
    from servicedesk.outbox import tasks

    try:
        tasks.relay_outbox_message.enqueue(message_id)
    except Exception:  # the broker may be down: the row stays pending and the sweep sends it
        logger.exception("outbox: could not enqueue the relay of message %s; the sweep will", message_id)
        _due_now(message_id)


def _due_now(message_id: int) -> None:
    """Its relay was lost (never enqueued): the row is due at the next sweep (within a minute of
    the broker's return), not only once STUCK_AFTER has passed."""
    try:
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).update(next_attempt_at=clock.now())
    except DatabaseError:  # it keeps its STUCK_AFTER deadline: the sweep still sends it, later
        logger.exception("outbox: could not mark message %s due", message_id)


def _write(kind: str, *, path: str = "", payload: dict, subject: str = "", recipients: str = "") -> OutboxMessage:
    now = clock.now()
    row = OutboxMessage.objects.create(
        kind=kind,
        path=path,
        payload=payload,
        subject=subject[:300],
        recipients=recipients,
        created_at=now,
        next_attempt_at=now + STUCK_AFTER,
    )
    transaction.on_commit(lambda: _enqueue_relay(row.pk))
    return row


def outbox_call(path: str, **kwargs) -> OutboxMessage:
    """Run `path(**kwargs)` (JSON arguments) after the current transaction commits, at least once
    until it succeeds: the row is part of the transaction, so it exists if and only if the act
    that asked for it does. The function must be idempotent (the ticket e-mails are: NotificationLog)."""
    import_string(path)  # fail now, in the caller's transaction, on a wrong path
    return _write(OutboxKind.CALL, path=path, payload=kwargs, subject=path.rsplit(".", 1)[-1])


# ---------------------------------------------------------------- e-mail (de)serialization


def _content(value) -> dict:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode()}
    return {"text": value}


def _uncontent(value: dict):
    return base64.b64decode(value["b64"]) if "b64" in value else value["text"]


def email_payload(message) -> dict:
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            attachments.append({"mime": base64.b64encode(attachment.as_bytes()).decode()})
        else:
            filename, content, mimetype = attachment
            attachments.append({"filename": filename, "mimetype": mimetype, **_content(content)})
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            {"mimetype": mimetype, **_content(content)} for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for alternative in payload["alternatives"]:
        message.attach_alternative(_uncontent(alternative), alternative["mimetype"])
    for attachment in payload["attachments"]:
        if "mime" in attachment:
            message.attach(message_from_bytes(base64.b64decode(attachment["mime"])))
        else:
            message.attach(attachment["filename"], _uncontent(attachment), attachment["mimetype"])
    return message


def outbox_email(message) -> OutboxMessage:
    """One e-mail as an outbox row (the e-mail backend calls this for each message sent)."""
    recipients = ", ".join(message.recipients())
    row = _write(OutboxKind.EMAIL, payload=email_payload(message), subject=str(message.subject), recipients=recipients)
    if getattr(settings, "OUTBOX_DELIVER_AT_ONCE", False):
        # Test profile: sent within the same transaction, so a test reads mail.outbox at once.
        outbox_deliver(row.pk)
    return row


def delivery_backend():
    return import_string(settings.OUTBOX_EMAIL_BACKEND)()


# ---------------------------------------------------------------- relay


def outbox_deliver(message_id: int) -> bool:
    """Send one outbox row if it is still pending; True if this call sent it. Safe to run twice,
    or on two workers at once: the row is locked and its status checked, and the send and the
    "sent" mark are one transaction."""
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(pk=message_id, status=OutboxStatus.PENDING).first()
        if row is None:
            return False
        now = clock.now()
        try:
            with transaction.atomic():  # what the call wrote is undone if it fails
                if row.kind == OutboxKind.CALL:
                    import_string(row.path)(**row.payload)
                else:
                    delivery_backend().send_messages([email_from_payload(row.payload)])
        except Exception as exc:
            row.attempts += 1
            row.last_error = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"[:4000]
            row.next_attempt_at = now + backoff(row.attempts)
            if row.attempts >= max_attempts():
                row.status = OutboxStatus.FAILED
                logger.error("outbox: message %s failed %s times, gave up: %s", row.pk, row.attempts, row.last_error)
            else:
                logger.warning("outbox: message %s failed (attempt %s): %s", row.pk, row.attempts, row.last_error)
            row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            return False
        row.attempts += 1
        row.status = OutboxStatus.SENT
        row.sent_at = now
        row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return True


def outbox_sweep(*, now: datetime, limit: int = 500) -> int:
    """Enqueue the relay of every pending row that is due (its commit's relay was lost, or its
    back-off passed); each is pushed back by STUCK_AFTER so the next sweep does not enqueue it
    again while it waits in the queue. Returns how many were enqueued."""
    from servicedesk.outbox import tasks

    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    enqueued = 0
    for message_id in due:
        try:
            tasks.relay_outbox_message.enqueue(message_id)
        except Exception:  # the broker is still down: try again at the next sweep
            logger.exception("outbox sweep: could not enqueue; %s rows wait for the next sweep", len(due) - enqueued)
            break
        OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.PENDING).update(
            next_attempt_at=now + STUCK_AFTER
        )
        enqueued += 1
    return enqueued


def outbox_retry(message_ids) -> int:
    """An administrator sends failed rows again (admin action): pending now, attempts from zero."""
    now = clock.now()
    ids = list(
        OutboxMessage.objects.filter(pk__in=list(message_ids), status=OutboxStatus.FAILED).values_list("pk", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now)
    for message_id in ids:
        transaction.on_commit(lambda message_id=message_id: _enqueue_relay(message_id))
    return len(ids)


# ---------------------------------------------------------------- housekeeping

PURGE_BATCH = 5000


def outbox_purge(*, now: datetime, retention: timedelta | None = None) -> int:
    """Delete the rows sent before `now - retention` (OUTBOX_SENT_RETENTION_DAYS, 30 by default),
    in batches (no long lock on a big outbox). Pending and failed rows are never deleted here.
    Returns how many were deleted."""
    if retention is None:
        retention = timedelta(days=settings.OUTBOX_SENT_RETENTION_DAYS)
    cutoff = now - retention
    deleted = 0
    while True:
        batch = list(
            OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=cutoff).values_list("pk", flat=True)[
                :PURGE_BATCH
            ]
        )
        if not batch:
            break
        deleted += OutboxMessage.objects.filter(pk__in=batch, status=OutboxStatus.SENT).delete()[0]
    if deleted:
        logger.info("outbox purge: deleted %s sent rows older than %s", deleted, cutoff.isoformat())
    return deleted

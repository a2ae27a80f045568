"""The conversation of a ticket: public messages, internal notes, evidence, the diagnosis.

Customer messages and evidence are customer interactions (§7): on AGUARDANDO CLIENTE and on
RESOLVIDO they return the ticket to EM ATENDIMENTO (a `customer_reply` move). The first public
staff reply meets the diagnosis clock (§5) and picks a NOVO ticket up (a `staff_reply` move).
Staff activity never counts as customer interaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets import workflow
from servicedesk.tickets.access import ensure_ticket_capability, is_customer
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import Attachment, Comment, EventKind, Ticket
from servicedesk.tickets.services.files import check_uploads, store_attachment
from servicedesk.tickets.services.state import ticket_lock, ticket_save
from servicedesk.tickets.services.transitions import closing_due_first, ticket_transition
from servicedesk.tickets.workflow import FINAL_STATUSES, Reason

S = TicketStatus

COMMENT_EMPTY = gettext_noop("Escreva uma mensagem.")
COMMENT_ON_CLOSED = gettext_noop(
    "Este chamado está encerrado. Abra um novo chamado vinculado ou solicite a reabertura."
)
INTERNAL_NOTE_STAFF_ONLY = gettext_noop("Notas internas são exclusivas da equipe WeConnect.")
FILES_REQUIRED = gettext_noop("Selecione pelo menos um arquivo.")
DIAGNOSIS_ALREADY = gettext_noop("O diagnóstico deste chamado já foi registrado.")


def _customer_interaction(*, locked: Ticket, actor: User, now: datetime, kind: str, data: dict) -> None:
    """A customer's message or evidence: resumes or reopens the ticket when the table says so,
    else it is recorded as an interaction (it restarts the automatic-closing count, §7)."""
    if workflow.is_allowed(Reason.CUSTOMER_REPLY, locked.status, S.IN_PROGRESS):
        ticket_transition(
            ticket=locked,
            to=S.IN_PROGRESS,
            actor=actor,
            now=now,
            reason=Reason.CUSTOMER_REPLY,
            event_kind=kind,
            data=data,
        )
        return
    locked.last_customer_interaction_at = now
    event = event_record(locked, kind=kind, actor=actor, at=now, customer_interaction=True, data=data)
    ticket_save(locked, now=now, fields=["last_customer_interaction_at"])
    event_notify_on_commit(event)


def ticket_comment_add(
    *,
    ticket: Ticket,
    author: User,
    body: str,
    now: datetime,
    internal: bool = False,
    files: Sequence[UploadedFile] = (),
    expected_revision: int | None = None,
) -> Comment:
    """A public message or an internal note, with optional attachments (all checked first)."""
    body = body.strip()
    if not body and not files:
        raise DomainError(COMMENT_EMPTY, field="body")
    customer = is_customer(author)
    if internal and customer:
        raise NotAllowed(INTERNAL_NOTE_STAFF_ONLY)
    checked = check_uploads(files)
    if customer:
        closing_due_first(ticket=ticket, now=now)
    with transaction.atomic():
        locked = ticket_lock(ticket, expected_revision)
        ensure_ticket_capability(author, "ticket.internal_note" if internal else "ticket.reply", locked, now=now)
        if customer and locked.status in FINAL_STATUSES:
            raise DomainError(COMMENT_ON_CLOSED, code="ticket_closed")
        comment = Comment.objects.create(ticket=locked, author=author, body=body, is_internal=internal, created_at=now)
        for upload, info in checked:
            store_attachment(
                ticket=locked, uploader=author, upload=upload, info=info, now=now, comment=comment, internal=internal
            )
        data = {"comment_id": comment.pk}
        if customer:
            _customer_interaction(locked=locked, actor=author, now=now, kind=EventKind.CUSTOMER_REPLY, data=data)
            return comment
        if internal:
            event = event_record(locked, kind=EventKind.INTERNAL_NOTE, actor=author, at=now, public=False, data=data)
        elif workflow.is_allowed(Reason.STAFF_REPLY, locked.status, S.IN_PROGRESS):
            ticket_transition(
                ticket=locked,
                to=S.IN_PROGRESS,
                actor=author,
                now=now,
                reason=Reason.STAFF_REPLY,
                event_kind=EventKind.PUBLIC_REPLY,
                data=data,
            )
            return comment
        else:
            first_reply = locked.diagnosis_met_at is None
            event = event_record(
                locked, kind=EventKind.PUBLIC_REPLY, actor=author, at=now, diagnosis=first_reply, data=data
            )
        ticket_save(locked, now=now)
        event_notify_on_commit(event)
        return comment


def ticket_attachment_add(
    *,
    ticket: Ticket,
    uploader: User,
    files: Sequence[UploadedFile],
    now: datetime,
    internal: bool = False,
    expected_revision: int | None = None,
) -> list[Attachment]:
    """Evidence added outside a message: every file is checked first, then all are stored in one
    event (all or nothing). From a customer it is a customer interaction (§7)."""
    if not files:
        raise DomainError(FILES_REQUIRED, field="files")
    customer = is_customer(uploader)
    if internal and customer:
        raise NotAllowed(INTERNAL_NOTE_STAFF_ONLY)
    checked = check_uploads(files)
    if customer:
        closing_due_first(ticket=ticket, now=now)
    with transaction.atomic():
        locked = ticket_lock(ticket, expected_revision)
        ensure_ticket_capability(uploader, "ticket.internal_note" if internal else "ticket.reply", locked, now=now)
        if customer and locked.status in FINAL_STATUSES:
            raise DomainError(COMMENT_ON_CLOSED, code="ticket_closed")
        attachments = [
            store_attachment(ticket=locked, uploader=uploader, upload=upload, info=info, now=now, internal=internal)
            for upload, info in checked
        ]
        data = {"attachment_ids": [a.pk for a in attachments], "names": [a.original_name for a in attachments]}
        if customer:
            _customer_interaction(locked=locked, actor=uploader, now=now, kind=EventKind.ATTACHMENT, data=data)
            return attachments
        event = event_record(locked, kind=EventKind.ATTACHMENT, actor=uploader, at=now, public=not internal, data=data)
        ticket_save(locked, now=now)
        event_notify_on_commit(event)
        return attachments


@transaction.atomic
def ticket_diagnosis_register(
    *, ticket: Ticket, actor: User, now: datetime, note: str = "", expected_revision: int | None = None
) -> Ticket:
    """Explicit "diagnóstico registrado": meets the diagnosis clock (§5). The note is internal."""
    locked = ticket_lock(ticket, expected_revision)
    ensure_ticket_capability(actor, "ticket.transition", locked, now=now)
    if locked.diagnosis_met_at is not None:
        raise DomainError(DIAGNOSIS_ALREADY)
    event = event_record(
        locked,
        kind=EventKind.DIAGNOSIS,
        actor=actor,
        at=now,
        diagnosis=True,
        data={"note": note.strip()} if note.strip() else {},
    )
    ticket_save(locked, now=now)
    event_notify_on_commit(event)
    return locked

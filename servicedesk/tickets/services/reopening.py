"""Reopening a closed ticket (domain.md §7): the customer asks, staff approve or refuse."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from servicedesk.accounts.models import User
from servicedesk.core.errors import DomainError
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets.access import ensure_ticket_capability
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import EventKind, ReopenRequest, ReopenRequestStatus, Ticket
from servicedesk.tickets.services.state import ticket_lock
from servicedesk.tickets.services.transitions import REASON_REQUIRED, closing_due_first, ticket_transition
from servicedesk.tickets.workflow import Reason

S = TicketStatus

REOPEN_ONLY_CLOSED = gettext_noop("Só é possível solicitar a reabertura de um chamado encerrado.")
REOPEN_ALREADY_PENDING = gettext_noop("Já existe um pedido de reabertura pendente para este chamado.")
REOPEN_NOT_PENDING = gettext_noop("Este pedido de reabertura já foi decidido.")


def reopen_request_create(*, ticket: Ticket, actor: User, reason: str, now: datetime) -> ReopenRequest:
    """The requester or an approver asks to reopen an ENCERRADO ticket (§3, §7)."""
    if not reason.strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    closing_due_first(ticket=ticket, now=now)
    with transaction.atomic():
        locked = ticket_lock(ticket)
        ensure_ticket_capability(actor, "ticket.reopen_request", locked, now=now)
        if locked.status != S.CLOSED:
            raise DomainError(REOPEN_ONLY_CLOSED)
        try:
            with transaction.atomic():
                request = ReopenRequest.objects.create(
                    ticket=locked, requested_by=actor, reason=reason.strip(), requested_at=now
                )
        except IntegrityError as exc:
            raise DomainError(REOPEN_ALREADY_PENDING) from exc
        event = event_record(
            locked,
            kind=EventKind.REOPEN_REQUESTED,
            actor=actor,
            at=now,
            data={"request_id": request.pk, "reason": reason.strip()},
        )
        event_notify_on_commit(event)
        return request


def _pending(request: ReopenRequest) -> ReopenRequest:
    request = ReopenRequest.objects.select_for_update().select_related("ticket").get(pk=request.pk)
    if request.status != ReopenRequestStatus.PENDING:
        raise DomainError(REOPEN_NOT_PENDING)
    return request


@transaction.atomic
def reopen_request_approve(*, request: ReopenRequest, actor: User, now: datetime) -> Ticket:
    """Staff approve: the ticket returns to EM ATENDIMENTO (a `reopen_approved` move)."""
    request = _pending(request)
    ticket = ticket_transition(
        ticket=request.ticket, to=S.IN_PROGRESS, actor=actor, now=now, reason=Reason.REOPEN_APPROVED
    )
    request.status, request.decided_by, request.decided_at = ReopenRequestStatus.APPROVED, actor, now
    request.save(update_fields=["status", "decided_by", "decided_at"])
    return ticket


@transaction.atomic
def reopen_request_refuse(*, request: ReopenRequest, actor: User, reason: str, now: datetime) -> ReopenRequest:
    """Staff refuse with a reason; the ticket stays ENCERRADO and the customer is told."""
    if not reason.strip():
        raise DomainError(REASON_REQUIRED, field="reason")
    request = _pending(request)
    ensure_ticket_capability(actor, "ticket.reopen_decide", request.ticket, now=now)
    request.status, request.decided_by, request.decided_at, request.decision_reason = (
        ReopenRequestStatus.REFUSED,
        actor,
        now,
        reason.strip(),
    )
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    event = event_record(
        request.ticket,
        kind=EventKind.REOPEN_REFUSED,
        actor=actor,
        at=now,
        data={"request_id": request.pk, "reason": reason.strip()},
    )
    event_notify_on_commit(event)
    return request

"""`ticket_transition`: the one entry point that changes a ticket's status (domain.md §5, §7, §8).

The console's status menu, the API's `POST /tickets/{n}/transitions`, the portal's buttons, the
customer's reply, the reopening decision and the automatic closing all end here, each with its
*reason* from the transition table (`tickets.workflow.RULES`): the table says who may move the
ticket for that reason (actor kind and capability, checked here), from which status to which,
and whether the move is a customer interaction (§7). Nothing else writes `Ticket.status`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.core.errors import DomainError, NotAllowed
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, TicketStatus
from servicedesk.sla.services import sla_recompute_for_ticket
from servicedesk.tickets import workflow
from servicedesk.tickets.access import ACTION_NOT_ALLOWED, ensure_ticket_capability
from servicedesk.tickets.history import event_notify_on_commit, event_record
from servicedesk.tickets.models import Comment, EventKind, Ticket
from servicedesk.tickets.services.files import check_uploads, store_attachment
from servicedesk.tickets.services.state import ticket_lock, ticket_save
from servicedesk.tickets.workflow import FINAL_STATUSES, ActorKind, Reason

S = TicketStatus

TICKET_TRANSITION_NOT_ALLOWED = gettext_noop("Não é possível passar o chamado de {from_status} para {to_status}.")
CLOSED_REOPEN_THROUGH_REQUEST = gettext_noop(
    "Um chamado encerrado só volta ao atendimento por um pedido de reabertura aprovado."
)
STATUS_UNKNOWN = gettext_noop("Status desconhecido: {status}.")
ASK_CUSTOMER_NOTE_REQUIRED = gettext_noop("Escreva o que o cliente precisa informar.")
REASON_REQUIRED = gettext_noop("Informe o motivo.")
SOLUTION_REQUIRED = gettext_noop("Descreva a solução entregue: é o que o cliente vai confirmar.")
CUSTOMER_MOVES_ONLY = gettext_noop("O cliente pode cancelar o chamado ou confirmar a solução.")
FILES_NEED_A_MESSAGE = gettext_noop("Escreva a mensagem que acompanha os anexos.")
AUTO_CLOSE_REASON = "Encerrado automaticamente: 16 horas úteis sem interação do cliente."

# What staff must write when they choose these statuses: the message goes to the customer.
STAFF_NOTE_REQUIRED: dict[TicketStatus, str] = {
    S.WAITING_CUSTOMER: ASK_CUSTOMER_NOTE_REQUIRED,  # §7: "after staff asked for details"
    S.RESOLVED: SOLUTION_REQUIRED,  # the customer confirms what was delivered
    S.CANCELLED: REASON_REQUIRED,
}


class TicketTransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status_code = 409


def actor_kind(user: User | None) -> ActorKind:
    if user is None:
        return ActorKind.SYSTEM
    return ActorKind.STAFF if permissions.is_staff_user(user) else ActorKind.CUSTOMER


def _status(to: TicketStatus | str) -> TicketStatus:
    try:
        return TicketStatus(to)
    except ValueError as exc:
        raise DomainError(gettext(STATUS_UNKNOWN).format(status=to), field="to") from exc


def _refused(from_status: str, to_status: str) -> TicketTransitionNotAllowed:
    if from_status == S.CLOSED and to_status not in FINAL_STATUSES:
        return TicketTransitionNotAllowed(CLOSED_REOPEN_THROUGH_REQUEST)
    return TicketTransitionNotAllowed(
        gettext(TICKET_TRANSITION_NOT_ALLOWED).format(from_status=from_status, to_status=to_status)
    )


def ticket_transition(
    *,
    ticket: Ticket,
    to: TicketStatus | str,
    actor: User | None,
    now: datetime,
    reason: Reason | None = None,
    note: str = "",
    expected_revision: int | None = None,
    event_kind: str = EventKind.STATUS_CHANGED,
    data: dict | None = None,
    at: datetime | None = None,
    files: Sequence[UploadedFile] = (),
) -> Ticket:
    """Move `ticket` to `to` for `reason`, as `actor` (None: the system). Returns the saved row.

    Without a `reason` this is a status-menu choice (staff: a staff action; customer: the
    confirmation or the withdrawal). A staff `note` is a public message to the customer (the
    first one meets the diagnosis clock, §5), with `files` attached to it ("send and change the
    status" in one step); the question of AGUARDANDO CLIENTE, the solution of RESOLVIDO and the
    reason of a cancellation are required. Refusals raise and change nothing.
    """
    target = _status(to)
    kind = actor_kind(actor)
    checked = check_uploads(files)
    if checked and kind is not ActorKind.STAFF:
        raise NotAllowed(ACTION_NOT_ALLOWED)
    if reason is not None and workflow.RULES[reason].actor is not kind:
        raise NotAllowed(ACTION_NOT_ALLOWED)  # e.g. staff "confirming" for the customer
    if reason is None and kind is ActorKind.CUSTOMER and target not in workflow.EXPLICIT_TARGETS[kind]:
        raise NotAllowed(CUSTOMER_MOVES_ONLY)
    if kind is ActorKind.CUSTOMER and reason is not Reason.CUSTOMER_REPLY:
        closing_due_first(ticket=ticket, now=now)  # the reply services have done it already
    with transaction.atomic():
        locked = ticket_lock(ticket, expected_revision)
        from_status = TicketStatus(locked.status)
        if reason is None:
            reason = workflow.explicit_reason(kind, from_status, target)
            if reason is None:
                raise _refused(from_status, target)
        rule = workflow.RULES[reason]
        if not workflow.is_allowed(reason, from_status, target):
            raise _refused(from_status, target)
        if rule.capability is not None:
            ensure_ticket_capability(actor, rule.capability, locked, now=now)
        note = note.strip()
        if reason is Reason.STAFF_ACTION and target in STAFF_NOTE_REQUIRED and not note:
            raise DomainError(STAFF_NOTE_REQUIRED[target], field="note")
        moment = at or now
        # A public staff message (a note here, or the reply that picks the ticket up) meets the
        # diagnosis clock if nothing did before (§5).
        staff_message = kind is ActorKind.STAFF and (bool(note) or reason is Reason.STAFF_REPLY)
        locked.status = target
        locked.closed_at = moment if target in FINAL_STATUSES else None
        if rule.customer_interaction:
            locked.last_customer_interaction_at = moment
        event = event_record(
            locked,
            kind=event_kind,
            actor=actor,
            at=moment,
            reason=reason,
            from_status=from_status,
            to_status=target,
            customer_interaction=rule.customer_interaction,
            diagnosis=staff_message and locked.diagnosis_met_at is None,
            data={**({"note": note} if note else {}), **(data or {})},
        )
        if checked and not note:
            raise DomainError(FILES_NEED_A_MESSAGE, field="note")
        if note and kind is ActorKind.STAFF:
            comment = Comment.objects.create(
                ticket=locked, author=actor, body=note, is_internal=False, created_at=moment
            )
            for upload, info in checked:
                store_attachment(ticket=locked, uploader=actor, upload=upload, info=info, now=moment, comment=comment)
            event.data = {**event.data, "comment_id": comment.pk}
            event.save(update_fields=["data"])
        ticket_save(locked, now=now, fields=["status", "closed_at", "last_customer_interaction_at"])
        event_notify_on_commit(event)
        return locked


# Named moves of the status menu: readable call sites, the same entry point.


def ticket_resolve(
    *, ticket: Ticket, actor: User, now: datetime, note: str = "", expected_revision: int | None = None
) -> Ticket:
    return ticket_transition(
        ticket=ticket,
        to=S.RESOLVED,
        actor=actor,
        now=now,
        reason=Reason.STAFF_ACTION,
        note=note,
        expected_revision=expected_revision,
    )


def ticket_ask_customer(
    *, ticket: Ticket, actor: User, now: datetime, note: str, expected_revision: int | None = None
) -> Ticket:
    """Staff ask the customer for details: AGUARDANDO CLIENTE, the clock pauses (§5, §7)."""
    return ticket_transition(
        ticket=ticket,
        to=S.WAITING_CUSTOMER,
        actor=actor,
        now=now,
        reason=Reason.STAFF_ACTION,
        note=note,
        expected_revision=expected_revision,
    )


def ticket_confirm_solution(
    *, ticket: Ticket, actor: User, now: datetime, expected_revision: int | None = None
) -> Ticket:
    """The customer confirms the solution: ENCERRADO (§7), a customer interaction."""
    return ticket_transition(
        ticket=ticket,
        to=S.CLOSED,
        actor=actor,
        now=now,
        reason=Reason.CONFIRMATION,
        expected_revision=expected_revision,
    )


def ticket_cancel(
    *, ticket: Ticket, actor: User, now: datetime, reason: str = "", expected_revision: int | None = None
) -> Ticket:
    """Staff cancel with a reason; the requester or an approver withdraw the ticket (§3, §5)."""
    return ticket_transition(
        ticket=ticket, to=S.CANCELLED, actor=actor, now=now, note=reason, expected_revision=expected_revision
    )


# --------------------------------------------------------------------------- automatic closing (§7)


def ticket_auto_close(*, ticket_id: int, now: datetime) -> bool:
    """Close an idle ticket if its automatic closing is due. Idempotent and safe on several
    workers: the row lock serializes them (the second one sees ENCERRADO and does nothing) and
    the unique constraint on the AUTO_CLOSED event is the last line of defence."""
    try:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(of=("self",)).select_related("calendar").filter(pk=ticket_id)
            ticket = ticket.first()
            if ticket is None or ticket.status not in AUTO_CLOSE_STATUSES:
                return False
            sla_recompute_for_ticket(ticket, now=now)  # the closing instant as of now
            closing_at = ticket.auto_close_at
            if closing_at is None or closing_at > now:
                return False
            ticket_transition(
                ticket=ticket,
                to=S.CLOSED,
                actor=None,
                now=now,
                reason=Reason.AUTO_CLOSE,
                at=closing_at,
                event_kind=EventKind.AUTO_CLOSED,
                data={"reason": AUTO_CLOSE_REASON},
            )
            return True
    except IntegrityError:
        return False


def closing_due_first(*, ticket: Ticket, now: datetime) -> None:
    """Apply an automatic closing that is already due before a customer acts (§7: "a closing
    due at the moment of evaluation has happened"), so a late sweep never lets a customer reply
    reopen a ticket that has closed: the customer's action then meets ENCERRADO.

    Called first by every customer-facing service. The closing is its own (inner) transaction;
    when the caller wraps the whole action in a transaction that is then refused and rolled back
    (the API does, with the uploads it hands over), the closing rolls back too and the sweep
    applies it within a minute — the customer's action is refused either way."""
    if Ticket.objects.filter(pk=ticket.pk, status__in=list(AUTO_CLOSE_STATUSES), auto_close_at__lte=now).exists():
        ticket_auto_close(ticket_id=ticket.pk, now=now)

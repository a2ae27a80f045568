"""The ticket transition table (domain.md §5, §7). Pure: no database, no Django.

Who may move a ticket from which status to which. `services.ticket_transition` is the only
code that applies it; the SLA engine reacts to status categories (`PAUSING_STATUSES`,
`STOPPED_STATUSES`), not to this table.
"""

from enum import StrEnum

from servicedesk.sla.engine.policy import PAUSING_STATUSES, TicketStatus

S = TicketStatus

# No way back from these without a decision by staff (a reopening request).
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"  # background tasks (automatic closing)


_WORKING = frozenset({S.NEW, S.IN_PROGRESS, S.MAINTENANCE}) | PAUSING_STATUSES
# Statuses staff may move an active ticket to. NOVO is only ever the opening status.
_STAFF_TARGETS = frozenset({S.IN_PROGRESS, S.MAINTENANCE, S.RESOLVED}) | PAUSING_STATUSES

STAFF_ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    **{status: (_STAFF_TARGETS | {S.CANCELLED}) - {status} for status in _WORKING},
    # Staff may take a resolved ticket back before the customer confirms or it closes.
    S.RESOLVED: frozenset({S.IN_PROGRESS}),
    # Only through an approved reopening request (services.reopen_request_approve).
    S.CLOSED: frozenset({S.IN_PROGRESS}),
    S.CANCELLED: frozenset(),
}

CUSTOMER_ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    # §5 (decision): the customer may withdraw a ticket before a solution is delivered.
    **{status: frozenset({S.CANCELLED}) for status in _WORKING},
    # §7: a customer answer resumes the work.
    S.WAITING_CUSTOMER: frozenset({S.CANCELLED, S.IN_PROGRESS}),
    # §7: confirmation closes; a comment before the automatic closing reopens.
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    # §7: an ENCERRADO ticket cannot be reopened by the customer.
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}

SYSTEM_ALLOWED: dict[TicketStatus, frozenset[TicketStatus]] = {
    S.RESOLVED: frozenset({S.CLOSED}),
    S.WAITING_CUSTOMER: frozenset({S.CLOSED, S.IN_PROGRESS}),
}

_TABLES = {ActorKind.CUSTOMER: CUSTOMER_ALLOWED, ActorKind.STAFF: STAFF_ALLOWED, ActorKind.SYSTEM: SYSTEM_ALLOWED}


def is_allowed(actor: ActorKind, from_status: TicketStatus | str, to_status: TicketStatus | str) -> bool:
    return TicketStatus(to_status) in _TABLES[actor].get(TicketStatus(from_status), frozenset())


def allowed_targets(actor: ActorKind, from_status: TicketStatus | str) -> frozenset[TicketStatus]:
    return _TABLES[actor].get(TicketStatus(from_status), frozenset())

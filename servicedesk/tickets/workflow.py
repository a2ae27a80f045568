"""The ticket transition table (domain.md §3, §5, §7, §8). Pure: no database, no Django.

Every status change has a *reason*: who may cause it (an actor kind and the capability the
actor needs), from which statuses to which, and what it means for the SLA (whether it is a
customer interaction, §7). `tickets.services.transitions.ticket_transition` is the one entry
point that applies it; the SLA engine reacts to status categories (`PAUSING_STATUSES`…), not to
this table.

    reason              actor     capability            from → to
    staff_action        staff     ticket.transition     open statuses → EM ATENDIMENTO, MANUTENÇÃO, RESOLVIDO,
                                                          AGUARDANDO CLIENTE, SERVIÇOS, CANCELADO;
                                                          RESOLVIDO → EM ATENDIMENTO
    staff_reply         staff     ticket.reply          NOVO → EM ATENDIMENTO (the first public reply)
    customer_reply      customer  ticket.reply          AGUARDANDO CLIENTE, RESOLVIDO → EM ATENDIMENTO
    confirmation        customer  ticket.confirm        RESOLVIDO → ENCERRADO
    withdrawal          customer  ticket.cancel         open statuses → CANCELADO
    auto_close          system    —                     RESOLVIDO, AGUARDANDO CLIENTE → ENCERRADO
    reopen_approved     staff     ticket.reopen_decide  ENCERRADO → EM ATENDIMENTO
    proposal_drafted    staff     advisory.propose      NOVO, EM ATENDIMENTO, MANUTENÇÃO → COM-PROPOSTA
    proposal_accepted   customer  advisory.decide       COM-PROPOSTA → SERV-ASSESSORIA
    proposal_refused    customer  advisory.decide       COM-PROPOSTA → EM ATENDIMENTO
    proposal_withdrawn  staff     advisory.propose      COM-PROPOSTA → EM ATENDIMENTO
    report_validated    customer  advisory.decide       SERV-ASSESSORIA → EM ATENDIMENTO

"Open statuses" are NOVO, EM ATENDIMENTO, MANUTENÇÃO, AGUARDANDO CLIENTE and SERVIÇOS. NOVO is
only ever the opening status. ENCERRADO leaves only through an approved reopening request, and
CANCELADO never.

COM-PROPOSTA and SERV-ASSESSORIA belong to the advisory (domain.md §8): a ticket enters and
leaves them only with its proposal — drafted, accepted, refused or cancelled — and its report
validated, through the advisory services (`servicedesk.advisory.services`). No status menu
offers them or moves a ticket out of them, and the customer cannot withdraw a ticket while a
proposal waits or billed work is under way (refuse the proposal first), so a ticket's status
and its proposal never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from servicedesk.sla.engine.policy import PAUSING_STATUSES, TicketStatus

S = TicketStatus

# No way back from these without a decision by staff (a reopening request).
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})
WORKING_STATUSES = frozenset({S.NEW, S.IN_PROGRESS, S.MAINTENANCE}) | PAUSING_STATUSES
# The statuses of the advisory: only its own reasons enter and leave them (§8).
ADVISORY_STATUSES = frozenset({S.PROPOSAL, S.ADVISORY})
# Where staff and customers act with the status menu.
OPEN_STATUSES = WORKING_STATUSES - ADVISORY_STATUSES


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"  # background tasks (automatic closing)


class Reason(StrEnum):
    """Why a ticket changes status; recorded on the history event of the move."""

    STAFF_ACTION = "staff_action"  # staff change the status (console, API)
    STAFF_REPLY = "staff_reply"  # the first public reply picks a NOVO ticket up
    CUSTOMER_REPLY = "customer_reply"  # §7: a customer message or evidence resumes or reopens
    CONFIRMATION = "confirmation"  # §7: the customer confirms the solution
    WITHDRAWAL = "withdrawal"  # §5 (decision): the customer cancels before a solution
    AUTO_CLOSE = "auto_close"  # §7: 16 business hours without customer interaction
    REOPEN_APPROVED = "reopen_approved"  # §7: staff approve a reopening request
    PROPOSAL_DRAFTED = "proposal_drafted"  # §8: staff start preparing a proposal
    PROPOSAL_ACCEPTED = "proposal_accepted"  # §8: an approver accepts it
    PROPOSAL_REFUSED = "proposal_refused"  # §8: an approver refuses it
    PROPOSAL_WITHDRAWN = "proposal_withdrawn"  # §8: staff cancel it before acceptance
    REPORT_VALIDATED = "report_validated"  # §8: an approver validates the advisory report


@dataclass(frozen=True)
class Rule:
    actor: ActorKind
    capability: str | None  # None: only the system moves for this reason
    moves: dict[TicketStatus, frozenset[TicketStatus]]
    customer_interaction: bool = False  # §7: resets nothing but counts as the customer acting


_STAFF_TARGETS = frozenset({S.IN_PROGRESS, S.MAINTENANCE, S.RESOLVED, S.CANCELLED}) | (
    PAUSING_STATUSES - ADVISORY_STATUSES
)

RULES: dict[Reason, Rule] = {
    Reason.STAFF_ACTION: Rule(
        ActorKind.STAFF,
        "ticket.transition",
        {
            **{status: _STAFF_TARGETS - {status} for status in OPEN_STATUSES},
            # Staff may take a resolved ticket back before the customer confirms or it closes.
            S.RESOLVED: frozenset({S.IN_PROGRESS}),
        },
    ),
    Reason.STAFF_REPLY: Rule(ActorKind.STAFF, "ticket.reply", {S.NEW: frozenset({S.IN_PROGRESS})}),
    Reason.CUSTOMER_REPLY: Rule(
        ActorKind.CUSTOMER,
        "ticket.reply",
        {S.WAITING_CUSTOMER: frozenset({S.IN_PROGRESS}), S.RESOLVED: frozenset({S.IN_PROGRESS})},
        customer_interaction=True,
    ),
    Reason.CONFIRMATION: Rule(
        ActorKind.CUSTOMER, "ticket.confirm", {S.RESOLVED: frozenset({S.CLOSED})}, customer_interaction=True
    ),
    Reason.WITHDRAWAL: Rule(
        ActorKind.CUSTOMER, "ticket.cancel", {status: frozenset({S.CANCELLED}) for status in OPEN_STATUSES}
    ),
    Reason.AUTO_CLOSE: Rule(
        ActorKind.SYSTEM, None, {S.RESOLVED: frozenset({S.CLOSED}), S.WAITING_CUSTOMER: frozenset({S.CLOSED})}
    ),
    Reason.REOPEN_APPROVED: Rule(ActorKind.STAFF, "ticket.reopen_decide", {S.CLOSED: frozenset({S.IN_PROGRESS})}),
    Reason.PROPOSAL_DRAFTED: Rule(
        ActorKind.STAFF,
        "advisory.propose",
        {status: frozenset({S.PROPOSAL}) for status in (S.NEW, S.IN_PROGRESS, S.MAINTENANCE)},
    ),
    Reason.PROPOSAL_ACCEPTED: Rule(ActorKind.CUSTOMER, "advisory.decide", {S.PROPOSAL: frozenset({S.ADVISORY})}),
    Reason.PROPOSAL_REFUSED: Rule(ActorKind.CUSTOMER, "advisory.decide", {S.PROPOSAL: frozenset({S.IN_PROGRESS})}),
    Reason.PROPOSAL_WITHDRAWN: Rule(ActorKind.STAFF, "advisory.propose", {S.PROPOSAL: frozenset({S.IN_PROGRESS})}),
    Reason.REPORT_VALIDATED: Rule(ActorKind.CUSTOMER, "advisory.decide", {S.ADVISORY: frozenset({S.IN_PROGRESS})}),
}

# The reasons a person picks from a status menu (console, API, portal buttons); the others are
# consequences of another action (a reply, a decision, a timer) and are named by its service.
EXPLICIT_REASONS: dict[ActorKind, tuple[Reason, ...]] = {
    ActorKind.STAFF: (Reason.STAFF_ACTION,),
    ActorKind.CUSTOMER: (Reason.CONFIRMATION, Reason.WITHDRAWAL),
    ActorKind.SYSTEM: (),
}


# Every status each actor kind may ever pick from a menu (whatever the current status).
EXPLICIT_TARGETS: dict[ActorKind, frozenset[TicketStatus]] = {
    kind: frozenset(target for reason in reasons for targets in RULES[reason].moves.values() for target in targets)
    for kind, reasons in EXPLICIT_REASONS.items()
}


def is_allowed(reason: Reason | str, from_status: TicketStatus | str, to_status: TicketStatus | str) -> bool:
    """Whether `reason` may move a ticket from `from_status` to `to_status`."""
    rule = RULES[Reason(reason)]
    return TicketStatus(to_status) in rule.moves.get(TicketStatus(from_status), frozenset())


def targets(reason: Reason | str, from_status: TicketStatus | str) -> frozenset[TicketStatus]:
    return RULES[Reason(reason)].moves.get(TicketStatus(from_status), frozenset())


def explicit_reason(actor: ActorKind, from_status: TicketStatus | str, to_status: TicketStatus | str) -> Reason | None:
    """The status-menu reason that lets `actor` move from → to, or None."""
    for reason in EXPLICIT_REASONS[actor]:
        if is_allowed(reason, from_status, to_status):
            return reason
    return None


def menu_targets(actor: ActorKind, from_status: TicketStatus | str) -> frozenset[TicketStatus]:
    """Every status `actor` may pick from a status menu when the ticket is in `from_status`."""
    found: frozenset[TicketStatus] = frozenset()
    for reason in EXPLICIT_REASONS[actor]:
        found |= targets(reason, from_status)
    return found

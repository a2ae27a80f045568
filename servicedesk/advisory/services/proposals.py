"""Proposals (domain.md §8): rascunho → enviada → aceita | recusada, or cancelada by staff.

Every move of the ticket goes through `tickets.services.ticket_transition` with its reason
(proposal_drafted, proposal_accepted, proposal_refused, proposal_withdrawn), so the ticket's
status, its SLA pause and its history follow the transition table. The proposal row is locked
before the ticket (one lock order everywhere), so two approvers deciding at once — or an
approver accepting while staff cancel — serialize: the second one finds the proposal decided.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts import permissions
from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import local_date
from servicedesk.advisory.billing import BillingMode, Modality, estimate_amount
from servicedesk.advisory.models import Engagement, PriceUnit, Proposal, ProposalStatus
from servicedesk.advisory.money import MoneyError, decimal_string, to_decimal
from servicedesk.advisory.selectors import price_item_on
from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets.access import ensure_ticket_capability
from servicedesk.tickets.models import EventKind, Ticket
from servicedesk.tickets.services import ticket_event_record, ticket_transition
from servicedesk.tickets.services.state import ticket_lock
from servicedesk.tickets.workflow import Reason

S = TicketStatus

SCOPE_REQUIRED = gettext_noop("Descreva o escopo da assessoria.")
SCOPE_TOO_LONG = gettext_noop("O escopo pode ter no máximo 5.000 caracteres.")
MODALITY_INVALID = gettext_noop("Escolha a modalidade: remota ou presencial.")
BILLING_INVALID = gettext_noop("Escolha a cobrança: por hora ou preço fechado (serviço).")
HOURS_INVALID = gettext_noop(
    "Informe as horas estimadas: um número maior que zero, até 2.000, com até duas casas decimais."
)
PRICE_ITEM_UNKNOWN = gettext_noop("Escolha um serviço da tabela Serviços e Valores em vigor.")
PRICE_ITEM_MISMATCH = gettext_noop(
    "O serviço escolhido não combina com a proposta: {expected} para cobrança {billing} {modality}."
)
PROPOSAL_LIVE_EXISTS = gettext_noop("Este chamado já tem uma proposta em preparação ou aguardando aprovação.")
PROPOSAL_NOT_DRAFT = gettext_noop("Uma proposta enviada não muda: cancele-a e prepare outra.")
PROPOSAL_NOT_SENT = gettext_noop("Esta proposta não está aguardando aprovação ({status}).")
PROPOSAL_NOT_CANCELLABLE = gettext_noop("Esta proposta já foi {status}: não pode mais ser cancelada.")
DECISION_INVALID = gettext_noop("Escolha aceitar ou recusar a proposta.")
REFUSAL_REASON_REQUIRED = gettext_noop("Informe o motivo da recusa.")
CANCEL_REASON_REQUIRED = gettext_noop("Informe o motivo do cancelamento: o cliente vai lê-lo.")
APPROVERS_ONLY = gettext_noop(
    "Somente um aprovador da organização aceita ou recusa propostas e valida relatórios de assessoria."
)
STAFF_PROPOSE_ONLY = gettext_noop("Somente analistas, gestores e a equipe comercial preparam propostas.")
NO_APPROVER = gettext_noop(
    "A organização não tem aprovador com e-mail cadastrado: peça ao cliente que indique um antes de enviar a proposta."
)
TICKET_NOT_READY = gettext_noop(
    "Só é possível preparar uma proposta em um chamado novo, em atendimento ou em manutenção (agora: {status})."
)

MAX_SCOPE = 5000
MAX_HOURS = Decimal(2000)

# Which price unit a proposal needs, by (billing, modality).
UNIT_FOR: dict[tuple[BillingMode, Modality], PriceUnit] = {
    (BillingMode.HOURLY, Modality.REMOTE): PriceUnit.REMOTE_HOUR,
    (BillingMode.HOURLY, Modality.ON_SITE): PriceUnit.ON_SITE_HOUR,
    (BillingMode.FIXED, Modality.REMOTE): PriceUnit.SERVICE,
    (BillingMode.FIXED, Modality.ON_SITE): PriceUnit.SERVICE,
}
DECISIONS = {"aceita": ProposalStatus.ACCEPTED, "recusada": ProposalStatus.REFUSED}


def _hours(value) -> Decimal | None:
    try:
        hours = to_decimal(value if not isinstance(value, float) else str(value))
    except MoneyError:
        return None
    if hours <= 0 or hours > MAX_HOURS or hours != hours.quantize(Decimal("0.01")):
        return None
    return hours.quantize(Decimal("0.01"))


def _terms(*, scope: str, modality: str, billing: str, estimated_hours, price_item: str, now: datetime) -> dict:
    """Check the terms of a proposal; refuse every wrong field at once (nothing is written)."""
    errors: dict[str, str] = {}
    scope = (scope or "").strip()
    if not scope:
        errors["scope"] = SCOPE_REQUIRED
    elif len(scope) > MAX_SCOPE:
        errors["scope"] = SCOPE_TOO_LONG
    try:
        modality = Modality(modality)
    except ValueError:
        errors["modality"] = MODALITY_INVALID
    try:
        billing = BillingMode(billing)
    except ValueError:
        errors["billing"] = BILLING_INVALID
    hours = _hours(estimated_hours)
    if hours is None:
        errors["estimated_hours"] = HOURS_INVALID
    item = price_item_on(str(price_item or "").strip(), local_date(now)) if price_item else None
    if item is None:
        errors["price_item"] = PRICE_ITEM_UNKNOWN
    elif "modality" not in errors and "billing" not in errors:
        expected = UNIT_FOR[(billing, modality)]
        if item.unit != expected:
            errors["price_item"] = gettext(PRICE_ITEM_MISMATCH).format(
                expected=expected.label.lower(),
                billing="por hora" if billing is BillingMode.HOURLY else "por preço fechado",
                modality=modality.value,
            )
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    return {
        "scope": scope,
        "modality": modality.value,
        "billing": billing.value,
        "estimated_hours": hours,
        "price_item": item,
        "price_code": item.code,
        "price_description": item.description,
        "unit_price": item.price,
        "estimated_amount": estimate_amount(billing=billing, estimated_hours=hours, unit_price=item.price),
    }


def _require_propose(actor: User, ticket: Ticket, now: datetime) -> None:
    try:
        ensure_ticket_capability(actor, "advisory.propose", ticket, now=now)
    except NotAllowed:
        raise NotAllowed(STAFF_PROPOSE_ONLY) from None


def _require_decide(actor: User, ticket: Ticket, now: datetime) -> None:
    if not permissions.can(actor, "advisory.decide", ticket):
        raise NotAllowed(APPROVERS_ONLY)
    ensure_ticket_capability(actor, "advisory.decide", ticket, now=now)  # §3: the training rule


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=proposal.pk)


def proposal_draft(
    *,
    ticket: Ticket,
    actor: User,
    now: datetime,
    scope: str,
    modality: str,
    billing: str,
    estimated_hours,
    price_item: str,
    expected_revision: int | None = None,
) -> Proposal:
    """Start a proposal on `ticket`: the draft puts the ticket in COM-PROPOSTA (the clock pauses, §5).
    The price of the item in force today is copied into the proposal (§8)."""
    _require_propose(actor, ticket, now)
    terms = _terms(
        scope=scope, modality=modality, billing=billing, estimated_hours=estimated_hours, price_item=price_item, now=now
    )
    try:
        with transaction.atomic():
            locked = ticket_lock(ticket, expected_revision)
            if Proposal.objects.filter(ticket=locked, status__in=[ProposalStatus.DRAFT, ProposalStatus.SENT]).exists():
                raise Conflict(PROPOSAL_LIVE_EXISTS)
            if locked.status not in (S.NEW, S.IN_PROGRESS, S.MAINTENANCE):
                raise DomainError(gettext(TICKET_NOT_READY).format(status=locked.status))
            proposal = Proposal.objects.create(
                ticket=ticket,
                organization_id=ticket.organization_id,
                created_by=actor,
                created_at=now,
                updated_at=now,
                **terms,
            )
            ticket_transition(
                ticket=locked,
                to=S.PROPOSAL,
                actor=actor,
                now=now,
                reason=Reason.PROPOSAL_DRAFTED,
                event_kind=EventKind.PROPOSAL_DRAFTED,
                data={"proposal_id": proposal.pk},
            )
    except IntegrityError:  # another draft won the race (proposal_one_live_per_ticket)
        raise Conflict(PROPOSAL_LIVE_EXISTS) from None
    ticket.refresh_from_db()
    return proposal


@transaction.atomic
def proposal_update(
    *,
    proposal: Proposal,
    actor: User,
    now: datetime,
    scope: str,
    modality: str,
    billing: str,
    estimated_hours,
    price_item: str,
) -> Proposal:
    """Change a draft (a sent proposal never changes, §8). The price is taken again from today's list."""
    locked = _lock(proposal)
    _require_propose(actor, locked.ticket, now)
    if locked.status != ProposalStatus.DRAFT:
        raise Conflict(PROPOSAL_NOT_DRAFT)
    terms = _terms(
        scope=scope, modality=modality, billing=billing, estimated_hours=estimated_hours, price_item=price_item, now=now
    )
    for name, value in terms.items():
        setattr(locked, name, value)
    locked.updated_at = now
    locked.save()
    return locked


@transaction.atomic
def proposal_send(*, proposal: Proposal, actor: User, now: datetime) -> Proposal:
    """Send a draft to the organization's approvers (they get an e-mail; the portal lists it)."""
    locked = _lock(proposal)
    _require_propose(actor, locked.ticket, now)
    if locked.status != ProposalStatus.DRAFT:
        raise Conflict(PROPOSAL_NOT_DRAFT)
    approvers = User.objects.filter(
        organization_id=locked.organization_id, role="customer", is_approver=True, is_active=True
    ).exclude(email="")
    if not approvers.exists():
        raise DomainError(NO_APPROVER)
    locked.status = ProposalStatus.SENT
    locked.sent_by = actor
    locked.sent_at = now
    locked.updated_at = now
    locked.save(update_fields=["status", "sent_by", "sent_at", "updated_at"])
    ticket_event_record(
        ticket=locked.ticket,
        kind=EventKind.PROPOSAL_SENT,
        actor=actor,
        capability="advisory.propose",
        now=now,
        public=True,
        data={
            "proposal_id": locked.pk,
            "estimated_hours": decimal_string(locked.estimated_hours),
            "estimated_amount": decimal_string(locked.estimated_amount),
        },
    )
    return locked


@transaction.atomic
def proposal_cancel(*, proposal: Proposal, actor: User, now: datetime, reason: str) -> Proposal:
    """Staff withdraw a proposal before it is accepted; the ticket returns to EM ATENDIMENTO."""
    locked = _lock(proposal)
    _require_propose(actor, locked.ticket, now)
    if locked.status not in (ProposalStatus.DRAFT, ProposalStatus.SENT):
        raise Conflict(gettext(PROPOSAL_NOT_CANCELLABLE).format(status=locked.get_status_display().lower()))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CANCEL_REASON_REQUIRED, field="reason")
    locked.status = ProposalStatus.CANCELLED
    locked.cancelled_by = actor
    locked.cancelled_at = now
    locked.cancel_reason = reason[:2000]
    locked.updated_at = now
    locked.save(update_fields=["status", "cancelled_by", "cancelled_at", "cancel_reason", "updated_at"])
    ticket_transition(
        ticket=locked.ticket,
        to=S.IN_PROGRESS,
        actor=actor,
        now=now,
        reason=Reason.PROPOSAL_WITHDRAWN,
        event_kind=EventKind.PROPOSAL_CANCELLED,
        data={"proposal_id": locked.pk, "reason": locked.cancel_reason},
    )
    return locked


@transaction.atomic
def proposal_decide(*, proposal: Proposal, actor: User, now: datetime, decision: str, reason: str = "") -> Proposal:
    """An approver of the ticket's organization accepts (the engagement starts, the ticket is
    SERV-ASSESSORIA) or refuses with a reason (the ticket returns to EM ATENDIMENTO). Who and
    when are kept on the proposal and in the ticket's history."""
    status = DECISIONS.get(str(decision or "").strip().lower())
    if status is None:
        raise DomainError(DECISION_INVALID, field="decision")
    reason = (reason or "").strip()
    _require_decide(actor, proposal.ticket, now)
    locked = _lock(proposal)
    if locked.status != ProposalStatus.SENT:
        raise Conflict(gettext(PROPOSAL_NOT_SENT).format(status=locked.get_status_display().lower()))
    if status == ProposalStatus.REFUSED and not reason:
        raise DomainError(REFUSAL_REASON_REQUIRED, field="reason")
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = now
    locked.refusal_reason = reason[:2000] if status == ProposalStatus.REFUSED else ""
    locked.updated_at = now
    locked.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason", "updated_at"])
    if status == ProposalStatus.ACCEPTED:
        engagement = Engagement.objects.create(
            proposal=locked, ticket=locked.ticket, organization_id=locked.organization_id, accepted_at=now
        )
        ticket_transition(
            ticket=locked.ticket,
            to=S.ADVISORY,
            actor=actor,
            now=now,
            reason=Reason.PROPOSAL_ACCEPTED,
            event_kind=EventKind.PROPOSAL_ACCEPTED,
            data={"proposal_id": locked.pk, "engagement_id": engagement.pk},
        )
    else:
        ticket_transition(
            ticket=locked.ticket,
            to=S.IN_PROGRESS,
            actor=actor,
            now=now,
            reason=Reason.PROPOSAL_REFUSED,
            event_kind=EventKind.PROPOSAL_REFUSED,
            data={"proposal_id": locked.pk, "reason": locked.refusal_reason},
        )
    return locked

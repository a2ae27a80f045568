"""Every write of the improvement suggestions (domain.md §10).

* `suggestion_create` — a customer user records a suggestion for their organization, for a
  product it licenses (and optionally one of its modules), optionally linked to tickets of the
  organization;
* `suggestion_move` — staff move it along `suggestions.workflow.ALLOWED` (a refusal needs its
  reason), under a row lock, and the author is e-mailed after the commit (an outbox row written
  in the move's transaction);
* `suggestion_link_ticket` — staff link a ticket of the suggestion's organization.

Every field error is reported at once; a refused call changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from servicedesk.accounts.models import User
from servicedesk.accounts.permissions import can, is_staff_user
from servicedesk.catalog.models import Module, Product
from servicedesk.core.errors import Conflict, DomainError, NotAllowed
from servicedesk.suggestions.models import Suggestion, SuggestionEvent
from servicedesk.suggestions.notifications import enqueue_status_email
from servicedesk.suggestions.workflow import LABELS, REASON_REQUIRED, SuggestionStatus, may_move
from servicedesk.tickets.models import Ticket

CUSTOMERS_ONLY = gettext_noop("Somente usuários de clientes enviam sugestões de melhoria.")
STAFF_ONLY = gettext_noop("Somente a equipe WeConnect analisa sugestões.")
PRODUCT_REQUIRED = gettext_noop("Escolha o produto.")
PRODUCT_NOT_LICENSED = gettext_noop("Este produto não faz parte dos contratos da sua organização.")
MODULE_OTHER_PRODUCT = gettext_noop("Este módulo não pertence ao produto escolhido.")
TITLE_REQUIRED = gettext_noop("Dê um título à sugestão.")
TITLE_TOO_LONG = gettext_noop("Título longo demais: no máximo 200 caracteres.")
DESCRIPTION_REQUIRED = gettext_noop("Descreva a sugestão: o que mudaria e por quê.")
DESCRIPTION_TOO_LONG = gettext_noop("Descrição longa demais: no máximo 10.000 caracteres.")
TICKET_NOT_FOUND = gettext_noop("Chamado vinculado não encontrado.")
STATUS_UNKNOWN = gettext_noop("Situação desconhecida.")
MOVE_NOT_ALLOWED = gettext_noop("Uma sugestão {source} não pode passar para {target}.")
REASON_REQUIRED_MESSAGE = gettext_noop("Informe o motivo da recusa: ele é mostrado ao cliente.")
REASON_TOO_LONG = gettext_noop("Motivo longo demais: no máximo 2.000 caracteres.")
STALE = gettext_noop("Esta sugestão mudou desde que você a abriu: recarregue a página.")

TITLE_MAX = 200
DESCRIPTION_MAX = 10_000
REASON_MAX = 2000
LINKED_MAX = 10


def _clean(text) -> str:
    return str(text or "").replace("\x00", "").strip()


@transaction.atomic
def suggestion_create(
    *,
    author: User,
    product: Product | None,
    title: str,
    description: str,
    now: datetime,
    module: Module | None = None,
    tickets: Sequence[Ticket] = (),
) -> Suggestion:
    """**(decision)** Any active customer user may suggest, trained or not: a suggestion is not
    a ticket (§3's training rule is about tickets)."""
    if not can(author, "portal.access"):
        raise NotAllowed(CUSTOMERS_ONLY)
    organization = author.organization
    title = " ".join(_clean(title).split())
    description = _clean(description)
    errors: dict[str, str] = {}
    if product is None:
        errors["product"] = PRODUCT_REQUIRED
    elif not organization.licensed_products.filter(pk=product.pk).exists():
        errors["product"] = PRODUCT_NOT_LICENSED
    if module is not None and product is not None and module.product_id != product.pk:
        errors["module"] = MODULE_OTHER_PRODUCT
    if not title:
        errors["title"] = TITLE_REQUIRED
    elif len(title) > TITLE_MAX:
        errors["title"] = TITLE_TOO_LONG
    if not description:
        errors["description"] = DESCRIPTION_REQUIRED
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = DESCRIPTION_TOO_LONG
    tickets = list(tickets)[: LINKED_MAX + 1]
    if len(tickets) > LINKED_MAX or any(t.organization_id != organization.pk for t in tickets):
        errors["tickets"] = TICKET_NOT_FOUND
    if errors:
        raise DomainError(next(iter(errors.values())), fields=errors)
    suggestion = Suggestion.objects.create(
        organization=organization,
        author=author,
        product=product,
        module=module,
        title=title,
        description=description,
        status=SuggestionStatus.RECEIVED,
        created_at=now,
        updated_at=now,
    )
    if tickets:
        suggestion.tickets.set(tickets)
    SuggestionEvent.objects.create(
        suggestion=suggestion, from_status="", to_status=SuggestionStatus.RECEIVED, actor=author, at=now
    )
    return suggestion


@transaction.atomic
def suggestion_move(
    *,
    suggestion: Suggestion,
    actor: User,
    to: str,
    now: datetime,
    reason: str = "",
    expected_status: str | None = None,
) -> Suggestion:
    """Move the suggestion to `to` (staff only, along the workflow). `expected_status`: the
    status the caller's form showed; another one (someone moved it meanwhile) is a Conflict."""
    if not is_staff_user(actor) or not can(actor, "console.access"):
        raise NotAllowed(STAFF_ONLY)
    reason = _clean(reason)
    if to not in set(SuggestionStatus):
        raise DomainError(STATUS_UNKNOWN, field="status")
    locked = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if expected_status is not None and expected_status != locked.status:
        raise Conflict(STALE)
    target = SuggestionStatus(to)
    if not may_move(locked.status, target):
        source = LABELS[SuggestionStatus(locked.status)].lower()
        raise Conflict(_format(MOVE_NOT_ALLOWED, source=source, target=LABELS[target].lower()), field="status")
    if target in REASON_REQUIRED and not reason:
        raise DomainError(REASON_REQUIRED_MESSAGE, field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError(REASON_TOO_LONG, field="reason")
    event = SuggestionEvent.objects.create(
        suggestion=locked, from_status=locked.status, to_status=target, actor=actor, at=now, reason=reason
    )
    locked.status = target
    locked.updated_at = now
    if target in (SuggestionStatus.REFUSED, SuggestionStatus.PLANNED):
        locked.reason = reason
    locked.save(update_fields=["status", "updated_at", "reason"])
    enqueue_status_email(event.pk)  # an outbox row of this transaction: sent once it commits
    return locked


@transaction.atomic
def suggestion_link_ticket(*, suggestion: Suggestion, ticket: Ticket | None, actor: User) -> Suggestion:
    """Staff link a ticket of the suggestion's organization (another organization's ticket, or
    none, is "not found")."""
    if not is_staff_user(actor) or not can(actor, "console.access"):
        raise NotAllowed(STAFF_ONLY)
    if ticket is None or ticket.organization_id != suggestion.organization_id:
        raise DomainError(TICKET_NOT_FOUND, field="ticket")
    suggestion.tickets.add(ticket)
    return suggestion


def _format(template: str, **values) -> str:
    return gettext(template).format(**values)

"""Improvement suggestions (domain.md §10, issue 10): customers list and send their
organization's; staff read all. Another organization's suggestion is 404. Every rule is in
`suggestions.services`; errors are problem+json."""

from __future__ import annotations

from typing import Annotated

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from servicedesk.api.schemas.common import MAX_ID, responses
from servicedesk.api.schemas.suggestions import (
    SuggestionDetailOut,
    SuggestionFilters,
    SuggestionIn,
    SuggestionPage,
    suggestion_out,
)
from servicedesk.api.selectors import Keyset
from servicedesk.catalog.models import Module, Product
from servicedesk.core import clock
from servicedesk.core.errors import DomainError
from servicedesk.suggestions import selectors, services
from servicedesk.suggestions.access import access_suggestion
from servicedesk.tickets.access import ticket_queryset_for
from servicedesk.tickets.models import Ticket

router = Router(tags=["Sugestões de melhoria"])

SuggestionId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id da sugestão.")]
KEYSET = Keyset("suggestions", "created_at", descending=True)


def _ticket_ids(suggestion, user) -> list[int]:
    return list(ticket_queryset_for(user).filter(suggestions=suggestion).order_by("pk").values_list("pk", flat=True))


def _detail(user, pk) -> dict:
    suggestion = access_suggestion(user, pk)
    return suggestion_out(suggestion, user, tickets=_ticket_ids(suggestion, user), history=True)


@router.get(
    "/suggestions",
    response=responses({200: SuggestionPage}),
    operation_id="suggestions_list",
    summary="Sugestões de melhoria",
)
def suggestions_list(request: HttpRequest, filters: Query[SuggestionFilters]):
    """Cliente: as da sua organização; equipe: todas. Da mais recente à mais antiga."""
    user = request.auth
    found = selectors.suggestion_list(user, status=filters.status or "").prefetch_related(
        Prefetch("tickets", queryset=Ticket.objects.only("pk").order_by("pk"))
    )
    rows, cursor = KEYSET.page(found, cursor=filters.cursor, limit=filters.limit)
    items = [suggestion_out(s, user, tickets=[t.pk for t in s.tickets.all()]) for s in rows]
    return {"items": items, "next_cursor": cursor}


@router.post(
    "/suggestions",
    response=responses({201: SuggestionDetailOut}),
    operation_id="suggestions_create",
    summary="Enviar sugestão de melhoria",
)
def suggestions_create(request: HttpRequest, payload: SuggestionIn):
    """Usuários de clientes: registra a sugestão para a organização (situação "recebida")."""
    user = request.auth
    product = Product.objects.filter(pk=payload.product).first()
    if product is None:
        raise DomainError(services.PRODUCT_NOT_LICENSED, field="product")
    module = None
    if payload.module is not None:
        module = Module.objects.filter(pk=payload.module).first()
        if module is None:
            raise DomainError(services.MODULE_OTHER_PRODUCT, field="module")
    tickets = list(ticket_queryset_for(user).filter(pk__in=payload.tickets))
    if len(tickets) != len(set(payload.tickets)):
        raise DomainError(services.TICKET_NOT_FOUND, field="tickets")
    suggestion = services.suggestion_create(
        author=user,
        product=product,
        module=module,
        title=payload.title,
        description=payload.description,
        tickets=tickets,
        now=clock.now(),
    )
    return Status(201, _detail(user, suggestion.pk))


@router.get(
    "/suggestions/{suggestion_id}",
    response=responses({200: SuggestionDetailOut}),
    operation_id="suggestions_get",
    summary="Ver sugestão",
)
def suggestions_get(request: HttpRequest, suggestion_id: SuggestionId):
    """Com o histórico de situações (quem, quando e, para o cliente, o motivo da recusa ou do planejamento)."""
    return _detail(request.auth, suggestion_id)

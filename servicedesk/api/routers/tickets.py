"""Tickets: list, open, read, conversation, history, transitions, reclassification, SLA clocks.

Each endpoint: parse, one access function (tickets.access), one service or selector, respond.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Header, Path, Query, Router, Status

from servicedesk.accounts.permissions import can
from servicedesk.api import selectors, services
from servicedesk.api.schemas.common import MAX_ID, responses
from servicedesk.api.schemas.tickets import (
    CommentIn,
    CommentOut,
    CommentPage,
    EventPage,
    FixedInIn,
    PageParams,
    ReclassificationIn,
    SlaOut,
    TicketCreateIn,
    TicketFilters,
    TicketOut,
    TicketPage,
    TransitionIn,
    comment_out,
    event_out,
    ticket_detail,
    ticket_summary,
)
from servicedesk.core import clock
from servicedesk.core.errors import NotAllowed
from servicedesk.sla.services import engine_calendars_for, ticket_clocks, ticket_sla_view
from servicedesk.tickets import services as tickets
from servicedesk.tickets.access import access_ticket, comment_queryset_for, event_queryset_for
from servicedesk.tickets.history import event_data_for

router = Router(tags=["Chamados"])
TicketNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="Número do chamado.")]

OPEN_NOT_ALLOWED = "Somente usuários de clientes abrem chamados."


@router.get("/tickets", response=responses({200: TicketPage}), operation_id="tickets_list", summary="Listar chamados")
def tickets_list(request: HttpRequest, filters: Query[TicketFilters]):
    """Chamados visíveis ao usuário (cliente: só a sua organização), do mais recente ao mais antigo
    (`order=recent`) ou pelo prazo de SLA mais próximo (`order=due`). Paginação por cursor."""
    items, next_cursor = selectors.ticket_list(user=request.auth, **filters.dict())
    now, calendars = clock.now(), engine_calendars_for(items)
    return {
        "items": [ticket_summary(t, sla=ticket_sla_view(t, now=now, calendar=calendars[t.calendar_id])) for t in items],
        "next_cursor": next_cursor,
    }


@router.post("/tickets", response=responses({201: TicketOut}), operation_id="tickets_create", summary="Abrir chamado")
def tickets_create(
    request: HttpRequest,
    response: HttpResponse,
    payload: TicketCreateIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=255),
):
    """Abre um chamado (usuários do cliente, treinados). Evidências: ids devolvidos por `POST /attachments`.
    Com o cabeçalho `Idempotency-Key`, repetir a mesma requisição devolve a mesma resposta sem abrir outro chamado."""
    user = request.auth
    if not can(user, "ticket.open"):
        raise NotAllowed(OPEN_NOT_ALLOWED)
    now = clock.now()
    refs = selectors.ticket_refs(
        user=user,
        module=payload.module,
        release=payload.release,
        affected_process=payload.affected_process,
        linked_ticket=payload.linked_ticket,
    )
    open_ticket = partial(
        tickets.ticket_open,
        requester=user,
        type=payload.type,
        severity=payload.severity,
        environment=payload.environment,
        title=payload.title,
        description=payload.description,
        version_text=payload.version_text,
        category=payload.category,
        now=now,
        **refs,
    )

    def create():
        ticket = services.api_ticket_open(requester=user, attachment_ids=payload.attachments, open_ticket=open_ticket)
        body = TicketOut.model_validate(ticket_detail(access_ticket(user, ticket.pk), now=now, viewer=user)).model_dump(
            mode="json"
        )
        return ticket, 201, body

    if idempotency_key is None:
        _, status, body = create()
        return Status(status, body)
    result = services.idempotent_create(
        user=user,
        key=idempotency_key,
        fingerprint=services.request_fingerprint(request.body),
        now=now,
        create=create,
    )
    response["Idempotent-Replayed"] = "true" if result.replayed else "false"
    return Status(result.status_code, result.body)


@router.get(
    "/tickets/{number}", response=responses({200: TicketOut}), operation_id="tickets_get", summary="Ver chamado"
)
def tickets_get(request: HttpRequest, number: TicketNumber):
    return ticket_detail(access_ticket(request.auth, number), now=clock.now(), viewer=request.auth)


@router.get(
    "/tickets/{number}/comments",
    response=responses({200: CommentPage}),
    operation_id="tickets_comments_list",
    summary="Mensagens do chamado",
)
def tickets_comments_list(request: HttpRequest, number: TicketNumber, page: Query[PageParams]):
    """Mensagens públicas e, para a equipe WeConnect, notas internas (nunca mostradas ao cliente)."""
    ticket = access_ticket(request.auth, number)
    items, next_cursor = selectors.COMMENT_KEYSET.page(
        comment_queryset_for(request.auth, ticket), cursor=page.cursor, limit=page.limit
    )
    return {"items": [comment_out(c) for c in items], "next_cursor": next_cursor}


@router.post(
    "/tickets/{number}/comments",
    response=responses({201: CommentOut}),
    operation_id="tickets_comments_create",
    summary="Comentar",
)
def tickets_comments_create(request: HttpRequest, number: TicketNumber, payload: CommentIn):
    user = request.auth
    ticket = access_ticket(user, number)
    add_comment = partial(
        tickets.ticket_comment_add,
        ticket=ticket,
        author=user,
        body=payload.body,
        internal=payload.internal,
        now=clock.now(),
        expected_revision=payload.revision,
    )
    comment = services.api_comment_add(author=user, attachment_ids=payload.attachments, add_comment=add_comment)
    return Status(201, comment_out(comment))


@router.get(
    "/tickets/{number}/history",
    response=responses({200: EventPage}),
    operation_id="tickets_history",
    summary="Histórico do chamado",
)
def tickets_history(request: HttpRequest, number: TicketNumber, page: Query[PageParams]):
    """Eventos do chamado; o cliente vê apenas os públicos."""
    ticket = access_ticket(request.auth, number)
    items, next_cursor = selectors.EVENT_KEYSET.page(
        event_queryset_for(request.auth, ticket), cursor=page.cursor, limit=page.limit
    )
    return {"items": [event_out(e, data=event_data_for(request.auth, e)) for e in items], "next_cursor": next_cursor}


@router.post(
    "/tickets/{number}/transitions",
    response=responses({200: TicketOut}),
    operation_id="tickets_transition",
    summary="Mudar o status",
)
def tickets_transition(request: HttpRequest, number: TicketNumber, payload: TransitionIn):
    """Cliente: `CANCELADO` (desistir) ou `ENCERRADO` (confirmar a solução). Equipe: o que o fluxo permitir."""
    ticket = access_ticket(request.auth, number)
    tickets.ticket_transition(
        ticket=ticket,
        to=payload.to,
        actor=request.auth,
        now=clock.now(),
        note=payload.comment,
        expected_revision=payload.revision,
    )
    return ticket_detail(access_ticket(request.auth, number), now=clock.now(), viewer=request.auth)


@router.post(
    "/tickets/{number}/reclassification",
    response=responses({200: TicketOut}),
    operation_id="tickets_reclassify",
    summary="Reclassificar",
)
def tickets_reclassify(request: HttpRequest, number: TicketNumber, payload: ReclassificationIn):
    """Equipe: muda severidade e/ou tipo com justificativa obrigatória e fato gerador opcional."""
    ticket = access_ticket(request.auth, number)
    tickets.ticket_reclassify(
        ticket=ticket,
        actor=request.auth,
        now=clock.now(),
        justification=payload.justification,
        severity=payload.severity,
        type=payload.type,
        triggering_fact=payload.triggering_fact,
        expected_revision=payload.revision,
    )
    return ticket_detail(access_ticket(request.auth, number), now=clock.now(), viewer=request.auth)


@router.put(
    "/tickets/{number}/fixed-in",
    response=responses({200: TicketOut}),
    operation_id="tickets_fixed_in",
    summary="Versão que corrige o problema",
)
def tickets_fixed_in(request: HttpRequest, number: TicketNumber, payload: FixedInIn):
    """Manutenção (e gestores, administradores): a versão do produto do chamado que corrige este
    Problema. Se a versão já está publicada, o solicitante e os aprovadores são avisados uma vez."""
    ticket = access_ticket(request.auth, number)
    tickets.ticket_fix_link(
        ticket=ticket,
        release_id=payload.release,
        actor=request.auth,
        now=clock.now(),
        expected_revision=payload.revision,
    )
    return ticket_detail(access_ticket(request.auth, number), now=clock.now(), viewer=request.auth)


@router.get(
    "/tickets/{number}/sla", response=responses({200: SlaOut}), operation_id="tickets_sla", summary="Relógios de SLA"
)
def tickets_sla(request: HttpRequest, number: TicketNumber):
    """Os dois relógios (diagnóstico e solução) agora, exatamente como `python -m servicedesk sla simulate`."""
    ticket = access_ticket(request.auth, number)
    return ticket_clocks(ticket, as_of=clock.now()).to_json()

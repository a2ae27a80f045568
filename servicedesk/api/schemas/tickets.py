"""Tickets, comments, history, transitions, reclassification, SLA clocks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import (
    CleanIn,
    DateTimeIn,
    DateTimeOut,
    Id,
    PersonRef,
    Ref,
    StrictIn,
    person,
    ref,
)
from servicedesk.sla.engine.policy import Environment, Severity, TicketStatus, TicketType
from servicedesk.sla.services import SlaView, ticket_sla_view
from servicedesk.tickets.access import fix_release_for


class Category(StrEnum):
    NONE = ""
    TRAINING = "treinamento"
    PROPOSAL = "proposta"
    LICENSE_KEY = "chave"


class ClockStateOut(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"


class TicketOrder(StrEnum):
    RECENT = "recent"  # newest first (by number, i.e. opening order)
    DUE = "due"  # nearest SLA deadline first (next_due_at, then tickets without one)


# --------------------------------------------------------------------------- tickets


class TicketSummary(Schema):
    number: int
    title: str
    type: TicketType
    severity: Severity
    status: TicketStatus
    category: Category
    environment: Environment
    organization: Ref
    requester: PersonRef
    assignee: PersonRef | None
    team: Ref | None
    module: Ref | None
    opened_at: DateTimeOut
    next_due_at: DateTimeOut | None
    at_risk: bool
    breached: bool
    revision: int
    updated_at: DateTimeOut


class FixedInOut(Schema):
    """The release that fixes the Problema. Customers see it only once published; staff also
    the planned one (`published_at` null)."""

    release: int
    product: str
    version: str
    published_at: DateTimeOut | None


class TicketOut(TicketSummary):
    description: str
    product: Ref | None
    release: str | None = Field(..., description="Versão registrada do produto.")
    version_text: str
    version_supported: bool
    diagnosis_due_at: DateTimeOut | None
    diagnosis_met_at: DateTimeOut | None
    diagnosis_state: ClockStateOut
    solution_due_at: DateTimeOut | None
    solution_met_at: DateTimeOut | None
    solution_state: ClockStateOut
    auto_close_at: DateTimeOut | None
    closed_at: DateTimeOut | None
    linked_ticket: int | None
    fixed_in: FixedInOut | None = Field(..., description="Versão que corrige o problema (publicada, para clientes).")


def fixed_in_for(ticket, *, viewer) -> dict | None:
    """`ticket.fixed_in` as `viewer` may read it (tickets.access.fix_release_for)."""
    release = fix_release_for(viewer, ticket)
    if release is None:
        return None
    return {
        "release": release.pk,
        "product": release.product.name,
        "version": release.version,
        "published_at": release.published_at,
    }


def ticket_summary(ticket, *, sla: SlaView) -> dict[str, Any]:
    """`sla`: the ticket's clocks as of the response (`sla.services.ticket_sla_view`)."""
    upcoming = sla.next
    return {
        "number": ticket.pk,
        "title": ticket.title,
        "type": ticket.type,
        "severity": ticket.severity,
        "status": ticket.status,
        "category": ticket.category,
        "environment": ticket.environment,
        "organization": ref(ticket.organization),
        "requester": person(ticket.requester),
        "assignee": person(ticket.assignee),
        "team": ref(ticket.team),
        "module": ref(ticket.module),
        "opened_at": ticket.opened_at,
        "next_due_at": upcoming.due_at if upcoming else None,
        "at_risk": sla.at_risk,
        "breached": sla.breached,
        "revision": ticket.revision,
        "updated_at": ticket.updated_at,
    }


def ticket_detail(ticket, *, now: datetime, viewer=None) -> dict[str, Any]:
    """`viewer`: who reads it (None: as a customer would — only what customers may see)."""
    sla = ticket_sla_view(ticket, now=now)
    return {
        **ticket_summary(ticket, sla=sla),
        "description": ticket.description,
        "product": ref(ticket.product),
        "release": ticket.release.version if ticket.release_id else None,
        "version_text": ticket.version_text,
        "version_supported": ticket.version_supported,
        "diagnosis_due_at": sla.diagnosis.due_at,
        "diagnosis_met_at": sla.diagnosis.met_at,
        "diagnosis_state": sla.diagnosis.state,
        "solution_due_at": sla.solution.due_at,
        "solution_met_at": sla.solution.met_at,
        "solution_state": sla.solution.state,
        "auto_close_at": ticket.auto_close_at,
        "closed_at": ticket.closed_at,
        "linked_ticket": ticket.linked_ticket_id,
        "fixed_in": fixed_in_for(ticket, viewer=viewer),
    }


class TicketPage(Schema):
    items: list[TicketSummary]
    next_cursor: str | None = Field(..., description="Passe em ?cursor= para a próxima página; null no fim.")


class TicketCreateIn(StrictIn):
    """Open a ticket (customer users). Evidence: ids returned by POST /attachments."""

    type: TicketType
    severity: Severity | None = Field(None, description="Obrigatória para Problema; Solicitação e Dúvida são Normal.")
    environment: Environment
    module: Id = Field(..., description="Id do módulo (GET /catalog/products).")
    release: Id | None = Field(None, description="Id da versão do produto.")
    version_text: str = Field("", max_length=40)
    title: str = Field(..., max_length=200)
    description: str = Field(..., max_length=20000)
    category: Category = Category.NONE
    affected_process: Id | None = Field(None, description="Id do processo do cronograma operacional.")
    linked_ticket: Id | None = Field(None, description="Número de um chamado relacionado.")
    attachments: list[Id] = Field(default_factory=list, max_length=20)


class TicketFilters(CleanIn):
    status: list[TicketStatus] | None = None
    severity: list[Severity] | None = None
    type: list[TicketType] | None = None
    environment: Environment | None = None
    organization: Id | None = None
    assignee: Id | None = None
    due_before: DateTimeIn | None = Field(None, description="next_due_at antes deste instante (com offset).")
    due_after: DateTimeIn | None = Field(None, description="next_due_at a partir deste instante (com offset).")
    text: str | None = Field(
        None,
        max_length=200,
        description="Busca por palavras (todas, em qualquer ordem, sem diferenciar acentos) no título, na descrição, nas mensagens públicas, na organização e no solicitante — e nas notas internas, para a equipe; ou pelo número.",
    )
    order: TicketOrder = TicketOrder.RECENT
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


# --------------------------------------------------------------------------- conversation


class AttachmentRef(Schema):
    id: int
    name: str
    content_type: str
    size: int


class CommentOut(Schema):
    id: int
    author: PersonRef
    body: str
    internal: bool
    created_at: DateTimeOut
    attachments: list[AttachmentRef]


def attachment_ref(attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
    }


def comment_out(comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": person(comment.author),
        "body": comment.body,
        "internal": comment.is_internal,
        "created_at": comment.created_at,
        "attachments": [attachment_ref(a) for a in comment.attachments.all()],
    }


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class CommentIn(StrictIn):
    body: str = Field("", max_length=20000)
    internal: bool = Field(False, description="Nota interna (somente equipe WeConnect).")
    attachments: list[Id] = Field(default_factory=list, max_length=20)
    revision: Id | None = Field(None, description="Revisão lida do chamado; se mudou, 409.")


class PageParams(CleanIn):
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


# --------------------------------------------------------------------------- history


class EventOut(Schema):
    id: int
    kind: str
    label: str
    at: DateTimeOut
    actor: PersonRef | None
    public: bool
    from_status: TicketStatus | None
    to_status: TicketStatus | None
    new_type: TicketType | None
    new_severity: Severity | None
    data: dict[str, Any]


def event_out(event, *, data: dict) -> dict[str, Any]:
    """`data`: what the caller may read of the event (`tickets.history.event_data_for`)."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": event.get_kind_display(),
        "at": event.at,
        "actor": person(event.actor),
        "public": event.public,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        "new_type": event.new_type or None,
        "new_severity": event.new_severity or None,
        "data": data,
    }


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


# --------------------------------------------------------------------------- actions


class TransitionIn(StrictIn):
    to: TicketStatus
    comment: str = Field("", max_length=20000, description="Mensagem ou motivo (obrigatório para alguns status).")
    revision: Id | None = Field(None, description="Revisão lida do chamado; se mudou, 409.")


class FixedInIn(StrictIn):
    release: Id = Field(..., description="Id da versão (do produto do chamado) que corrige o problema.")
    revision: Id | None = Field(None, description="Revisão lida do chamado; se mudou, 409.")


class ReclassificationIn(StrictIn):
    severity: Severity | None = None
    type: TicketType | None = None
    justification: str = Field(..., max_length=5000)
    triggering_fact: str = Field("", max_length=5000, description="Fato gerador que mostra a urgência real.")
    revision: Id | None = Field(None, description="Revisão lida do chamado; se mudou, 409.")


# --------------------------------------------------------------------------- SLA (the simulate tool's output)

_DATE_TIME = {"format": "date-time"}


class ClockOut(Schema):
    due_at: str = Field(..., json_schema_extra=_DATE_TIME)
    met_at: str | None = Field(..., json_schema_extra=_DATE_TIME)
    state: ClockStateOut
    elapsed_seconds: int
    paused_seconds: int
    paused_by_status: dict[str, int] = Field(
        ..., description="Tempo pausado (segundos úteis) em cada status que pausa o relógio."
    )


class SlaOut(Schema):
    """Exactly ``ClockReport.to_json()``, as ``python -m servicedesk sla simulate`` prints it."""

    status: TicketStatus
    severity: Severity
    type: TicketType
    diagnosis: ClockOut
    solution: ClockOut
    auto_close_at: str | None = Field(..., json_schema_extra=_DATE_TIME)
    contractual: bool

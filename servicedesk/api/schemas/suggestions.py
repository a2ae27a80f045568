"""Schemas of the improvement suggestions (domain.md §10)."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import DateTimeOut, Id, PersonRef, Ref, StrictIn, person, ref
from servicedesk.suggestions import selectors
from servicedesk.suggestions.models import Suggestion


class SuggestionIn(StrictIn):
    product: Id = Field(..., description="Id de um produto licenciado pela organização.")
    module: Id | None = Field(None, description="Id de um módulo desse produto (opcional).")
    title: str = Field(..., max_length=1000, description="Até 200 caracteres, uma linha.")
    description: str = Field(..., max_length=20_000, description="Até 10.000 caracteres.")
    tickets: list[Id] = Field(default_factory=list, max_length=10, description="Chamados da organização.")


class SuggestionFilters(StrictIn):
    status: str | None = Field(
        None, max_length=20, description="recebida, em análise, encaminhada, planejada, recusada."
    )
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(50, ge=1, le=200)


class SuggestionEventOut(Schema):
    from_status: str | None
    to_status: str
    by: str
    at: DateTimeOut
    reason: str


class SuggestionOut(Schema):
    id: int
    organization: Ref
    author: PersonRef
    product: Ref
    module: Ref | None
    title: str
    description: str
    status: str
    status_label: str
    reason: str = Field(..., description="O motivo da recusa (ou do planejamento), mostrado ao cliente.")
    tickets: list[int]
    created_at: DateTimeOut
    updated_at: DateTimeOut


class SuggestionDetailOut(SuggestionOut):
    history: list[SuggestionEventOut]


class SuggestionPage(Schema):
    items: list[SuggestionOut]
    next_cursor: str | None = Field(..., description="Passe em ?cursor= para a próxima página; null no fim.")


def suggestion_out(suggestion: Suggestion, user, *, tickets: list[int], history: bool = False) -> dict:
    out = {
        "id": suggestion.pk,
        "organization": ref(suggestion.organization),
        "author": person(suggestion.author),
        "product": ref(suggestion.product),
        "module": ref(suggestion.module),
        "title": suggestion.title,
        "description": suggestion.description,
        "status": suggestion.status,
        "status_label": suggestion.status_label,
        "reason": selectors.public_reason(suggestion, user),
        "tickets": tickets,
        "created_at": suggestion.created_at,
        "updated_at": suggestion.updated_at,
    }
    if history:
        out["history"] = [
            {
                "from_status": row["from_status"] or None,
                "to_status": row["to_status"],
                "by": row["actor_name"],
                "at": row["at"],
                "reason": row["reason"],
            }
            for row in selectors.suggestion_history(suggestion, user)
        ]
    return out

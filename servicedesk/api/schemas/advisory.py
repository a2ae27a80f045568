"""Technical advisory and billing (domain.md §8): price list, proposals, engagements, time
entries, activity reports, billing lines and exports.

Inputs are strict (`StrictIn`): a field the caller may not set — a price, an amount, a status,
who decided — is an unknown field and refused with 422, so nobody changes money by adding a key.
Amounts go out as decimal strings ("1234.50", `advisory.money.decimal_string`), never as floats.
A report is read from its frozen `content`: what the customer validated is what the API shows.
"""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema

from servicedesk.advisory.billing import BillingMode, Modality, entry_minutes
from servicedesk.advisory.models import PriceUnit, ProposalStatus, ReportStatus
from servicedesk.advisory.money import decimal_string
from servicedesk.advisory.services.engagements import MAX_ACTIVITY
from servicedesk.advisory.services.proposals import HOURS_INVALID, MAX_SCOPE
from servicedesk.api.schemas.common import CleanIn, DateTimeIn, DateTimeOut, Id, PersonRef, Ref, StrictIn, person, ref

Money = Annotated[
    str,
    Field(
        pattern=r"^-?\d+\.\d{2}$",
        examples=["1234.50"],
        description="Reais (BRL) como texto decimal: ponto, duas casas, sem separador de milhar.",
    ),
]
Hours = Annotated[str, Field(pattern=r"^\d+\.\d{2}$", examples=["12.50"], description="Horas como texto decimal.")]
STAFF_REF_INVALID = "Informe o id ou o usuário do analista."


def _staff_ref(value):
    """A staff member by id or by username; the service finds (or refuses) the person."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(STAFF_REF_INVALID)
    return str(value).strip()


def _hours_in(value):
    # Before the union: JSON true is not 1 hour, and a list is no number.
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(HOURS_INVALID)
    return value


StaffRef = Annotated[
    str,
    BeforeValidator(_staff_ref),
    Field(min_length=1, max_length=150),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "minLength": 1, "maxLength": 150}],
            "description": "Id ou usuário (username) de um analista da equipe WeConnect.",
            "examples": ["ana.analista"],
        }
    ),
]
HoursIn = Annotated[
    str | int | float,
    BeforeValidator(_hours_in),
    Field(description='Horas estimadas: texto decimal ("12.5") ou número; até duas casas.', examples=["12.5"]),
]


class ProposalDecision(StrEnum):
    ACCEPT = "aceita"
    REFUSE = "recusada"


class ReportDecision(StrEnum):
    VALIDATE = "validado"
    CONTEST = "contestado"


def _money(value) -> str:
    return decimal_string(value)


def _instant(value: str | datetime | None) -> datetime | None:
    """The frozen content keeps ISO strings; the API shows them in Brasília time like every instant."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


# --------------------------------------------------------------------------- price list


class PriceItemOut(Schema):
    code: str
    description: str
    unit: PriceUnit
    unit_label: str
    price: Money
    valid_from: date
    valid_until: date | None


def price_item_out(item) -> dict[str, Any]:
    return {
        "code": item.code,
        "description": item.description,
        "unit": item.unit,
        "unit_label": item.get_unit_display(),
        "price": _money(item.price),
        "valid_from": item.valid_from,
        "valid_until": item.valid_until,
    }


class PriceListOut(Schema):
    on: date = Field(..., description="O dia (em Brasília) da tabela em vigor.")
    items: list[PriceItemOut]


# --------------------------------------------------------------------------- proposals


class ProposalIn(StrictIn):
    """The terms of a proposal. The price comes from the price list (the item in force today) and
    the estimated amount is computed: neither can be sent."""

    scope: str = Field(..., max_length=MAX_SCOPE)
    modality: Modality
    billing: BillingMode = Field(..., description="`hora` (por hora) ou `serviço` (preço fechado).")
    estimated_hours: HoursIn
    price_item: str = Field(..., max_length=40, description="Código do serviço em GET /price-list.")
    revision: Id | None = Field(None, description="Revisão lida do chamado; se mudou, 409.")


class ProposalCancelIn(StrictIn):
    reason: str = Field(..., max_length=2000, description="Motivo do cancelamento (o cliente o lê).")


class ProposalDecisionIn(StrictIn):
    decision: ProposalDecision
    reason: str = Field("", max_length=2000, description="Obrigatório para recusar.")


class ProposalOut(Schema):
    id: int
    ticket: int
    organization: Ref
    status: ProposalStatus
    status_label: str
    scope: str
    modality: Modality
    billing: BillingMode
    estimated_hours: Hours
    price_item: str = Field(..., description="Código do serviço, como estava na proposta.")
    price_description: str
    unit_price: Money = Field(..., description="O preço copiado da tabela quando a proposta foi feita.")
    estimated_amount: Money
    created_by: PersonRef
    created_at: DateTimeOut
    sent_at: DateTimeOut | None
    decided_by: PersonRef | None
    decided_at: DateTimeOut | None
    refusal_reason: str
    cancelled_at: DateTimeOut | None
    cancel_reason: str
    engagement_id: int | None = Field(..., description="A assessoria criada pelo aceite (null antes dele).")


def proposal_out(proposal) -> dict[str, Any]:
    engagement = getattr(proposal, "engagement", None) if proposal.status == ProposalStatus.ACCEPTED else None
    return {
        "id": proposal.pk,
        "ticket": proposal.ticket_id,
        "organization": ref(proposal.organization),
        "status": proposal.status,
        "status_label": proposal.get_status_display(),
        "scope": proposal.scope,
        "modality": proposal.modality,
        "billing": proposal.billing,
        "estimated_hours": decimal_string(proposal.estimated_hours),
        "price_item": proposal.price_code,
        "price_description": proposal.price_description,
        "unit_price": _money(proposal.unit_price),
        "estimated_amount": _money(proposal.estimated_amount),
        "created_by": person(proposal.created_by),
        "created_at": proposal.created_at,
        "sent_at": proposal.sent_at,
        "decided_by": person(proposal.decided_by),
        "decided_at": proposal.decided_at,
        "refusal_reason": proposal.refusal_reason,
        "cancelled_at": proposal.cancelled_at,
        "cancel_reason": proposal.cancel_reason,
        "engagement_id": engagement.pk if engagement is not None else None,
    }


class ProposalList(Schema):
    items: list[ProposalOut]


# --------------------------------------------------------------------------- engagements


class AppointmentIn(StrictIn):
    starts_at: DateTimeIn
    ends_at: DateTimeIn
    analyst: StaffRef | None = Field(None, description="Id ou usuário do analista; sem ele, quem agenda.")
    location: str = Field(..., max_length=500, description="Endereço da visita ou link https:// da reunião.")
    notes: str = Field("", max_length=2000)


class AppointmentOut(Schema):
    id: int
    starts_at: DateTimeOut
    ends_at: DateTimeOut
    analyst: PersonRef
    location: str
    is_link: bool
    notes: str
    created_at: DateTimeOut


def appointment_out(appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "analyst": person(appointment.analyst),
        "location": appointment.location,
        "is_link": appointment.is_link,
        "notes": appointment.notes,
        "created_at": appointment.created_at,
    }


class TimeEntryIn(StrictIn):
    started_at: DateTimeIn
    ended_at: DateTimeIn
    activity: str = Field(..., max_length=MAX_ACTIVITY)
    analyst: StaffRef | None = Field(None, description="Somente gestores apontam por outro analista.")


class TimeEntryPatchIn(StrictIn):
    """Only what is sent changes; the rest stays as it is (the analyst never changes)."""

    started_at: DateTimeIn | None = None
    ended_at: DateTimeIn | None = None
    activity: str | None = Field(None, max_length=MAX_ACTIVITY)


class TimeEntryOut(Schema):
    id: int
    analyst: PersonRef
    started_at: DateTimeOut
    ended_at: DateTimeOut
    minutes: int = Field(..., description="Minutos inteiros trabalhados (os segundos não contam).")
    activity: str
    created_by: PersonRef
    created_at: DateTimeOut


def time_entry_out(entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "analyst": person(entry.analyst),
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "minutes": entry_minutes(entry.started_at, entry.ended_at),
        "activity": entry.activity,
        "created_by": person(entry.created_by),
        "created_at": entry.created_at,
    }


class StatementEntryOut(Schema):
    id: int | None
    started_at: DateTimeOut
    ended_at: DateTimeOut
    minutes: int
    activity: str


class SessionOut(Schema):
    """One analyst's entries on one Brasília day, billed at least the minimum (60 min remote, 480 on site)."""

    date: dt.date
    analyst: str
    analyst_id: int | None
    minutes: int
    billable_minutes: int
    amount: Money
    entries: list[StatementEntryOut]


class TotalsOut(Schema):
    minutes: int
    billable_minutes: int
    amount: Money


class EstimateOut(Schema):
    hours: Hours
    amount: Money


class StatementOut(Schema):
    billing: BillingMode
    modality: Modality
    unit_price: Money
    minimum_minutes: int = Field(..., description="Mínimo faturável por sessão (0 para preço fechado).")
    sessions: list[SessionOut]
    totals: TotalsOut
    estimate: EstimateOut


def statement_out(content: dict) -> dict[str, Any]:
    """A statement in the JSON form `advisory.services.reports.statement_content` freezes."""
    proposal = content["proposal"]
    return {
        "billing": proposal["billing"],
        "modality": proposal["modality"],
        "unit_price": proposal["unit_price"],
        "minimum_minutes": content["minimum_minutes"],
        "sessions": [
            {
                "date": session["date"],
                "analyst": session["analyst"],
                "analyst_id": session.get("analyst_id"),
                "minutes": session["minutes"],
                "billable_minutes": session["billable_minutes"],
                "amount": session["amount"],
                "entries": [
                    {
                        "id": entry.get("id"),
                        "started_at": _instant(entry["started_at"]),
                        "ended_at": _instant(entry["ended_at"]),
                        "minutes": entry["minutes"],
                        "activity": entry["activity"],
                    }
                    for entry in session["entries"]
                ],
            }
            for session in content["sessions"]
        ],
        "totals": dict(content["totals"]),
        "estimate": {"hours": proposal["estimated_hours"], "amount": proposal["estimated_amount"]},
    }


class ReportRef(Schema):
    id: int
    version: int
    status: ReportStatus
    sent_at: DateTimeOut
    amount: Money


class EngagementOut(Schema):
    id: int
    proposal_id: int
    ticket: int
    organization: Ref
    accepted_at: DateTimeOut
    validated_at: DateTimeOut | None
    appointments: list[AppointmentOut]
    time_entries: list[TimeEntryOut]
    reports: list[ReportRef] = Field(..., description="Todas as versões do relatório, da mais recente à primeira.")
    statement: StatementOut = Field(..., description="O demonstrativo dos apontamentos como estão agora.")


def engagement_out(engagement, *, content: dict) -> dict[str, Any]:
    """`content`: the engagement's current statement (`statement_content` of its entries now)."""
    return {
        "id": engagement.pk,
        "proposal_id": engagement.proposal_id,
        "ticket": engagement.ticket_id,
        "organization": ref(engagement.organization),
        "accepted_at": engagement.accepted_at,
        "validated_at": engagement.validated_at,
        "appointments": [appointment_out(a) for a in engagement.appointments.select_related("analyst")],
        "time_entries": [
            time_entry_out(e)
            for e in engagement.time_entries.select_related("analyst", "created_by").order_by("started_at", "pk")
        ],
        "reports": [
            {"id": r.pk, "version": r.version, "status": r.status, "sent_at": r.sent_at, "amount": _money(r.amount)}
            for r in engagement.reports.order_by("-version").only("pk", "version", "status", "sent_at", "amount")
        ],
        "statement": statement_out(content),
    }


# --------------------------------------------------------------------------- activity reports


class ReportDecisionIn(StrictIn):
    decision: ReportDecision
    comment: str = Field("", max_length=4000, description="Obrigatório para contestar.")


class ReportOut(StatementOut):
    id: int
    version: int
    status: ReportStatus
    status_label: str
    engagement_id: int
    ticket: int
    sent_at: DateTimeOut
    sent_by: PersonRef
    decided_by: PersonRef | None
    decided_at: DateTimeOut | None
    comment: str
    pdf: str = Field(..., description="Endereço do PDF desta versão.")
    filename: str


def report_out(report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "version": report.version,
        "status": report.status,
        "status_label": report.get_status_display(),
        "engagement_id": report.engagement_id,
        "ticket": report.engagement.ticket_id,
        "sent_at": report.sent_at,
        "sent_by": person(report.sent_by),
        "decided_by": person(report.decided_by),
        "decided_at": report.decided_at,
        "comment": report.decision_comment,
        "pdf": f"/api/v1/activity-reports/{report.pk}/pdf",
        "filename": report.filename,
        **statement_out(report.content),
    }


# --------------------------------------------------------------------------- billing


class BillingLineFilters(CleanIn):
    exported: bool | None = Field(None, description="false: ainda não exportadas; true: já em um lote; sem ele: todas.")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(100, ge=1, le=500)


class BatchRef(Schema):
    id: int
    number: int


class BillingLineOut(Schema):
    id: int
    activity_report: int
    report_version: int
    ticket: int
    organization: Ref
    date: dt.date
    analyst: Ref | None = Field(..., description="null para um serviço de preço fechado.")
    description: str
    minutes: int
    billable_minutes: int
    unit_price: Money
    amount: Money
    batch: BatchRef | None = Field(..., description="O lote de exportação (null enquanto não exportada).")
    created_at: DateTimeOut


def billing_line_out(line) -> dict[str, Any]:
    return {
        "id": line.pk,
        "activity_report": line.report_id,
        "report_version": line.report.version,
        "ticket": line.ticket_id,
        "organization": ref(line.organization),
        "date": line.date,
        "analyst": {"id": line.analyst_id, "name": line.analyst_name} if line.analyst_id else None,
        "description": line.description,
        "minutes": line.minutes,
        "billable_minutes": line.billable_minutes,
        "unit_price": _money(line.unit_price),
        "amount": _money(line.amount),
        "batch": {"id": line.batch_id, "number": line.batch.number} if line.batch_id else None,
        "created_at": line.created_at,
    }


class BillingLinePage(Schema):
    items: list[BillingLineOut]
    next_cursor: str | None = Field(..., description="Passe em ?cursor= para a próxima página; null no fim.")


class BatchOut(Schema):
    id: int
    number: int
    created_at: DateTimeOut
    created_by: PersonRef
    line_count: int
    total: Money
    csv: str
    xlsx: str


def batch_out(batch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "number": batch.number,
        "created_at": batch.created_at,
        "created_by": person(batch.created_by),
        "line_count": batch.line_count,
        "total": _money(batch.total),
        "csv": f"/api/v1/billing-exports/{batch.pk}.csv",
        "xlsx": f"/api/v1/billing-exports/{batch.pk}.xlsx",
    }

"""SLA compliance (servicedesk.reports) and the customer's monthly statement."""

from __future__ import annotations

from datetime import date

from ninja import Schema
from pydantic import Field

from servicedesk.api.schemas.common import DateTimeOut, StrictIn


class ComplianceQuery(Schema):
    date_from: date = Field(..., alias="from", description="Primeiro dia (data de Brasília, AAAA-MM-DD).")
    date_to: date = Field(..., alias="to", description="Último dia, inclusive (data de Brasília).")
    group_by: str = Field(
        "",
        max_length=200,
        description="Chaves separadas por vírgula: month, plan, severity, type, organization, team, analyst.",
    )
    plan: str | None = Field(None, max_length=30, description="Filtrar por plano (STARTER, PREMIUM).")
    severity: str | None = Field(None, max_length=20)
    type: str | None = Field(None, max_length=20)
    organization: int | None = Field(None, ge=1, le=2**63 - 1)
    team: int | None = Field(None, ge=1, le=2**63 - 1)
    analyst: int | None = Field(None, ge=1, le=2**63 - 1)


class ClockFiguresOut(Schema):
    met: int = Field(..., description="Relógios cumpridos no prazo.")
    breached: int = Field(..., description="Relógios violados (cumpridos depois do prazo, ou com o prazo vencido).")
    compliance: float | None = Field(
        ..., ge=0, le=1, description="met ÷ (met + breached), 6 casas decimais; null quando nada conta."
    )
    avg_business_seconds: float | None = Field(
        ..., description="Média do tempo útil (segundos) dos relógios cumpridos no período; null sem nenhum."
    )


class ComplianceRowOut(Schema):
    # Only the keys of the requested groups are present (the route excludes the unset ones).
    month: str | None = Field(None, description="AAAA-MM (Brasília); presente quando agrupado por month.")
    plan: str | None = None
    severity: str | None = None
    type: str | None = None
    organization: int | None = None
    organization_name: str | None = None
    team: int | None = None
    team_name: str | None = None
    analyst: int | None = None
    analyst_name: str | None = None
    diagnosis: ClockFiguresOut
    solution: ClockFiguresOut


class ComplianceOut(Schema):
    date_from: date = Field(..., serialization_alias="from")
    date_to: date = Field(..., serialization_alias="to")
    group_by: list[str]
    rows: list[ComplianceRowOut]


class StatementClockOut(Schema):
    due_at: str | None
    met_at: str | None
    state: str
    outcome: str = Field(
        ..., description="met (no prazo), breached (violado), pending (em curso) ou vazio (não conta)."
    )
    counts_in_month: bool
    business_seconds: int | None


class StatementPauseOut(Schema):
    status: str
    started_at: str
    ended_at: str | None
    business_seconds: int


class StatementReclassificationOut(Schema):
    at: str
    from_type: str | None
    to_type: str | None
    from_severity: str | None
    to_severity: str | None
    justification: str
    triggering_fact: str


class StatementTicketOut(Schema):
    number: int
    title: str
    type: str
    severity: str
    environment: str
    contractual: bool
    status: str
    opened_at: str
    diagnosis: StatementClockOut
    solution: StatementClockOut
    pauses: list[StatementPauseOut]
    reclassifications: list[StatementReclassificationOut]


class StatementSeverityOut(Schema):
    severity: str
    diagnosis: ClockFiguresOut
    solution: ClockFiguresOut


class StatementTotalOut(Schema):
    diagnosis: ClockFiguresOut
    solution: ClockFiguresOut


class StatementComplianceOut(Schema):
    by_severity: list[StatementSeverityOut]
    total: StatementTotalOut


class StatementOrganizationOut(Schema):
    id: int
    name: str
    plan: str


class StatementOut(Schema):
    organization: StatementOrganizationOut
    month: str
    date_from: str = Field(..., alias="from")
    date_to: str = Field(..., alias="to")
    generated_at: str
    tickets: list[StatementTicketOut] = Field(..., description="A página pedida dos chamados do mês.")
    tickets_total: int = Field(..., description="Quantos chamados o extrato do mês tem (todas as páginas).")
    page: int
    pages: int
    per_page: int
    compliance: StatementComplianceOut


class SatisfactionIn(StrictIn):
    rating: int = Field(..., ge=1, le=5, description="1 (muito insatisfeito) a 5 (muito satisfeito).")
    comment: str = Field("", max_length=4000)


class SatisfactionOut(Schema):
    ticket: int
    rating: int
    comment: str
    answered_at: DateTimeOut

"""SLA reports: compliance per period and group (staff, scoped by role), and the customer's
monthly statement (approvers of the organization) — servicedesk.reports."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Path, Query, Router, Status

from servicedesk.api.schemas.common import MAX_ID, responses
from servicedesk.api.schemas.reports import (
    ComplianceOut,
    ComplianceQuery,
    SatisfactionIn,
    SatisfactionOut,
    StatementOut,
)
from servicedesk.core import clock
from servicedesk.reports import selectors as reports
from servicedesk.reports import statements
from servicedesk.reports.pdf import statement_pdf
from servicedesk.surveys import services as surveys

router = Router(tags=["Relatórios"])


@router.get(
    "/sla/compliance",
    response=responses({200: ComplianceOut}),
    operation_id="sla_compliance",
    summary="Cumprimento do SLA",
    by_alias=True,
    exclude_unset=True,  # a row carries its own group keys only: `analyst: null` means "no analyst"
)
def sla_compliance(request: HttpRequest, params: Query[ComplianceQuery]):
    """Cumprimento dos relógios contratuais (chamados de produção) de diagnóstico e solução no período
    `from`–`to` (datas de Brasília, `to` inclusive), agrupado por `group_by`: cada linha traz só as
    chaves dos grupos pedidos (e o nome da organização, equipe ou analista agrupados; `analyst` nulo
    é chamado sem analista). Cada relógio conta no mês
    em que seu prazo venceu (ou, se cumprido antes, no mês em que foi cumprido); um relógio em curso e
    ainda não vencido não conta (domain.md §10). Somente equipe: o administrador vê tudo, o gestor as
    equipes que gerencia, o analista os seus chamados."""
    group_by = reports.parse_group_by(params.group_by)
    period = reports.Period.checked(params.date_from, params.date_to)
    filters = reports.checked_filters({key: getattr(params, key) for key in reports.FILTER_KEYS})
    rows = reports.compliance(user=request.auth, period=period, now=clock.now(), group_by=group_by, filters=filters)
    labels = reports.row_labels(rows)
    out = []
    for row in rows:
        item = dict(row.keys)
        for kind in ("organization", "team", "analyst"):
            if kind in row.keys:
                item[f"{kind}_name"] = labels[kind].get(row.keys[kind])
        item["diagnosis"] = row.diagnosis.as_dict()
        item["solution"] = row.solution.as_dict()
        out.append(item)
    return {"date_from": period.first, "date_to": period.last, "group_by": list(group_by), "rows": out}


Month = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$", description="AAAA-MM (mês de Brasília).")]


def _statement(request: HttpRequest, month: str, *, page: int | None = None) -> dict:
    organization = statements.access_statement_organization(request.auth)
    year, number = statements.parse_month(month)
    return statements.statement(organization, year=year, month=number, now=clock.now(), page=page)


Page = Annotated[
    int,
    Query(ge=1, le=1_000_000, description=f"Página dos chamados ({statements.STATEMENT_PAGE_SIZE} por página)."),
]


# The PDF comes first: the JSON route's pattern would take "2026-11.pdf" as the month.
@router.get(
    "/organizations/me/statements/{month}.pdf",
    response=responses({200: None}),
    operation_id="statements_pdf",
    summary="Extrato mensal de SLA (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "O extrato do mês em PDF.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def statements_pdf(request: HttpRequest, month: Month):
    """O mesmo extrato em PDF. Somente os aprovadores da organização (os demais: 404)."""
    response = HttpResponse(statement_pdf(_statement(request, month)), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"extrato-sla-{month}.pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/organizations/me/statements/{month}",
    response=responses({200: StatementOut}),
    operation_id="statements_get",
    summary="Extrato mensal de SLA",
    by_alias=True,
)
def statements_get(request: HttpRequest, month: Month, page: Page = 1):
    """O extrato de SLA do mês da sua organização: os chamados abertos no mês ou com um relógio que
    conta nele, os dois relógios (prazo, cumprimento, resultado), as pausas e seus motivos, as
    reclassificações com justificativa e fato gerador, e o cumprimento por severidade. Somente os
    aprovadores da organização; os demais recebem 404. Os chamados vêm em páginas de 50 (`page`;
    `tickets_total` e `pages` dizem quantos há); os totais são sempre do mês inteiro."""
    return _statement(request, month, page=page)


@router.post(
    "/tickets/{number}/satisfaction",
    response=responses({201: SatisfactionOut}),
    operation_id="tickets_satisfaction",
    summary="Responder à pesquisa de satisfação",
    tags=["Chamados"],
)
def tickets_satisfaction(request: HttpRequest, number: Annotated[int, Path(ge=1, le=MAX_ID)], payload: SatisfactionIn):
    """A avaliação do atendimento (1–5 e um comentário) de um chamado encerrado: somente o
    solicitante, uma vez (a segunda resposta: 409). Chamado de outra organização: 404."""
    now = clock.now()
    survey = surveys.survey_for_requester(request.auth, number, now=now)
    survey = surveys.survey_answer(survey=survey, rating=payload.rating, comment=payload.comment, now=now)
    return Status(
        201,
        {
            "ticket": survey.ticket_id,
            "rating": survey.rating,
            "comment": survey.comment,
            "answered_at": survey.answered_at,
        },
    )

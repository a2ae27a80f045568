"""SLA reports: compliance per period and group (staff, scoped by role) — servicedesk.reports."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from servicedesk.api.schemas.common import responses
from servicedesk.api.schemas.reports import ComplianceOut, ComplianceQuery
from servicedesk.core import clock
from servicedesk.reports import selectors as reports

router = Router(tags=["Relatórios"])


@router.get(
    "/sla/compliance",
    response=responses({200: ComplianceOut}),
    operation_id="sla_compliance",
    summary="Cumprimento do SLA",
    by_alias=True,
)
def sla_compliance(request: HttpRequest, params: Query[ComplianceQuery]):
    """Cumprimento dos relógios contratuais (chamados de produção) de diagnóstico e solução no período
    `from`–`to` (datas de Brasília, `to` inclusive), agrupado por `group_by`. Cada relógio conta no mês
    em que seu prazo venceu (ou, se cumprido antes, no mês em que foi cumprido); um relógio em curso e
    ainda não vencido não conta (domain.md §10). Somente equipe: o administrador vê tudo, o gestor as
    equipes que gerencia, o analista os seus chamados."""
    group_by = reports.parse_group_by(params.group_by)
    period = reports.Period.checked(params.date_from, params.date_to)
    filters = {key: getattr(params, key) for key in reports.FILTER_KEYS}
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

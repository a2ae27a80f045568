"""Technical advisory and billing (domain.md §8, issue 9): the vendor's ERP pulls the billing
lines; customers' approvers decide; staff propose, schedule, log time and report.

Each endpoint: parse, one access function (`advisory.access`, or `tickets.access` for a ticket),
one service of `advisory.services`, respond. Every rule — who may act, the lifecycle, the
billing arithmetic, one acceptance and one validation under concurrency — stays in the services.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Path, Query, Router, Status

from servicedesk.accounts.selectors import local_date
from servicedesk.advisory import services as advisory
from servicedesk.advisory.access import (
    access_batch,
    access_engagement,
    access_proposal,
    access_report,
    billing_line_queryset_for,
    proposal_queryset_for,
)
from servicedesk.advisory.models import TimeEntry
from servicedesk.advisory.selectors import price_list_on
from servicedesk.advisory.services.engagements import ENTRY_NOT_FOUND
from servicedesk.advisory.services.reports import statement_content
from servicedesk.api.schemas.advisory import (
    AppointmentIn,
    AppointmentOut,
    BatchOut,
    BillingLineFilters,
    BillingLinePage,
    EngagementOut,
    PriceListOut,
    ProposalCancelIn,
    ProposalDecisionIn,
    ProposalIn,
    ProposalList,
    ProposalOut,
    ReportDecisionIn,
    ReportOut,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatchIn,
    appointment_out,
    batch_out,
    billing_line_out,
    engagement_out,
    price_item_out,
    proposal_out,
    report_out,
    time_entry_out,
)
from servicedesk.api.schemas.common import MAX_ID, responses
from servicedesk.api.selectors import Keyset
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.tickets.access import access_ticket

router = Router(tags=["Assessoria técnica e faturamento"])

TicketNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="Número do chamado.")]
ProposalId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id da proposta.")]
EngagementId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id da assessoria (engagement_id da proposta aceita).")]
EntryId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id do apontamento.")]
ReportId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id da versão do relatório.")]
BatchId = Annotated[int, Path(ge=1, le=MAX_ID, description="Id do lote de faturamento.")]

# The ERP pulls lines in the order they were made (ids only grow): stable under new lines.
LINE_KEYSET = Keyset("billing-lines", "id", descending=False)

PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download_spec(content_type: str, description: str) -> dict:
    """The 200 of a file download in the spec (ninja would describe it as JSON)."""
    media_type = content_type.split(";")[0]
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": {media_type: binary}}}}


def _file(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _proposal(user, pk) -> dict:
    proposal = access_proposal(user, pk)
    return proposal_out(proposal)


def _report(user, pk) -> dict:
    return report_out(access_report(user, pk))


# --------------------------------------------------------------------------- price list


@router.get(
    "/price-list",
    response=responses({200: PriceListOut}),
    operation_id="advisory_price_list",
    summary="Tabela Serviços e Valores",
)
def price_list(request: HttpRequest):
    """Os serviços e preços em vigor hoje (em Brasília). Uma proposta copia o preço do dia em que é feita."""
    today = local_date(clock.now())
    return {"on": today, "items": [price_item_out(item) for item in price_list_on(today)]}


# --------------------------------------------------------------------------- proposals


@router.post(
    "/tickets/{number}/proposals",
    response=responses({201: ProposalOut}),
    operation_id="advisory_proposals_create",
    summary="Preparar proposta",
)
def proposals_create(request: HttpRequest, number: TicketNumber, payload: ProposalIn):
    """Equipe (analistas, gestores, comercial): uma proposta em preparação; o chamado fica COM-PROPOSTA.
    O preço vem do serviço da tabela em vigor; o valor estimado é calculado."""
    user = request.auth
    ticket = access_ticket(user, number)
    proposal = advisory.proposal_draft(
        ticket=ticket,
        actor=user,
        now=clock.now(),
        scope=payload.scope,
        modality=payload.modality.value,
        billing=payload.billing.value,
        estimated_hours=payload.estimated_hours,
        price_item=payload.price_item,
        expected_revision=payload.revision,
    )
    return Status(201, _proposal(user, proposal.pk))


@router.get(
    "/tickets/{number}/proposals",
    response=responses({200: ProposalList}),
    operation_id="advisory_proposals_list",
    summary="Propostas do chamado",
)
def proposals_list(request: HttpRequest, number: TicketNumber):
    """Da mais recente à primeira. O cliente não vê propostas em preparação."""
    user = request.auth
    ticket = access_ticket(user, number)
    proposals = (
        proposal_queryset_for(user)
        .filter(ticket=ticket)
        .select_related("organization", "created_by", "decided_by", "engagement")
        .order_by("-created_at", "-pk")
    )
    return {"items": [proposal_out(p) for p in proposals]}


@router.get(
    "/proposals/{proposal_id}",
    response=responses({200: ProposalOut}),
    operation_id="advisory_proposals_get",
    summary="Ver proposta",
)
def proposals_get(request: HttpRequest, proposal_id: ProposalId):
    return _proposal(request.auth, proposal_id)


@router.post(
    "/proposals/{proposal_id}/send",
    response=responses({200: ProposalOut}),
    operation_id="advisory_proposals_send",
    summary="Enviar proposta ao cliente",
)
def proposals_send(request: HttpRequest, proposal_id: ProposalId):
    """Equipe: envia a proposta em preparação aos aprovadores da organização (por e-mail e no portal)."""
    user = request.auth
    advisory.proposal_send(proposal=access_proposal(user, proposal_id), actor=user, now=clock.now())
    return _proposal(user, proposal_id)


@router.post(
    "/proposals/{proposal_id}/cancel",
    response=responses({200: ProposalOut}),
    operation_id="advisory_proposals_cancel",
    summary="Cancelar proposta",
)
def proposals_cancel(request: HttpRequest, proposal_id: ProposalId, payload: ProposalCancelIn):
    """Equipe: retira a proposta antes do aceite, com motivo; o chamado volta a EM ATENDIMENTO."""
    user = request.auth
    advisory.proposal_cancel(
        proposal=access_proposal(user, proposal_id), actor=user, now=clock.now(), reason=payload.reason
    )
    return _proposal(user, proposal_id)


@router.post(
    "/proposals/{proposal_id}/decision",
    response=responses({200: ProposalOut}),
    operation_id="advisory_proposals_decide",
    summary="Aceitar ou recusar proposta",
)
def proposals_decide(request: HttpRequest, proposal_id: ProposalId, payload: ProposalDecisionIn):
    """Aprovador da organização: `aceita` (a assessoria começa: `engagement_id` na resposta) ou
    `recusada` (com motivo; o chamado volta a EM ATENDIMENTO)."""
    user = request.auth
    advisory.proposal_decide(
        proposal=access_proposal(user, proposal_id),
        actor=user,
        now=clock.now(),
        decision=payload.decision.value,
        reason=payload.reason,
    )
    return _proposal(user, proposal_id)


# --------------------------------------------------------------------------- engagements


@router.get(
    "/engagements/{engagement_id}",
    response=responses({200: EngagementOut}),
    operation_id="advisory_engagements_get",
    summary="Ver assessoria",
)
def engagements_get(request: HttpRequest, engagement_id: EngagementId):
    """Agendamentos, apontamentos, versões do relatório e o demonstrativo atual (sessões, mínimos, valores)."""
    engagement = access_engagement(request.auth, engagement_id)
    statement = advisory.engagement_statement(engagement)
    content = statement_content(engagement, statement, version=None, at=clock.now())
    return engagement_out(engagement, content=content)


@router.post(
    "/engagements/{engagement_id}/appointments",
    response=responses({201: AppointmentOut}),
    operation_id="advisory_appointments_create",
    summary="Agendar",
)
def appointments_create(request: HttpRequest, engagement_id: EngagementId, payload: AppointmentIn):
    """Analistas e gestores: uma sessão da assessoria; o analista e os aprovadores recebem o convite (.ics)."""
    user = request.auth
    appointment = advisory.appointment_schedule(
        engagement=access_engagement(user, engagement_id),
        actor=user,
        now=clock.now(),
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        analyst=payload.analyst,
        location=payload.location,
        notes=payload.notes,
    )
    return Status(201, appointment_out(appointment))


@router.post(
    "/engagements/{engagement_id}/time-entries",
    response=responses({201: TimeEntryOut}),
    operation_id="advisory_time_entries_create",
    summary="Apontar horas",
)
def time_entries_create(request: HttpRequest, engagement_id: EngagementId, payload: TimeEntryIn):
    """Analistas: o próprio trabalho (gestores, também o de outro analista). Início e fim com fuso,
    no máximo 24 h, sem sobrepor outro apontamento do analista, nunca antes do aceite."""
    user = request.auth
    entry = advisory.time_entry_log(
        engagement=access_engagement(user, engagement_id),
        actor=user,
        now=clock.now(),
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        activity=payload.activity,
        analyst=payload.analyst,
    )
    return Status(201, time_entry_out(entry))


@router.patch(
    "/engagements/{engagement_id}/time-entries/{entry_id}",
    response=responses({200: TimeEntryOut}),
    operation_id="advisory_time_entries_update",
    summary="Corrigir apontamento",
)
def time_entries_update(
    request: HttpRequest, engagement_id: EngagementId, entry_id: EntryId, payload: TimeEntryPatchIn
):
    """Antes de enviar o relatório, ou depois de o cliente contestá-lo. Só muda o que for enviado."""
    user = request.auth
    engagement = access_engagement(user, engagement_id)
    current = TimeEntry.objects.filter(engagement=engagement, pk=entry_id).first()
    if current is None:
        raise NotFound(ENTRY_NOT_FOUND)
    entry = advisory.time_entry_update(
        engagement=engagement,
        entry_id=entry_id,
        actor=user,
        now=clock.now(),
        started_at=payload.started_at or current.started_at,
        ended_at=payload.ended_at or current.ended_at,
        activity=current.activity if payload.activity is None else payload.activity,
    )
    entry = TimeEntry.objects.select_related("analyst", "created_by").get(pk=entry.pk)
    return time_entry_out(entry)


@router.delete(
    "/engagements/{engagement_id}/time-entries/{entry_id}",
    response=responses({204: None}),
    operation_id="advisory_time_entries_delete",
    summary="Excluir apontamento",
)
def time_entries_delete(request: HttpRequest, engagement_id: EngagementId, entry_id: EntryId):
    user = request.auth
    advisory.time_entry_delete(
        engagement=access_engagement(user, engagement_id), entry_id=entry_id, actor=user, now=clock.now()
    )
    return HttpResponse(status=204)


# --------------------------------------------------------------------------- activity reports


@router.post(
    "/engagements/{engagement_id}/activity-reports",
    response=responses({201: ReportOut}),
    operation_id="advisory_reports_create",
    summary="Produzir e enviar o relatório",
)
def reports_create(request: HttpRequest, engagement_id: EngagementId):
    """Analistas e gestores: congela a próxima versão (JSON e PDF) e a envia aos aprovadores; os
    apontamentos ficam congelados até a decisão."""
    user = request.auth
    report = advisory.report_send(engagement=access_engagement(user, engagement_id), actor=user, now=clock.now())
    return Status(201, _report(user, report.pk))


@router.get(
    "/activity-reports/{report_id}",
    response=responses({200: ReportOut}),
    operation_id="advisory_reports_get",
    summary="Ver relatório",
)
def reports_get(request: HttpRequest, report_id: ReportId):
    """A versão como foi enviada (congelada): sessões, minutos faturáveis, valores e a estimativa aceita."""
    return _report(request.auth, report_id)


@router.get(
    "/activity-reports/{report_id}/pdf",
    response=responses({200: None}),
    operation_id="advisory_reports_pdf",
    summary="Baixar o PDF do relatório",
    openapi_extra=_download_spec(PDF, "O PDF desta versão do relatório."),
)
def reports_pdf(request: HttpRequest, report_id: ReportId):
    """Somente os usuários da organização e a equipe WeConnect."""
    report = access_report(request.auth, report_id)
    return _file(bytes(report.pdf), content_type=PDF, filename=report.filename)


@router.post(
    "/activity-reports/{report_id}/decision",
    response=responses({200: ReportOut}),
    operation_id="advisory_reports_decide",
    summary="Validar ou contestar relatório",
)
def reports_decide(request: HttpRequest, report_id: ReportId, payload: ReportDecisionIn):
    """Aprovador da organização: `validado` (as linhas de faturamento são criadas) ou `contestado`
    (com comentário; a equipe corrige e envia uma nova versão)."""
    user = request.auth
    advisory.report_decide(
        report=access_report(user, report_id),
        actor=user,
        now=clock.now(),
        decision=payload.decision.value,
        comment=payload.comment,
    )
    return _report(user, report_id)


# --------------------------------------------------------------------------- billing


@router.get(
    "/billing-lines",
    response=responses({200: BillingLinePage}),
    operation_id="advisory_billing_lines_list",
    summary="Linhas de faturamento",
)
def billing_lines_list(request: HttpRequest, filters: Query[BillingLineFilters]):
    """Equipe comercial e administradores: todas; clientes: as da sua organização. Em ordem de criação,
    por cursor; `exported=false` são as que o próximo lote levará."""
    lines = billing_line_queryset_for(request.auth).select_related("organization", "report", "batch")
    if filters.exported is not None:
        lines = lines.filter(batch__isnull=not filters.exported)
    items, next_cursor = LINE_KEYSET.page(lines, cursor=filters.cursor, limit=filters.limit)
    return {"items": [billing_line_out(line) for line in items], "next_cursor": next_cursor}


@router.post(
    "/billing-exports",
    response=responses({201: BatchOut}),
    operation_id="advisory_billing_exports_create",
    summary="Exportar faturamento",
)
def billing_exports_create(request: HttpRequest):
    """Equipe comercial e administradores: todas as linhas ainda não exportadas num lote numerado
    (409 se não houver nenhuma). Uma linha nunca entra em dois lotes."""
    batch = advisory.billing_export_create(actor=request.auth, now=clock.now())
    return Status(201, batch_out(access_batch(request.auth, batch.pk)))


# The two downloads come before GET /billing-exports/{id}: its pattern would take "7.csv" as the id.
@router.get(
    "/billing-exports/{batch_id}.csv",
    response=responses({200: None}),
    operation_id="advisory_billing_exports_csv",
    summary="Baixar lote (CSV)",
    openapi_extra=_download_spec(CSV, "UTF-8 com BOM, separador `;`, vírgula decimal, datas dd/mm/aaaa."),
)
def billing_exports_csv(request: HttpRequest, batch_id: BatchId):
    batch = access_batch(request.auth, batch_id)
    return _file(advisory.batch_csv(batch), content_type=CSV, filename=f"faturamento-lote-{batch.number}.csv")


@router.get(
    "/billing-exports/{batch_id}.xlsx",
    response=responses({200: None}),
    operation_id="advisory_billing_exports_xlsx",
    summary="Baixar lote (XLSX)",
    openapi_extra=_download_spec(XLSX, "Planilha do Excel: números como números, datas como datas."),
)
def billing_exports_xlsx(request: HttpRequest, batch_id: BatchId):
    batch = access_batch(request.auth, batch_id)
    return _file(advisory.batch_xlsx(batch), content_type=XLSX, filename=f"faturamento-lote-{batch.number}.xlsx")


@router.get(
    "/billing-exports/{batch_id}",
    response=responses({200: BatchOut}),
    operation_id="advisory_billing_exports_get",
    summary="Ver lote de faturamento",
)
def billing_exports_get(request: HttpRequest, batch_id: BatchId):
    """Equipe comercial e administradores."""
    return batch_out(access_batch(request.auth, batch_id))

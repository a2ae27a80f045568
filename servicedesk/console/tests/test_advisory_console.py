"""The technical advisory in the console (domain.md §8, issue 9): every action of the ticket's
panel and of the commercial page goes through the advisory services; a refusal shows the
service's pt-BR message and writes nothing; only the buttons a role may use are drawn, and the
others are refused (403) whoever posts them; customers never reach these URLs.

Prices are those of `advisory.tests.helpers` (remote hour R$ 180,00, on-site hour R$ 150,00,
fixed price R$ 2.500,00); every figure below is worked out by hand from them.
"""

from __future__ import annotations

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from servicedesk.advisory import services
from servicedesk.advisory.models import (
    ActivityReport,
    Appointment,
    BillingBatch,
    BillingLine,
    Engagement,
    Proposal,
    TimeEntry,
)
from servicedesk.advisory.tests.helpers import FIXED, ONSITE, REMOTE, T0, H, build_advisory, sp
from servicedesk.console import selectors
from servicedesk.console.views import TRANSITION_LABELS
from servicedesk.sla.engine.policy import TicketStatus
from servicedesk.tickets import services as ticket_services
from servicedesk.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db

NOW = T0 + 5 * H  # Tue 1 Dec 2026 15:00, Brasília: after the helpers' acceptance (13:00)


@pytest.fixture
def adv(world, monkeypatch):
    monkeypatch.setattr("servicedesk.core.clock.now", lambda: NOW)
    advisory = build_advisory(world)
    advisory.analyst.first_name = "Ana"
    advisory.analyst.save(update_fields=["first_name"])
    return advisory


def login(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def text(response) -> str:
    """What a person reads on the page: tags dropped, entities decoded, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def ticket_page(client, ticket):
    response = client.get(f"/console/chamados/{ticket.pk}/")
    assert response.status_code == 200
    return response


def snapshot():
    """Every advisory row and the ticket columns a refused action must leave as they were."""
    return (
        list(Proposal.objects.values()),
        list(Engagement.objects.values()),
        list(Appointment.objects.values()),
        list(TimeEntry.objects.values()),
        list(ActivityReport.objects.values("pk", "status", "version", "amount")),
        list(BillingLine.objects.values()),
        list(BillingBatch.objects.values()),
        list(Ticket.objects.values("pk", "status", "revision")),
    )


def draft_data(ticket, **changes) -> dict:
    data = {
        "expected_revision": ticket.revision,
        "scope": "Revisar a parametrização das horas extras na folha.",
        "modality": "remota",
        "billing": "hora",
        "estimated_hours": "12,5",
        "price_item": REMOTE,
    }
    return {**data, **changes}


def post_draft(client, ticket, **changes):
    return client.post(f"/console/chamados/{ticket.pk}/assessoria/proposta/", draft_data(fresh(ticket), **changes))


def post_entry(client, engagement, start, end, activity="Ajuste das rubricas de horas extras", **extra):
    return client.post(
        f"/console/assessoria/{engagement.pk}/apontamentos/",
        {"started_at": start, "ended_at": end, "activity": activity, **extra},
    )


def panel(response) -> dict:
    return response.context["advisory"]


# --------------------------------------------------------------------------- proposals


def test_a_proposal_is_drafted_sent_and_cancelled_through_the_console(adv):
    client = login(adv.analyst)
    page = text(ticket_page(client, adv.ticket))
    assert "Preparar proposta de assessoria" in page
    assert "ASS-REMOTA" not in page  # the form arrives when its panel opens (htmx), not with the page
    panel = client.get(f"/console/chamados/{adv.ticket.pk}/painel/proposta/")
    assert panel.status_code == 200 and "<html" not in panel.content.decode()
    page = text(panel)
    assert f'action="/console/chamados/{adv.ticket.pk}/assessoria/proposta/"' in panel.content.decode()
    # The price list in force, each item with its price; the form says the price is copied.
    assert "ASS-REMOTA — Assessoria técnica remota · R$ 180,00 por hora remota" in page
    assert "IMPL-ESOCIAL — Implantação do eSocial · R$ 2.500,00, preço fechado" in page
    assert "O valor do item em vigor hoje é copiado para a proposta" in page

    response = post_draft(client, adv.ticket)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/console/chamados/{adv.ticket.pk}/#assessoria"
    )
    proposal = Proposal.objects.get(ticket=adv.ticket)
    ticket = fresh(adv.ticket)
    assert (proposal.status, ticket.status) == ("rascunho", "COM-PROPOSTA")
    assert (proposal.estimated_hours, proposal.unit_price, proposal.estimated_amount) == (
        Decimal("12.50"),
        Decimal("180.00"),
        Decimal("2250.00"),  # 12,5 h × 180,00
    )
    event = ticket.events.get(kind=EventKind.PROPOSAL_DRAFTED)  # through the one transition entry point
    assert (event.actor, event.reason) == (adv.analyst, "proposal_drafted")
    page = text(ticket_page(client, ticket))
    assert f"Proposta #{proposal.pk} Em preparação" in page
    assert "12,5 h" in page and "R$ 2.250,00" in page
    assert "Rascunho interno: o cliente ainda não vê esta proposta." in page
    assert "Preparar proposta de assessoria" not in page  # one live proposal per ticket

    response = client.post(f"/console/assessoria/propostas/{proposal.pk}/enviar/")
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.sent_by) == ("enviada", adv.analyst)
    page = text(ticket_page(client, ticket))
    assert "Enviada ao cliente por Ana em 01/12/2026 15:00." in page
    assert "Aguardando a decisão de um aprovador do cliente no portal." in page
    assert "Editar rascunho" not in page and "Cancelar proposta enviada" in page

    before = snapshot()
    refused = client.post(f"/console/assessoria/propostas/{proposal.pk}/cancelar/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Informe o motivo do cancelamento: o cliente vai lê-lo." in text(refused)
    assert snapshot() == before

    response = client.post(
        f"/console/assessoria/propostas/{proposal.pk}/cancelar/", {"reason": "O cliente preferiu treinar a equipe."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "cancelada"
    assert fresh(ticket).status == "EM ATENDIMENTO"
    page = text(ticket_page(client, ticket))
    assert "Cancelada por Ana em 01/12/2026 15:00. Motivo: O cliente preferiu treinar a equipe." in page
    assert "Preparar proposta de assessoria" in page  # a new one may be prepared


def test_a_draft_is_edited_with_todays_price_and_a_sent_one_is_not(adv):
    proposal = adv.draft()
    client = login(adv.analyst)
    response = client.post(
        f"/console/assessoria/propostas/{proposal.pk}/editar/",
        {
            "scope": "Escopo revisto.",
            "modality": "presencial",
            "billing": "hora",
            "estimated_hours": "16",
            "price_item": ONSITE,
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.scope, proposal.modality, proposal.price_code) == ("Escopo revisto.", "presencial", ONSITE)
    assert proposal.estimated_amount == Decimal("2400.00")  # 16 h × 150,00

    services.proposal_send(proposal=proposal, actor=adv.analyst, now=NOW)
    before = snapshot()
    refused = client.post(
        f"/console/assessoria/propostas/{proposal.pk}/editar/",
        {"scope": "Outro.", "modality": "remota", "billing": "hora", "estimated_hours": "2", "price_item": REMOTE},
    )
    assert refused.status_code == 409
    assert "Uma proposta enviada não muda: cancele-a e prepare outra." in text(refused)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"estimated_hours": "0"},
            "Informe as horas estimadas: um número maior que zero, até 2.000, com até duas casas decimais.",
        ),
        (
            {"estimated_hours": "doze"},
            "Informe as horas estimadas: um número maior que zero, até 2.000, com até duas casas decimais.",
        ),
        (
            {"price_item": ONSITE},  # an on-site hour for a remote hourly proposal
            "O serviço escolhido não combina com a proposta: hora remota para cobrança por hora remota.",
        ),
        (
            {"billing": "serviço", "price_item": REMOTE},  # an hourly item for a fixed price
            "O serviço escolhido não combina com a proposta: serviço com preço fechado para cobrança por preço fechado remota.",
        ),
        ({"price_item": "NAO-EXISTE"}, "Escolha um serviço da tabela Serviços e Valores em vigor."),
        ({"scope": " "}, "Descreva o escopo da assessoria."),
    ],
)
def test_a_refused_draft_shows_the_service_message_keeps_the_form_and_writes_nothing(adv, changes, message):
    before = snapshot()
    response = post_draft(login(adv.analyst), adv.ticket, **changes)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert response.context["open_panel"] == "advisory_draft"  # the form comes back open, as typed
    form = panel(response)["draft_form"]
    assert form.data["estimated_hours"] == changes.get("estimated_hours", "12,5")
    assert snapshot() == before
    assert fresh(adv.ticket).status == "NOVO"


def test_a_draft_from_a_stale_page_is_a_conflict_that_keeps_the_text(adv):
    stale = fresh(adv.ticket).revision
    ticket_services.ticket_comment_add(ticket=adv.ticket, author=adv.analyst, body="Olhando.", now=NOW)
    before = snapshot()
    response = login(adv.analyst).post(
        f"/console/chamados/{adv.ticket.pk}/assessoria/proposta/",
        {**draft_data(adv.ticket), "expected_revision": stale, "scope": "Meu escopo digitado."},
    )
    assert response.status_code == 409
    assert "Este chamado foi alterado por outra pessoa" in text(response)
    form = panel(response)["draft_form"]
    assert form.data["scope"] == "Meu escopo digitado."
    assert form.data["expected_revision"] == str(fresh(adv.ticket).revision)  # sending again is deliberate
    assert snapshot() == before


def test_the_customers_decision_is_shown_with_who_when_and_why(adv):
    refused = adv.sent()
    services.proposal_decide(
        proposal=refused, actor=adv.approver, now=NOW, decision="recusada", reason="Fora do orçamento deste ano."
    )
    accepted = adv.accepted(ticket=adv.world.open_problem())
    client = login(adv.analyst)
    assert "Recusada por Helena em 01/12/2026 15:00. Motivo: Fora do orçamento deste ano." in text(
        ticket_page(client, adv.ticket)
    )
    page = text(ticket_page(client, accepted.ticket))
    assert "Aceita por Helena em 01/12/2026 13:00." in page
    assert "O chamado fica em SERV-ASSESSORIA até o cliente validar o relatório." in page


# --------------------------------------------------------------------------- the engagement at work


def test_appointments_are_scheduled_with_an_analyst_and_a_link(adv):
    engagement = adv.accepted()
    client = login(adv.analyst)
    page = ticket_page(client, engagement.ticket)
    analysts = dict(panel(page)["proposals"][0]["engagement"]["appointment_form"].fields["analyst"].widget.choices)
    assert str(adv.second_analyst.pk) in analysts and str(adv.commercial.pk) not in analysts  # advisory.work only
    assert str(adv.maintenance.pk) not in analysts
    response = client.post(
        f"/console/assessoria/{engagement.pk}/agendar/",
        {
            "starts_at": "2026-12-03T09:00",
            "ends_at": "2026-12-03T12:00",
            "analyst": str(adv.second_analyst.pk),
            "location": "https://meet.example.com/folha",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(engagement=engagement)
    assert (appointment.starts_at, appointment.ends_at, appointment.analyst) == (
        sp(2026, 12, 3, 9),
        sp(2026, 12, 3, 12),
        adv.second_analyst,
    )
    assert fresh(engagement.ticket).events.filter(kind=EventKind.ADVISORY_SCHEDULED, actor=adv.analyst).exists()
    assert "03/12/2026 09:00–12:00 · Bruno · link da reunião" in text(ticket_page(client, engagement.ticket))

    before = snapshot()
    refused = client.post(
        f"/console/assessoria/{engagement.pk}/agendar/",
        {"starts_at": "2026-11-30T09:00", "ends_at": "2026-11-30T10:00", "analyst": "", "location": "Rua A, 10"},
    )
    assert refused.status_code == 400 and "Escolha um início no futuro." in text(refused)
    assert snapshot() == before


def test_time_is_logged_and_shown_in_sessions_with_billable_minutes_and_amounts(adv):
    engagement = adv.accepted()
    client = login(adv.analyst)
    assert post_entry(client, engagement, "2026-12-02T14:00", "2026-12-02T14:40").status_code == 302
    entry = TimeEntry.objects.get(engagement=engagement)
    assert (entry.analyst, entry.started_at, entry.ended_at) == (
        adv.analyst,
        sp(2026, 12, 2, 14),
        sp(2026, 12, 2, 14, 40),
    )

    response = ticket_page(client, engagement.ticket)
    page = text(response)
    # One session (Ana, Wed 2 Dec): 40 min worked, raised to the remote minimum of 1 h, at 180,00/h.
    assert "02/12/2026 · Ana 40 min trabalhados · 1 h faturáveis · R$ 180,00" in page
    assert "14:00–14:40 40 min Ajuste das rubricas de horas extras" in page
    assert "Estimado 10 h R$ 1.800,00 Trabalhado 40 min Faturável 1 h Valor R$ 180,00" in page
    assert "Cada sessão fatura no mínimo 1 h, a R$ 180,00 por hora" in page
    statement = panel(response)["proposals"][0]["engagement"]["view"].statement
    assert (statement.minutes, statement.billable_minutes, statement.amount) == (40, 60, Decimal("180.00"))

    # Same day, later: the same session (40 + 50 = 90 min → 1 h 30 min → 270,00); the next day, another.
    assert post_entry(client, engagement, "2026-12-02T16:00", "2026-12-02T16:50").status_code == 302
    assert post_entry(client, engagement, "2026-12-03T09:00", "2026-12-03T09:20").status_code == 302
    page = text(ticket_page(client, engagement.ticket))
    assert "02/12/2026 · Ana 1 h 30 min trabalhados · 1 h 30 min faturáveis · R$ 270,00" in page
    assert "03/12/2026 · Ana 20 min trabalhados · 1 h faturáveis · R$ 180,00" in page
    assert "Trabalhado 1 h 50 min Faturável 2 h 30 min Valor R$ 450,00" in page


def test_an_overlapping_or_wrong_entry_is_refused_with_the_message_and_nothing_written(adv):
    engagement = adv.accepted()
    client = login(adv.analyst)
    post_entry(client, engagement, "2026-12-02T14:00", "2026-12-02T14:40")
    before = snapshot()
    cases = [
        (
            ("2026-12-02T14:30", "2026-12-02T15:00"),
            400,
            "Ana já tem um apontamento de 02/12/2026 14:00 a 14:40 que se sobrepõe a este.",
        ),
        (("2026-12-02T15:00", "2026-12-02T14:00"), 400, "O término precisa ser depois do início."),
        (("2026-12-02T08:00", "2026-12-03T09:00"), 400, "Um apontamento dura no máximo 24 horas: divida-o por dia."),
        (
            ("2026-12-01T12:00", "2026-12-01T12:30"),
            400,
            "O trabalho só começa depois do aceite da proposta (01/12/2026 13:00).",
        ),
        (("", "2026-12-02T16:00"), 400, "Informe a data e a hora de início."),
    ]
    for (start, end), status, message in cases:
        response = post_entry(client, engagement, start, end, activity="Conferência")
        assert response.status_code == status, message
        assert message in text(response)
        assert response.context["open_panel"] == f"advisory_entry_{engagement.pk}"
        assert snapshot() == before
    response = post_entry(client, engagement, "2026-12-02T16:00", "2026-12-02T16:30", activity=" ")
    assert response.status_code == 400 and "Descreva a atividade realizada." in text(response)
    assert snapshot() == before


def test_entries_are_corrected_and_deleted_while_allowed(adv):
    engagement = adv.accepted()
    entry = adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 14, 40))
    other = adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 15), analyst=adv.second_analyst)
    client = login(adv.analyst)
    page = ticket_page(client, engagement.ticket)
    rows = [r for s in panel(page)["proposals"][0]["engagement"]["sessions"] for r in s["entries"]]
    editable = {r["entry"].key for r in rows if r.get("form")}
    assert editable == {entry.pk}  # Bruno's entry is his (or a manager's) to change

    response = client.post(
        f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/editar/",
        {"started_at": "2026-12-02T14:00", "ended_at": "2026-12-02T15:30", "activity": "Ajuste e testes"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.ended_at, entry.activity) == (sp(2026, 12, 2, 15, 30), "Ajuste e testes")
    assert "02/12/2026 · Ana 1 h 30 min trabalhados · 1 h 30 min faturáveis · R$ 270,00" in text(
        ticket_page(client, engagement.ticket)
    )

    before = snapshot()
    refused = client.post(f"/console/assessoria/{engagement.pk}/apontamentos/{other.pk}/excluir/")
    assert refused.status_code == 403
    assert "Somente gestores apontam horas em nome de outro analista." in text(refused)
    assert snapshot() == before

    assert client.post(f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/excluir/").status_code == 302
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    assert client.post(f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/excluir/").status_code == 404


def test_a_manager_may_log_for_another_analyst_and_an_analyst_may_not(adv):
    engagement = adv.accepted()
    analyst_page = ticket_page(login(adv.analyst), engagement.ticket).content.decode()
    assert f'id="id_advisory_entry_{engagement.pk}_analyst"' not in analyst_page
    manager = login(adv.manager)
    assert f'id="id_advisory_entry_{engagement.pk}_analyst"' in ticket_page(manager, engagement.ticket).content.decode()
    response = post_entry(
        manager, engagement, "2026-12-02T09:00", "2026-12-02T10:00", analyst=str(adv.second_analyst.pk)
    )
    assert response.status_code == 302
    assert TimeEntry.objects.get(engagement=engagement).analyst == adv.second_analyst

    before = snapshot()
    refused = post_entry(
        login(adv.analyst), engagement, "2026-12-02T11:00", "2026-12-02T12:00", analyst=str(adv.second_analyst.pk)
    )
    assert refused.status_code == 403
    assert "Somente gestores apontam horas em nome de outro analista." in text(refused)
    assert snapshot() == before


def test_a_fixed_price_bills_its_price_whatever_the_hours(adv):
    engagement = adv.accepted(billing="serviço", item=FIXED, hours="20")
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 14, 40))
    page = text(ticket_page(login(adv.analyst), engagement.ticket))
    assert "Preço fechado: fatura R$ 2.500,00; as horas são listadas no relatório, não cobradas." in page
    assert "Trabalhado 40 min Valor R$ 2.500,00" in page
    assert "02/12/2026 · Ana 40 min trabalhados" in page and "faturáveis" not in page


# --------------------------------------------------------------------------- the report


def test_the_report_is_previewed_sent_frozen_contested_and_every_version_downloaded(adv):
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 14, 40))
    client = login(adv.analyst)

    preview = client.get(f"/console/assessoria/{engagement.pk}/relatorio/previa/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert preview.content.startswith(b"%PDF")
    assert not ActivityReport.objects.exists()  # a preview saves nothing

    response = client.post(f"/console/assessoria/{engagement.pk}/relatorio/enviar/")
    assert response.status_code == 302
    report = ActivityReport.objects.get(engagement=engagement)
    assert (report.version, report.status, report.billable_minutes, report.amount) == (
        1,
        "enviado",
        60,
        Decimal("180.00"),
    )
    response = ticket_page(client, engagement.ticket)
    page = text(response)
    assert "v1 Aguardando validação 01/12/2026 15:00 Ana 40 min 1 h R$ 180,00 aguardando Baixar PDF" in page
    assert "Apontamentos congelados: o relatório versão 1 aguarda a validação do cliente." in page
    assert "Apontar horas" not in page and "Enviar relatório para validação" not in page
    assert not [
        r for s in panel(response)["proposals"][0]["engagement"]["sessions"] for r in s["entries"] if r.get("form")
    ]

    before = snapshot()
    frozen = post_entry(client, engagement, "2026-12-03T09:00", "2026-12-03T10:00")
    assert frozen.status_code == 409
    assert "O relatório desta assessoria aguarda a validação do cliente" in text(frozen)
    assert snapshot() == before

    download = client.get(f"/console/assessoria/relatorios/{report.pk}/pdf/")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert download["Content-Disposition"] == f'attachment; filename="{report.filename}"'
    assert download.content == bytes(report.pdf)

    services.report_decide(
        report=report, actor=adv.approver, now=NOW + H, decision="contestado", comment="Faltou a reunião de quinta."
    )
    page = text(ticket_page(client, engagement.ticket))
    assert "Contestado" in page and "Helena · 01/12/2026 16:00 Faltou a reunião de quinta." in page
    assert post_entry(client, engagement, "2026-12-03T09:00", "2026-12-03T10:00").status_code == 302
    assert client.post(f"/console/assessoria/{engagement.pk}/relatorio/enviar/").status_code == 302
    second = ActivityReport.objects.get(engagement=engagement, version=2)
    assert (second.billable_minutes, second.amount) == (120, Decimal("360.00"))  # two sessions of 1 h
    page = text(ticket_page(client, engagement.ticket))
    assert "v2 Aguardando validação" in page and "v1 Contestado" in page
    for version in (report, second):
        response = client.get(f"/console/assessoria/relatorios/{version.pk}/pdf/")
        assert response.content.startswith(b"%PDF") and f"-v{version.version}.pdf" in response["Content-Disposition"]


def test_sending_a_report_without_entries_is_refused(adv):
    engagement = adv.accepted()
    client = login(adv.analyst)
    assert "Enviar relatório para validação" not in text(ticket_page(client, engagement.ticket))
    before = snapshot()
    response = client.post(f"/console/assessoria/{engagement.pk}/relatorio/enviar/")
    assert response.status_code == 400
    assert "Aponte as horas trabalhadas antes de enviar o relatório." in text(response)
    assert snapshot() == before


def test_after_validation_the_panel_shows_the_billing_lines(adv):
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 14, 40))
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=NOW)
    services.report_decide(report=report, actor=adv.approver, now=NOW + H, decision="validado")
    page = text(ticket_page(login(adv.analyst), engagement.ticket))
    assert "Relatório validado pelo cliente em 01/12/2026 16:00: assessoria concluída." in page
    assert "v1 Validado" in page and "Helena · 01/12/2026 16:00" in page
    assert "Apontar horas" not in page and "Agendar" not in page
    # The billing lines are the commercial team's (advisory.access: staff with advisory.bill only).
    assert "aguardando exportação" not in page
    page = text(ticket_page(login(adv.commercial), engagement.ticket))
    assert (
        "Faturamento Data Analista Faturável Valor unitário Valor Lote 02/12/2026 Ana 1 h R$ 180,00 R$ 180,00 aguardando exportação"
        in page
    )
    services.billing_export_create(actor=adv.commercial, now=NOW + 2 * H)
    assert "02/12/2026 Ana 1 h R$ 180,00 R$ 180,00 lote 1" in text(
        ticket_page(login(adv.commercial), engagement.ticket)
    )
    assert fresh(engagement.ticket).status == "EM ATENDIMENTO"


# --------------------------------------------------------------------------- the commercial page


def _validated(adv, ticket=None, *, day: int = 2) -> ActivityReport:
    """A report of one remote session of 40 min (billed 1 h, R$ 180,00) on `day` December, validated."""
    engagement = adv.accepted(ticket=ticket)
    adv.log(engagement, sp(2026, 12, day, 14), sp(2026, 12, day, 14, 40))
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=NOW)
    return services.report_decide(report=report, actor=adv.approver, now=NOW + H, decision="validado")


def test_the_commercial_exports_the_billing_and_downloads_the_batch(adv):
    report = _validated(adv)
    client = login(adv.commercial)
    page = text(client.get("/console/assessoria/"))
    assert "Aguardando exportação 1 linha · total R$ 180,00" in page
    assert f"02/12/2026 #{report.engagement.ticket_id} v1" in page and "Total pendente R$ 180,00" in page

    response = client.post("/console/assessoria/exportar/")
    assert response.status_code == 302 and response["Location"].endswith("/console/assessoria/#lotes")
    batch = BillingBatch.objects.get()
    assert (batch.number, batch.line_count, batch.total) == (1, 1, Decimal("180.00"))
    assert BillingLine.objects.get().batch == batch
    page = text(client.get("/console/assessoria/"))
    assert "Lotes exportados" in page and "1 01/12/2026 15:00 Carolina 1 R$ 180,00 CSV XLSX" in page
    assert "Nenhuma linha aguardando exportação." in page

    download = client.get(f"/console/assessoria/lotes/{batch.pk}/csv/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="faturamento-lote-0001.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Lote", "Linha", "Data"]
    line = BillingLine.objects.get()
    assert rows[1] == [
        "1",
        str(line.pk),
        "02/12/2026",
        adv.ticket.organization.name,
        str(adv.ticket.pk),
        "1",
        "Ana",
        f"Assessoria técnica remota — chamado #{adv.ticket.pk}",
        "40",
        "60",
        "1,00",
        "180,00",
        "180,00",
    ]
    assert rows[-1][0] == "Total" and rows[-1][-1] == "180,00"
    xlsx = client.get(f"/console/assessoria/lotes/{batch.pk}/xlsx/")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")

    before = snapshot()
    again = client.post("/console/assessoria/exportar/")
    assert again.status_code == 409
    assert "Não há linhas de faturamento a exportar: todas já estão em um lote." in text(again)
    assert snapshot() == before


def test_an_analyst_sees_the_proposals_but_cannot_export_or_download_batches(adv):
    _validated(adv)
    services.billing_export_create(actor=adv.commercial, now=NOW + 2 * H)
    _validated(adv, ticket=adv.world.open_problem(), day=3)
    batch = BillingBatch.objects.get()
    client = login(adv.analyst)
    response = client.get("/console/assessoria/")
    assert response.status_code == 200
    page = text(response)
    assert "Aguardando aprovação" in page and "Aceitas 2" in page
    assert "Aguardando exportação" not in page and "R$ 180,00" not in page  # billing is advisory.bill's
    assert "Exportar faturamento" not in page and "Lotes exportados" not in page
    before = snapshot()
    assert client.post("/console/assessoria/exportar/").status_code == 403
    assert snapshot() == before
    assert client.get(f"/console/assessoria/lotes/{batch.pk}/csv/").status_code == 404
    assert client.get(f"/console/assessoria/lotes/{batch.pk}/xlsx/").status_code == 404


def test_the_commercial_page_lists_proposals_by_state_and_pages_them(adv, monkeypatch):
    monkeypatch.setattr(selectors, "ADVISORY_PAGE_SIZE", 2)
    for minutes in range(3):  # three cancelled proposals on the ticket, one after the other
        proposal = adv.draft(now=T0 + H + minutes * H / 4)
        services.proposal_cancel(proposal=proposal, actor=adv.analyst, now=T0 + H + minutes * H / 4, reason="Revisto.")
    waiting = adv.sent(ticket=adv.world.open_problem(), hours="4")
    client = login(adv.commercial)

    page = text(client.get("/console/assessoria/"))  # "aguardando aprovação" first: what someone owes
    assert "Em preparação 0 Aguardando aprovação 1 Aceitas 0 Recusadas 0 Canceladas 3" in page
    assert f"#{waiting.ticket_id} · {waiting.ticket.title}" in page
    assert waiting.organization.name in page and "4 h" in page and "R$ 720,00" in page  # 4 h × 180,00
    assert "enviada em 01/12/2026 12:00" in page

    first = client.get("/console/assessoria/?situacao=cancelada")
    assert len(first.context["proposals"].object_list) == 2
    assert "Página 1 de 2 (3 no total)" in text(first) and "cancelada em" in text(first)
    assert "?situacao=cancelada&amp;pagina=2" in first.content.decode()
    second = client.get("/console/assessoria/?situacao=cancelada&pagina=2")
    assert len(second.context["proposals"].object_list) == 1
    partial = client.get(
        "/console/assessoria/?situacao=cancelada", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="advisory-proposals"
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Canceladas" in text(partial)
    assert client.get("/console/assessoria/?situacao=bobagem&pagina=999999999999").status_code == 200


# --------------------------------------------------------------------------- roles and access


def _urls(adv) -> tuple[list[str], list[str]]:
    """Every advisory URL of the console, with real objects behind them."""
    report = _validated(adv)
    engagement = report.engagement
    entry = TimeEntry.objects.get(engagement=engagement)
    batch = services.billing_export_create(actor=adv.commercial, now=NOW + 2 * H)
    draft = adv.draft(ticket=adv.world.open_problem())
    gets = [
        "/console/assessoria/",
        f"/console/assessoria/{engagement.pk}/relatorio/previa/",
        f"/console/assessoria/relatorios/{report.pk}/pdf/",
        f"/console/assessoria/lotes/{batch.pk}/csv/",
        f"/console/assessoria/lotes/{batch.pk}/xlsx/",
    ]
    posts = [
        f"/console/chamados/{adv.world.open_problem().pk}/assessoria/proposta/",
        f"/console/assessoria/propostas/{draft.pk}/editar/",
        f"/console/assessoria/propostas/{draft.pk}/enviar/",
        f"/console/assessoria/propostas/{draft.pk}/cancelar/",
        f"/console/assessoria/{engagement.pk}/agendar/",
        f"/console/assessoria/{engagement.pk}/apontamentos/",
        f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/editar/",
        f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/excluir/",
        f"/console/assessoria/{engagement.pk}/relatorio/enviar/",
        "/console/assessoria/exportar/",
    ]
    return gets, posts


def test_customers_never_reach_the_advisory_console_and_anonymous_visitors_log_in(adv):
    gets, posts = _urls(adv)
    before = snapshot()
    for user in (adv.customer, adv.approver):
        client = login(user)
        for url in gets + posts:
            response = client.get(url) if url in gets else client.post(url, draft_data(adv.ticket, reason="x"))
            assert response.status_code == 404, (user.username, url)
    anonymous = Client()
    for url in gets + posts:
        response = anonymous.get(url) if url in gets else anonymous.post(url, {})
        assert response.status_code == 302 and "/conta/entrar/" in response["Location"], url
    assert snapshot() == before


def test_maintenance_staff_read_the_panel_without_buttons_and_their_posts_are_refused(adv):
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 14, 40))
    draft = adv.draft(ticket=adv.world.open_problem())
    client = login(adv.maintenance)
    buttons = [
        "Preparar proposta",
        "Enviar ao cliente",
        "Editar rascunho",
        "Cancelar proposta",
        "Cancelar rascunho",
        "Agendar",
        "Apontar horas",
        "Enviar relatório",
        "Pré-visualizar PDF",
    ]
    for ticket in (engagement.ticket, draft.ticket, adv.world.open_problem()):
        page = text(ticket_page(client, ticket))
        for button in buttons:
            assert button not in page, (ticket.status, button)
    page = text(ticket_page(client, engagement.ticket))
    assert "02/12/2026 · Ana 40 min trabalhados · 1 h faturáveis · R$ 180,00" in page  # read-only

    before = snapshot()
    entry = TimeEntry.objects.get()
    for url in [
        f"/console/chamados/{adv.ticket.pk}/assessoria/proposta/",
        f"/console/assessoria/propostas/{draft.pk}/editar/",
        f"/console/assessoria/propostas/{draft.pk}/enviar/",
        f"/console/assessoria/propostas/{draft.pk}/cancelar/",
        f"/console/assessoria/{engagement.pk}/agendar/",
        f"/console/assessoria/{engagement.pk}/apontamentos/",
        f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/editar/",
        f"/console/assessoria/{engagement.pk}/apontamentos/{entry.pk}/excluir/",
        f"/console/assessoria/{engagement.pk}/relatorio/enviar/",
        "/console/assessoria/exportar/",
    ]:
        data = {
            **draft_data(adv.ticket),
            "reason": "x",
            "started_at": "2026-12-03T09:00",
            "ended_at": "2026-12-03T10:00",
            "activity": "x",
            "location": "Rua A",
        }
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/console/assessoria/{engagement.pk}/relatorio/previa/").status_code == 403
    assert client.get("/console/assessoria/").status_code == 404
    assert snapshot() == before


def test_the_commercial_team_proposes_but_does_not_log_time(adv):
    client = login(adv.commercial)
    assert post_draft(client, adv.ticket).status_code == 302
    engagement = adv.accepted(ticket=adv.world.open_problem())
    page = text(ticket_page(client, engagement.ticket))
    assert "Apontar horas" not in page and "Agendar" not in page
    before = snapshot()
    assert post_entry(client, engagement, "2026-12-02T09:00", "2026-12-02T10:00").status_code == 403
    assert snapshot() == before


def test_every_advisory_post_needs_the_csrf_token(adv):
    client = login(adv.analyst, csrf=True)
    response = client.post(f"/console/chamados/{adv.ticket.pk}/assessoria/proposta/", draft_data(adv.ticket))
    assert response.status_code == 403
    assert not Proposal.objects.exists()
    html_page = client.get(f"/console/chamados/{adv.ticket.pk}/painel/proposta/").content.decode()
    form = html_page.split(f'action="/console/chamados/{adv.ticket.pk}/assessoria/proposta/"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form


def test_the_nav_links_the_commercial_page_for_who_may_use_it(adv):
    for user, shown in [(adv.analyst, True), (adv.commercial, True), (adv.manager, True), (adv.maintenance, False)]:
        body = login(user).get("/console/").content.decode()
        assert ('href="/console/assessoria/"' in body) is shown, user.username


# --------------------------------------------------------------------------- the status and the paused clock


def test_the_page_says_why_the_clock_is_paused(adv):
    client = login(adv.analyst)
    proposal = adv.draft()
    assert "Relógio do SLA pausado (COM-PROPOSTA): proposta em preparação." in text(ticket_page(client, adv.ticket))
    services.proposal_send(proposal=proposal, actor=adv.analyst, now=NOW)
    assert "Relógio do SLA pausado (COM-PROPOSTA): proposta aguardando aprovação do cliente." in text(
        ticket_page(client, adv.ticket)
    )
    services.proposal_decide(proposal=proposal, actor=adv.approver, now=NOW, decision="aceita")
    assert (
        "Relógio do SLA pausado (SERV-ASSESSORIA): assessoria técnica em andamento (até a validação do relatório)."
        in text(ticket_page(client, adv.ticket))
    )


def test_the_status_menu_leaves_the_advisory_statuses_to_the_panel(adv):
    assert TicketStatus.PROPOSAL not in TRANSITION_LABELS and TicketStatus.ADVISORY not in TRANSITION_LABELS
    client = login(adv.analyst)
    response = ticket_page(client, adv.ticket)
    assert not {"COM-PROPOSTA", "SERV-ASSESSORIA"} & {t["to"] for t in response.context["transitions"]}
    assert "Para propor uma assessoria técnica (COM-PROPOSTA), use o painel Assessoria técnica" in text(response)
    adv.draft()
    response = ticket_page(client, adv.ticket)
    assert response.context["transitions"] == []
    assert "Em COM-PROPOSTA o status acompanha a proposta e a assessoria" in text(response)
    assert 'href="#assessoria"' in response.content.decode()


def test_without_javascript_the_proposal_form_opens_in_the_page(adv):
    client = login(adv.analyst)
    html = ticket_page(client, adv.ticket).content.decode()
    assert f'hx-get="/console/chamados/{adv.ticket.pk}/painel/proposta/"' in html and 'href="?painel=proposta"' in html
    html = client.get(f"/console/chamados/{adv.ticket.pk}/?painel=proposta").content.decode()
    assert 'name="price_item"' in html and "ASS-REMOTA" in html


def test_the_proposal_panel_is_for_who_may_propose_and_only_while_a_draft_is_possible(adv):
    url = f"/console/chamados/{adv.ticket.pk}/painel/proposta/"
    assert login(adv.maintenance).get(url).status_code == 404
    client = login(adv.analyst)
    adv.draft()  # a live proposal: no second one
    assert client.get(url).status_code == 404

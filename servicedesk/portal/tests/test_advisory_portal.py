"""The technical advisory in the customer portal (domain.md §8, issue 9 "Screens — Portal").

The world is advisory.tests.helpers: remote hour R$ 180,00, on-site hour R$ 150,00, fixed price
R$ 2.500,00; Helena and Marcos approve for Acme (the ticket's organization), Otília for another
organization, Joana is Acme's requester without the approver role. Every figure below is worked
out by hand from those prices. The wall clock is set per test (`at`): the views read it through
`servicedesk.core.clock.now`, the only clock.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from servicedesk.advisory import services
from servicedesk.advisory.models import (
    ActivityReport,
    BillingLine,
    Engagement,
    PriceItem,
    PriceUnit,
    Proposal,
    TimeEntry,
)
from servicedesk.advisory.services import proposals as proposal_rules
from servicedesk.advisory.services import reports as report_rules
from servicedesk.advisory.tests.helpers import REMOTE, T0, H, build_advisory, sp
from servicedesk.core import clock
from servicedesk.tickets import services as ticket_services
from servicedesk.tickets.access import UNTRAINED_READ_ONLY
from servicedesk.tickets.models import EventKind, Ticket
from servicedesk.tickets.tests import conftest as ticket_fixtures
from servicedesk.tickets.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# Thursday 03/12/2026 15:00 in Brasília: after every step the world below has taken.
NOW = sp(2026, 12, 3, 15)
PAUSED_IN_PROPOSAL = "enquanto a proposta de assessoria técnica é preparada pela equipe WeConnect ou aguarda a aprovação da sua organização"
PAUSED_IN_ADVISORY = (
    "enquanto a assessoria técnica está em andamento, até a sua organização validar o relatório de horas"
)


world = ticket_fixtures.world  # the tickets' small world (two organizations, a team, the catalog)


@pytest.fixture
def adv(world):
    return build_advisory(world)


@pytest.fixture(autouse=True)
def at(monkeypatch):
    """Set the wall clock the views read (`clock.now`); NOW unless a test moves it."""

    def set_clock(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    set_clock(NOW)
    return set_clock


def fresh(ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def snapshot():
    """Every advisory row and the ticket columns a refused decision must leave as they were."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Engagement.objects.order_by("pk").values()),
        list(ActivityReport.objects.order_by("pk").values("pk", "status", "decided_by", "decision_comment")),
        list(BillingLine.objects.values()),
        list(Ticket.objects.order_by("pk").values("pk", "status", "revision")),
    )


def worked(adv):
    """The report of an accepted remote proposal (10 h × R$ 180,00 = R$ 1.800,00 estimated):
    Ana 02/12 09:00–09:40 (40 → 60 billable min, R$ 180,00) and 03/12 09:00–11:30 (150 min,
    R$ 450,00); Bruno 02/12 14:00–15:15 (75 min, R$ 225,00). 265 min worked = 4 h 25 min, 285
    billable = 4 h 45 min, R$ 855,00. Sent on 03/12 12:00."""
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))
    adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30), activity="Conferência do holerite")
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 15, 15), analyst=adv.second_analyst, actor=adv.manager)
    return services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))


@pytest.fixture
def report(adv):
    return worked(adv)


@pytest.fixture
def second_ticket(adv):
    return adv.world.open_problem(title="Férias coletivas não geram aviso")


@pytest.fixture
def sent(adv, second_ticket):
    """A remote proposal waiting on a second ticket: 10 h × R$ 180,00 = R$ 1.800,00, sent 01/12 12:00."""
    return adv.sent(ticket=second_ticket)


def body_of(response) -> str:
    return response.content.decode()


def refusal(message: str) -> str:
    """A refusal as the page shows it: the service's message at the top (base.html's messages)."""
    return f'<div class="alert alert-danger">{message}</div>'


def decision_url(proposal) -> str:
    return f"/propostas/{proposal.pk}/decisao/"


def report_url(report) -> str:
    return f"/relatorios/{report.pk}/decisao/"


def pdf_url(report) -> str:
    return f"/relatorios/{report.pk}/pdf/"


# --------------------------------------------------------------------------- home


def test_the_approver_home_lists_the_proposal_and_the_report_with_their_amounts(adv, login, sent, report):
    body = body_of(login(adv.approver).get("/"))
    assert "Aguardando sua aprovação" in body
    block = body[body.index('id="aguardando-aprovacao"') : body.index('class="portal-home"')]
    # The proposal: 10 h × R$ 180,00 = R$ 1.800,00, sent 01/12 12:00 (Brasília), straight to the decision.
    assert f"#{sent.ticket_id} · Férias coletivas não geram aviso" in block
    assert "10 h × R$ 180,00" in block and "R$ 1.800,00" in block
    assert "01/12/2026" in block and "12:00" in block
    assert f'href="/chamados/{sent.ticket_id}/#proposta-{sent.pk}"' in block
    # The report: 285 billable minutes = 4 h 45 min, R$ 855,00, sent 03/12 12:00.
    assert f"#{adv.ticket.pk} · Folha não calcula horas extras" in block
    assert "4 h 45 min faturáveis" in block and "R$ 855,00" in block and "03/12/2026" in block
    assert f'href="/chamados/{adv.ticket.pk}/#relatorio-{report.pk}"' in block
    assert '<span class="badge badge-warning">2</span>' in block


def test_the_home_of_someone_who_does_not_approve_offers_no_decision(adv, login, sent, report):
    body = body_of(login(adv.customer).get("/"))
    assert "Aguardando sua aprovação" not in body
    assert "#proposta-" not in body and "#relatorio-" not in body and "Ver e decidir" not in body
    # Only a line saying who decides.
    assert "1 proposta e 1 relatório" in body
    assert "aguardam a decisão de um aprovador da sua organização (Helena, Marcos)" in body


def test_nothing_waiting_means_no_block(adv, login):
    for user in (adv.approver, adv.customer):
        body = body_of(login(user).get("/"))
        assert "Aguardando sua aprovação" not in body and "aguarda a decisão de um aprovador" not in body


def test_the_home_query_count_stays_small_for_an_approver(adv, login, sent, report, django_assert_max_num_queries):
    client = login(adv.approver)
    client.get("/")  # warm the calendar cache of this process
    with django_assert_max_num_queries(14):
        assert client.get("/").status_code == 200


# --------------------------------------------------------------------------- the proposal on the ticket page


def test_the_ticket_page_shows_the_sent_proposal_and_the_approver_decides_there(adv, login, sent):
    body = body_of(login(adv.approver).get(f"/chamados/{sent.ticket_id}/"))
    section = body[body.index('id="assessoria"') :]
    for text in (
        "Revisar a parametrização das horas extras na folha.",
        "Remota",
        "Por hora",
        "Assessoria técnica remota",
        REMOTE,
        "R$ 180,00",
        "10 h",
        "R$ 1.800,00",
        "Aguardando aprovação",
        "01/12/2026 12:00",
        'href="/servicos-e-valores/"',
    ):
        assert text in section, text
    assert section.count(f'action="{decision_url(sent)}"') == 2  # accept, refuse
    assert "Ao aceitar, você autoriza o serviço faturado" in section
    assert "Confirmar aceite" in section and "Confirmar recusa" in section
    # The status card points to the decision and says why the clock is paused.
    assert f'href="#proposta-{sent.pk}"' in body
    assert PAUSED_IN_PROPOSAL in body


def test_who_does_not_approve_reads_the_proposal_and_who_decides_without_buttons(adv, login, sent):
    body = body_of(login(adv.customer).get(f"/chamados/{sent.ticket_id}/"))
    assert "R$ 1.800,00" in body and "Revisar a parametrização" in body
    assert proposal_rules.APPROVERS_ONLY in body
    assert "Aprovadores da sua organização: Helena, Marcos." in body
    assert decision_url(sent) not in body and "Confirmar aceite" not in body


def test_accepting_in_the_portal_starts_the_engagement_in_serv_assessoria(adv, login, sent):
    client = login(adv.approver)
    response = client.post(decision_url(sent), {"decision": "aceita"})
    assert response.status_code == 302
    assert response["Location"] == f"/chamados/{sent.ticket_id}/#proposta-{sent.pk}"
    engagement = Engagement.objects.get(proposal=sent)
    ticket = fresh(sent.ticket)
    assert ticket.status == "SERV-ASSESSORIA"
    event = ticket.events.get(kind=EventKind.PROPOSAL_ACCEPTED)
    assert (event.actor, event.at, event.data["engagement_id"]) == (adv.approver, NOW, engagement.pk)
    sent.refresh_from_db()
    assert (sent.status, sent.decided_by, sent.decided_at) == ("aceita", adv.approver, NOW)
    # PRG: the page shows the new state, the message and why the clock stays paused.
    body = body_of(client.get(response["Location"]))
    assert "Proposta aceita. A equipe WeConnect vai agendar a assessoria" in body
    assert "por Helena em 03/12/2026 15:00" in body
    assert PAUSED_IN_ADVISORY in body
    assert decision_url(sent) not in body


def test_a_refusal_needs_a_reason_and_then_returns_the_ticket(adv, login, sent):
    client = login(adv.approver)
    before = snapshot()
    refused = client.post(decision_url(sent), {"decision": "recusada", "reason": "   "})
    assert refused.status_code == 422
    assert refusal(proposal_rules.REFUSAL_REASON_REQUIRED) in body_of(refused)
    assert "<details open>" in body_of(refused)  # the refusal form, open, with the error beside it
    assert snapshot() == before
    done = client.post(decision_url(sent), {"decision": "recusada", "reason": "Vamos resolver internamente."})
    assert done.status_code == 302
    ticket = fresh(sent.ticket)
    assert ticket.status == "EM ATENDIMENTO"
    assert ticket.events.get(kind=EventKind.PROPOSAL_REFUSED).actor == adv.approver
    assert not Engagement.objects.exists()
    body = body_of(client.get(f"/chamados/{sent.ticket_id}/"))
    assert "Proposta recusada. O chamado voltou ao atendimento" in body
    assert "Recusada" in body and "Vamos resolver internamente." in body and "por Helena em 03/12/2026 15:00" in body


def test_deciding_twice_says_so_and_accepts_once(adv, login, sent):
    assert login(adv.approver).post(decision_url(sent), {"decision": "aceita"}).status_code == 302
    again = login(adv.second_approver).post(decision_url(sent), {"decision": "aceita"})
    assert again.status_code == 409
    assert refusal("Esta proposta não está aguardando aprovação (aceita).") in body_of(again)
    assert Engagement.objects.filter(proposal=sent).count() == 1
    assert fresh(sent.ticket).events.filter(kind=EventKind.PROPOSAL_ACCEPTED).count() == 1
    refused_after = login(adv.second_approver).post(decision_url(sent), {"decision": "recusada", "reason": "x"})
    assert refused_after.status_code == 409 and Proposal.objects.get(pk=sent.pk).status == "aceita"


def test_a_forged_post_of_someone_who_does_not_approve_is_refused_and_changes_nothing(adv, login, sent, report):
    client = login(adv.customer)
    before = snapshot()
    for url, data in (
        (decision_url(sent), {"decision": "aceita"}),
        (decision_url(sent), {"decision": "recusada", "reason": "Não"}),
        (report_url(report), {"decision": "validado"}),
        (report_url(report), {"decision": "contestado", "comment": "Não"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert refusal(proposal_rules.APPROVERS_ONLY) in body_of(response)  # the service's own refusal
        assert "Confirmar aceite" not in body_of(response)
    assert snapshot() == before


def test_an_approver_without_valid_training_reads_why_and_cannot_decide(adv, login, sent):
    untrained = CustomerFactory(username="ivo", organization=adv.world.org, is_approver=True, trained=False)
    client = login(untrained)
    assert UNTRAINED_READ_ONLY in body_of(client.get(f"/chamados/{sent.ticket_id}/"))
    before = snapshot()
    forged = client.post(decision_url(sent), {"decision": "aceita"})
    assert forged.status_code == 403 and refusal(UNTRAINED_READ_ONLY) in body_of(forged)
    assert snapshot() == before


def test_an_unknown_decision_is_refused(adv, login, sent):
    before = snapshot()
    assert login(adv.approver).post(decision_url(sent), {"decision": "talvez"}).status_code == 422
    assert login(adv.approver).get(decision_url(sent)).status_code == 405
    assert snapshot() == before


# --------------------------------------------------------------------------- the report on the ticket page


def test_the_ticket_page_shows_every_report_version_with_sessions_totals_and_estimate(adv, login, report):
    body = body_of(login(adv.customer).get(f"/chamados/{adv.ticket.pk}/"))
    section = body[body.index('id="assessoria"') :]
    assert f'id="relatorio-{report.pk}"' in section and "Versão 1" in section and "Aguardando validação" in section
    # Totals beside the accepted estimate.
    assert "4 h 25 min" in section and "4 h 45 min" in section and "R$ 855,00" in section
    assert "10 h · R$ 1.800,00" in section
    # Sessions: Ana 02/12 40 → 60 min (R$ 180,00), Bruno 02/12 75 min (R$ 225,00), Ana 03/12 150 min (R$ 450,00).
    for text in (
        "02/12/2026",
        "03/12/2026",
        "Bruno",
        "40 min",
        "1 h 15 min",
        "2 h 30 min",
        "R$ 180,00",
        "R$ 225,00",
        "R$ 450,00",
    ):
        assert text in section, text
    assert "Conferência do holerite" in section
    assert f'href="{pdf_url(report)}"' in section
    assert PAUSED_IN_ADVISORY in body
    # Joana reads it all but does not validate.
    assert report_url(report) not in body and proposal_rules.APPROVERS_ONLY in body


def test_the_engagement_shows_its_appointments_in_brasilia_time(adv, login):
    engagement = adv.accepted()
    services.appointment_schedule(
        engagement=engagement,
        actor=adv.analyst,
        now=T0 + 4 * H,
        starts_at=sp(2026, 12, 4, 9),
        ends_at=sp(2026, 12, 4, 12),
        analyst=adv.analyst.pk,
        location="https://meet.example.com/assessoria-acme",
    )
    body = body_of(login(adv.customer).get(f"/chamados/{adv.ticket.pk}/"))
    assert "04/12/2026, 09:00–12:00" in body and "(horário de Brasília)" in body
    assert 'href="https://meet.example.com/assessoria-acme"' in body
    assert adv.analyst.get_full_name() in body


def test_validating_in_the_portal_creates_the_billing_lines(adv, login, report):
    client = login(adv.approver)
    assert f'action="{report_url(report)}"' in body_of(client.get(f"/chamados/{adv.ticket.pk}/"))
    response = client.post(report_url(report), {"decision": "validado"})
    assert response.status_code == 302
    assert response["Location"] == f"/chamados/{adv.ticket.pk}/#relatorio-{report.pk}"
    lines = sorted(BillingLine.objects.values_list("billable_minutes", "amount"))
    assert lines == [(60, Decimal("180.00")), (75, Decimal("225.00")), (150, Decimal("450.00"))]
    ticket = fresh(adv.ticket)
    assert ticket.status == "EM ATENDIMENTO"
    assert ticket.events.get(kind=EventKind.REPORT_VALIDATED).actor == adv.approver
    body = body_of(client.get(response["Location"]))
    assert "Relatório validado." in body and "Validado por Helena em 03/12/2026 15:00." in body
    assert "Assessoria concluída" in body and report_url(report) not in body
    # A second validation bills nothing more.
    assert login(adv.second_approver).post(report_url(report), {"decision": "validado"}).status_code == 409
    assert BillingLine.objects.count() == 3


def test_a_contest_needs_a_comment_and_is_shown_on_the_page(adv, login, report):
    client = login(adv.approver)
    before = snapshot()
    refused = client.post(report_url(report), {"decision": "contestado", "comment": ""})
    assert refused.status_code == 422
    assert refusal(report_rules.CONTEST_COMMENT_REQUIRED) in body_of(refused)
    assert snapshot() == before
    assert (
        client.post(report_url(report), {"decision": "contestado", "comment": "O dia 03 foi só 1 hora."}).status_code
        == 302
    )
    report.refresh_from_db()
    assert (report.status, report.decided_by, report.decision_comment) == (
        "contestado",
        adv.approver,
        "O dia 03 foi só 1 hora.",
    )
    assert not BillingLine.objects.exists()
    body = body_of(client.get(f"/chamados/{adv.ticket.pk}/"))
    assert "Relatório contestado." in body and "Contestado por Helena em 03/12/2026 15:00:" in body
    assert "O dia 03 foi só 1 hora." in body and "Contestado" in body


def test_every_version_stays_on_the_page_with_its_pdf(adv, login, report, at):
    services.report_decide(
        report=report, actor=adv.approver, now=sp(2026, 12, 3, 13), decision="contestado", comment="Dia 03: 1 h."
    )
    entry = TimeEntry.objects.get(started_at=sp(2026, 12, 3, 9))
    services.time_entry_update(
        engagement=report.engagement,
        entry_id=entry.pk,
        actor=adv.analyst,
        now=sp(2026, 12, 3, 14),
        started_at=sp(2026, 12, 3, 9),
        ended_at=sp(2026, 12, 3, 10),
        activity="Conferência do holerite",
    )
    second = services.report_send(engagement=report.engagement, actor=adv.analyst, now=sp(2026, 12, 3, 14, 30))
    client = login(adv.customer)
    body = body_of(client.get(f"/chamados/{adv.ticket.pk}/"))
    assert body.index("Versão 2") < body.index("Versão 1")  # the newest first
    assert "R$ 585,00" in body and "R$ 855,00" in body  # 180 + 225 + 180 (60 min)
    assert "Dia 03: 1 h." in body
    for version in (report, second):
        response = client.get(pdf_url(version))
        assert response.status_code == 200
        assert bytes(response.content) == bytes(ActivityReport.objects.get(pk=version.pk).pdf)


# --------------------------------------------------------------------------- the PDF


def test_the_pdf_is_an_attachment_for_the_organization_only(adv, login, report):
    for user in (adv.approver, adv.customer):
        response = login(user).get(pdf_url(report))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="relatorio-assessoria-chamado-{adv.ticket.pk}-v1.pdf"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content.startswith(b"%PDF")
    for user in (adv.other_approver, adv.world.other_customer):
        assert login(user).get(pdf_url(report)).status_code == 404
    assert login(adv.analyst).get(pdf_url(report)).status_code == 403  # staff read it in the console
    anonymous = login(adv.approver)
    anonymous.logout()
    assert anonymous.get(pdf_url(report))["Location"].startswith("/conta/entrar/")


# --------------------------------------------------------------------------- tenant isolation


@pytest.mark.parametrize("who", ["other_approver", "other_customer"])
def test_another_organization_reaches_nothing_of_it_by_any_url(adv, login, sent, report, who):
    user = adv.other_approver if who == "other_approver" else adv.world.other_customer
    client = login(user)
    before = snapshot()
    for method, url, data in (
        ("post", decision_url(sent), {"decision": "aceita"}),
        ("post", decision_url(sent), {"decision": "recusada", "reason": "x"}),
        ("post", report_url(report), {"decision": "validado"}),
        ("post", report_url(report), {"decision": "contestado", "comment": "x"}),
        ("get", pdf_url(report), {}),
        ("get", f"/chamados/{sent.ticket_id}/", {}),
        ("get", f"/chamados/{adv.ticket.pk}/", {}),
    ):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot() == before
    home = body_of(client.get("/"))
    for text in (
        "Aguardando sua aprovação",
        "a decisão de um aprovador",
        "R$ 1.800,00",
        "R$ 855,00",
        "Férias coletivas",
        "Folha não calcula",
    ):
        assert text not in home, text


def test_unknown_ids_are_not_found(adv, login):
    client = login(adv.approver)
    for url in ("/propostas/999999/decisao/", "/relatorios/999999/decisao/"):
        assert client.post(url, {"decision": "aceita"}).status_code == 404
    assert client.get("/relatorios/999999/pdf/").status_code == 404


def test_a_draft_never_reaches_the_customer_even_once_cancelled(adv, login, second_ticket):
    draft = adv.draft(ticket=second_ticket, scope="Rascunho interno: cobrar 40 h")
    for user in (adv.approver, adv.customer):
        client = login(user)
        page = body_of(client.get(f"/chamados/{second_ticket.pk}/"))
        assert "Rascunho interno" not in page and 'id="assessoria"' not in page
        assert PAUSED_IN_PROPOSAL in page  # the customer still reads why the clock is paused
        assert "Aguardando sua aprovação" not in body_of(client.get("/"))
    assert login(adv.approver).post(decision_url(draft), {"decision": "aceita"}).status_code == 404
    services.proposal_cancel(proposal=draft, actor=adv.analyst, now=T0 + 2 * H, reason="Escopo mudou")
    page = body_of(login(adv.approver).get(f"/chamados/{second_ticket.pk}/"))
    assert "Rascunho interno" not in page and "Escopo mudou" not in page and 'id="assessoria"' not in page
    assert login(adv.approver).post(decision_url(draft), {"decision": "aceita"}).status_code == 404


def test_a_sent_proposal_cancelled_by_staff_shows_its_reason_only(adv, login, sent):
    services.proposal_cancel(proposal=sent, actor=adv.analyst, now=T0 + 3 * H, reason="Vamos enviar outra proposta.")
    body = body_of(login(adv.approver).get(f"/chamados/{sent.ticket_id}/"))
    assert "Cancelada" in body and "Vamos enviar outra proposta." in body and "pela equipe WeConnect" in body
    assert decision_url(sent) not in body


def test_internal_data_and_other_organizations_never_show(adv, login, sent, report):
    ticket_services.ticket_comment_add(
        ticket=adv.ticket, author=adv.analyst, body="NOTA INTERNA: cliente difícil", now=NOW, internal=True
    )
    other_ticket = adv.world.open_problem(requester=adv.world.other_customer, title="Chamado da Outra")
    adv.sent(ticket=other_ticket, scope="Escopo da outra organização")
    for user in (adv.approver, adv.customer):
        client = login(user)
        for url in ("/", f"/chamados/{adv.ticket.pk}/", f"/chamados/{sent.ticket_id}/"):
            body = body_of(client.get(url))
            for text in ("NOTA INTERNA", "Chamado da Outra", "Escopo da outra organização", adv.world.other_org.name):
                assert text not in body, (url, text)


# --------------------------------------------------------------------------- price list


def test_the_price_list_shows_the_items_in_force_today(adv, login, at):
    PriceItem.objects.create(
        code="TREINO-OLD",
        description="Treinamento retirado",
        unit=PriceUnit.SERVICE,
        price=Decimal("900.00"),
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 11, 30),
    )
    PriceItem.objects.create(
        code="FUTURO",
        description="Serviço que ainda vai entrar",
        unit=PriceUnit.SERVICE,
        price=Decimal("700.00"),
        valid_from=date(2026, 12, 10),
    )
    PriceItem.objects.create(  # a new price for the remote hour from 02/12: it replaces R$ 180,00
        code=REMOTE,
        description="Assessoria técnica remota",
        unit=PriceUnit.REMOTE_HOUR,
        price=Decimal("195.50"),
        valid_from=date(2026, 12, 2),
    )
    response = login(adv.customer).get("/servicos-e-valores/")
    assert response.status_code == 200
    body = body_of(response)
    for text in (
        "Serviços e Valores",
        "Tabela em vigor em 03/12/2026",
        "Assessoria técnica remota",
        "R$ 195,50",
        "02/12/2026",
        "Assessoria técnica presencial",
        "R$ 150,00",
        "Implantação do eSocial",
        "R$ 2.500,00",
        "Hora remota",
        "Serviço com preço fechado",
    ):
        assert text in body, text
    for text in ("R$ 180,00", "Treinamento retirado", "Serviço que ainda vai entrar"):
        assert text not in body, text
    # Before 02/12 the old price was the one in force.
    at(sp(2026, 12, 1, 23, 30))  # 02:30 UTC of the 2nd, still the 1st in Brasília
    body = body_of(login(adv.customer).get("/servicos-e-valores/"))
    assert "R$ 180,00" in body and "R$ 195,50" not in body


def test_the_price_list_is_in_the_portal_nav_and_home(adv, login):
    body = body_of(login(adv.customer).get("/"))
    assert body.count('href="/servicos-e-valores/"') >= 2  # the nav and the help card
    assert login(adv.analyst).get("/servicos-e-valores/").status_code == 403


# --------------------------------------------------------------------------- why the clock is paused


def test_the_ticket_page_says_why_the_clock_is_paused(adv, login, report):
    draft_ticket = adv.world.open_problem(title="Outro")
    adv.draft(ticket=draft_ticket)
    client = login(adv.customer)
    proposal_page = body_of(client.get(f"/chamados/{draft_ticket.pk}/"))
    assert PAUSED_IN_PROPOSAL in proposal_page and PAUSED_IN_ADVISORY not in proposal_page
    advisory_page = body_of(client.get(f"/chamados/{adv.ticket.pk}/"))
    assert PAUSED_IN_ADVISORY in advisory_page and PAUSED_IN_PROPOSAL not in advisory_page

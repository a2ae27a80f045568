"""Issue 9: an e-mail for every step of the advisory, with the content in the mail and the link
of the reader's side (console for staff, portal for customers); never to the author."""

from __future__ import annotations

import pytest
from django.core import mail

from servicedesk.advisory import services
from servicedesk.advisory.tests.helpers import T0, H, sp
from servicedesk.tickets.models import EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def call(fn, **kwargs):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(**kwargs)
        return result

    return call


def by_address(address):
    found = [m for m in mail.outbox if m.to == [address]]
    assert found, f"no e-mail to {address}: {[m.to for m in mail.outbox]}"
    return found[0]


def test_acceptance_tells_the_staff_in_the_console_and_the_customers_in_the_portal(adv, run):
    proposal = adv.sent()
    run(services.proposal_decide, proposal=proposal, actor=adv.approver, now=T0 + 3 * H, decision="aceita")
    staff = by_address(adv.analyst.email)
    assert "Proposta aceita por Helena" in staff.subject
    assert f"/console/chamados/{adv.ticket.pk}/" in staff.body and "Agende a assessoria" in staff.body
    customer = by_address(adv.customer.email)
    assert f"/chamados/{adv.ticket.pk}/" in customer.body and "/console/" not in customer.body
    assert adv.approver.email not in {a for m in mail.outbox for a in m.to}  # the author is not told


def test_a_refusal_carries_the_reason(adv, run):
    proposal = adv.sent()
    run(
        services.proposal_decide,
        proposal=proposal,
        actor=adv.approver,
        now=T0 + 3 * H,
        decision="recusada",
        reason="Fora do orçamento deste ano",
    )
    assert "Motivo: Fora do orçamento deste ano" in by_address(adv.analyst.email).body


def test_cancelling_a_draft_tells_no_customer_but_a_sent_one_does(adv, run):
    draft = adv.draft()
    run(services.proposal_cancel, proposal=draft, actor=adv.analyst, now=T0 + 2 * H, reason="Rascunho errado")
    assert mail.outbox == []
    sent = adv.sent(now=T0 + 3 * H)
    run(services.proposal_cancel, proposal=sent, actor=adv.analyst, now=T0 + 4 * H, reason="Escopo mudou")
    message = by_address(adv.approver.email)
    assert "cancelada" in message.subject and "Motivo: Escopo mudou" in message.body


def _report(adv):
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))
    return engagement


def test_report_ready_validated_and_contested(adv, run):
    engagement = _report(adv)
    report = run(services.report_send, engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 2, 12))
    ready = by_address(adv.approver.email)
    assert "(versão 1) aguardando validação" in ready.subject
    # 40 minutes worked, raised to the 60-minute remote minimum: 1 h × R$ 180,00.
    assert "40 min trabalhados, 1 h faturáveis · Valor: R$ 180,00" in ready.body
    assert "Valide-o ou conteste-o no portal" in ready.body
    run(
        services.report_decide,
        report=report,
        actor=adv.approver,
        now=sp(2026, 12, 2, 14),
        decision="contestado",
        comment="Faltou o dia 03.",
    )
    contested = by_address(adv.analyst.email)
    assert "contestado por Helena" in contested.subject and "Comentário: Faltou o dia 03." in contested.body
    adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 10))
    second = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))
    run(services.report_decide, report=second, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="validado")
    assert "validado por Helena" in by_address(adv.analyst.email).subject


def test_the_export_tells_the_approvers(adv, run):
    engagement = _report(adv)
    report = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 2, 12))
    services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 2, 14), decision="validado")
    batch = run(services.billing_export_create, actor=adv.commercial, now=sp(2026, 12, 4, 10))
    assert batch.number == 1
    assert sorted(a for m in mail.outbox for a in m.to) == sorted([adv.approver.email, adv.second_approver.email])
    assert "enviada para faturamento" in by_address(adv.approver.email).subject
    event = adv.ticket.events.get(kind=EventKind.BILLING_EXPORTED)
    assert (event.actor, event.data["batch_number"]) == (adv.commercial, 1)

"""The advisory's races through the API, on PostgreSQL row locks (domain.md §8, issue 9): two
approvers accepting at once start one engagement; two validations at once bill once; two exports
at once make one batch with every line. Each pair of requests leaves together from a barrier."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from django.db import connection, connections

from servicedesk.accounts.models import User
from servicedesk.advisory import services
from servicedesk.advisory.models import ActivityReport, BillingBatch, BillingLine, Engagement, Proposal
from servicedesk.advisory.tests.helpers import T0, H, build_advisory, sp
from servicedesk.api.tests.conftest import ApiClient, make_token
from servicedesk.core import clock

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


@pytest.fixture
def adv(world):
    return build_advisory(world)


@pytest.fixture
def at(monkeypatch):
    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_now


def at_once(calls) -> list:
    """Run the calls in threads released together; the responses in the order of the calls."""
    barrier = threading.Barrier(len(calls))
    responses: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            responses[index] = call()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(response is not None for response in responses), responses
    return responses


def _statuses(responses) -> list[int]:
    return sorted(response.status_code for response in responses)


def _worked_report(adv) -> ActivityReport:
    """Remote at 180,00/h: Ana 02/12 09:00–09:40 (→ 60 min, 180,00), 03/12 09:00–11:30 (150 min,
    450,00); Bruno 02/12 14:00–15:15 (75 min, 225,00): three sessions, R$ 855,00."""
    engagement = adv.accepted()
    adv.log(engagement, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))
    adv.log(engagement, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30))
    adv.log(engagement, sp(2026, 12, 2, 14), sp(2026, 12, 2, 15, 15), analyst=adv.second_analyst, actor=adv.manager)
    return services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 3, 12))


def test_two_approvers_accepting_at_once_start_one_engagement(adv, at):
    proposal = adv.sent()
    at(T0 + 3 * H)
    helena, marcos = ApiClient(make_token(adv.approver)), ApiClient(make_token(adv.second_approver))
    path = f"/proposals/{proposal.pk}/decision"
    responses = at_once([lambda: client.post(path, {"decision": "aceita"}) for client in (helena, marcos)])
    assert _statuses(responses) == [200, 409], [r.content for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    loser = next(r for r in responses if r.status_code == 409)
    assert loser["Content-Type"] == "application/problem+json"
    assert loser.json()["detail"] == "Esta proposta não está aguardando aprovação (aceita)."
    engagement = Engagement.objects.get()
    assert winner["engagement_id"] == engagement.pk
    stored = Proposal.objects.get()
    assert stored.status == "aceita" and stored.decided_by_id in (adv.approver.pk, adv.second_approver.pk)
    assert winner["decided_by"]["id"] == stored.decided_by_id
    assert adv.ticket.events.filter(kind="proposal_accepted").count() == 1


def test_an_acceptance_and_a_refusal_at_once_decide_once(adv, at):
    proposal = adv.sent()
    at(T0 + 3 * H)
    helena, marcos = ApiClient(make_token(adv.approver)), ApiClient(make_token(adv.second_approver))
    path = f"/proposals/{proposal.pk}/decision"
    responses = at_once(
        [
            lambda: helena.post(path, {"decision": "aceita"}),
            lambda: marcos.post(path, {"decision": "recusada", "reason": "Fora do orçamento"}),
        ]
    )
    assert _statuses(responses) == [200, 409], [r.content for r in responses]
    stored = Proposal.objects.get()
    assert Engagement.objects.count() == (1 if stored.status == "aceita" else 0)
    assert adv.ticket.events.filter(kind__in=["proposal_accepted", "proposal_refused"]).count() == 1


def test_two_validations_at_once_bill_once(adv, at):
    report = _worked_report(adv)
    at(sp(2026, 12, 3, 14))
    helena, marcos = ApiClient(make_token(adv.approver)), ApiClient(make_token(adv.second_approver))
    path = f"/activity-reports/{report.pk}/decision"
    responses = at_once([lambda: client.post(path, {"decision": "validado"}) for client in (helena, marcos)])
    assert _statuses(responses) == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["detail"] == "Este relatório não aguarda validação (validado)."
    amounts = sorted(str(a) for a in BillingLine.objects.values_list("amount", flat=True))
    assert amounts == ["180.00", "225.00", "450.00"]
    assert ActivityReport.objects.get().status == "validado"
    assert Engagement.objects.get().validated_at == sp(2026, 12, 3, 14)
    assert adv.ticket.events.filter(kind="report_validated").count() == 1


def test_two_exports_at_once_make_one_batch_with_every_line(adv, at):
    report = _worked_report(adv)
    services.report_decide(report=report, actor=adv.approver, now=sp(2026, 12, 3, 14), decision="validado")
    # A second engagement on another ticket: a fixed price of R$ 2.500,00, one line.
    other = adv.world.open_problem(now=T0)
    engagement = adv.accepted(ticket=other, billing="serviço", modality="presencial", item="IMPL-ESOCIAL", hours="40")
    adv.log(engagement, sp(2026, 12, 4, 9), sp(2026, 12, 4, 18))
    fixed = services.report_send(engagement=engagement, actor=adv.analyst, now=sp(2026, 12, 4, 19))
    services.report_decide(report=fixed, actor=adv.approver, now=sp(2026, 12, 5, 10), decision="validado")
    assert BillingLine.objects.filter(batch__isnull=True).count() == 4
    at(sp(2026, 12, 7, 10))
    admin = User.objects.create_superuser("root", "root@weconnect.example", "x")
    carol, root = ApiClient(make_token(adv.commercial)), ApiClient(make_token(admin))
    responses = at_once([lambda: client.post("/billing-exports") for client in (carol, root)])
    assert _statuses(responses) == [201, 409], [r.content for r in responses]
    batch = next(r for r in responses if r.status_code == 201).json()
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["detail"] == "Não há linhas de faturamento a exportar: todas já estão em um lote."
    # 180,00 + 225,00 + 450,00 + 2.500,00 = 3.355,00
    assert (batch["number"], batch["line_count"], batch["total"]) == (1, 4, "3355.00")
    stored = BillingBatch.objects.get()
    assert set(BillingLine.objects.values_list("batch_id", flat=True)) == {stored.pk}

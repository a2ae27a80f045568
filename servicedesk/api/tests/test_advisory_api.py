"""The technical advisory through the API (domain.md §8, issue 9): the same services as the console
and the portal, so the same rules — who decides, tenant isolation, frozen reports, billing once.

The world is the advisory tests' (`advisory.tests.helpers.build_advisory`): T0 = Tue 1 Dec 2026
10:00 in Brasília, Acme's approvers Helena and Marcos, Joana (Acme, not an approver), Otília (an
approver of another organization), the analysts Ana ("Analista") and Bruno, the manager Gabriela,
Carolina of the commercial team and Mário of maintenance. Prices, typed by hand in the helper:
remote hour R$ 180,00, on-site hour R$ 150,00, fixed-price service R$ 2.500,00. Every expected
figure below is worked out by hand from them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from servicedesk.accounts.models import User
from servicedesk.advisory.models import (
    ActivityReport,
    Appointment,
    BillingBatch,
    BillingLine,
    Engagement,
    PriceItem,
    PriceUnit,
    Proposal,
    TimeEntry,
)
from servicedesk.advisory.tests.helpers import FIXED, ONSITE, REMOTE, T0, H, build_advisory, sp
from servicedesk.api.tests.conftest import API, ApiClient, make_token
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

UNKNOWN_FIELD = "Campo desconhecido ou que você não pode definir."
NAIVE = "Informe data e hora com fuso horário (ISO 8601 com offset, ex.: 2026-03-02T10:00:00-03:00)."
APPROVERS_ONLY = "Somente um aprovador da organização aceita ou recusa propostas e valida relatórios de assessoria."
PROPOSAL_NOT_FOUND = "Proposta não encontrada."
ENGAGEMENT_NOT_FOUND = "Assessoria não encontrada."
REPORT_NOT_FOUND = "Relatório não encontrado."
BATCH_NOT_FOUND = "Lote de faturamento não encontrado."
NOTHING_TO_EXPORT = "Não há linhas de faturamento a exportar: todas já estão em um lote."


class Api(ApiClient):
    def patch(self, path: str, body=None):
        return self.client.patch(
            API + path, data=json.dumps(body or {}), content_type="application/json", headers=self._headers({})
        )

    def delete(self, path: str):
        return self.client.delete(API + path, headers=self._headers({}))


@pytest.fixture
def adv(world):
    return build_advisory(world)


@pytest.fixture
def at(monkeypatch):
    """Set the API's clock (the services get `now` from it)."""

    def set_now(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    set_now(T0 + H)
    return set_now


@pytest.fixture
def people(adv):
    """One read-write client per person of the world."""
    return {
        name: Api(make_token(user))
        for name, user in {
            "ana": adv.analyst,
            "bruno": adv.second_analyst,
            "gabriela": adv.manager,
            "carol": adv.commercial,
            "mario": adv.maintenance,
            "helena": adv.approver,
            "marcos": adv.second_approver,
            "joana": adv.customer,
            "otilia": adv.other_approver,
        }.items()
    }


def snapshot():
    """Every advisory row and the ticket columns a refused call must leave as they were."""
    return (
        list(Proposal.objects.order_by("pk").values()),
        list(Engagement.objects.order_by("pk").values()),
        list(Appointment.objects.order_by("pk").values()),
        list(TimeEntry.objects.order_by("pk").values()),
        list(
            ActivityReport.objects.order_by("pk").values(
                "pk", "status", "version", "amount", "decided_by", "decided_at", "decision_comment"
            )
        ),
        list(BillingLine.objects.order_by("pk").values()),
        list(BillingBatch.objects.order_by("pk").values()),
        list(Ticket.objects.order_by("pk").values("pk", "status", "revision")),
        TicketEvent.objects.count(),
    )


def refused(response, status: int, detail: str | None = None, *, field: str | None = None, reason: str | None = None):
    """A problem+json with the status, the Portuguese detail and (optionally) one field's reason."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    if detail is not None:
        assert body["detail"] == detail
    if field is not None:
        reasons = {error["field"]: error["reason"] for error in body.get("errors", [])}
        assert field in reasons, body
        if reason is not None:
            assert reasons[field] == reason
    return body


def proposal_body(**overrides) -> dict:
    return {
        "scope": "Revisar a parametrização das horas extras na folha.",
        "modality": "remota",
        "billing": "hora",
        "estimated_hours": "10",
        "price_item": REMOTE,
        **overrides,
    }


def propose(people, adv, at, **overrides) -> dict:
    at(T0 + H)
    response = people["ana"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def sent(people, adv, at, **overrides) -> dict:
    proposal = propose(people, adv, at, **overrides)
    at(T0 + 2 * H)
    response = people["ana"].post(f"/proposals/{proposal['id']}/send")
    assert response.status_code == 200, response.content
    return response.json()


def accepted(people, adv, at, **overrides) -> dict:
    """Accepted by Helena at T0 + 3 h (Tue 01/12 13:00); returns the proposal's JSON."""
    proposal = sent(people, adv, at, **overrides)
    at(T0 + 3 * H)
    response = people["helena"].post(f"/proposals/{proposal['id']}/decision", {"decision": "aceita"})
    assert response.status_code == 200, response.content
    return response.json()


def log(client, engagement_id: int, start: datetime, end: datetime, activity="Ajuste das rubricas", **extra):
    return client.post(
        f"/engagements/{engagement_id}/time-entries",
        {"started_at": start.isoformat(), "ended_at": end.isoformat(), "activity": activity, **extra},
    )


def worked(people, adv, at) -> int:
    """Remote at 180,00/h, logged on Tue 01/12 at 14:00: Ana 02/12 09:00–09:40 (40 min → 60 billable,
    R$ 180,00) and 03/12 09:00–11:30 (150 min, R$ 450,00); Bruno 02/12 14:00–15:15 (75 min,
    R$ 225,00), logged by the manager. Returns the engagement's id."""
    engagement_id = accepted(people, adv, at)["engagement_id"]
    at(T0 + 4 * H)
    assert log(people["ana"], engagement_id, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40)).status_code == 201
    assert log(people["ana"], engagement_id, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30)).status_code == 201
    response = log(people["gabriela"], engagement_id, sp(2026, 12, 2, 14), sp(2026, 12, 2, 15, 15), analyst="bruno")
    assert response.status_code == 201, response.content
    return engagement_id


def reported(people, adv, at) -> tuple[int, dict]:
    engagement_id = worked(people, adv, at)
    at(sp(2026, 12, 3, 12))
    response = people["ana"].post(f"/engagements/{engagement_id}/activity-reports")
    assert response.status_code == 201, response.content
    return engagement_id, response.json()


def validated(people, adv, at) -> tuple[int, dict]:
    engagement_id, report = reported(people, adv, at)
    at(sp(2026, 12, 3, 14))
    response = people["helena"].post(f"/activity-reports/{report['id']}/decision", {"decision": "validado"})
    assert response.status_code == 200, response.content
    return engagement_id, response.json()


# --------------------------------------------------------------------------- price list


def test_the_price_list_is_the_one_in_force_today(adv, people, at):
    # A future price and a service that was withdrawn do not show; the newest row of a code decides.
    PriceItem.objects.create(
        code=REMOTE,
        description="Assessoria técnica remota",
        unit=PriceUnit.REMOTE_HOUR,
        price=Decimal("250.00"),
        valid_from=date(2027, 1, 1),
    )
    PriceItem.objects.create(
        code="TREINO-ANTIGO",
        description="Treinamento antigo",
        unit=PriceUnit.SERVICE,
        price=Decimal("99.90"),
        valid_from=date(2025, 1, 1),
        valid_until=date(2026, 11, 30),
    )
    at(T0)
    response = people["joana"].get("/price-list")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["on"] == "2026-12-01"
    assert body["items"] == [
        {
            "code": ONSITE,
            "description": "Assessoria técnica presencial",
            "unit": "hora_presencial",
            "unit_label": "Hora presencial",
            "price": "150.00",
            "valid_from": "2026-01-01",
            "valid_until": None,
        },
        {
            "code": REMOTE,
            "description": "Assessoria técnica remota",
            "unit": "hora_remota",
            "unit_label": "Hora remota",
            "price": "180.00",
            "valid_from": "2026-01-01",
            "valid_until": None,
        },
        {
            "code": FIXED,
            "description": "Implantação do eSocial",
            "unit": "servico",
            "unit_label": "Serviço com preço fechado",
            "price": "2500.00",
            "valid_from": "2026-01-01",
            "valid_until": None,
        },
    ]
    at(sp(2027, 1, 4, 10))
    prices = {item["code"]: item["price"] for item in people["ana"].get("/price-list").json()["items"]}
    assert prices == {ONSITE: "150.00", REMOTE: "250.00", FIXED: "2500.00"}


def test_the_price_list_needs_a_caller(adv):
    refused(ApiClient().get("/price-list"), 401)


# --------------------------------------------------------------------------- proposals


def test_staff_make_a_proposal_that_copies_the_price(adv, people, at):
    at(T0 + H)
    response = people["ana"].post(
        f"/tickets/{adv.ticket.pk}/proposals", proposal_body(estimated_hours=12.5)
    )  # a JSON number
    assert response.status_code == 201, response.content
    body = response.json()
    proposal = Proposal.objects.get()
    assert body["id"] == proposal.pk
    assert (body["ticket"], body["status"], body["status_label"]) == (adv.ticket.pk, "rascunho", "Em preparação")
    assert (body["modality"], body["billing"], body["price_item"]) == ("remota", "hora", REMOTE)
    assert (body["estimated_hours"], body["unit_price"], body["estimated_amount"]) == ("12.50", "180.00", "2250.00")
    assert body["engagement_id"] is None
    assert body["created_by"] == {"id": adv.analyst.pk, "name": "Analista", "is_staff": True}
    assert body["created_at"] == "2026-12-01T11:00:00-03:00"  # Brasília time
    assert Ticket.objects.get(pk=adv.ticket.pk).status == "COM-PROPOSTA"


def test_a_fixed_price_proposal_announces_its_price(adv, people, at):
    body = propose(people, adv, at, billing="serviço", modality="presencial", price_item=FIXED, estimated_hours="40")
    assert (body["billing"], body["unit_price"], body["estimated_amount"]) == ("serviço", "2500.00", "2500.00")


@pytest.mark.parametrize("field", ["unit_price", "estimated_amount", "status", "price", "created_by", "amount"])
def test_fields_a_caller_may_not_set_are_refused(adv, people, at, field):
    before = snapshot()
    response = people["ana"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body(**{field: "1.00"}))
    refused(response, 422, field=field, reason=UNKNOWN_FIELD)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"estimated_hours": "0"}, "estimated_hours", None),
        ({"estimated_hours": "1.005"}, "estimated_hours", None),
        ({"estimated_hours": "abc"}, "estimated_hours", None),
        ({"estimated_hours": True}, "estimated_hours", None),
        ({"scope": "   "}, "scope", "Descreva o escopo da assessoria."),
        ({"modality": "híbrida"}, "modality", None),
        ({"billing": "mensal"}, "billing", None),
        ({"price_item": "NAO-EXISTE"}, "price_item", "Escolha um serviço da tabela Serviços e Valores em vigor."),
        ({"price_item": ONSITE}, "price_item", None),  # an on-site price for a remote proposal
    ],
)
def test_bad_terms_are_field_errors_and_change_nothing(adv, people, at, overrides, field, reason):
    before = snapshot()
    response = people["ana"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body(**overrides))
    refused(response, 422, field=field, reason=reason)
    assert snapshot() == before


def test_hours_are_refused_with_the_services_words(adv, people, at):
    response = people["ana"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body(estimated_hours="-3"))
    refused(
        response,
        422,
        "Informe as horas estimadas: um número maior que zero, até 2.000, com até duas casas decimais.",
        field="estimated_hours",
    )


@pytest.mark.parametrize("who", ["joana", "helena", "mario"])
def test_only_staff_who_propose_make_proposals(adv, people, at, who):
    before = snapshot()
    response = people[who].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body())
    refused(response, 403, "Somente analistas, gestores e a equipe comercial preparam propostas.")
    assert snapshot() == before


def test_the_commercial_team_proposes_too(adv, people, at):
    response = people["carol"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body())
    assert response.status_code == 201, response.content
    assert response.json()["created_by"]["id"] == adv.commercial.pk


def test_a_read_only_token_cannot_propose(adv, at):
    client = Api(make_token(adv.analyst, "read"))
    before = snapshot()
    refused(client.post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body()), 403)
    assert snapshot() == before
    assert client.get(f"/tickets/{adv.ticket.pk}/proposals").status_code == 200


def test_one_live_proposal_per_ticket_and_a_stale_revision(adv, people, at):
    other = adv.world.open_problem(now=T0)
    propose(people, adv, at)
    before = snapshot()
    response = people["ana"].post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body())
    refused(response, 409, "Este chamado já tem uma proposta em preparação ou aguardando aprovação.")
    stale = Ticket.objects.get(pk=other.pk).revision - 1
    response = people["ana"].post(f"/tickets/{other.pk}/proposals", proposal_body(revision=stale))
    refused(response, 409)
    assert snapshot() == before


def test_a_draft_is_internal_until_it_is_sent(adv, people, at):
    proposal = propose(people, adv, at)
    path = f"/proposals/{proposal['id']}"
    for who in ("joana", "helena"):
        assert people[who].get(f"/tickets/{adv.ticket.pk}/proposals").json() == {"items": []}
        refused(people[who].get(path), 404, PROPOSAL_NOT_FOUND)
    assert [p["id"] for p in people["mario"].get(f"/tickets/{adv.ticket.pk}/proposals").json()["items"]] == [
        proposal["id"]
    ]
    at(T0 + 2 * H)
    body = people["ana"].post(f"{path}/send").json()
    assert (body["status"], body["sent_at"]) == ("enviada", "2026-12-01T12:00:00-03:00")
    for who in ("joana", "helena"):
        assert people[who].get(path).json()["status"] == "enviada"
        assert [p["id"] for p in people[who].get(f"/tickets/{adv.ticket.pk}/proposals").json()["items"]] == [
            proposal["id"]
        ]


def test_a_draft_cancelled_unsent_stays_internal(adv, people, at):
    proposal = propose(people, adv, at)
    response = people["ana"].post(f"/proposals/{proposal['id']}/cancel", {"reason": "Escopo mudou"})
    assert response.json()["status"] == "cancelada"
    refused(people["helena"].get(f"/proposals/{proposal['id']}"), 404, PROPOSAL_NOT_FOUND)
    assert people["helena"].get(f"/tickets/{adv.ticket.pk}/proposals").json() == {"items": []}


def test_sending_is_for_staff_once_and_needs_an_approver(adv, people, at):
    proposal = propose(people, adv, at)
    path = f"/proposals/{proposal['id']}/send"
    refused(people["joana"].post(path), 404, PROPOSAL_NOT_FOUND)  # a customer does not see a draft
    adv.world.org.users.filter(is_approver=True).update(is_approver=False)
    before = snapshot()
    refused(
        people["ana"].post(path),
        422,
        "A organização não tem aprovador com e-mail cadastrado: peça ao cliente que indique um antes de enviar a proposta.",
    )
    assert snapshot() == before
    adv.world.org.users.filter(pk__in=[adv.approver.pk, adv.second_approver.pk]).update(is_approver=True)
    assert people["ana"].post(path).status_code == 200
    before = snapshot()
    refused(people["ana"].post(path), 409, "Uma proposta enviada não muda: cancele-a e prepare outra.")
    refused(people["helena"].post(path), 403, "Somente analistas, gestores e a equipe comercial preparam propostas.")
    assert snapshot() == before


def test_cancelling_needs_a_reason_and_staff(adv, people, at):
    proposal = sent(people, adv, at)
    path = f"/proposals/{proposal['id']}/cancel"
    before = snapshot()
    refused(people["ana"].post(path, {}), 422, field="reason", reason="Campo obrigatório.")
    refused(
        people["ana"].post(path, {"reason": "  "}),
        422,
        "Informe o motivo do cancelamento: o cliente vai lê-lo.",
        field="reason",
    )
    refused(people["helena"].post(path, {"reason": "Não queremos"}), 403)
    refused(people["otilia"].post(path, {"reason": "x"}), 404, PROPOSAL_NOT_FOUND)
    assert snapshot() == before
    at(T0 + 3 * H)
    body = people["ana"].post(path, {"reason": "Escopo mudou"}).json()
    assert (body["status"], body["cancel_reason"], body["cancelled_at"]) == (
        "cancelada",
        "Escopo mudou",
        "2026-12-01T13:00:00-03:00",
    )
    assert Ticket.objects.get(pk=adv.ticket.pk).status == "EM ATENDIMENTO"
    refused(people["ana"].post(path, {"reason": "De novo"}), 409)


# --------------------------------------------------------------------------- decisions


def test_the_acceptance_answers_with_the_engagement(adv, people, at):
    proposal = sent(people, adv, at)
    at(T0 + 3 * H)
    response = people["helena"].post(f"/proposals/{proposal['id']}/decision", {"decision": "aceita"})
    assert response.status_code == 200, response.content
    body = response.json()
    engagement = Engagement.objects.get()
    assert (body["status"], body["engagement_id"]) == ("aceita", engagement.pk)
    assert body["decided_by"] == {"id": adv.approver.pk, "name": "Helena", "is_staff": False}
    assert body["decided_at"] == "2026-12-01T13:00:00-03:00"
    assert people["joana"].get(f"/proposals/{proposal['id']}").json()["engagement_id"] == engagement.pk
    listed = people["ana"].get(f"/tickets/{adv.ticket.pk}/proposals").json()["items"]
    assert [p["engagement_id"] for p in listed] == [engagement.pk]
    ticket = Ticket.objects.get(pk=adv.ticket.pk)
    assert ticket.status == "SERV-ASSESSORIA"
    event = ticket.events.get(kind="proposal_accepted")
    assert (event.actor_id, event.at) == (adv.approver.pk, T0 + 3 * H)
    # decided once: a second decision is a conflict that changes nothing
    before = snapshot()
    again = people["marcos"].post(f"/proposals/{proposal['id']}/decision", {"decision": "recusada", "reason": "Caro"})
    refused(again, 409, "Esta proposta não está aguardando aprovação (aceita).")
    assert snapshot() == before


@pytest.mark.parametrize("who", ["joana", "ana", "carol"])
def test_only_an_approver_decides(adv, people, at, who):
    proposal = sent(people, adv, at)
    before = snapshot()
    response = people[who].post(f"/proposals/{proposal['id']}/decision", {"decision": "aceita"})
    refused(response, 403, APPROVERS_ONLY)
    assert snapshot() == before


def test_another_organizations_approver_does_not_find_the_proposal(adv, people, at):
    proposal = sent(people, adv, at)
    before = snapshot()
    for response in (
        people["otilia"].get(f"/proposals/{proposal['id']}"),
        people["otilia"].post(f"/proposals/{proposal['id']}/decision", {"decision": "aceita"}),
    ):
        refused(response, 404, PROPOSAL_NOT_FOUND)
    refused(people["otilia"].get(f"/tickets/{adv.ticket.pk}/proposals"), 404, "Chamado não encontrado.")
    unknown = people["otilia"].get("/proposals/987654")
    assert unknown.json() == people["otilia"].get(f"/proposals/{proposal['id']}").json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"decision": "talvez"}, "decision", None),
        ({}, "decision", "Campo obrigatório."),
        ({"decision": "recusada", "reason": " "}, "reason", "Informe o motivo da recusa."),
        ({"decision": "aceita", "decided_by": 1}, "decided_by", UNKNOWN_FIELD),
        ({"decision": "aceita", "status": "aceita"}, "status", UNKNOWN_FIELD),
        ({"decision": "aceita", "unit_price": "1.00"}, "unit_price", UNKNOWN_FIELD),
        ({"decision": "aceita", "estimated_hours": "1"}, "estimated_hours", UNKNOWN_FIELD),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(adv, people, at, body, field, reason):
    proposal = sent(people, adv, at)
    before = snapshot()
    refused(people["helena"].post(f"/proposals/{proposal['id']}/decision", body), 422, field=field, reason=reason)
    assert snapshot() == before
    assert Proposal.objects.get().unit_price == Decimal("180.00")


def test_a_refusal_keeps_its_reason_and_returns_the_ticket(adv, people, at):
    proposal = sent(people, adv, at)
    at(T0 + 3 * H)
    response = people["marcos"].post(
        f"/proposals/{proposal['id']}/decision", {"decision": "recusada", "reason": "Fora do orçamento"}
    )
    body = response.json()
    assert (body["status"], body["refusal_reason"], body["engagement_id"]) == ("recusada", "Fora do orçamento", None)
    assert body["decided_by"]["id"] == adv.second_approver.pk
    assert Ticket.objects.get(pk=adv.ticket.pk).status == "EM ATENDIMENTO"
    assert not Engagement.objects.exists()


# --------------------------------------------------------------------------- engagement: schedule and time


def test_scheduling_an_appointment(adv, people, at):
    engagement_id = accepted(people, adv, at)["engagement_id"]
    at(T0 + 4 * H)
    body = {
        "starts_at": "2026-12-03T09:00:00-03:00",
        "ends_at": "2026-12-03T15:00:00Z",  # 12:00 in Brasília
        "analyst": "bruno",
        "location": "https://meet.example/assessoria",
    }
    response = people["gabriela"].post(f"/engagements/{engagement_id}/appointments", body)
    assert response.status_code == 201, response.content
    appointment = response.json()
    assert (appointment["starts_at"], appointment["ends_at"]) == (
        "2026-12-03T09:00:00-03:00",
        "2026-12-03T12:00:00-03:00",
    )
    assert appointment["location"] == "https://meet.example/assessoria"
    assert appointment["analyst"]["id"] == adv.second_analyst.pk
    assert appointment["is_link"] is True
    by_id = people["ana"].post(
        f"/engagements/{engagement_id}/appointments",
        {
            **body,
            "starts_at": "2026-12-04T09:00:00-03:00",
            "ends_at": "2026-12-04T18:00:00-03:00",
            "analyst": adv.analyst.pk,
        },
    )
    assert by_id.status_code == 201, by_id.content
    assert by_id.json()["analyst"]["id"] == adv.analyst.pk
    detail = people["helena"].get(f"/engagements/{engagement_id}").json()
    assert [a["starts_at"] for a in detail["appointments"]] == [
        "2026-12-03T09:00:00-03:00",
        "2026-12-04T09:00:00-03:00",
    ]


def test_appointment_refusals_change_nothing(adv, people, at):
    engagement_id = accepted(people, adv, at)["engagement_id"]
    at(T0 + 4 * H)
    path = f"/engagements/{engagement_id}/appointments"
    good = {
        "starts_at": "2026-12-03T09:00:00-03:00",
        "ends_at": "2026-12-03T18:00:00-03:00",
        "location": "Av. Paulista, 1000",
    }
    before = snapshot()
    refused(
        people["ana"].post(path, {**good, "starts_at": "2026-12-03T09:00:00"}), 422, field="starts_at", reason=NAIVE
    )
    refused(
        people["ana"].post(
            path, {**good, "starts_at": "2026-12-01T09:00:00-03:00", "ends_at": "2026-12-01T10:00:00-03:00"}
        ),
        422,
        field="starts_at",
        reason="Escolha um início no futuro.",
    )
    refused(
        people["ana"].post(path, {**good, "analyst": "helena"}),
        422,
        field="analyst",
        reason="Escolha um analista da equipe WeConnect.",
    )
    refused(people["ana"].post(path, {**good, "location": " "}), 422, field="location")
    refused(
        people["helena"].post(path, good), 403, "Somente analistas e gestores agendam a assessoria e apontam horas."
    )
    refused(people["otilia"].post(path, good), 404, ENGAGEMENT_NOT_FOUND)
    assert snapshot() == before


def test_time_entries_are_logged_corrected_and_deleted(adv, people, at):
    engagement_id = accepted(people, adv, at)["engagement_id"]
    at(T0 + 4 * H)
    response = log(people["ana"], engagement_id, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40))
    assert response.status_code == 201, response.content
    entry = response.json()
    assert (entry["minutes"], entry["analyst"]["id"], entry["started_at"]) == (
        40,
        adv.analyst.pk,
        "2026-12-02T09:00:00-03:00",
    )
    path = f"/engagements/{engagement_id}/time-entries/{entry['id']}"
    # Only what is sent changes: the end moves to 10:10 (70 min), the activity stays.
    response = people["ana"].patch(path, {"ended_at": "2026-12-02T10:10:00-03:00"})
    assert response.status_code == 200, response.content
    assert (response.json()["minutes"], response.json()["activity"]) == (70, "Ajuste das rubricas")
    response = people["ana"].patch(path, {"activity": "Conferência da folha"})
    assert (response.json()["minutes"], response.json()["activity"]) == (70, "Conferência da folha")
    stored = TimeEntry.objects.get(pk=entry["id"])
    assert (stored.started_at, stored.ended_at) == (sp(2026, 12, 2, 9), sp(2026, 12, 2, 10, 10))
    before = snapshot()
    refused(people["ana"].patch(path, {"analyst": "bruno"}), 422, field="analyst", reason=UNKNOWN_FIELD)
    refused(people["ana"].patch(path, {"ended_at": "2026-12-02T08:00:00-03:00"}), 422, field="ended_at")
    refused(
        people["bruno"].patch(path, {"activity": "Outra"}),
        403,
        "Somente gestores apontam horas em nome de outro analista.",
    )
    refused(
        people["ana"].patch(f"/engagements/{engagement_id}/time-entries/987654", {}), 404, "Apontamento não encontrado."
    )
    refused(people["helena"].delete(path), 403)
    refused(people["otilia"].delete(path), 404, ENGAGEMENT_NOT_FOUND)
    assert snapshot() == before
    assert people["gabriela"].patch(path, {"activity": "Revisão"}).status_code == 200  # a manager may
    response = people["ana"].delete(path)
    assert response.status_code == 204
    assert not TimeEntry.objects.exists()


def test_time_entry_refusals_change_nothing(adv, people, at):
    engagement_id = accepted(people, adv, at)["engagement_id"]  # accepted Tue 01/12 13:00
    at(T0 + 4 * H)
    assert log(people["ana"], engagement_id, sp(2026, 12, 2, 9), sp(2026, 12, 2, 11)).status_code == 201
    before = snapshot()
    cases = [
        (people["ana"], (sp(2026, 12, 2, 10, 59), sp(2026, 12, 2, 12)), {}, 422, "started_at"),  # overlaps 09–11
        (people["ana"], (sp(2026, 12, 1, 12), sp(2026, 12, 1, 14)), {}, 422, "started_at"),  # before the acceptance
        (people["ana"], (sp(2026, 12, 2, 12), sp(2026, 12, 3, 12, 1)), {}, 422, "ended_at"),  # over 24 h
        (people["ana"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {"activity": " "}, 422, "activity"),
        (people["ana"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {"analyst": "bruno"}, 403, None),
        (people["carol"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {}, 403, None),
        (people["helena"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {}, 403, None),
        (people["helena"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {"amount": "1.00"}, 422, "amount"),
        (people["otilia"], (sp(2026, 12, 2, 12), sp(2026, 12, 2, 13)), {}, 404, None),
    ]
    for client, (start, end), extra, status, field in cases:
        refused(log(client, engagement_id, start, end, **extra), status, field=field)
    naive = people["ana"].post(
        f"/engagements/{engagement_id}/time-entries",
        {"started_at": "2026-12-02T12:00:00", "ended_at": "2026-12-02T13:00:00-03:00", "activity": "x"},
    )
    refused(naive, 422, field="started_at", reason=NAIVE)
    assert snapshot() == before


def test_the_engagement_shows_entries_and_the_current_statement(adv, people, at):
    engagement_id = worked(people, adv, at)
    body = people["joana"].get(f"/engagements/{engagement_id}").json()
    engagement = Engagement.objects.get()
    assert (body["id"], body["proposal_id"], body["ticket"]) == (engagement.pk, engagement.proposal_id, adv.ticket.pk)
    assert (body["accepted_at"], body["validated_at"], body["reports"]) == ("2026-12-01T13:00:00-03:00", None, [])
    assert [(e["started_at"], e["minutes"], e["analyst"]["name"]) for e in body["time_entries"]] == [
        ("2026-12-02T09:00:00-03:00", 40, "Analista"),
        ("2026-12-02T14:00:00-03:00", 75, "Bruno"),
        ("2026-12-03T09:00:00-03:00", 150, "Analista"),
    ]
    statement = body["statement"]
    assert [
        (s["date"], s["analyst"], s["minutes"], s["billable_minutes"], s["amount"]) for s in statement["sessions"]
    ] == [
        ("2026-12-02", "Analista", 40, 60, "180.00"),
        ("2026-12-02", "Bruno", 75, 75, "225.00"),
        ("2026-12-03", "Analista", 150, 150, "450.00"),
    ]
    assert statement["totals"] == {"minutes": 265, "billable_minutes": 285, "amount": "855.00"}
    assert statement["estimate"] == {"hours": "10.00", "amount": "1800.00"}  # 10 h × 180,00
    assert (statement["minimum_minutes"], statement["unit_price"]) == (60, "180.00")
    refused(people["otilia"].get(f"/engagements/{engagement_id}"), 404, ENGAGEMENT_NOT_FOUND)


# --------------------------------------------------------------------------- reports


def test_the_report_is_frozen_json_and_a_pdf(adv, people, at):
    engagement_id, report = reported(people, adv, at)
    stored = ActivityReport.objects.get()
    assert (report["id"], report["version"], report["status"]) == (stored.pk, 1, "enviado")
    assert (report["engagement_id"], report["ticket"], report["sent_at"]) == (
        engagement_id,
        adv.ticket.pk,
        "2026-12-03T12:00:00-03:00",
    )
    assert (report["decided_by"], report["decided_at"], report["comment"]) == (None, None, "")
    sessions = [(s["date"], s["analyst"], s["minutes"], s["billable_minutes"], s["amount"]) for s in report["sessions"]]
    assert sessions == [
        ("2026-12-02", "Analista", 40, 60, "180.00"),
        ("2026-12-02", "Bruno", 75, 75, "225.00"),
        ("2026-12-03", "Analista", 150, 150, "450.00"),
    ]
    first_entry = report["sessions"][0]["entries"][0]
    assert (first_entry["started_at"], first_entry["ended_at"], first_entry["minutes"]) == (
        "2026-12-02T09:00:00-03:00",
        "2026-12-02T09:40:00-03:00",
        40,
    )
    assert report["totals"] == {"minutes": 265, "billable_minutes": 285, "amount": "855.00"}
    assert report["estimate"] == {"hours": "10.00", "amount": "1800.00"}
    assert people["joana"].get(f"/activity-reports/{report['id']}").json() == report
    # Frozen: the entries wait for the decision, and the JSON stays as it was sent.
    before = snapshot()
    response = log(people["ana"], engagement_id, sp(2026, 12, 4, 9), sp(2026, 12, 4, 10))
    refused(
        response,
        409,
        "O relatório desta assessoria aguarda a validação do cliente: os apontamentos ficam congelados até ele decidir.",
    )
    refused(people["ana"].post(f"/engagements/{engagement_id}/activity-reports"), 409)
    assert snapshot() == before
    # The PDF: the organization's users and staff.
    for who in ("joana", "helena", "ana", "carol"):
        pdf = people[who].get(f"/activity-reports/{report['id']}/pdf")
        assert pdf.status_code == 200, pdf.content
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf["Content-Disposition"] == (
            f'attachment; filename="relatorio-assessoria-chamado-{adv.ticket.pk}-v1.pdf"'
        )
        assert pdf.content.startswith(b"%PDF") and pdf.content == bytes(stored.pdf)


def test_only_staff_who_work_send_reports(adv, people, at):
    engagement_id = worked(people, adv, at)
    before = snapshot()
    for who in ("helena", "carol", "mario"):
        refused(people[who].post(f"/engagements/{engagement_id}/activity-reports"), 403)
    refused(people["otilia"].post(f"/engagements/{engagement_id}/activity-reports"), 404, ENGAGEMENT_NOT_FOUND)
    assert snapshot() == before


def test_nothing_to_report_without_entries(adv, people, at):
    engagement_id = accepted(people, adv, at)["engagement_id"]
    refused(
        people["ana"].post(f"/engagements/{engagement_id}/activity-reports"),
        422,
        "Aponte as horas trabalhadas antes de enviar o relatório.",
    )
    assert not ActivityReport.objects.exists()


def test_another_organization_never_reaches_a_report(adv, people, at):
    _, report = reported(people, adv, at)
    before = snapshot()
    for response in (
        people["otilia"].get(f"/activity-reports/{report['id']}"),
        people["otilia"].get(f"/activity-reports/{report['id']}/pdf"),
        people["otilia"].post(f"/activity-reports/{report['id']}/decision", {"decision": "validado"}),
    ):
        refused(response, 404, REPORT_NOT_FOUND)
    assert people["otilia"].get("/activity-reports/987654/pdf").json() == (
        people["otilia"].get(f"/activity-reports/{report['id']}/pdf").json()
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "body", "status", "detail", "field"),
    [
        ("joana", {"decision": "validado"}, 403, APPROVERS_ONLY, None),
        ("ana", {"decision": "validado"}, 403, APPROVERS_ONLY, None),
        ("helena", {"decision": "contestado"}, 422, "Explique o que precisa ser corrigido no relatório.", "comment"),
        ("helena", {"decision": "aprovado"}, 422, None, "decision"),
        ("helena", {"decision": "validado", "amount": "1.00"}, 422, None, "amount"),
        ("helena", {"decision": "validado", "status": "validado"}, 422, None, "status"),
        ("joana", {"decision": "validado", "billable_minutes": 1}, 422, None, "billable_minutes"),
    ],
)
def test_report_decision_refusals_change_nothing(adv, people, at, who, body, status, detail, field):
    _, report = reported(people, adv, at)
    before = snapshot()
    refused(people[who].post(f"/activity-reports/{report['id']}/decision", body), status, detail, field=field)
    assert snapshot() == before
    assert not BillingLine.objects.exists()


# --------------------------------------------------------------------------- the whole flow


def test_the_whole_flow_from_proposal_to_csv(adv, people, at):
    ana, helena, carol = people["ana"], people["helena"], people["carol"]
    # propose → send → accept
    at(T0 + H)
    proposal = ana.post(f"/tickets/{adv.ticket.pk}/proposals", proposal_body()).json()
    at(T0 + 2 * H)
    assert ana.post(f"/proposals/{proposal['id']}/send").json()["status"] == "enviada"
    at(T0 + 3 * H)
    acceptance = helena.post(f"/proposals/{proposal['id']}/decision", {"decision": "aceita"}).json()
    engagement_id = acceptance["engagement_id"]
    assert engagement_id == Engagement.objects.get().pk
    # schedule, log time (the worked example of `worked`)
    at(T0 + 4 * H)
    appointment = ana.post(
        f"/engagements/{engagement_id}/appointments",
        {
            "starts_at": "2026-12-02T09:00:00-03:00",
            "ends_at": "2026-12-02T18:00:00-03:00",
            "location": "https://meet.example/a",
        },
    )
    assert appointment.status_code == 201, appointment.content
    entries = [
        log(ana, engagement_id, sp(2026, 12, 2, 9), sp(2026, 12, 2, 9, 40)),
        log(ana, engagement_id, sp(2026, 12, 3, 9), sp(2026, 12, 3, 11, 30)),
        log(
            people["gabriela"],
            engagement_id,
            sp(2026, 12, 2, 14),
            sp(2026, 12, 2, 15, 15),
            analyst=adv.second_analyst.pk,
        ),
    ]
    assert [e.status_code for e in entries] == [201, 201, 201]
    # report v1 → contested
    at(sp(2026, 12, 3, 12))
    first = ana.post(f"/engagements/{engagement_id}/activity-reports").json()
    assert (first["version"], first["totals"]["amount"]) == (1, "855.00")
    at(sp(2026, 12, 3, 14))
    contested = helena.post(
        f"/activity-reports/{first['id']}/decision", {"decision": "contestado", "comment": "O dia 03 foi só 1 hora."}
    ).json()
    assert (contested["status"], contested["comment"], contested["decided_at"]) == (
        "contestado",
        "O dia 03 foi só 1 hora.",
        "2026-12-03T14:00:00-03:00",
    )
    assert contested["decided_by"]["id"] == adv.approver.pk
    # corrected: Ana's 03/12 becomes 09:00–10:00 (60 min) → v2
    at(sp(2026, 12, 3, 15))
    third = entries[1].json()["id"]
    corrected = ana.patch(
        f"/engagements/{engagement_id}/time-entries/{third}", {"ended_at": "2026-12-03T10:00:00-03:00"}
    )
    assert corrected.json()["minutes"] == 60
    at(sp(2026, 12, 3, 16))
    second = ana.post(f"/engagements/{engagement_id}/activity-reports").json()
    assert (second["version"], second["status"]) == (2, "enviado")
    assert second["id"] != first["id"]
    # 02/12 Ana 40 → 60 (180,00); 02/12 Bruno 75 (225,00); 03/12 Ana 60 (180,00)
    assert [(s["date"], s["analyst"], s["billable_minutes"], s["amount"]) for s in second["sessions"]] == [
        ("2026-12-02", "Analista", 60, "180.00"),
        ("2026-12-02", "Bruno", 75, "225.00"),
        ("2026-12-03", "Analista", 60, "180.00"),
    ]
    assert second["totals"] == {"minutes": 175, "billable_minutes": 195, "amount": "585.00"}
    # every version kept: v1 unchanged, still downloadable
    assert helena.get(f"/activity-reports/{first['id']}").json()["totals"]["amount"] == "855.00"
    assert helena.get(f"/activity-reports/{first['id']}/pdf").status_code == 200
    assert [(r["version"], r["status"]) for r in helena.get(f"/engagements/{engagement_id}").json()["reports"]] == [
        (2, "enviado"),
        (1, "contestado"),
    ]
    # validated → billing lines
    at(sp(2026, 12, 4, 10))
    validation = helena.post(f"/activity-reports/{second['id']}/decision", {"decision": "validado"}).json()
    assert validation["status"] == "validado"
    assert Ticket.objects.get(pk=adv.ticket.pk).status == "EM ATENDIMENTO"
    assert people["joana"].get(f"/engagements/{engagement_id}").json()["validated_at"] == "2026-12-04T10:00:00-03:00"
    lines = carol.get("/billing-lines", {"exported": "false"}).json()
    assert lines["next_cursor"] is None
    assert [
        (
            line["activity_report"],
            line["ticket"],
            line["date"],
            line["analyst"]["name"],
            line["billable_minutes"],
            line["amount"],
            line["batch"],
        )
        for line in lines["items"]
    ] == [
        (second["id"], adv.ticket.pk, "2026-12-02", "Analista", 60, "180.00", None),
        (second["id"], adv.ticket.pk, "2026-12-02", "Bruno", 75, "225.00", None),
        (second["id"], adv.ticket.pk, "2026-12-03", "Analista", 60, "180.00", None),
    ]
    assert lines["items"][0]["organization"] == {"id": adv.world.org.pk, "name": adv.world.org.name}
    assert [line["id"] for line in helena.get("/billing-lines").json()["items"]] == [x["id"] for x in lines["items"]]
    # export → batch 1 with the three lines, R$ 585,00
    at(sp(2026, 12, 4, 11))
    response = carol.post("/billing-exports")
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["number"], batch["line_count"], batch["total"]) == (1, 3, "585.00")
    assert batch["created_at"] == "2026-12-04T11:00:00-03:00"
    assert carol.get(f"/billing-exports/{batch['id']}").json() == batch
    exported = carol.get("/billing-lines", {"exported": "true"}).json()["items"]
    assert [line["batch"] for line in exported] == [{"id": batch["id"], "number": 1}] * 3
    assert carol.get("/billing-lines", {"exported": "false"}).json()["items"] == []
    # the CSV: UTF-8 (BOM), `;`, decimal comma, dd/mm/aaaa
    download = carol.get(f"/billing-exports/{batch['id']}.csv")
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == 'attachment; filename="faturamento-lote-1.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Lote", "Linha", "Data"] and rows[0][-1] == "Valor (R$)"
    body_rows = rows[1:-1]
    assert [(r[0], r[2], r[4], r[6], r[9], r[10], r[11], r[12]) for r in body_rows] == [
        ("1", "02/12/2026", str(adv.ticket.pk), "Analista", "60", "1,00", "180,00", "180,00"),
        ("1", "02/12/2026", str(adv.ticket.pk), "Bruno", "75", "1,25", "180,00", "225,00"),
        ("1", "03/12/2026", str(adv.ticket.pk), "Analista", "60", "1,00", "180,00", "180,00"),
    ]
    assert rows[-1][0] == "Total" and rows[-1][-1] == "585,00"
    assert sum(Decimal(r[12].replace(",", ".")) for r in body_rows) == Decimal("585.00")
    # the XLSX: the same figures as numbers
    sheet = carol.get(f"/billing-exports/{batch['id']}.xlsx")
    assert sheet["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert sheet["Content-Disposition"] == 'attachment; filename="faturamento-lote-1.xlsx"'
    book = load_workbook(io.BytesIO(sheet.content), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    assert [Decimal(str(row[12])) for row in values[1:-1]] == [Decimal("180"), Decimal("225"), Decimal("180")]
    assert Decimal(str(values[-1][12])) == Decimal("585")
    # dates as dates, minutes and hours as numbers (a spreadsheet sums them)
    assert [(row[2].date(), row[9], row[10]) for row in values[1:-1]] == [
        (date(2026, 12, 2), 60, 1),
        (date(2026, 12, 2), 75, 1.25),
        (date(2026, 12, 3), 60, 1),
    ]
    # a second export has nothing to take
    before = snapshot()
    refused(carol.post("/billing-exports"), 409, NOTHING_TO_EXPORT)
    assert snapshot() == before
    assert BillingBatch.objects.count() == 1


def test_a_fixed_price_bills_one_line_at_its_price(adv, people, at):
    engagement_id = accepted(
        people, adv, at, billing="serviço", modality="presencial", price_item=FIXED, estimated_hours="40"
    )["engagement_id"]
    at(T0 + 4 * H)
    assert log(people["ana"], engagement_id, sp(2026, 12, 2, 9), sp(2026, 12, 2, 18)).status_code == 201
    at(sp(2026, 12, 2, 19))
    report = people["ana"].post(f"/engagements/{engagement_id}/activity-reports").json()
    assert report["totals"] == {"minutes": 540, "billable_minutes": 0, "amount": "2500.00"}
    at(sp(2026, 12, 3, 10))
    people["helena"].post(f"/activity-reports/{report['id']}/decision", {"decision": "validado"})
    [line] = people["carol"].get("/billing-lines").json()["items"]
    assert (line["date"], line["analyst"], line["billable_minutes"], line["amount"]) == (
        "2026-12-03",
        None,
        0,
        "2500.00",
    )


def test_validating_twice_bills_once(adv, people, at):
    _, report = validated(people, adv, at)
    before = snapshot()
    for who in ("helena", "marcos"):
        response = people[who].post(f"/activity-reports/{report['id']}/decision", {"decision": "validado"})
        refused(response, 409, "Este relatório não aguarda validação (validado).")
    assert snapshot() == before
    assert BillingLine.objects.count() == 3


# --------------------------------------------------------------------------- billing: who sees what


def test_who_sees_the_billing_lines(adv, people, at):
    validated(people, adv, at)
    ids = sorted(BillingLine.objects.values_list("pk", flat=True))
    assert len(ids) == 3
    for who in ("carol", "helena", "joana"):  # the commercial team; the organization's users
        assert [line["id"] for line in people[who].get("/billing-lines").json()["items"]] == ids, who
    admin = Api(make_token(User.objects.create_superuser("root", "root@weconnect.example", "x")))
    assert [line["id"] for line in admin.get("/billing-lines").json()["items"]] == ids
    for who in ("otilia", "ana", "gabriela", "mario"):  # another organization; staff who do not bill
        assert people[who].get("/billing-lines").json() == {"items": [], "next_cursor": None}, who


def test_billing_lines_page_by_cursor(adv, people, at):
    validated(people, adv, at)
    ids = sorted(BillingLine.objects.values_list("pk", flat=True))
    first = people["carol"].get("/billing-lines", {"limit": 2}).json()
    assert [line["id"] for line in first["items"]] == ids[:2]
    second = people["carol"].get("/billing-lines", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert ([line["id"] for line in second["items"]], second["next_cursor"]) == (ids[2:], None)
    refused(people["carol"].get("/billing-lines", {"cursor": "nao-e-um-cursor"}), 422, field="cursor")
    refused(people["carol"].get("/billing-lines", {"exported": "talvez"}), 422, field="exported")


def test_only_the_commercial_team_and_admins_export(adv, people, at):
    validated(people, adv, at)
    before = snapshot()
    for who in ("helena", "joana", "ana", "gabriela"):
        refused(
            people[who].post("/billing-exports"),
            403,
            "Somente a equipe comercial e os administradores exportam o faturamento.",
        )
    refused(Api(make_token(adv.commercial, "read")).post("/billing-exports"), 403)
    assert snapshot() == before


def test_customers_never_reach_a_batch(adv, people, at):
    validated(people, adv, at)
    batch = people["carol"].post("/billing-exports").json()
    for who in ("helena", "joana", "otilia", "ana"):
        for suffix in ("", ".csv", ".xlsx"):
            refused(people[who].get(f"/billing-exports/{batch['id']}{suffix}"), 404, BATCH_NOT_FOUND)
    assert people["carol"].get(f"/billing-exports/{batch['id']}.csv").status_code == 200


def test_the_spec_documents_the_advisory(adv, people):
    spec = people["joana"].get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/activity-reports/{report_id}/pdf"]["get"]
    assert operation["tags"] == ["Assessoria técnica e faturamento"]
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert "text/csv" in spec["paths"]["/api/v1/billing-exports/{batch_id}.csv"]["get"]["responses"]["200"]["content"]
    proposal_in = spec["components"]["schemas"]["ProposalIn"]
    assert proposal_in["additionalProperties"] is False
    assert {"unit_price", "estimated_amount", "status"}.isdisjoint(proposal_in["properties"])
    assert spec["components"]["schemas"]["BillingLineOut"]["properties"]["amount"]["type"] == "string"

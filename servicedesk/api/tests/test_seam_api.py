"""The API on the one ticket seam (issue 7): the same move as the console (a stale revision is a
409 for every target), the same public/internal rule as the portal, and the same clocks as the
ticket pages at any instant — worked out by hand on the tickets' test world (T0 = Tue 1 Dec
2026 10:00, Acme on STARTER)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.api.tests.conftest import ApiClient, make_token
from servicedesk.channels import services as channels
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.tickets.tests.factories import T0, sp

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


@pytest.fixture
def at(monkeypatch):
    """Set the API's clock."""

    def set_now(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_now


def _client(user) -> ApiClient:
    return ApiClient(make_token(user))


def test_a_stale_cancel_or_confirmation_is_a_conflict_that_changes_nothing(world, at):
    at(T0 + H)
    ticket = world.open_problem()
    customer, staff = _client(world.customer), _client(world.analyst)
    stale = Ticket.objects.get(pk=ticket.pk).revision
    assert staff.post(f"/tickets/{ticket.pk}/comments", {"body": "Analisando."}).status_code == 201
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    for client, body in (
        (customer, {"to": "CANCELADO", "revision": stale}),
        (staff, {"to": "CANCELADO", "comment": "Duplicado.", "revision": stale}),
    ):
        response = client.post(f"/tickets/{ticket.pk}/transitions", body)
        assert response.status_code == 409, response.content
        assert response["Content-Type"] == "application/problem+json"
    assert Ticket.objects.filter(pk=ticket.pk).values().get() == before

    services.ticket_resolve(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Corrigido.")
    stale = Ticket.objects.get(pk=ticket.pk).revision
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Detalhe.", now=T0 + 2 * H)
    response = customer.post(f"/tickets/{ticket.pk}/transitions", {"to": "ENCERRADO", "revision": stale})
    assert response.status_code == 409
    assert Ticket.objects.get(pk=ticket.pk).status == "RESOLVIDO"


def test_a_customer_asking_for_a_status_that_is_not_theirs_gets_403(world, at):
    at(T0 + H)
    ticket = world.open_problem()
    response = _client(world.customer).post(f"/tickets/{ticket.pk}/transitions", {"to": "RESOLVIDO"})
    assert response.status_code == 403
    assert response.json()["detail"] == services.CUSTOMER_MOVES_ONLY


def test_the_history_shows_customers_only_the_public_part(world, at):
    at(T0 + 2 * H)
    ticket = world.open_problem()
    services.ticket_diagnosis_register(ticket=ticket, actor=world.analyst, now=T0 + H, note="DIAG-INTERNO")
    channels.video_call_invite(
        ticket=ticket,
        actor=world.analyst,
        starts_at=sp(2026, 12, 2, 15),
        duration=30,
        link="https://meet.example/abc",
        participants=[world.customer.email, "consultor@parceiro.example"],
        now=T0 + H,
    )
    customer_items = _client(world.customer).get(f"/tickets/{ticket.pk}/history").json()["items"]
    by_kind = {item["kind"]: item for item in customer_items}
    assert by_kind["diagnosis"]["data"] == {}
    assert by_kind["video_call"]["data"] == {
        "starts_at": sp(2026, 12, 2, 15).isoformat(),
        "duration_minutes": 30,
        "link": "https://meet.example/abc",
    }
    assert "DIAG-INTERNO" not in str(customer_items) and "parceiro.example" not in str(customer_items)
    staff_items = {i["kind"]: i for i in _client(world.analyst).get(f"/tickets/{ticket.pk}/history").json()["items"]}
    assert staff_items["diagnosis"]["data"] == {"note": "DIAG-INTERNO"}
    assert staff_items["video_call"]["data"]["participants"] == [world.customer.email, "consultor@parceiro.example"]
    # And internal events (an assignment) never reach the customer at all.
    services.ticket_assign(ticket=ticket, actor=world.analyst, assignee=world.analyst, now=T0 + 2 * H)
    kinds = {i["kind"] for i in _client(world.customer).get(f"/tickets/{ticket.pk}/history").json()["items"]}
    assert "assigned" not in kinds
    assert TicketEvent.objects.filter(ticket=ticket, kind="assigned").exists()


def test_the_ticket_and_its_clocks_agree_while_paused(world, at):
    # Alta, SERVIÇOS from Tue 11:00 with 19 h of diagnosis left. Read Tue 11:00 and Wed 11:00.
    ticket = world.open_problem(severity="Alta")
    services.ticket_transition(ticket=ticket, to="SERVIÇOS", actor=world.analyst, now=T0 + H)
    client = _client(world.customer)
    for moment, diagnosis_due in ((T0 + H, sp(2026, 12, 3, 15)), (sp(2026, 12, 2, 11), sp(2026, 12, 4, 15))):
        at(moment)
        detail = client.get(f"/tickets/{ticket.pk}").json()
        clocks = client.get(f"/tickets/{ticket.pk}/sla").json()
        assert detail["diagnosis_due_at"] == clocks["diagnosis"]["due_at"] == diagnosis_due.isoformat()
        assert detail["solution_due_at"] == clocks["solution"]["due_at"]
        assert detail["diagnosis_state"] == clocks["diagnosis"]["state"] == "paused"
        assert detail["next_due_at"] == diagnosis_due.isoformat()
        listed = client.get("/tickets").json()["items"]
        assert [t["next_due_at"] for t in listed if t["number"] == ticket.pk] == [diagnosis_due.isoformat()]


def test_the_sla_endpoint_reports_hand_worked_clocks(world, at):
    # Alta opened Tue 10:00, first reply Tue 12:00, evaluated Wed 16:00: diagnosis met at 12:00
    # with 2 h used; solution running: Tue 10–13, 14–18 (7 h) + Wed 09–13, 14–16 (6 h) = 13 h.
    ticket = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=T0 + 2 * H)
    at(sp(2026, 12, 2, 16))
    body = _client(world.customer).get(f"/tickets/{ticket.pk}/sla").json()
    assert body["diagnosis"] == {
        "due_at": "2026-12-03T15:00:00-03:00",
        "met_at": "2026-12-01T12:00:00-03:00",
        "state": "met",
        "elapsed_seconds": 2 * 3600,
        "paused_seconds": 0,
        "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
    }
    assert body["solution"] == {
        "due_at": "2026-12-30T10:00:00-03:00",
        "met_at": None,
        "state": "running",
        "elapsed_seconds": 13 * 3600,
        "paused_seconds": 0,
        "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
    }
    assert (body["status"], body["auto_close_at"], body["contractual"]) == ("EM ATENDIMENTO", None, True)


def test_a_title_with_a_line_break_is_stored_on_one_line(world, at):
    at(T0)
    upload = _client(world.customer).upload()
    assert upload.status_code == 201, upload.content
    response = _client(world.customer).post(
        "/tickets",
        {
            "type": "Problema",
            "severity": "Alta",
            "environment": "produção",
            "module": world.module.pk,
            "release": world.latest.pk,
            "title": "Hi\r\nBcc: attacker@evil.example",
            "description": "x",
            "attachments": [upload.json()["id"]],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "Hi Bcc: attacker@evil.example"

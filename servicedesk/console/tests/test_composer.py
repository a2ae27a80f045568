"""The ticket workspace's composer and status menu (issue 8): canned replies inserted from a
search box, "enviar e alterar status" in one step, one status menu, the solution required to
resolve; the manager's reassignment bar only once tickets are selected."""

from __future__ import annotations

import pytest
from django.test import Client

from servicedesk.replies import services as replies
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import T0

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_picker_lists_the_users_replies_filled_for_the_ticket(world):
    ticket = world.open_problem()
    replies.canned_reply_create(
        actor=world.analyst, title="Pedir log", body="Envie o log do chamado #{numero}.", team=None, now=T0
    )
    replies.canned_reply_create(actor=world.manager, title="Outro", body="Só da Gabriela.", team=None, now=T0)
    html = _client(world.analyst).get(f"/console/chamados/{ticket.pk}/respostas-prontas/?q=log").content.decode()
    assert f'data-insert-reply="Envie o log do chamado #{ticket.pk}."' in html
    assert "Só da Gabriela" not in html
    assert _client(world.customer).get(f"/console/chamados/{ticket.pk}/respostas-prontas/").status_code == 404


def test_canned_replies_are_managed_in_the_console(world):
    client = _client(world.manager)
    assert client.get("/console/respostas-prontas/").status_code == 200
    response = client.post(
        "/console/respostas-prontas/", {"title": "Boas-vindas", "body": "Olá, {cliente}.", "team": world.team.pk}
    )
    assert response.status_code == 302
    page = _client(world.analyst).get("/console/respostas-prontas/").content.decode()
    assert "Boas-vindas" in page and "Suporte A" in page
    refused = _client(world.analyst).post(
        "/console/respostas-prontas/", {"title": "X", "body": "y", "team": world.team.pk}
    )
    assert refused.status_code == 400  # the team is not a choice for an analyst


def test_send_and_change_the_status_in_one_step(world):
    ticket = world.open_problem()
    response = _client(world.analyst).post(
        f"/console/chamados/{ticket.pk}/responder/",
        {"expected_revision": ticket.revision, "body": "Envie o holerite, por favor.", "then": "AGUARDANDO CLIENTE"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == "AGUARDANDO CLIENTE"
    assert list(ticket.comments.values_list("body", "is_internal")) == [("Envie o holerite, por favor.", False)]
    event = ticket.events.get(to_status="AGUARDANDO CLIENTE")
    assert (event.reason, event.diagnosis) == ("staff_action", True)  # one event, the question met diagnosis


def test_the_status_menu_resolves_only_with_the_solution(world):
    ticket = world.open_problem()
    client = _client(world.analyst)
    page = client.get(f"/console/chamados/{ticket.pk}/").content.decode()
    assert page.count('<select name="to" id="id_status_to"') == 1
    refused = client.post(
        f"/console/chamados/{ticket.pk}/status/", {"expected_revision": ticket.revision, "to": "RESOLVIDO", "note": ""}
    )
    assert refused.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == "NOVO"


def test_the_reassignment_bar_waits_for_a_selection(world):
    world.open_problem()
    html = _client(world.manager).get("/console/gestao/").content.decode()
    assert 'class="card reassign-bar" data-bulk-bar' in html  # console.js hides it until a ticket is checked

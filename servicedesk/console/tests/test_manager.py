"""The manager view: per managed team, open / at risk / breached, workload and reassignment."""

from datetime import timedelta

import pytest
from django.utils import timezone

from servicedesk.accounts.models import Role, Team, User
from servicedesk.core.errors import DomainError
from servicedesk.tickets import services
from servicedesk.tickets.models import EventKind, Ticket

pytestmark = pytest.mark.django_db


def _breached_ticket(open_tickets, requester):
    [ticket] = open_tickets(1, requester=requester, now=timezone.now() - timedelta(days=60))
    services.ticket_sla_alerts(ticket_id=ticket.pk, now=timezone.now())
    return Ticket.objects.get(pk=ticket.pk)


def test_counts_and_workload_per_team(as_user, demo, open_tickets):
    open_tickets(2, assignee=demo["ana.analista"], requester=demo["joana.acme"])
    late = _breached_ticket(open_tickets, demo["joana.acme"])
    response = as_user("gabriela.gestora").get("/console/gestao/")
    assert response.status_code == 200
    blocks = {block.team.name: block for block in response.context["overview"]}
    assert set(blocks) == {"Suporte RH — Equipe A", "Suporte RH — Equipe B"}
    team_a = blocks["Suporte RH — Equipe A"]
    assert team_a.open == Ticket.objects.filter(team=team_a.team).exclude(status__in=["ENCERRADO", "CANCELADO"]).count()
    assert team_a.breached == 1 and late in team_a.tickets
    workload = {str(person) if person else None: count for person, count in team_a.workload}
    assert workload["Ana Souza"] == 2 and workload["Bruno Lima"] == 0 and workload[None] >= 1
    only = as_user("gabriela.gestora").get("/console/gestao/?so=breached").context["overview"]
    assert [t.pk for block in only for t in block.tickets] == [late.pk]


def test_admins_see_every_team(as_user, demo):
    names = {block.team.name for block in as_user("admin").get("/console/gestao/").context["overview"]}
    assert names == set(Team.objects.values_list("name", flat=True))


def test_bulk_reassignment_goes_through_ticket_assign(as_user, demo, open_tickets):
    tickets = open_tickets(2, requester=demo["joana.acme"])
    response = as_user("gabriela.gestora").post(
        "/console/gestao/reatribuir/", {"tickets": [t.pk for t in tickets], "assignee": demo["bruno.analista"].pk}
    )
    assert response.status_code == 302
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == demo["bruno.analista"]
        assert ticket.events.filter(kind=EventKind.ASSIGNED, actor=demo["gabriela.gestora"]).exists()


def test_a_manager_cannot_reassign_tickets_of_teams_they_do_not_manage(as_user, demo, open_tickets):
    manager = User.objects.create(username="outra.gestora", role=Role.MANAGER)
    Team.objects.get(name="Suporte RH — Equipe B").managers.add(manager)
    [acme_ticket] = open_tickets(1, requester=demo["joana.acme"])  # team A
    from django.test import Client

    client = Client()
    client.force_login(manager)
    response = client.post(
        "/console/gestao/reatribuir/", {"tickets": [acme_ticket.pk], "assignee": demo["carla.analista"].pk}
    )
    assert response.status_code == 400
    assert "Chamado fora das suas equipes." in response.content.decode()
    acme_ticket.refresh_from_db()
    assert acme_ticket.assignee is None


def test_reassigning_to_a_customer_is_refused_by_the_form_and_by_the_service(as_user, demo, open_tickets):
    [ticket] = open_tickets(1, requester=demo["joana.acme"])
    response = as_user("gabriela.gestora").post(
        "/console/gestao/reatribuir/", {"tickets": [ticket.pk], "assignee": demo["joana.acme"].pk}
    )
    assert response.status_code == 400  # a customer is not a choice of the form…
    with pytest.raises(DomainError) as refused:  # …nor accepted by the service behind it
        services.ticket_assign(
            ticket=ticket, actor=demo["gabriela.gestora"], assignee=demo["joana.acme"], now=ticket.opened_at
        )
    assert refused.value.message == services.ASSIGNEE_NOT_STAFF
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_the_manager_view_has_constant_queries(as_user, demo, open_tickets, django_assert_max_num_queries):
    client = as_user("gabriela.gestora")
    open_tickets(3, assignee=demo["ana.analista"])
    client.get("/console/gestao/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/console/gestao/")
    open_tickets(20, assignee=demo["bruno.analista"])
    with CaptureQueriesContext(connection) as large:
        client.get("/console/gestao/")
    assert len(small) == len(large) <= 12

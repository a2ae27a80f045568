"""Canned replies (issue 8): personal or of a team, managed by the team's managers, filled with
the ticket's data, never reachable by customers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core.errors import DomainError, NotAllowed, NotFound
from servicedesk.replies import services
from servicedesk.replies.models import CannedReply
from servicedesk.replies.selectors import canned_replies_for, canned_reply_fill
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def test_a_reply_is_filled_with_the_ticket(world):
    world.customer.first_name, world.customer.last_name = "Joana", "Prado"
    world.customer.save()
    world.analyst.first_name, world.analyst.last_name = "Ana", "Souza"
    world.analyst.save()
    ticket = world.open_problem(severity="Alta")  # diagnosis Thu 3 Dec 15:00; solution Wed 30 Dec 10:00
    reply = services.canned_reply_create(
        actor=world.analyst,
        title="Recebido",
        body="Olá, {cliente}. O chamado #{numero} ({titulo}) tem solução prevista até {prazo_solucao}. — {analista} {desconhecida}",
        team=None,
        now=T0,
    )
    text = canned_reply_fill(reply, ticket=ticket, user=world.analyst, now=T0 + H)
    assert text == (
        f"Olá, Joana Prado. O chamado #{ticket.pk} (Folha não calcula horas extras) tem solução prevista até "
        "30/12/2026 às 10:00. — Ana Souza {desconhecida}"
    )


def test_personal_and_team_replies_and_who_sees_them(world):
    other_team = TeamFactory(name="Suporte B")
    outsider = StaffFactory(username="carla", teams=[other_team])
    mine = services.canned_reply_create(actor=world.analyst, title="Minha", body="x", team=None, now=T0)
    team_reply = services.canned_reply_create(actor=world.manager, title="Da equipe", body="y", team=world.team, now=T0)
    assert set(canned_replies_for(world.analyst)) == {mine, team_reply}  # Ana is in Suporte A
    assert set(canned_replies_for(outsider)) == set()
    assert set(canned_replies_for(world.manager)) == {team_reply}
    assert set(canned_replies_for(world.customer)) == set()
    assert list(canned_replies_for(world.analyst, query="equipe")) == [team_reply]


def test_only_the_teams_managers_maintain_its_replies(world):
    with pytest.raises(NotAllowed):
        services.canned_reply_create(actor=world.analyst, title="T", body="b", team=world.team, now=T0)
    assert not CannedReply.objects.exists()
    team_reply = services.canned_reply_create(actor=world.manager, title="T", body="b", team=world.team, now=T0)
    with pytest.raises(NotAllowed):
        services.canned_reply_update(actor=world.analyst, reply_id=team_reply.pk, title="X", body="y", now=T0 + H)
    with pytest.raises(NotAllowed):
        services.canned_reply_delete(actor=world.analyst, reply_id=team_reply.pk)
    team_reply.refresh_from_db()
    assert (team_reply.title, team_reply.body) == ("T", "b")
    admin = StaffFactory(username="adm", role=Role.ADMIN)
    services.canned_reply_update(actor=admin, reply_id=team_reply.pk, title="Novo", body="texto", now=T0 + H)
    team_reply.refresh_from_db()
    assert team_reply.title == "Novo"


def test_someone_elses_personal_reply_does_not_exist_for_you(world):
    mine = services.canned_reply_create(actor=world.analyst, title="Minha", body="x", team=None, now=T0)
    with pytest.raises(NotFound):
        services.canned_reply_update(actor=world.manager, reply_id=mine.pk, title="X", body="y", now=T0)
    with pytest.raises(NotFound):
        services.canned_reply_delete(actor=world.manager, reply_id=mine.pk)
    assert CannedReply.objects.filter(pk=mine.pk, title="Minha").exists()


def test_customers_and_bad_input_are_refused_and_change_nothing(world):
    with pytest.raises(NotAllowed):
        services.canned_reply_create(actor=world.customer, title="T", body="b", team=None, now=T0)
    with pytest.raises(DomainError) as refused:
        services.canned_reply_create(actor=world.analyst, title=" ", body="", team=None, now=T0)
    assert set(refused.value.fields) == {"title", "body"}
    assert not CannedReply.objects.exists()

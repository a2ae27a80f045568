"""Exact queue counters at O(1) (issue 8): after any mix of actions every tab counter equals a
live count of the tickets, the counters need no cache, and the queue marks the tickets a
customer answered since their assignee last looked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.test import Client

from servicedesk.console.selectors import QueueFilters, queue_counters, queue_page, queue_total
from servicedesk.sla.models import ClosedDay
from servicedesk.sla.services import calendar_touch
from servicedesk.tickets import services, tasks
from servicedesk.tickets.counters import counters_rebuild
from servicedesk.tickets.models import QueueCounter, Ticket
from servicedesk.tickets.tests.factories import T0, StaffFactory, sp

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
FINAL = ["ENCERRADO", "CANCELADO"]


def live_counts(user) -> dict[str, int]:
    """The same tabs counted the slow way, straight from the tickets (written independently)."""
    open_ = Ticket.objects.exclude(status__in=FINAL)
    teams = list(user.teams.values_list("pk", flat=True)) + list(user.managed_teams.values_list("pk", flat=True))
    return {
        "mine": open_.filter(assignee=user).count(),
        "team": open_.filter(team_id__in=teams).count(),
        "unassigned": open_.filter(assignee__isnull=True).count(),
        "at_risk": open_.filter(at_risk=True, breached=False).count(),
        "breached": open_.filter(breached=True).count(),
        "waiting": Ticket.objects.filter(status="AGUARDANDO CLIENTE").count(),
        "open": open_.count(),
    }


def _mixed_day(world):
    """A day of work: openings, assignments, questions, answers, resolutions, a closing, a
    cancellation, SLA warnings and a calendar edit."""
    other = StaffFactory(username="bia", teams=[world.team])
    tickets = [world.open_problem(severity=s, now=T0) for s in ("Crítica", "Alta", "Normal", "Baixa")]
    tickets.append(world.open_problem(requester=world.premium_customer, severity="Alta", now=T0))
    tickets.append(world.open_question(now=T0))
    services.ticket_assign(ticket=tickets[0], actor=world.analyst, assignee=world.analyst, now=T0 + H)
    services.ticket_assign(ticket=tickets[1], actor=world.analyst, assignee=other, now=T0 + H)
    services.ticket_ask_customer(ticket=tickets[1], actor=other, now=T0 + H, note="Envie o log.")
    services.ticket_ask_customer(ticket=tickets[2], actor=world.analyst, now=T0 + H, note="Qual versão?")
    services.ticket_comment_add(ticket=tickets[2], author=world.customer, body="12.1.1", now=T0 + 2 * H)
    services.ticket_resolve(ticket=tickets[3], actor=world.analyst, now=T0 + 2 * H, note="Feito.")
    services.ticket_confirm_solution(ticket=tickets[3], actor=world.customer, now=T0 + 3 * H)
    services.ticket_cancel(ticket=tickets[5], actor=world.customer, now=T0 + 3 * H)
    services.ticket_resolve(ticket=tickets[4], actor=world.analyst, now=T0 + 3 * H, note="Ok.")
    # Warnings: Crítica (10 h) is at risk from Wed 10:00 and breached after Wed 12:00.
    tasks.run_sla_sweep(now=sp(2026, 12, 2, 10, 30))
    tasks.run_sla_sweep(now=sp(2026, 12, 2, 12, 30))
    assert Ticket.objects.filter(breached=True).count() == 1  # the Crítica one
    # The administrator closes Tuesday 1 Dec after the fact: the Crítica diagnosis now runs from
    # Wed 09:00 → Thu 11:00, so the breach is lifted by the recomputation (a counter moves).
    ClosedDay.objects.create(calendar=tickets[0].calendar, date=T0.date(), description="Facultativo")
    calendar_touch(tickets[0].calendar, now=sp(2026, 12, 2, 13))
    tasks.run_sla_sweep(now=sp(2026, 12, 2, 14))
    assert Ticket.objects.filter(breached=True).count() == 0
    return other


def test_every_counter_equals_a_live_count_after_a_mixed_day(world):
    other = _mixed_day(world)
    for user in (world.analyst, other, world.manager):
        assert queue_counters(user=user) == live_counts(user), user.username
    assert live_counts(world.analyst)["waiting"] == 1  # the day left a ticket waiting for the customer


def test_a_rebuild_finds_the_same_counts(world):
    _mixed_day(world)
    before = dict(QueueCounter.objects.exclude(count=0).values_list("key", "count"))
    counters_rebuild()
    assert dict(QueueCounter.objects.exclude(count=0).values_list("key", "count")) == before


def test_a_tab_total_is_its_counter_and_reads_no_ticket(world, django_assert_num_queries):
    world.open_problem()
    with django_assert_num_queries(1):
        assert queue_total(user=world.analyst, filters=QueueFilters(queue="open")) == 1
    # Narrowed by a filter, the page counts its matches instead.
    assert queue_total(user=world.analyst, filters=QueueFilters(queue="open", severity="Crítica")) == 0


def test_the_counters_are_right_at_once_after_ones_own_action(world):
    ticket = world.open_problem()
    client = Client()
    client.force_login(world.analyst)
    before = client.get("/console/").context["counters"]
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")
    after = client.get("/console/").context["counters"]
    assert (before["waiting"], after["waiting"]) == (0, 1)


def test_the_live_queue_refreshes_rows_and_counters(world):
    world.open_problem(title="Primeiro")
    client = Client()
    client.force_login(world.analyst)
    page = client.get("/console/").content.decode()
    assert 'hx-trigger="every 20s"' in page
    world.open_problem(title="Chegou agora")
    poll = client.get("/console/?queue=open", headers={"HX-Request": "true"}).content.decode()
    assert "Chegou agora" in poll
    assert 'id="queue-tabs"' in poll and 'hx-swap-oob="true"' in poll
    assert '<span class="count" data-counter="open">2</span>' in poll


def test_a_customer_answer_marks_the_row_until_the_assignee_looks(world):
    ticket = world.open_problem()
    services.ticket_assign(ticket=ticket, actor=world.analyst, assignee=world.analyst, now=T0 + H)
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + H, note="Envie o log.")

    def marked(viewer) -> bool:
        [row] = queue_page(user=viewer, filters=QueueFilters(queue="open")).tickets
        return row.customer_replied

    assert not marked(world.analyst)  # nothing from the customer yet
    services.ticket_comment_add(ticket=ticket, author=world.customer, body="Segue.", now=T0 + 2 * H)
    assert marked(world.analyst) and marked(world.manager)  # the assignee has not looked
    services.ticket_seen(ticket=ticket, user=world.manager, now=T0 + 3 * H)
    assert marked(world.analyst)  # someone else looking does not count
    client = Client()
    client.force_login(world.analyst)
    client.get(f"/console/chamados/{ticket.pk}/")
    assert not marked(world.analyst)
    html = client.get("/console/").content.decode()
    assert "cliente respondeu" not in html
    services.ticket_comment_add(ticket=ticket, author=world.customer, body="Mais um.", now=sp(2030, 1, 1, 10))
    assert "cliente respondeu" in client.get("/console/").content.decode()
    services.ticket_seen(ticket=ticket, user=world.analyst, now=sp(2030, 1, 1, 11))  # the second look
    assert not marked(world.analyst)


def test_a_look_that_changes_nothing_is_not_written_again(world, monkeypatch):
    """The workspace records a look only when it matters for "cliente respondeu": the first one,
    one after a customer message, or one more than 5 minutes (SEEN_REFRESH) after the last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.core import clock
    from servicedesk.tickets.models import TicketView

    ticket = world.open_problem()
    client = Client()
    client.force_login(world.analyst)

    def look(at) -> tuple:
        monkeypatch.setattr(clock, "now", lambda: at)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/console/chamados/{ticket.pk}/").status_code == 200
        wrote = any("tickets_ticketview" in q["sql"] and q["sql"].lstrip().startswith("INSERT") for q in queries)
        return wrote, TicketView.objects.get(ticket=ticket, user=world.analyst).seen_at

    first = T0 + H
    assert look(first) == (True, first)
    assert look(first + timedelta(minutes=2)) == (False, first)  # nothing new: not written
    services.ticket_comment_add(ticket=ticket, author=world.customer, body="Segue.", now=first + timedelta(minutes=3))
    after_reply = first + timedelta(minutes=4)
    assert look(after_reply) == (True, after_reply)  # the customer wrote since: written
    assert look(after_reply + timedelta(minutes=4)) == (False, after_reply)
    later = after_reply + timedelta(minutes=6)
    assert look(later) == (True, later)  # past SEEN_REFRESH: written again


def test_the_portal_home_counters_are_the_organizations(world):
    a = world.open_problem()
    services.ticket_ask_customer(ticket=a, actor=world.analyst, now=T0 + H, note="?")
    b = world.open_problem()
    services.ticket_resolve(ticket=b, actor=world.analyst, now=T0 + H, note="Ok.")
    world.open_problem(requester=world.other_customer)
    from servicedesk.portal.selectors import portal_ticket_counts

    assert portal_ticket_counts(user=world.customer) == {"open": 2, "waiting": 1, "resolved": 1, "paused": 1}
    assert portal_ticket_counts(user=world.other_customer) == {"open": 1, "waiting": 0, "resolved": 0, "paused": 0}
    assert Ticket.objects.filter(~Q(status__in=FINAL)).count() == 3

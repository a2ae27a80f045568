"""The per-clock outcome columns written by the recompute (domain.md §10), worked out by hand.

PREMIUM Crítica: diagnosis 6 business hours, solution 1 day (8 h). STARTER Alta: 20 h × 20 days.
Business windows 09–13 and 14–18, Brasília. T0 = Tuesday 2026-12-01 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management import call_command

from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import T0, sp

H = timedelta(hours=1)


def test_met_on_time_and_met_late(world):
    ticket = world.open_problem(requester=world.premium_customer, severity="Crítica")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=T0 + H)
    ticket = services.ticket_resolve(ticket=ticket, actor=world.analyst, now=sp(2026, 12, 2, 12), note="Feito.")
    ticket.refresh_from_db()
    # diagnosis due Tue 17:00, met Tue 11:00: on time, counts when met, 1 business hour taken
    assert ticket.diagnosis_outcome == "met"
    assert ticket.diagnosis_counts_at == T0 + H
    assert ticket.diagnosis_counts_month == date(2026, 12, 1)
    assert ticket.diagnosis_business_seconds == 3600
    assert ticket.diagnosis_met_month == date(2026, 12, 1)
    # solution due Wed 10:00 (7 h on Tuesday + 1 h), met Wed 12:00: late, counts at its deadline
    assert ticket.solution_due_at == sp(2026, 12, 2, 10)
    assert ticket.solution_outcome == "breached"
    assert ticket.solution_counts_at == sp(2026, 12, 2, 10)
    assert ticket.solution_business_seconds == 10 * 3600
    assert ticket.solution_paused_seconds == 0


def test_homologacao_never_counts(world):
    ticket = world.open_problem(environment="homologação")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=T0 + H)
    ticket.refresh_from_db()
    assert ticket.diagnosis_met_at == T0 + H  # the same deadlines, for guidance
    assert (ticket.diagnosis_outcome, ticket.diagnosis_counts_at, ticket.diagnosis_met_month) == ("", None, None)
    assert (ticket.solution_outcome, ticket.solution_counts_at) == ("", None)


def test_running_clock_is_pending_at_its_fixed_deadline(world):
    ticket = world.open_problem(severity="Alta")  # STARTER: diagnosis 20 h → Thursday 15:00
    assert ticket.diagnosis_outcome == "pending"
    assert ticket.diagnosis_counts_at == sp(2026, 12, 3, 15)
    assert ticket.diagnosis_business_seconds is None


def test_paused_clock_with_time_left_does_not_count(world):
    ticket = world.open_problem(severity="Alta")
    services.ticket_ask_customer(ticket=ticket, actor=world.analyst, now=T0 + 2 * H, note="Envie o holerite.")
    ticket.refresh_from_db()
    assert ticket.diagnosis_outcome == "met"  # the question is the first public staff reply
    assert (ticket.solution_outcome, ticket.solution_counts_at) == ("", None)  # its deadline moves
    assert ticket.solution_paused_seconds == 0


def test_backfill_command_writes_the_outcomes_of_existing_rows(world):
    ticket = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=T0 + H)
    Ticket.objects.filter(pk=ticket.pk).update(
        diagnosis_outcome="", diagnosis_counts_at=None, diagnosis_counts_month=None, diagnosis_business_seconds=None
    )
    call_command("sla_outcomes_backfill", verbosity=0)
    ticket.refresh_from_db()
    assert (ticket.diagnosis_outcome, ticket.diagnosis_counts_at, ticket.diagnosis_business_seconds) == (
        "met",
        T0 + H,
        3600,
    )

"""A calendar edit reaches the open tickets (domain.md §2, decision): unmet clocks are
recomputed in the background (the sweep), the history says why, a met clock keeps its outcome,
and the back office shows the progress and the national holidays that apply.

Acme (STARTER) Alta opened Tue 1 Dec 2026 10:00: diagnosis 20 h → Thu 3 Dec 15:00; solution
20 business days → Wed 30 Dec 10:00 (Dec 25 is Natal; 24 and 31 are business days).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from servicedesk.sla.models import BusinessWindow, CalendarChange, ClosedDay
from servicedesk.sla.services import calendar_touch
from servicedesk.tickets import services, tasks
from servicedesk.tickets.models import EventKind, Ticket
from servicedesk.tickets.tests.factories import T0, sp

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)


def _close_wednesday(ticket: Ticket) -> CalendarChange:
    ClosedDay.objects.create(calendar=ticket.calendar, date=date(2026, 12, 2), description="Ponto facultativo")
    return calendar_touch(ticket.calendar, now=T0 + H)


def test_a_closed_day_moves_the_deadlines_of_open_tickets_in_the_background(world):
    ticket = world.open_problem(severity="Alta")
    assert (ticket.diagnosis_due_at, ticket.solution_due_at) == (sp(2026, 12, 3, 15), sp(2026, 12, 30, 10))
    change = _close_wednesday(ticket)
    ticket.refresh_from_db()
    assert ticket.diagnosis_due_at == sp(2026, 12, 3, 15)  # not yet: the sweep applies it
    assert change.status == "pending"

    assert tasks.run_sla_sweep(now=T0 + 2 * H)["calendars"] == 1
    ticket.refresh_from_db()
    # Without Wednesday: Tue 7 h + Thu 8 h + Fri 09–13, 14–15 → Fri 4 Dec 15:00; the solution
    # gains one business day → Thu 31 Dec 10:00.
    assert (ticket.diagnosis_due_at, ticket.solution_due_at) == (sp(2026, 12, 4, 15), sp(2026, 12, 31, 10))
    event = ticket.events.get(kind=EventKind.DEADLINES_RECOMPUTED)
    assert event.public and event.actor is None
    assert event.get_kind_display() == "Prazos recalculados: calendário alterado"
    assert event.data["calendar"] == ticket.calendar.name
    change.refresh_from_db()
    assert (change.status, change.total, change.done, change.moved) == ("done", 1, 1, 1)
    # A second sweep has nothing left to do and writes nothing twice.
    assert tasks.run_sla_sweep(now=T0 + 3 * H)["calendars"] == 0
    assert ticket.events.filter(kind=EventKind.DEADLINES_RECOMPUTED).count() == 1


def test_a_clock_already_met_keeps_its_outcome(world):
    # The diagnosis was breached (first reply Fri 4 Dec 10:00, after Thu 15:00). Closing the
    # Wednesday afterwards would put that deadline on Fri 15:00 — but a met clock keeps its
    # outcome (§2): still breached at Thu 15:00. The unmet solution clock moves.
    ticket = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=sp(2026, 12, 4, 10))
    ticket.refresh_from_db()
    assert (ticket.diagnosis_state, ticket.diagnosis_due_at) == ("breached", sp(2026, 12, 3, 15))
    _close_wednesday(ticket)
    tasks.run_sla_sweep(now=sp(2026, 12, 4, 11))
    ticket.refresh_from_db()
    assert (ticket.diagnosis_state, ticket.diagnosis_due_at) == ("breached", sp(2026, 12, 3, 15))
    assert ticket.solution_due_at == sp(2026, 12, 31, 10)
    # Later events recompute the ticket from its whole history: the outcome still stands.
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Mais um teste.", now=sp(2026, 12, 4, 12))
    ticket.refresh_from_db()
    assert (ticket.diagnosis_state, ticket.diagnosis_due_at) == ("breached", sp(2026, 12, 3, 15))


def test_closed_tickets_and_other_calendars_are_left_alone(world):
    done = world.open_problem(severity="Alta")
    services.ticket_cancel(ticket=done, actor=world.customer, now=T0 + H)
    done.refresh_from_db()
    before = Ticket.objects.filter(pk=done.pk).values().get()
    change = _close_wednesday(done)
    tasks.run_sla_sweep(now=T0 + 2 * H)
    assert Ticket.objects.filter(pk=done.pk).values().get() == before
    change.refresh_from_db()
    assert (change.total, change.moved) == (0, 0)


def test_the_back_office_queues_the_recomputation_and_shows_holidays_and_progress(world, admin_client, monkeypatch):
    from servicedesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: T0 + H)  # the page lists this year's and next year's holidays
    ticket = world.open_problem(severity="Alta")
    calendar = ticket.calendar
    window = BusinessWindow.objects.filter(calendar=calendar, weekday=4).first()  # a Friday window
    response = admin_client.post(
        f"/admin/sla/businesswindow/{window.pk}/change/",
        {"calendar": calendar.pk, "weekday": 4, "start": window.start.strftime("%H:%M"), "end": "12:00"},
    )
    assert response.status_code == 302
    change = CalendarChange.objects.get(calendar=calendar)
    assert change.status == "pending"
    page = admin_client.get(f"/admin/sla/businesscalendar/{calendar.pk}/change/").content.decode()
    assert "Feriados nacionais aplicados" in page
    assert "25/12/2026 — Natal" in page and "20/11/2026 — Dia Nacional de Zumbi e da Consciência Negra" in page
    assert "na fila" in page
    tasks.run_sla_sweep(now=T0 + H)
    page = admin_client.get(f"/admin/sla/businesscalendar/{calendar.pk}/change/").content.decode()
    assert "concluído (1 de 1; 1 com prazos alterados)" in page

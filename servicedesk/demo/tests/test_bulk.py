"""The COPY generator (PostgreSQL): every ticket, copied from a template or computed fresh, is
what the SLA engine computes from its stored history, and the rest of the ticket is whole."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection

from servicedesk.demo import bulk
from servicedesk.sla.adapters import engine_calendar
from servicedesk.sla.services import SLA_FIELDS, sla_fill_bulk
from servicedesk.tickets.models import Comment, QueueCounter, Ticket, TicketEvent
from servicedesk.tickets.workflow import FINAL_STATUSES

needs_postgres = pytest.mark.skipif("postgres" not in os.environ.get("DATABASE_URL", ""), reason="COPY: PostgreSQL")


@pytest.fixture
def spy_copies(monkeypatch):
    """Few templates, small batches (several transactions), and a count of the shifted copies."""
    monkeypatch.setattr(bulk, "TEMPLATES", 30)
    monkeypatch.setattr(bulk, "COPY_BATCH", 150)
    copies = {"shifted": 0, "refused": 0}
    original = bulk._copy

    def counting(*args, **kwargs):
        result = original(*args, **kwargs)
        copies["shifted" if result is not None else "refused"] += 1
        return result

    monkeypatch.setattr(bulk, "_copy", counting)
    return copies


@needs_postgres
@pytest.mark.django_db
def test_every_generated_ticket_has_the_sla_columns_the_engine_computes_from_its_history(demo, spy_copies, monkeypatch):
    # A fixed "now": how many finished tickets can be template copies depends on the calendar
    # around it (holidays, weekends), so the count below must not move with the day CI runs.
    from datetime import UTC, datetime

    from servicedesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 18, 15, 0, tzinfo=UTC))
    before = set(Ticket.objects.values_list("pk", flat=True))
    call_command("generate_demo_tickets", "--count", "400", "--seed", "11", "--method", "copy", verbosity=0)
    generated = list(Ticket.objects.exclude(pk__in=before).select_related("calendar").order_by("pk"))
    assert len(generated) == 400
    assert spy_copies["shifted"] > 100  # most finished tickets are template copies
    events = {}
    for event in TicketEvent.objects.filter(ticket__in=generated).order_by("at", "id"):
        events.setdefault(event.ticket_id, []).append(event)
    mismatches = []
    for stored in generated:
        fresh = Ticket.objects.get(pk=stored.pk)
        sla_fill_bulk(
            [(fresh, events[stored.pk])], calendar=engine_calendar(stored.calendar), now=stored.sla_computed_at
        )
        for field in SLA_FIELDS:
            if getattr(fresh, field) != getattr(stored, field):
                mismatches.append((stored.pk, stored.status, field, getattr(stored, field), getattr(fresh, field)))
    assert mismatches == []


@needs_postgres
@pytest.mark.django_db
def test_generated_tickets_are_whole_history_messages_search_and_counters(demo, spy_copies):
    before = set(Ticket.objects.values_list("pk", flat=True))
    call_command(
        "generate_demo_tickets",
        "--count",
        "300",
        "--messages-per-ticket",
        "3",
        "--seed",
        "5",
        "--method",
        "copy",
        verbosity=0,
    )
    generated = Ticket.objects.exclude(pk__in=before)
    assert generated.count() == 300
    assert TicketEvent.objects.filter(ticket__in=generated, kind="opened").count() == 300
    assert Comment.objects.filter(ticket__in=generated).count() == 900
    for ticket in generated.prefetch_related("events", "comments"):
        instants = [e.at for e in ticket.events.all()] + [c.created_at for c in ticket.comments.all()]
        assert min(instants) >= ticket.opened_at
        assert max(instants) <= ticket.sla_computed_at
        assert ticket.requester.organization_id == ticket.organization_id
        if ticket.status in FINAL_STATUSES:
            assert ticket.closed_at is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM tickets_ticketsearch WHERE ticket_id = ANY(%s) AND public_tsv @@ "
            "to_tsquery('servicedesk_pt', 'demonstração')",
            [list(generated.values_list("pk", flat=True))],
        )
        assert cursor.fetchone()[0] == 300  # the stored vectors were generated from the COPY'd text
    # The queue counters were rebuilt: they agree with the tickets.
    counters = dict(QueueCounter.objects.filter(key__in=["all", "open"]).values_list("key", "count"))
    assert counters == {
        "all": Ticket.objects.count(),
        "open": Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).count(),
    }


def test_a_shift_that_would_move_a_holiday_is_refused():
    from servicedesk.sla.engine.calendar import BusinessCalendar

    daily = bulk._DailyHours(BusinessCalendar.default())
    from datetime import date

    # Mon 2026-11-16 .. Fri 2026-11-20 (Consciência Negra on Friday 20): one week later has no holiday.
    assert daily.same(date(2026, 11, 16), date(2026, 11, 19), 7) is True
    assert daily.same(date(2026, 11, 16), date(2026, 11, 20), 7) is False
    assert daily.same(date(2026, 11, 23), date(2026, 11, 27), -7) is False

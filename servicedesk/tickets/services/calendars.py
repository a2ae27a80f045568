"""A calendar edit reaches the open tickets (domain.md §2, decision): every clock not yet met on
a ticket that uses the calendar is recomputed with the new windows and closed days, and the
history of each ticket whose deadlines moved says why ("prazos recalculados: calendário
alterado"). A clock already met keeps its outcome (`sla.services.ticket_clocks`).

Run by the sweep (`tickets.tasks.run_sla_sweep`) for each `CalendarChange` waiting, in batches
that each commit and advance the change's progress; a change interrupted half-way is resumed
from the start by the next sweep (recomputing a ticket twice moves nothing twice).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Prefetch

from servicedesk.sla.models import BusinessCalendar, CalendarChange, CalendarChangeStatus
from servicedesk.sla.services import SLA_FIELDS, sla_recompute_for_ticket
from servicedesk.tickets.counters import counter_keys, counters_move
from servicedesk.tickets.history import event_record
from servicedesk.tickets.models import EventKind, Ticket, TicketEvent
from servicedesk.tickets.workflow import FINAL_STATUSES

BATCH = 500
# What a customer sees move: the two deadlines and the automatic closing.
_WATCHED = ("diagnosis_due_at", "solution_due_at", "diagnosis_paused_left", "solution_paused_left", "auto_close_at")


def _open_tickets(calendar: BusinessCalendar):
    return Ticket.objects.filter(calendar=calendar).exclude(status__in=list(FINAL_STATUSES))


def _recompute_batch(calendar: BusinessCalendar, ids: list[int], *, now: datetime) -> int:
    """Recompute one batch of tickets under row locks; returns how many had deadlines moved."""
    moved = 0
    with transaction.atomic():
        tickets = list(
            Ticket.objects.select_for_update(of=("self",))
            .filter(pk__in=ids)
            .exclude(status__in=list(FINAL_STATUSES))
            .prefetch_related(Prefetch("events", queryset=TicketEvent.objects.order_by("at", "id")))
            .order_by("pk")
        )
        changed: list[Ticket] = []
        for ticket in tickets:
            before = {name: getattr(ticket, name) for name in _WATCHED}
            keys_before = counter_keys(ticket)
            ticket.calendar = calendar  # the edited version, shared by the batch
            sla_recompute_for_ticket(ticket, now=now, events=list(ticket.events.all()))
            after = {name: getattr(ticket, name) for name in _WATCHED}
            if after != before:
                moved += 1
                event_record(
                    ticket,
                    kind=EventKind.DEADLINES_RECOMPUTED,
                    actor=None,
                    at=now,
                    data={
                        "calendar": calendar.name,
                        "diagnosis_due_at": _iso(before["diagnosis_due_at"], after["diagnosis_due_at"]),
                        "solution_due_at": _iso(before["solution_due_at"], after["solution_due_at"]),
                    },
                )
            counters_move(keys_before, counter_keys(ticket))  # at risk / breached may change
            changed.append(ticket)
        Ticket.objects.bulk_update(changed, SLA_FIELDS)
    return moved


def _iso(before, after) -> list[str | None]:
    return [None if before is None else before.isoformat(), None if after is None else after.isoformat()]


def calendar_change_apply(*, change_id: int, now: datetime) -> CalendarChange | None:
    """Recompute the open tickets of one calendar change, batch by batch, with progress."""
    with transaction.atomic():
        change = (
            CalendarChange.objects.select_for_update()
            .select_related("calendar")
            .filter(pk=change_id)
            .exclude(status=CalendarChangeStatus.DONE)
            .first()
        )
        if change is None:
            return None
        ids = list(_open_tickets(change.calendar).order_by("pk").values_list("pk", flat=True))
        change.status, change.total, change.done, change.moved = CalendarChangeStatus.RUNNING, len(ids), 0, 0
        change.save(update_fields=["status", "total", "done", "moved"])
    calendar = BusinessCalendar.objects.get(pk=change.calendar_id)  # its latest version
    for start in range(0, len(ids), BATCH):
        moved = _recompute_batch(calendar, ids[start : start + BATCH], now=now)
        change.done = min(len(ids), start + BATCH)
        change.moved += moved
        change.save(update_fields=["done", "moved"])
    change.status, change.finished_at = CalendarChangeStatus.DONE, now
    change.save(update_fields=["status", "finished_at"])
    return change


def calendar_changes_apply(*, now: datetime) -> int:
    """Apply every calendar change waiting (oldest first); several changes of one calendar in a
    row need one recomputation, so the older ones are marked done by the newest."""
    applied = 0
    pending = CalendarChange.objects.exclude(status=CalendarChangeStatus.DONE).order_by("changed_at", "pk")
    latest: dict[int, int] = {}
    for change_id, calendar_id in pending.values_list("pk", "calendar_id"):
        latest[calendar_id] = change_id
    for calendar_id, change_id in latest.items():
        CalendarChange.objects.filter(calendar_id=calendar_id, pk__lt=change_id).exclude(
            status=CalendarChangeStatus.DONE
        ).update(status=CalendarChangeStatus.DONE, finished_at=now)
        if calendar_change_apply(change_id=change_id, now=now) is not None:
            applied += 1
    return applied

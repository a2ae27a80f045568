"""Paused time by pausing status (domain.md §5, §10): per group, the business time the solution
clocks counted in the period spent paused in each of the four pausing statuses (AGUARDANDO
CLIENTE, SERVIÇOS, COM-PROPOSTA, SERV-ASSESSORIA).

The population is the compliance table's: solution clocks that count in the period (met or
breached as of `now`, `selectors.outcome_condition`), grouped by the same keys. A ticket stores
its clocks' total paused seconds but not their split by status, and tickets migrations are not
ours to add: so the split is read from the stored status changes (each one interval), clipped
to the end of the ticket's solution clock (its met instant, the ticket's stop or `now`) and
measured in the ticket's business calendar — the engine's own rule (`ClockState.paused_by_status`,
which `GET /tickets/{n}/sla` returns). Three queries whatever the number of tickets (tickets,
calendars, status events); no timeline replay.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q

from servicedesk.reports.selectors import (
    COLUMNS,
    Period,
    counted_in,
    month_key,
    outcome_condition,
    report_filters,
    scoped_tickets,
)
from servicedesk.sla.engine.clocks import PAUSING_ORDER
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES
from servicedesk.sla.services import engine_calendars_for
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.workflow import FINAL_STATUSES

_FINAL = frozenset(str(s) for s in FINAL_STATUSES)
_AUTO_CLOSE = frozenset(s.value for s in AUTO_CLOSE_STATUSES)
_NEW = "NOVO"
ZERO, SECOND = timedelta(0), timedelta(seconds=1)


@dataclass
class PausedRow:
    keys: dict[str, Any]
    clocks: int = 0  # solution clocks counted (the rows' population)
    seconds: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAUSING_ORDER, 0))

    @property
    def total(self) -> int:
        return sum(self.seconds.values())


def _clock_end(ticket, events: list[tuple[datetime, str]], now: datetime) -> datetime:
    """Where the solution clock's timeline ends: its met instant, else the ticket's stop (a
    final status not reopened since), else the automatic closing already due, else `now`."""
    if ticket.solution_met_at is not None:
        return min(ticket.solution_met_at, now)
    stop = None
    for at, status in events:
        if status in _FINAL:
            stop = stop or at
        else:
            stop = None
    if stop is not None:
        return min(stop, now)
    if ticket.status in _AUTO_CLOSE and ticket.auto_close_at is not None and ticket.auto_close_at <= now:
        return ticket.auto_close_at
    return now


def paused_by_status(
    *,
    user,
    period: Period,
    now: datetime,
    group_by: Sequence[str] = (),
    filters: Mapping[str, Any] | None = None,
) -> list[PausedRow]:
    """One row per group (as `selectors.compliance`), in the reports' scope of `user`."""
    return paused_of(scoped_tickets(user).filter(report_filters(filters)), period=period, now=now, group_by=group_by)


def paused_of(base, *, period: Period, now: datetime, group_by: Sequence[str] = ()) -> list[PausedRow]:
    columns = {key: ("solution_counts_month" if key == "month" else COLUMNS[key]) for key in group_by}
    counted = (
        base.filter(counted_in("solution", period))
        .exclude(solution_outcome="")
        .filter(outcome_condition("solution", "met", now=now) | outcome_condition("solution", "breached", now=now))
    )
    tickets = list(
        counted.only(
            "pk", "calendar_id", "opened_at", "status", "auto_close_at", "solution_met_at", *columns.values()
        ).order_by()
    )
    calendars = engine_calendars_for(tickets)
    history: dict[int, list[tuple[datetime, str]]] = {}
    events = (
        TicketEvent.objects.filter(ticket__in=counted.values("pk"))
        .filter(~Q(to_status=""))
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "at", "to_status")
    )
    for ticket_id, at, to_status in events.iterator(chunk_size=5000):
        history.setdefault(ticket_id, []).append((at, to_status))

    rows: dict[tuple, PausedRow] = {}
    for ticket in tickets:
        keys = {}
        for key, column in columns.items():
            value = getattr(ticket, column)
            keys[key] = month_key(value) if key == "month" else value
        row_key = tuple(keys[k] for k in group_by)
        row = rows.get(row_key)
        if row is None:
            row = rows[row_key] = PausedRow(keys=keys)
        row.clocks += 1
        changes = history.get(ticket.pk, [])
        end = _clock_end(ticket, changes, now)
        calendar = calendars[ticket.calendar_id]
        spent = dict.fromkeys(PAUSING_ORDER, ZERO)
        status, since = _NEW, ticket.opened_at
        for at, to_status in [*changes, (end, "")]:
            if since >= end:
                break
            if status in spent:
                spent[status] += calendar.elapsed(since, min(at, end))
            status, since = to_status, at
        for status, duration in spent.items():  # whole seconds per ticket, as the engine's JSON
            row.seconds[status] += duration // SECOND
    return sorted(rows.values(), key=lambda r: tuple((r.keys[k] is None, str(r.keys[k])) for k in group_by))

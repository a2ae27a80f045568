"""Paused time by pausing status (domain.md §5, §10): per group, the business time the solution
clocks counted in the period spent paused in each of the four pausing statuses (AGUARDANDO
CLIENTE, SERVIÇOS, COM-PROPOSTA, SERV-ASSESSORIA).

The population is the compliance table's: solution clocks that count in the period (met or
breached as of `now`, `selectors.outcome_condition`), grouped by the same keys. A ticket stores
its clocks' total paused seconds but not their split by status, and tickets migrations are not
ours to add: so the split is read from the stored status changes (each one interval), clipped
to the end of the ticket's solution clock (its met instant, the ticket's stop or `now`) and
measured in the ticket's business calendar — the engine's own rule (`ClockState.paused_by_status`,
which `GET /tickets/{n}/sla` returns). Four queries whatever the number of tickets (the count,
the paused tickets, calendars, status events); no timeline replay, and only the tickets ever
paused are walked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q

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


@dataclass(frozen=True, slots=True)
class _Calendar:
    """What `engine_calendars_for` reads of a ticket."""

    calendar_id: int


def _clock_end(met_at, status, auto_close_at, events: list[tuple[datetime, str]], now: datetime) -> datetime:
    """Where the solution clock's timeline ends: its met instant, else the ticket's stop (a
    final status not reopened since), else the automatic closing already due, else `now`."""
    if met_at is not None:
        return min(met_at, now)
    stop = None
    for at, status in events:
        if status in _FINAL:
            stop = stop or at
        else:
            stop = None
    if stop is not None:
        return min(stop, now)
    if status in _AUTO_CLOSE and auto_close_at is not None and auto_close_at <= now:
        return auto_close_at
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
    rows: dict[tuple, PausedRow] = {}

    def row_for(values) -> PausedRow:
        keys = {
            key: (month_key(value) if key == "month" else value) for key, value in zip(columns, values, strict=True)
        }
        row_key = tuple(keys[k] for k in group_by)
        row = rows.get(row_key)
        if row is None:
            row = rows[row_key] = PausedRow(keys=keys)
        return row

    # the population, counted in the database (a GROUP BY of the covering counting index)
    if columns:
        for values in counted.values(*columns.values()).order_by().annotate(n=Count("pk")):
            row_for([values[c] for c in columns.values()]).clocks += values["n"]
    else:
        n = counted.count()
        if n:
            row_for([]).clocks += n
    # only the tickets that were ever in a pausing status are walked (plain tuples: a 12-month
    # dashboard counts tens of thousands of clocks, most of them never paused)
    paused = counted.filter(
        pk__in=TicketEvent.objects.filter(to_status__in=PAUSING_ORDER, ticket__in=counted.values("pk")).values(
            "ticket_id"
        )
    )
    fields = ("pk", "calendar_id", "opened_at", "status", "auto_close_at", "solution_met_at", *columns.values())
    tickets = list(paused.values_list(*fields).order_by())
    calendars = engine_calendars_for([_Calendar(calendar_id) for calendar_id in {t[1] for t in tickets}])
    history: dict[int, list[tuple[datetime, str]]] = {}
    events = (
        TicketEvent.objects.filter(ticket__in=paused.values("pk"))
        .filter(~Q(to_status=""))
        .order_by("ticket_id", "at", "id")
        .values_list("ticket_id", "at", "to_status")
    )
    for ticket_id, at, to_status in events.iterator(chunk_size=5000):
        history.setdefault(ticket_id, []).append((at, to_status))

    for pk, calendar_id, opened_at, status_now, auto_close_at, met_at, *values in tickets:
        row = row_for(values)
        changes = history.get(pk, [])
        end = _clock_end(met_at, status_now, auto_close_at, changes, now)
        calendar = calendars[calendar_id]
        spent = dict.fromkeys(PAUSING_ORDER, ZERO)
        status, since = _NEW, opened_at
        for at, to_status in [*changes, (end, "")]:
            if since >= end:
                break
            if status in spent:
                spent[status] += calendar.elapsed(since, min(at, end))
            status, since = to_status, at
        for status, duration in spent.items():  # whole seconds per ticket, as the engine's JSON
            row.seconds[status] += duration // SECOND
    return sorted(rows.values(), key=lambda r: tuple((r.keys[k] is None, str(r.keys[k])) for k in group_by))

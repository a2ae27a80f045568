"""The only bridge between SLA rows and the pure engine: rows in, engine values out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from servicedesk.sla.engine import BusinessCalendar as EngineCalendar
from servicedesk.sla.engine.clocks import Timeline, TimelineEvent
from servicedesk.sla.models import BusinessCalendar, Plan, PlanTarget

if TYPE_CHECKING:
    from servicedesk.tickets.models import Ticket, TicketEvent

# Building a calendar costs two queries and a few holiday look-ups; rows change rarely. The
# engine object is kept per (row, last change): every edit of a calendar, its windows or its
# closed days goes through `sla.services.calendar_touch` (the admin calls it), which moves
# `updated_at` and so invalidates this cache in every process.
_calendar_cache: dict[tuple[int, datetime], EngineCalendar] = {}


def engine_calendar(row: BusinessCalendar) -> EngineCalendar:
    key = (row.pk, row.updated_at)
    cached = _calendar_cache.get(key)
    if cached is not None:
        return cached
    closed = list(row.closed_days.values_list("date", flat=True))
    windows: dict[int, list] = {day: [] for day in range(7)}
    for window in row.windows.all():
        windows[window.weekday].append((window.start, window.end))
    if row.include_national_holidays:
        calendar = EngineCalendar.with_brazilian_holidays(row.timezone, windows, closed)
    else:
        calendar = EngineCalendar(row.timezone, windows, closed)
    if len(_calendar_cache) > 64:
        _calendar_cache.clear()
    _calendar_cache[key] = calendar
    return calendar


def default_calendar_row() -> BusinessCalendar:
    row = BusinessCalendar.objects.filter(is_default=True).first()
    if row is None:
        raise BusinessCalendar.DoesNotExist("Nenhum calendário padrão configurado.")
    return row


def plan_targets_snapshot(plan: Plan, *, at: datetime) -> dict[str, list[int]]:
    """Targets in force at `at`, per severity, as [diagnosis_seconds, solution_seconds] (JSON-ready)."""
    snapshot: dict[str, list[int]] = {}
    for target in PlanTarget.objects.filter(plan=plan, effective_from__lte=at).order_by("severity", "-effective_from"):
        snapshot.setdefault(target.severity, [target.diagnosis_minutes * 60, target.solution_minutes * 60])
    return snapshot


def engine_targets(snapshot: dict[str, list[int]]) -> dict[str, tuple[timedelta, timedelta]]:
    return {severity: (timedelta(seconds=d), timedelta(seconds=s)) for severity, (d, s) in snapshot.items()}


def ticket_timeline(ticket: Ticket, events: list[TicketEvent]) -> Timeline:
    """The ticket's SLA timeline from its history. The opening event carries the initial type/severity."""
    opening = next((e for e in events if e.kind == "opened"), None)
    initial_type = (opening.new_type if opening else "") or ticket.type
    initial_severity = (opening.new_severity if opening else "") or ticket.severity
    timeline_events = tuple(
        TimelineEvent(
            at=event.at,
            type=event.new_type or None,
            severity=event.new_severity or None,
            diagnosis=event.diagnosis,
            customer_interaction=event.customer_interaction,
            status=event.to_status or None,
        )
        for event in events
        if event.kind != "opened"
        and (event.new_type or event.new_severity or event.diagnosis or event.customer_interaction or event.to_status)
    )
    return Timeline(
        opened_at=ticket.opened_at,
        type=initial_type,
        severity=initial_severity,
        environment=ticket.environment,
        events=timeline_events,
    )

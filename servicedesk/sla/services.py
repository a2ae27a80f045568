"""SLA services: recompute a ticket's clocks from its history through the pure engine."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings

from servicedesk.core.clock import now as clock_now
from servicedesk.sla.adapters import engine_calendar, engine_targets, ticket_timeline
from servicedesk.sla.engine import BusinessCalendar as EngineCalendar
from servicedesk.sla.engine.clocks import ClockReport, compute_clocks
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES
from servicedesk.sla.models import BusinessCalendar

if TYPE_CHECKING:
    from servicedesk.tickets.models import Ticket

SLA_FIELDS = [
    "diagnosis_due_at",
    "diagnosis_met_at",
    "diagnosis_state",
    "solution_due_at",
    "solution_met_at",
    "solution_state",
    "next_due_at",
    "auto_close_at",
    "at_risk",
    "breached",
    "sla_computed_at",
    "sla_check_at",
]

# The customer is warned this long (business time) before an automatic closing (domain.md §7).
CLOSING_WARNING_BEFORE = timedelta(hours=8)
_TICK = timedelta(microseconds=1)


def calendar_touch(calendar: BusinessCalendar) -> None:
    """Mark a calendar as changed (its windows or closed days were edited): every process
    rebuilds its engine calendar on next use (`adapters.engine_calendar`)."""
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=clock_now())


def ticket_clocks(ticket: Ticket, *, as_of: datetime) -> ClockReport:
    """Both clocks of `ticket` as of `as_of` (aware), computed from its whole history."""
    events = list(ticket.events.order_by("at", "id"))
    return compute_clocks(
        ticket_timeline(ticket, events),
        targets=engine_targets(ticket.sla_targets),
        calendar=engine_calendar(ticket.calendar),
        as_of=as_of,
    )


def _used_ratio(clock, target_seconds: int) -> float:
    return clock.elapsed.total_seconds() / target_seconds if target_seconds else 0.0


def sla_recompute_for_ticket(ticket: Ticket, *, now: datetime) -> ClockReport:
    """Store the clocks' due instants and states on the ticket (the queues sort by them)."""
    report = ticket_clocks(ticket, as_of=now)
    sla_apply_report(ticket, report, calendar=engine_calendar(ticket.calendar), now=now)
    return report


def sla_apply_report(ticket: Ticket, report: ClockReport, *, calendar: EngineCalendar, now: datetime) -> None:
    """Copy a clock report onto the ticket's denormalized SLA columns (no save)."""
    diagnosis, solution = report.diagnosis, report.solution
    ticket.diagnosis_due_at, ticket.diagnosis_met_at, ticket.diagnosis_state = (
        diagnosis.due_at,
        diagnosis.met_at,
        diagnosis.state,
    )
    ticket.solution_due_at, ticket.solution_met_at, ticket.solution_state = (
        solution.due_at,
        solution.met_at,
        solution.state,
    )
    open_dues = [c.due_at for c in (diagnosis, solution) if c.met_at is None and c.due_at is not None]
    ticket.next_due_at = min(open_dues) if open_dues and ticket.is_open else None
    ticket.auto_close_at = report.auto_close_at if ticket.is_open else None
    ticket.breached = "breached" in (diagnosis.state, solution.state)
    diagnosis_target, solution_target = ticket.sla_targets[report.severity]
    ticket.at_risk = (
        (not ticket.breached)
        and ticket.is_open
        and any(
            clock.state in ("running", "paused") and _used_ratio(clock, target) >= settings.SLA_AT_RISK_RATIO
            for clock, target in ((diagnosis, diagnosis_target), (solution, solution_target))
        )
    )
    ticket.sla_computed_at = now
    ticket.sla_check_at = (
        sla_next_check(report, ticket.sla_targets, calendar, status=ticket.status) if ticket.is_open else None
    )


def sla_fill_bulk(tickets_and_events, *, calendar: EngineCalendar, now: datetime) -> None:
    """Compute the SLA columns of many unsaved tickets from in-memory histories (bulk loads).

    `tickets_and_events`: (ticket, [TicketEvent, ...]) pairs, events in time order, the
    opening event included. Same engine and same columns as `sla_recompute_for_ticket`;
    warnings already due are treated as past (the next check is only ever in the future),
    so a bulk load does not make the first sweep alert on every old ticket.
    """
    for ticket, events in tickets_and_events:
        report = compute_clocks(
            ticket_timeline(ticket, events), targets=engine_targets(ticket.sla_targets), calendar=calendar, as_of=now
        )
        sla_apply_report(ticket, report, calendar=calendar, now=now)
        if ticket.sla_check_at is not None and ticket.sla_check_at <= now:
            ticket.sla_check_at = None


def business_before(calendar: EngineCalendar, moment: datetime, duration: timedelta) -> datetime:
    """The earliest instant `duration` of business time before `moment`."""
    return calendar.from_business(calendar.to_business(moment) - duration // _TICK)


def sla_at_risk_at(calendar: EngineCalendar, clock, target_seconds: int) -> datetime:
    """When a running clock reaches SLA_AT_RISK_RATIO of its target (it may be in the past)."""
    remaining = timedelta(seconds=target_seconds * (1 - settings.SLA_AT_RISK_RATIO))
    return business_before(calendar, clock.due_at, remaining)


def sla_closing_warning_at(calendar: EngineCalendar, auto_close_at: datetime) -> datetime:
    return business_before(calendar, auto_close_at, CLOSING_WARNING_BEFORE)


def sla_next_check(
    report: ClockReport,
    targets: dict[str, list[int]],
    calendar: EngineCalendar,
    *,
    status: str,
    handled: Collection[str] = (),
) -> datetime | None:
    """The earliest instant at which a warning may fall due for this ticket, or None.

    `handled` names the warnings the caller has just dealt with ("diagnosis:at_risk",
    "solution:breached", "closing_soon"): the next check then moves to the following one.
    An instant in the past means "look now"; the warnings are unique, so a repeated look
    costs a recomputation and writes nothing.
    """
    candidates: list[datetime] = []
    diagnosis_target, solution_target = targets[report.severity]
    for name, clock, target in (
        ("diagnosis", report.diagnosis, diagnosis_target),
        ("solution", report.solution, solution_target),
    ):
        if clock.met_at is not None or clock.state == "paused":
            continue  # a paused clock resumes through an event, which recomputes this
        if clock.state == "breached":
            if f"{name}:breached" not in handled:
                candidates.append(clock.due_at)
        elif f"{name}:at_risk" in handled:
            candidates.append(clock.due_at + _TICK)  # breached strictly after the deadline
        else:
            candidates.append(sla_at_risk_at(calendar, clock, target))
    if status in AUTO_CLOSE_STATUSES and report.auto_close_at is not None and "closing_soon" not in handled:
        candidates.append(sla_closing_warning_at(calendar, report.auto_close_at))
    return min(candidates) if candidates else None

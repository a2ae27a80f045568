"""SLA services: recompute a ticket's clocks from its history through the pure engine."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings

from servicedesk.sla.adapters import engine_calendar, engine_targets, ticket_timeline
from servicedesk.sla.engine.clocks import ClockReport, compute_clocks

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
]


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
    return report

"""SLA services: a ticket's clocks from its history through the pure engine, stored on the row,
and read back as of any instant (`ticket_sla_view`) the same way by every page and the API.

Stored columns (per clock): the deadline, the met instant and the state as of the last
computation (`sla_computed_at`), and — while the clock is paused — the business time it has
left. A running clock's deadline is a fixed instant; a paused clock's deadline is the one that
holds "if it resumed now" (domain.md §5), so it is recomputed at read time from the time left:
`ticket_sla_view` at any instant gives the same deadlines as `compute_clocks` at that instant.

A clock already met keeps its outcome (domain.md §2, decision on calendar edits): a later
recomputation — after an administrator edits the calendar — leaves the stored deadline and
state of a met clock as they were, and `ticket_clocks` reports them so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

from servicedesk.core import clock as core_clock
from servicedesk.sla.adapters import engine_calendar, engine_targets, ticket_timeline
from servicedesk.sla.engine import BusinessCalendar as EngineCalendar
from servicedesk.sla.engine.clocks import ClockReport, ClockState, compute_clocks
from servicedesk.sla.engine.policy import AUTO_CLOSE_STATUSES, PAUSING_STATUSES, TicketStatus
from servicedesk.sla.models import BusinessCalendar, CalendarChange

if TYPE_CHECKING:
    from servicedesk.tickets.models import Ticket

CLOCKS = ("diagnosis", "solution")
# What each clock counts for contractual compliance (domain.md §10), see `clock_outcome`.
OUTCOME_FIELDS = [
    f"{name}_{column}"
    for name in CLOCKS
    for column in ("outcome", "counts_at", "counts_month", "business_seconds", "paused_seconds", "met_month")
]
SLA_FIELDS = [
    "diagnosis_due_at",
    "diagnosis_met_at",
    "diagnosis_state",
    "diagnosis_paused_left",
    "solution_due_at",
    "solution_met_at",
    "solution_state",
    "solution_paused_left",
    "next_due_at",
    "sla_paused_left",
    "auto_close_at",
    "at_risk",
    "breached",
    "sla_computed_at",
    "sla_check_at",
    *OUTCOME_FIELDS,
]

# The customer is warned this long (business time) before an automatic closing (domain.md §7).
CLOSING_WARNING_BEFORE = timedelta(hours=8)
_TICK = timedelta(microseconds=1)
_SECOND = timedelta(seconds=1)
_FINAL = frozenset({TicketStatus.CLOSED, TicketStatus.CANCELLED})
BRASILIA = ZoneInfo("America/Sao_Paulo")


@dataclass(frozen=True)
class ClockOutcome:
    """What one clock counts for contractual compliance (domain.md §10).

    `outcome`: "met" (met on time), "breached" (met late, or its fixed deadline has passed),
    "pending" (a fixed deadline not yet passed: it becomes "breached" the instant after it,
    with no event — readers compare `counts_at` with their instant), or "" (not counted: a
    homologação ticket, a paused clock whose deadline moves, a ticket stopped before the
    deadline). `counts_at`: the instant the clock counts — when it was met, if on time;
    otherwise its deadline; `month`: that instant's first day of the month in Brasília."""

    outcome: str
    counts_at: datetime | None
    month: date | None
    business_seconds: int | None  # running business time to the met instant (met clocks)
    paused_seconds: int  # paused business time to the clock's end (or the computation)
    met_month: date | None = None  # the Brasília month of the met instant, contractual clocks (the averages')


def clock_outcome(clock: ClockState, *, contractual: bool) -> ClockOutcome:
    """The compliance outcome of one engine clock (pure): the one rule the stored columns, the
    reports and the ticket-by-ticket count of the consistency test share."""
    outcome, counts_at = "", None
    if contractual:
        if clock.met_at is not None:
            outcome, counts_at = ("met", clock.met_at) if clock.state == "met" else ("breached", clock.due_at)
        elif clock.state == "breached":
            outcome, counts_at = "breached", clock.due_at
        elif clock.state == "running":
            outcome, counts_at = "pending", clock.due_at
    return ClockOutcome(
        outcome=outcome,
        counts_at=counts_at,
        month=brasilia_month(counts_at),
        business_seconds=clock.elapsed // _SECOND if clock.met_at is not None else None,
        paused_seconds=clock.paused // _SECOND,
        met_month=brasilia_month(clock.met_at) if contractual else None,
    )


def brasilia_month(moment: datetime | None) -> date | None:
    """The first day of `moment`'s month in Brasília."""
    if moment is None:
        return None
    local = moment.astimezone(BRASILIA)
    return date(local.year, local.month, 1)


def calendar_touch(calendar: BusinessCalendar, *, now: datetime | None = None, actor=None) -> CalendarChange:
    """Record that a calendar changed (its windows or closed days were edited): every process
    rebuilds its engine calendar on next use (`adapters.engine_calendar` is keyed by the row's
    `updated_at`), and the open tickets that use it get their unmet deadlines recomputed in the
    background (`CalendarChange`, applied by the sweep — domain.md §2)."""
    now = now or core_clock.now()
    BusinessCalendar.objects.filter(pk=calendar.pk).update(updated_at=now)
    return CalendarChange.objects.create(calendar_id=calendar.pk, changed_at=now, changed_by=actor)


def keep_met_outcomes(ticket: Ticket, report: ClockReport) -> ClockReport:
    """The stored outcome of a clock already met stands (domain.md §2): if the engine finds it
    met at the same instant as the row says, the row's deadline and state are the record."""
    kept = {}
    for name in CLOCKS:
        clock: ClockState = getattr(report, name)
        stored_met, stored_due = getattr(ticket, f"{name}_met_at"), getattr(ticket, f"{name}_due_at")
        if clock.met_at is not None and stored_met == clock.met_at and stored_due is not None:
            stored_state = getattr(ticket, f"{name}_state")
            if (stored_due, stored_state) != (clock.due_at, clock.state) and stored_state in ("met", "breached"):
                kept[name] = dataclasses.replace(clock, due_at=stored_due, state=stored_state)
    return dataclasses.replace(report, **kept) if kept else report


def ticket_clocks(ticket: Ticket, *, as_of: datetime, events: list | None = None) -> ClockReport:
    """Both clocks of `ticket` as of `as_of` (aware), computed from its whole history (`events`,
    in time order, when the caller already loaded them)."""
    if events is None:
        events = list(ticket.events.order_by("at", "id"))
    report = compute_clocks(
        ticket_timeline(ticket, events),
        targets=engine_targets(ticket.sla_targets),
        calendar=engine_calendar(ticket.calendar),
        as_of=as_of,
    )
    return keep_met_outcomes(ticket, report)


def _used_ratio(clock, target_seconds: int) -> float:
    return clock.elapsed.total_seconds() / target_seconds if target_seconds else 0.0


def sla_recompute_for_ticket(ticket: Ticket, *, now: datetime, events: list | None = None) -> ClockReport:
    """Store the clocks' deadlines, states and time left on the ticket (no save)."""
    report = ticket_clocks(ticket, as_of=now, events=events)
    sla_apply_report(ticket, report, calendar=engine_calendar(ticket.calendar), now=now)
    return report


def _paused_left(ticket: Ticket, clock: ClockState, target_seconds: int) -> int | None:
    """Business microseconds left on a paused clock of an open ticket (None otherwise)."""
    if not ticket.is_open or clock.met_at is not None or clock.state != "paused":
        return None
    return target_seconds * 1_000_000 - clock.elapsed // _TICK


def sla_apply_report(ticket: Ticket, report: ClockReport, *, calendar: EngineCalendar, now: datetime) -> None:
    """Copy a clock report onto the ticket's denormalized SLA columns (no save)."""
    targets = ticket.sla_targets[report.severity]
    lefts = {}
    for name, target in zip(CLOCKS, targets, strict=True):
        clock = getattr(report, name)
        setattr(ticket, f"{name}_due_at", clock.due_at)
        setattr(ticket, f"{name}_met_at", clock.met_at)
        setattr(ticket, f"{name}_state", clock.state)
        lefts[name] = _paused_left(ticket, clock, target)
        setattr(ticket, f"{name}_paused_left", lefts[name])
    sla_apply_outcomes(ticket, report)
    diagnosis, solution = report.diagnosis, report.solution
    fixed_dues = [c.due_at for c in (diagnosis, solution) if c.met_at is None and c.state in ("running", "breached")]
    ticket.next_due_at = min(fixed_dues) if fixed_dues and ticket.is_open else None
    paused_lefts = [left for left in lefts.values() if left is not None]
    ticket.sla_paused_left = min(paused_lefts) if paused_lefts and ticket.next_due_at is None else None
    ticket.auto_close_at = report.auto_close_at if ticket.is_open else None
    ticket.breached = "breached" in (diagnosis.state, solution.state)
    ticket.at_risk = (
        (not ticket.breached)
        and ticket.is_open
        and any(
            clock.state in ("running", "paused") and _used_ratio(clock, target) >= settings.SLA_AT_RISK_RATIO
            for clock, target in zip((diagnosis, solution), targets, strict=True)
        )
    )
    ticket.sla_computed_at = now
    ticket.sla_check_at = (
        sla_next_check(report, ticket.sla_targets, calendar, status=ticket.status) if ticket.is_open else None
    )


def sla_apply_outcomes(ticket: Ticket, report: ClockReport) -> None:
    """Copy the clocks' compliance outcomes (`clock_outcome`) onto the ticket's columns (no save)."""
    for name in CLOCKS:
        outcome = clock_outcome(getattr(report, name), contractual=report.contractual)
        setattr(ticket, f"{name}_outcome", outcome.outcome)
        setattr(ticket, f"{name}_counts_at", outcome.counts_at)
        setattr(ticket, f"{name}_counts_month", outcome.month)
        setattr(ticket, f"{name}_business_seconds", outcome.business_seconds)
        setattr(ticket, f"{name}_paused_seconds", outcome.paused_seconds)
        setattr(ticket, f"{name}_met_month", outcome.met_month)


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


# --------------------------------------------------------------------------- reading the clocks


@dataclass(frozen=True)
class ClockView:
    """One clock as of an instant: what every badge, page and API answer shows."""

    name: str  # "diagnosis" | "solution"
    due_at: datetime | None
    met_at: datetime | None
    state: str  # "running" | "paused" | "met" | "breached"
    left: timedelta | None  # business time left (negative once breached); None once met or stopped


@dataclass(frozen=True)
class SlaView:
    diagnosis: ClockView
    solution: ClockView
    auto_close_at: datetime | None
    at_risk: bool

    @property
    def clocks(self) -> tuple[ClockView, ClockView]:
        return (self.diagnosis, self.solution)

    @property
    def next(self) -> ClockView | None:
        """The clock the ticket counts now: the unmet one with the nearest deadline."""
        pending = [c for c in self.clocks if c.met_at is None and c.due_at is not None and c.left is not None]
        return min(pending, key=lambda c: c.due_at) if pending else None

    @property
    def breached(self) -> bool:
        return any(c.state == "breached" for c in self.clocks)


def engine_calendars_for(tickets) -> dict[int, EngineCalendar]:
    """The engine calendars of `tickets`, by calendar id: one query for the rows (their
    `updated_at` keys the process-wide cache of built calendars)."""
    ids = {ticket.calendar_id for ticket in tickets}
    return {row.pk: engine_calendar(row) for row in BusinessCalendar.objects.filter(pk__in=ids)} if ids else {}


def ticket_sla_view(ticket: Ticket, *, now: datetime, calendar: EngineCalendar | None = None) -> SlaView:
    """The ticket's clocks as of `now`, from its stored columns (no query; `calendar` is the
    ticket's engine calendar). Agrees with `ticket_clocks(ticket, as_of=now)` at any instant:
    a running clock's deadline is fixed and it is breached strictly after it; a paused clock's
    deadline is the one that holds if it resumed now — or at the automatic closing, when that
    is already due and the sweep has not yet recorded it. Without `calendar`, the ticket's own
    (`ticket.calendar`, one query unless selected with the row)."""
    if calendar is None:
        calendar = engine_calendar(ticket.calendar)
    status = ticket.status
    evaluation = now
    if status in AUTO_CLOSE_STATUSES and ticket.auto_close_at is not None and ticket.auto_close_at <= now:
        evaluation = ticket.auto_close_at  # §7: a closing due at the moment of evaluation has happened
    views = []
    for name in CLOCKS:
        due = getattr(ticket, f"{name}_due_at")
        met = getattr(ticket, f"{name}_met_at")
        state = getattr(ticket, f"{name}_state")
        left: timedelta | None = None
        if met is None and status not in _FINAL and due is not None:
            paused_left = getattr(ticket, f"{name}_paused_left")
            if paused_left is not None and status in PAUSING_STATUSES:
                left = timedelta(microseconds=paused_left)
                due = calendar.from_business(calendar.to_business(evaluation) + paused_left)
                state = "paused"
            else:
                state = "breached" if evaluation > due else ("paused" if status in PAUSING_STATUSES else "running")
                left = calendar.elapsed(evaluation, due)
        views.append(ClockView(name=name, due_at=due, met_at=met, state=state, left=left))
    diagnosis, solution = views
    breached = diagnosis.state == "breached" or solution.state == "breached"
    return SlaView(
        diagnosis=diagnosis,
        solution=solution,
        auto_close_at=ticket.auto_close_at,
        at_risk=ticket.at_risk and not breached,
    )


# --------------------------------------------------------------------------- warnings


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

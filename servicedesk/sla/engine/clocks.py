"""The two SLA clocks of a ticket (diagnosis and solution), computed from its timeline
(domain §5 and §7). Pure: no database, no clock reads — ``as_of`` is an argument.

Everything is computed in integer space: each instant is converted once to UTC epoch
microseconds and to business microseconds (``BusinessCalendar.business_us``). A clock is
the list of business-time segments in which it ran; its deadline is the opening + the
business point at which its running time reaches the current target — converted back to an
instant once.

Decisions taken here (the domain leaves them open):

* Events must be in time order (equal instants allowed) and not before the opening;
  otherwise ``ValueError``. Events after ``as_of`` are validated but not applied
  (they have not happened yet at ``as_of``).
* Keys of one event apply in this order: type, severity, diagnosis,
  customer_interaction, status.
* Any status may follow any other (the transition table lives in ``tickets.workflow``);
  a status equal to the current one is a no-op (it does not restart the auto-close count).
* A clock runs only while it is unmet and the status is NOVO / EM ATENDIMENTO /
  MANUTENÇÃO. Every other instant between the opening and the end of the clock's
  timeline is paused time — including time spent RESOLVIDO/ENCERRADO before a reopening
  (§5: "reported as paused time", "shifts the deadline like a pause").
* The deadline is the instant at which the clock's running business time (from the opening,
  outside pauses) reaches the current target (§5, first precise rule). While the clock has
  time left, that is the end of its timeline + what is left (so a pause adds the business
  time it covered); while paused (or stopped) it is the deadline that holds if the clock
  resumed at the evaluation instant. Once the running time has reached the target, the
  deadline is the instant it did: a pause that begins after the deadline, or exactly at it,
  does not move it — the clock is breached there and stays breached there, and the pause
  still counts in its paused time.
* Breach compares real instants: met after the deadline, or not met with the evaluation
  instant strictly after it.
* A ticket that is ENCERRADO/CANCELADO is evaluated as of the instant it stopped; an
  unmet clock there reports "breached" if the deadline passed before the stop, else
  "paused" (it no longer runs).
* A diagnosis registered while the ticket is ENCERRADO/CANCELADO changes nothing (the
  clock stands as it was at the stop, §7); after a reopening it meets the clock as usual.
* A customer interaction with no status in the same event moves AGUARDANDO CLIENTE and
  RESOLVIDO to EM ATENDIMENTO (§7); with a status in the same event, that status is the
  outcome (``{"customer_interaction": true, "status": "ENCERRADO"}`` is the confirmation).
  On ENCERRADO it changes nothing: the customer cannot reopen a closed ticket.
* NOVO may be set again later (it is a running status like EM ATENDIMENTO); whether that
  transition is allowed is the workflow's business, not the clock's.
* Auto-close (§7): entering RESOLVIDO or AGUARDANDO CLIENTE starts a 16-business-hour
  count; a customer interaction that leaves the ticket in that status restarts it. At the
  closing instant the ticket becomes ENCERRADO, before any event at that same instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from servicedesk.sla.engine.calendar import BusinessCalendar, duration_us, epoch_us
from servicedesk.sla.engine.policy import (
    AUTO_CLOSE_AFTER,
    AUTO_CLOSE_STATUSES,
    PAUSING_STATUSES,
    RUNNING_STATUSES,
    UNIFORM_SEVERITY_TYPES,
    Environment,
    Severity,
    TicketStatus,
    TicketType,
)

__all__ = ["PAUSING_ORDER", "ClockReport", "ClockState", "Timeline", "TimelineEvent", "compute_clocks"]

RUNNING = "running"
PAUSED = "paused"
MET = "met"
BREACHED = "breached"

_STATUS = {s.value: s for s in TicketStatus}
_TYPE = {t.value: t for t in TicketType}
_SEVERITY = {s.value: s for s in Severity}
_ENVIRONMENT = {e.value: e for e in Environment}
_RUNNING = frozenset(s.value for s in RUNNING_STATUSES)
_AUTO_CLOSE = frozenset(s.value for s in AUTO_CLOSE_STATUSES)
_UNIFORM = frozenset(t.value for t in UNIFORM_SEVERITY_TYPES)
_FINAL = frozenset({TicketStatus.CLOSED.value, TicketStatus.CANCELLED.value})
_STOPPED_FOR_REOPEN = frozenset({TicketStatus.RESOLVED.value, *_FINAL})
_RESOLVED = TicketStatus.RESOLVED.value
_CLOSED = TicketStatus.CLOSED.value
_IN_PROGRESS = TicketStatus.IN_PROGRESS.value
_NORMAL = Severity.NORMAL.value
_AUTO_CLOSE_US = duration_us(AUTO_CLOSE_AFTER)


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """Something that happened to a ticket at ``at`` (aware). Unset fields change nothing."""

    at: datetime
    type: str | None = None
    severity: str | None = None
    diagnosis: bool = False
    customer_interaction: bool = False
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Timeline:
    """A ticket's SLA-relevant history. The initial status is NOVO."""

    opened_at: datetime
    type: str
    severity: str
    environment: str
    events: tuple[TimelineEvent, ...] = ()


@dataclass(frozen=True, slots=True)
class ClockState:
    """One clock. Instants are aware, in the calendar's zone; durations are business time."""

    due_at: datetime
    met_at: datetime | None
    state: str  # "running" | "paused" | "met" | "breached"
    elapsed: timedelta  # running business time from the opening to min(as_of, met, stop)
    paused: timedelta  # business time not running in that same span
    # the part of `paused` spent in each pausing status (domain.md §5), in PAUSING_ORDER; the
    # rest of `paused` is time stopped (RESOLVIDO, ENCERRADO) before a reopening
    paused_by_status: tuple[timedelta, ...] = ()

    def to_json(self) -> dict[str, Any]:
        by_status = self.paused_by_status or (timedelta(0),) * len(PAUSING_ORDER)
        return {
            "due_at": self.due_at.isoformat(),
            "met_at": None if self.met_at is None else self.met_at.isoformat(),
            "state": self.state,
            "elapsed_seconds": self.elapsed // _SECOND,
            "paused_seconds": self.paused // _SECOND,
            "paused_by_status": {
                status: spent // _SECOND for status, spent in zip(PAUSING_ORDER, by_status, strict=True)
            },
        }


@dataclass(frozen=True, slots=True)
class ClockReport:
    status: TicketStatus
    severity: Severity
    type: TicketType
    diagnosis: ClockState
    solution: ClockState
    auto_close_at: datetime | None  # pending closing, or the instant it auto-closed
    contractual: bool  # production tickets count for contractual compliance (§5)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "severity": self.severity.value,
            "type": self.type.value,
            "diagnosis": self.diagnosis.to_json(),
            "solution": self.solution.to_json(),
            "auto_close_at": None if self.auto_close_at is None else self.auto_close_at.isoformat(),
            "contractual": self.contractual,
        }


_SECOND = timedelta(seconds=1)
# The pausing statuses in the order the reports show them.
PAUSING_ORDER: tuple[str, ...] = (
    TicketStatus.WAITING_CUSTOMER.value,
    TicketStatus.SERVICES.value,
    TicketStatus.PROPOSAL.value,
    TicketStatus.ADVISORY.value,
)
assert frozenset(PAUSING_ORDER) == frozenset(s.value for s in PAUSING_STATUSES)


class _Clock:
    """Mutable working state of one clock, in business microseconds."""

    __slots__ = ("due_b", "met_b", "met_us", "run_start", "segments")

    def __init__(self, open_b: int) -> None:
        self.segments: list[tuple[int, int]] = []  # closed running segments
        self.run_start: int | None = open_b  # start of the running segment, if running
        self.met_us: int | None = None
        self.met_b = 0
        self.due_b = 0  # frozen deadline once met

    def stop_running(self, b: int) -> None:
        if self.run_start is not None:
            self.segments.append((self.run_start, b))
            self.run_start = None

    def due(self, target: int, end_b: int) -> int:
        """The deadline as a business point: where the running time reaches ``target``
        (domain.md §5). ``end_b`` is where the clock's timeline ends — its met instant, the
        ticket's stop, or the moment of evaluation. With time left, the deadline is ``end_b`` +
        what is left (while paused: the deadline if the clock resumed at ``end_b``; every pause
        before it has shifted it by the business time it covered). With none left, it is the
        point inside a running segment where the target was reached: later pauses do not
        move it."""
        left = target - self.running_total(end_b)
        if left > 0:
            return end_b + left
        reached = 0
        for start, end in self.segments:
            if reached + (end - start) >= target:
                return start + (target - reached)
            reached += end - start
        assert self.run_start is not None  # the target was reached in the running segment
        return self.run_start + (target - reached)

    def running_total(self, end_b: int) -> int:
        total = 0
        for start, end in self.segments:
            total += end - start
        if self.run_start is not None:
            total += end_b - self.run_start
        return total


def _check(value: str, allowed: Mapping[str, Any], what: str) -> Any:
    try:
        return allowed[value]
    except (KeyError, TypeError):
        raise ValueError(f"unknown {what} {value!r}; expected one of {list(allowed)}") from None


def compute_clocks(
    timeline: Timeline,
    *,
    targets: Mapping[str, tuple[timedelta, timedelta]],
    calendar: BusinessCalendar,
    as_of: datetime,
) -> ClockReport:
    """Both SLA clocks of ``timeline`` evaluated at ``as_of`` (aware).

    ``targets``: severity → (diagnosis, solution) business-time targets of the ticket's
    plan snapshot. Invalid values, naive datetimes or out-of-order events → ``ValueError``.
    """
    cal = calendar
    open_us = epoch_us(timeline.opened_at)
    asof_us = epoch_us(as_of)
    if asof_us < open_us:
        raise ValueError(f"as_of {as_of.isoformat()} is before the opening {timeline.opened_at.isoformat()}")
    ticket_type = timeline.type
    severity = timeline.severity
    _check(ticket_type, _TYPE, "type")
    _check(severity, _SEVERITY, "severity")
    environment = _check(timeline.environment, _ENVIRONMENT, "environment")
    if ticket_type in _UNIFORM and severity != _NORMAL:
        raise ValueError(f"a {ticket_type} ticket is always {_NORMAL}, got severity {severity!r}")
    target_cache: dict[str, tuple[int, int]] = {}

    def target(sev: str) -> tuple[int, int]:
        pair = target_cache.get(sev)
        if pair is None:
            try:
                diag_t, sol_t = targets[sev]
            except KeyError:
                raise ValueError(f"no SLA target for severity {sev!r} in this plan") from None
            pair = (duration_us(diag_t), duration_us(sol_t))
            if pair[0] <= 0 or pair[1] <= 0:
                raise ValueError(f"SLA targets must be positive, got {targets[sev]!r} for {sev!r}")
            target_cache[sev] = pair
        return pair

    target(severity)

    open_b = cal.business_us(open_us)
    diag = _Clock(open_b)
    sol = _Clock(open_b)
    status = TicketStatus.NEW.value
    close_us: int | None = None  # pending auto-close instant
    close_b = 0
    auto_closed_us: int | None = None
    stop_us: int | None = None  # instant the ticket became ENCERRADO/CANCELADO
    stop_b = 0
    marks: list[tuple[str, int]] = [(status, open_b)]  # (status, business point it was entered)

    def meet(clock: _Clock, index: int, t: int, b: int) -> None:
        clock.stop_running(b)
        clock.met_us = t
        clock.met_b = b
        # §5: a met clock keeps the target it was met with.
        clock.due_b = clock.due(target(severity)[index], b)

    def transition(new: str, t: int, b: int) -> None:
        nonlocal status, close_us, close_b, stop_us, stop_b, auto_closed_us
        if status in _STOPPED_FOR_REOPEN and new not in _STOPPED_FOR_REOPEN:
            # §5 reopening: clear the solution's met instant only; the stopped time is paused.
            sol.met_us = None
            stop_us = None
            auto_closed_us = None
        if new == _RESOLVED:
            if diag.met_us is None:  # §5: a resolution also meets the diagnosis
                meet(diag, 0, t, b)
            if sol.met_us is None:
                meet(sol, 1, t, b)
        status = new
        marks.append((new, b))
        running = new in _RUNNING
        for clock in (diag, sol):
            if clock.met_us is None:
                if running:
                    if clock.run_start is None:
                        clock.run_start = b
                else:
                    clock.stop_running(b)
        if new in _AUTO_CLOSE:  # §7: the 16 business hours count from the entry
            close_b = b + _AUTO_CLOSE_US
            close_us = cal.instant_us(close_b)
        else:
            close_us = None
        if new in _FINAL and stop_us is None:  # clocks are evaluated as of the first stop
            stop_us = t
            stop_b = b

    def auto_close() -> None:
        nonlocal auto_closed_us
        at = close_us
        assert at is not None
        transition(_CLOSED, at, close_b)
        auto_closed_us = at

    previous_us = open_us
    later_type: str | None = None  # type through the events after as_of (validation only)
    for event in timeline.events:
        t = epoch_us(event.at)
        if t < previous_us:
            what = "before the opening" if t < open_us else "out of order"
            raise ValueError(f"event at {event.at.isoformat()} is {what}")
        previous_us = t
        if event.type is not None:
            _check(event.type, _TYPE, "type")
        if event.severity is not None:
            _check(event.severity, _SEVERITY, "severity")
        if event.status is not None:
            _check(event.status, _STATUS, "status")
        if t > asof_us:  # validated, not applied: it has not happened at as_of
            if event.type is not None:
                later_type = event.type
            elif later_type is None:
                later_type = ticket_type
            if event.severity is not None and event.severity != _NORMAL and later_type in _UNIFORM:
                # refused whatever as_of is (a Solicitação/Dúvida is always Normal)
                raise ValueError(f"severity change refused on a {later_type} ticket (at {event.at.isoformat()})")
            continue
        if close_us is not None and close_us <= t:
            auto_close()
        b = cal.business_us(t)
        if event.type is not None and event.type != ticket_type:
            ticket_type = event.type
            if ticket_type in _UNIFORM:  # §3: Solicitação/Dúvida are always Normal
                severity = _NORMAL
        if event.severity is not None and event.severity != severity:
            if ticket_type in _UNIFORM:  # §5: refused on Solicitação/Dúvida
                raise ValueError(f"severity change refused on a {ticket_type} ticket (at {event.at.isoformat()})")
            target(event.severity)
            severity = event.severity
        if event.diagnosis and diag.met_us is None and status not in _FINAL:
            meet(diag, 0, t, b)  # on a closed/cancelled ticket the clock stays as it stood
        new_status = event.status
        if new_status is None and event.customer_interaction and status in _AUTO_CLOSE:
            new_status = _IN_PROGRESS  # §7: a customer comment resumes / reopens
        if new_status is not None and new_status != status:
            transition(new_status, t, b)
        elif event.customer_interaction and status in _AUTO_CLOSE:
            close_b = b + _AUTO_CLOSE_US  # interaction restarts the no-interaction count
            close_us = cal.instant_us(close_b)

    if close_us is not None and close_us <= asof_us:  # §7: a closing due at as_of happened
        auto_close()

    if stop_us is not None:
        eval_us, eval_b = stop_us, stop_b
    else:
        eval_us, eval_b = asof_us, cal.business_us(asof_us)
    diag_target, sol_target = target(severity)
    running_now = status in _RUNNING
    to_datetime = cal.to_datetime

    def state_of(clock: _Clock, clock_target: int) -> ClockState:
        if clock.met_us is not None:
            end_b = clock.met_b
            due_us = cal.instant_us(clock.due_b)
            state = BREACHED if clock.met_us > due_us else MET
            met_at: datetime | None = to_datetime(clock.met_us)
        else:
            end_b = eval_b
            due_us = cal.instant_us(clock.due(clock_target, eval_b))
            if eval_us > due_us:
                state = BREACHED
            else:
                state = RUNNING if running_now else PAUSED
            met_at = None
        elapsed = clock.running_total(end_b)
        spent = dict.fromkeys(PAUSING_ORDER, 0)
        for index, (mark_status, start_b) in enumerate(marks):
            if start_b >= end_b:
                break
            if mark_status in spent:
                until = marks[index + 1][1] if index + 1 < len(marks) else end_b
                spent[mark_status] += min(until, end_b) - start_b
        return ClockState(
            due_at=to_datetime(due_us),
            met_at=met_at,
            state=state,
            elapsed=timedelta(microseconds=elapsed),
            paused=timedelta(microseconds=end_b - open_b - elapsed),
            paused_by_status=tuple(timedelta(microseconds=spent[s]) for s in PAUSING_ORDER),
        )

    if close_us is not None:
        auto_close_at: datetime | None = to_datetime(close_us)
    elif auto_closed_us is not None and status == _CLOSED:
        auto_close_at = to_datetime(auto_closed_us)
    else:
        auto_close_at = None
    return ClockReport(
        status=_STATUS[status],
        severity=_SEVERITY[severity],
        type=_TYPE[ticket_type],
        diagnosis=state_of(diag, diag_target),
        solution=state_of(sol, sol_target),
        auto_close_at=auto_close_at,
        contractual=environment is Environment.PRODUCTION,
    )

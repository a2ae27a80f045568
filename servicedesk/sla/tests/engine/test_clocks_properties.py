"""Hypothesis properties of compute_clocks over random timelines."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from servicedesk.sla import BusinessCalendar, Timeline, TimelineEvent, compute_clocks, targets_for
from servicedesk.sla.tests.engine.test_calendar_properties import PROPERTY

SP = ZoneInfo("America/Sao_Paulo")
CAL = BusinessCalendar.default()
TARGETS = targets_for("PREMIUM")
STATUSES = [
    "EM ATENDIMENTO",
    "MANUTENÇÃO",
    "AGUARDANDO CLIENTE",
    "SERV-ASSESSORIA",
    "RESOLVIDO",
    "ENCERRADO",
    "CANCELADO",
]
openings = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 1), timezones=st.just(SP))
gaps = st.integers(0, 3 * 86_400).map(lambda s: timedelta(seconds=s))


@st.composite
def timelines(draw: st.DrawFn) -> tuple[Timeline, datetime]:
    opened = draw(openings)
    moment = opened
    events = []
    for _ in range(draw(st.integers(0, 6))):
        moment += draw(gaps)
        kind = draw(st.sampled_from(["status", "diagnosis", "customer", "severity"]))
        if kind == "status":
            events.append(TimelineEvent(moment, status=draw(st.sampled_from(STATUSES))))
        elif kind == "diagnosis":
            events.append(TimelineEvent(moment, diagnosis=True))
        elif kind == "customer":
            events.append(TimelineEvent(moment, customer_interaction=True))
        else:
            events.append(TimelineEvent(moment, severity=draw(st.sampled_from(["Crítica", "Alta", "Normal", "Baixa"]))))
    timeline = Timeline(
        opened, "Problema", draw(st.sampled_from(["Crítica", "Alta", "Normal"])), "produção", tuple(events)
    )
    return timeline, moment + draw(gaps)


@PROPERTY
@given(case=timelines())
def test_clock_invariants(case: tuple[Timeline, datetime]) -> None:
    timeline, as_of = case
    report = compute_clocks(timeline, targets=TARGETS, calendar=CAL, as_of=as_of)
    for clock in (report.diagnosis, report.solution):
        assert clock.elapsed >= timedelta(0) and clock.paused >= timedelta(0)
        end = clock.met_at or as_of
        assert clock.elapsed + clock.paused <= CAL.elapsed(timeline.opened_at, end)
        if clock.met_at is not None:
            assert clock.state in ("met", "breached")
            assert (clock.state == "breached") == (clock.met_at > clock.due_at)
        elif clock.state == "breached":
            assert as_of > clock.due_at
    if report.solution.met_at is not None:
        assert report.diagnosis.met_at is not None and report.diagnosis.met_at <= report.solution.met_at


@PROPERTY
@given(opened=openings, first=gaps, second=gaps, after=gaps)
def test_pausing_only_moves_deadlines_later(
    opened: datetime, first: timedelta, second: timedelta, after: timedelta
) -> None:
    pause_at = opened + first
    resume_at = pause_at + second
    as_of = resume_at + after
    plain = Timeline(opened, "Problema", "Alta", "produção")
    paused = Timeline(
        opened,
        "Problema",
        "Alta",
        "produção",
        (TimelineEvent(pause_at, status="AGUARDANDO CLIENTE"), TimelineEvent(resume_at, status="EM ATENDIMENTO")),
    )
    a = compute_clocks(plain, targets=TARGETS, calendar=CAL, as_of=as_of)
    b = compute_clocks(paused, targets=TARGETS, calendar=CAL, as_of=as_of)
    pause_length = CAL.elapsed(pause_at, resume_at)
    for before, after_pause in ((a.diagnosis, b.diagnosis), (a.solution, b.solution)):
        assert after_pause.due_at >= before.due_at
        if CAL.to_business(pause_at) >= CAL.to_business(before.due_at):
            # §5: a pause that begins once the running time reached the target does not move it.
            assert after_pause.due_at == before.due_at
        else:
            # §5: a pause adds exactly the business time it covered to the deadline.
            assert CAL.elapsed(before.due_at, after_pause.due_at) == pause_length

"""compute_clocks: one test per rule of domain §5–§7. Unless said otherwise the ticket is
PREMIUM, Problema, Crítica, produção, opened Tue 2026-12-01 10:00 (São Paulo):
diagnosis (6 h) due 2026-12-01 17:00, solution (8 h) due 2026-12-02 10:00."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from servicedesk.sla import BusinessCalendar, ClockReport, Timeline, TimelineEvent, compute_clocks, targets_for

SP = ZoneInfo("America/Sao_Paulo")
CAL = BusinessCalendar.default()
OPENED = "2026-12-01T10:00"


def at(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=SP)


def ev(when: str, **changes: Any) -> TimelineEvent:
    return TimelineEvent(at=at(when), **changes)


def run(
    *events: TimelineEvent,
    as_of: str,
    opened: str = OPENED,
    type: str = "Problema",
    severity: str = "Crítica",
    environment: str = "produção",
    plan: str = "PREMIUM",
) -> ClockReport:
    timeline = Timeline(at(opened), type, severity, environment, tuple(events))
    return compute_clocks(timeline, targets=targets_for(plan), calendar=CAL, as_of=at(as_of))


def assert_clock(report: ClockReport, clock: str, *, due: str, state: str, met: str | None = None) -> None:
    c = getattr(report, clock)
    assert (c.due_at, c.state) == (at(due), state), f"{clock}: {c.due_at.isoformat()} {c.state}"
    assert c.met_at == (None if met is None else at(met))


H = timedelta(hours=1)


# ---- deadlines and states ------------------------------------------------------------
def test_worked_example_premium_critical() -> None:
    r = run(as_of="2026-12-01T12:00")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="running")
    assert_clock(r, "solution", due="2026-12-02T10:00", state="running")
    assert (r.diagnosis.elapsed, r.diagnosis.paused) == (2 * H, timedelta(0))
    assert (str(r.status), str(r.severity), str(r.type), r.contractual) == ("NOVO", "Crítica", "Problema", True)


def test_opened_outside_hours_counts_from_next_opening() -> None:
    r = run(opened="2026-12-05T10:00", as_of="2026-12-05T11:00")  # Saturday
    assert_clock(r, "diagnosis", due="2026-12-07T16:00", state="running")


def test_breached_only_strictly_after_due() -> None:
    assert run(as_of="2026-12-01T17:00").diagnosis.state == "running"
    assert run(as_of="2026-12-01T17:00:00.000001").diagnosis.state == "breached"


def test_diagnosis_event_meets_diagnosis_only() -> None:
    r = run(ev("2026-12-01T12:00", diagnosis=True), as_of="2026-12-01T16:00")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="met", met="2026-12-01T12:00")
    assert r.diagnosis.elapsed == 2 * H  # stops growing at met
    assert_clock(r, "solution", due="2026-12-02T10:00", state="running")


def test_met_exactly_at_due_is_met_and_after_is_breached() -> None:
    r = run(ev("2026-12-01T17:00", diagnosis=True), as_of="2026-12-02T12:00")
    assert r.diagnosis.state == "met"
    r = run(ev("2026-12-01T17:00:00.000001", diagnosis=True), as_of="2026-12-02T12:00")
    assert r.diagnosis.state == "breached"


def test_resolution_meets_both_clocks() -> None:
    r = run(ev("2026-12-01T12:00", status="RESOLVIDO"), as_of="2026-12-01T16:00")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="met", met="2026-12-01T12:00")
    assert_clock(r, "solution", due="2026-12-02T10:00", state="met", met="2026-12-01T12:00")


def test_resolution_keeps_an_earlier_diagnosis() -> None:
    r = run(
        ev("2026-12-01T11:00", diagnosis=True), ev("2026-12-01T12:00", status="RESOLVIDO"), as_of="2026-12-01T16:00"
    )
    assert r.diagnosis.met_at == at("2026-12-01T11:00")


def test_solution_met_late_is_breached() -> None:
    r = run(ev("2026-12-02T11:00", status="RESOLVIDO"), as_of="2026-12-02T12:00")
    assert_clock(r, "solution", due="2026-12-02T10:00", state="breached", met="2026-12-02T11:00")


# ---- pauses -----------------------------------------------------------------------------
@pytest.mark.parametrize("pausing", ["AGUARDANDO CLIENTE", "SERV-ASSESSORIA", "COM-PROPOSTA", "SERVIÇOS"])
def test_pausing_statuses_shift_deadlines_by_the_paused_business_time(pausing: str) -> None:
    # Paused 11:00–15:00 = 3 business hours (lunch excluded).
    r = run(
        ev("2026-12-01T11:00", status=pausing),
        ev("2026-12-01T15:00", status="EM ATENDIMENTO"),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-02T11:00", state="running")
    assert_clock(r, "solution", due="2026-12-02T13:00", state="running")
    assert (r.diagnosis.elapsed, r.diagnosis.paused) == (2 * H, 3 * H)


@pytest.mark.parametrize("running", ["NOVO", "EM ATENDIMENTO", "MANUTENÇÃO"])
def test_running_statuses_do_not_pause(running: str) -> None:
    r = run(
        ev("2026-12-01T11:00", status="EM ATENDIMENTO"),
        ev("2026-12-01T12:00", status=running),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="running")


def test_pause_across_a_night() -> None:
    r = run(
        ev("2026-12-01T16:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-02T10:00", status="EM ATENDIMENTO"),
        as_of="2026-12-02T10:30",
    )
    assert_clock(r, "diagnosis", due="2026-12-02T11:00", state="running")  # 5 h run + 1 h
    assert_clock(r, "solution", due="2026-12-02T13:00", state="running")  # 5 h run + 3 h
    assert r.solution.paused == 3 * H


def test_while_paused_due_is_as_if_resumed_now() -> None:
    pause = ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE")
    r = run(pause, as_of="2026-12-01T15:00")
    assert_clock(r, "diagnosis", due="2026-12-02T11:00", state="paused")
    r = run(pause, as_of="2026-12-01T16:00")
    assert_clock(r, "diagnosis", due="2026-12-02T12:00", state="paused")


def test_rule_pause_after_the_deadline_does_not_move_it() -> None:
    # §5, first precise rule. PREMIUM Crítica opened Tue 10:00: 6 h of diagnosis run 10–13 and
    # 14–17, so the deadline is Tue 17:00. A pause from 17:30 does not move it: breached at
    # 17:00 and still there; the pause (17:30–18:00 + Wed 09:00–09:30 = 1 h) is paused time.
    r = run(ev("2026-12-01T17:30", status="AGUARDANDO CLIENTE"), as_of="2026-12-02T09:30")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="breached")
    assert r.diagnosis.paused == 1 * H
    assert r.diagnosis.elapsed == timedelta(hours=6, minutes=30)  # 10–13 and 14–17:30
    resumed = run(
        ev("2026-12-01T17:30", status="AGUARDANDO CLIENTE"),
        ev("2026-12-02T11:00", status="EM ATENDIMENTO"),
        as_of="2026-12-02T12:00",
    )
    assert_clock(resumed, "diagnosis", due="2026-12-01T17:00", state="breached")
    assert resumed.diagnosis.paused == timedelta(hours=2, minutes=30)  # 17:30–18:00 + Wed 09:00–11:00


def test_rule_pause_exactly_at_the_deadline_does_not_move_it() -> None:
    # The running time reaches the 6 h target at 17:00, the instant the pause begins: the
    # deadline is 17:00, and the evaluation on Wed 09:30 is strictly after it.
    r = run(ev("2026-12-01T17:00", status="AGUARDANDO CLIENTE"), as_of="2026-12-02T09:30")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="breached")
    assert r.diagnosis.paused == timedelta(hours=1, minutes=30)  # 17:00–18:00 + 09:00–09:30
    # Evaluated at the deadline itself it is not yet breached (strictly after, §5) — and paused.
    at_deadline = run(ev("2026-12-01T17:00", status="AGUARDANDO CLIENTE"), as_of="2026-12-01T17:00")
    assert_clock(at_deadline, "diagnosis", due="2026-12-01T17:00", state="paused")


def test_pause_after_a_met_clock_does_not_touch_it() -> None:
    r = run(
        ev("2026-12-01T11:00", diagnosis=True),
        ev("2026-12-01T12:00", status="AGUARDANDO CLIENTE"),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="met", met="2026-12-01T11:00")
    assert r.diagnosis.paused == timedelta(0)


# ---- reclassification -----------------------------------------------------------------
def test_severity_change_recomputes_from_the_opening() -> None:
    r = run(ev("2026-12-01T12:00", severity="Normal"), as_of="2026-12-01T16:00")
    assert_clock(r, "diagnosis", due="2026-12-03T10:00", state="running")  # 16 h from opening
    assert_clock(r, "solution", due="2027-01-06T10:00", state="running")  # 24 days from opening


def test_upgrade_to_a_past_deadline_is_a_breach_since_it_passed() -> None:
    r = run(ev("2026-12-02T10:00", severity="Crítica"), severity="Normal", as_of="2026-12-02T10:00")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="breached")


def test_downgrade_lifts_a_breach() -> None:
    r = run(ev("2026-12-02T12:00", severity="Normal"), as_of="2026-12-02T12:00")
    assert_clock(r, "diagnosis", due="2026-12-03T10:00", state="running")


def test_met_clock_keeps_the_target_it_was_met_with() -> None:
    r = run(ev("2026-12-01T12:00", diagnosis=True), ev("2026-12-01T13:00", severity="Baixa"), as_of="2026-12-01T16:00")
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="met", met="2026-12-01T12:00")
    # Met in time under Normal; a later upgrade to Crítica does not turn it into a breach.
    r = run(
        ev("2026-12-02T10:00", diagnosis=True),
        ev("2026-12-02T11:00", severity="Crítica"),
        severity="Normal",
        as_of="2026-12-02T12:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-03T10:00", state="met", met="2026-12-02T10:00")


def test_paused_time_keeps_counting_after_reclassification() -> None:
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-01T15:00", status="EM ATENDIMENTO"),
        ev("2026-12-01T16:00", severity="Normal"),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-03T13:00", state="running")  # 16 h + 3 h paused


def test_type_change_to_request_or_question_forces_normal() -> None:
    for new_type in ("Solicitação", "Dúvida"):
        r = run(ev("2026-12-01T12:00", type=new_type), as_of="2026-12-01T16:00")
        assert (str(r.type), str(r.severity)) == (new_type, "Normal")
        assert_clock(r, "diagnosis", due="2026-12-03T10:00", state="running")


def test_severity_change_on_a_question_is_refused() -> None:
    with pytest.raises(ValueError, match="severity change refused"):
        run(ev("2026-12-01T12:00", severity="Alta"), type="Dúvida", severity="Normal", as_of="2026-12-01T16:00")
    r = run(ev("2026-12-01T12:00", severity="Normal"), type="Dúvida", severity="Normal", as_of="2026-12-01T16:00")
    assert str(r.severity) == "Normal"  # same value: nothing changes, nothing refused


def test_type_and_severity_in_one_event_apply_type_first() -> None:
    r = run(
        ev("2026-12-01T12:00", type="Problema", severity="Alta"),
        type="Dúvida",
        severity="Normal",
        as_of="2026-12-01T16:00",
    )
    assert (str(r.type), str(r.severity)) == ("Problema", "Alta")


def test_back_to_problem_keeps_normal_until_set() -> None:
    r = run(ev("2026-12-01T11:00", type="Dúvida"), ev("2026-12-01T12:00", type="Problema"), as_of="2026-12-01T16:00")
    assert (str(r.type), str(r.severity)) == ("Problema", "Normal")


def test_question_opened_with_other_severity_is_refused() -> None:
    with pytest.raises(ValueError, match="always Normal"):
        run(type="Dúvida", severity="Crítica", as_of="2026-12-01T16:00")


# ---- reopening -------------------------------------------------------------------------
def test_reopening_clears_solution_only_and_counts_resolved_time_as_paused() -> None:
    r = run(
        ev("2026-12-01T12:00", status="RESOLVIDO"),
        ev("2026-12-01T15:00", status="EM ATENDIMENTO"),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="met", met="2026-12-01T12:00")
    assert_clock(r, "solution", due="2026-12-02T12:00", state="running")  # shifted by 2 h
    assert (r.solution.elapsed, r.solution.paused) == (3 * H, 2 * H)
    assert r.solution.paused_by_status == (timedelta(0),) * 4  # stopped time is no pausing status's


def test_paused_time_is_split_by_pausing_status_up_to_each_clocks_end() -> None:
    # Tue 10–11 running, 11–12 AGUARDANDO CLIENTE (1 h), 12–13 and 14–14:30 running, 14:30–16:00
    # SERVIÇOS (1.5 h), 16:00–16:30 running, 16:30 AGUARDANDO CLIENTE again until Wed 09:30
    # (16:30–18:00 + 09–09:30 = 2 h), running to 10:00; a diagnosis registered at 17:00, in that
    # pause, ends the diagnosis clock: 1 h + 0.5 h waiting, 1.5 h SERVIÇOS; solution: 3 h + 1.5 h.
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-01T12:00", status="EM ATENDIMENTO"),
        ev("2026-12-01T14:30", status="SERVIÇOS"),
        ev("2026-12-01T16:00", status="EM ATENDIMENTO"),
        ev("2026-12-01T16:30", status="AGUARDANDO CLIENTE"),
        ev("2026-12-01T17:00", diagnosis=True),
        ev("2026-12-02T09:30", status="EM ATENDIMENTO"),
        as_of="2026-12-02T10:00",
    )
    zero = timedelta(0)
    assert r.diagnosis.paused_by_status == (1.5 * H, 1.5 * H, zero, zero)
    assert (r.solution.elapsed, r.solution.paused) == (3.5 * H, 4.5 * H)
    assert r.solution.paused_by_status == (3 * H, 1.5 * H, zero, zero)
    assert r.solution.to_json()["paused_by_status"] == {
        "AGUARDANDO CLIENTE": 10800,
        "SERVIÇOS": 5400,
        "COM-PROPOSTA": 0,
        "SERV-ASSESSORIA": 0,
    }


def test_customer_comment_on_resolved_reopens() -> None:
    r = run(
        ev("2026-12-01T12:00", status="RESOLVIDO"),
        ev("2026-12-01T15:00", customer_interaction=True),
        as_of="2026-12-01T16:00",
    )
    assert str(r.status) == "EM ATENDIMENTO"
    assert_clock(r, "solution", due="2026-12-02T12:00", state="running")
    assert r.auto_close_at is None


def test_customer_confirmation_closes_without_reopening() -> None:
    r = run(
        ev("2026-12-01T12:00", status="RESOLVIDO"),
        ev("2026-12-01T15:00", customer_interaction=True, status="ENCERRADO"),
        as_of="2026-12-04T16:00",
    )
    assert str(r.status) == "ENCERRADO"
    assert_clock(r, "solution", due="2026-12-02T10:00", state="met", met="2026-12-01T12:00")
    assert r.auto_close_at is None


def test_staff_reopen_of_a_closed_ticket() -> None:
    r = run(
        ev("2026-12-01T12:00", status="RESOLVIDO"),
        ev("2026-12-01T14:00", status="ENCERRADO"),
        ev("2026-12-01T15:00", status="EM ATENDIMENTO"),
        as_of="2026-12-01T16:00",
    )
    assert_clock(r, "solution", due="2026-12-02T12:00", state="running")
    assert r.diagnosis.state == "met"


# ---- automatic closing (§7) --------------------------------------------------------------
def test_waiting_customer_auto_closes_after_16_business_hours() -> None:
    wait = ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE")
    r = run(wait, as_of="2026-12-03T10:59")
    assert (str(r.status), r.auto_close_at) == ("AGUARDANDO CLIENTE", at("2026-12-03T11:00"))
    r = run(wait, as_of="2026-12-03T11:00")  # a closing due at as_of has happened
    assert (str(r.status), r.auto_close_at) == ("ENCERRADO", at("2026-12-03T11:00"))
    # Clocks stand as they were at the closing: paused, due as if resumed then.
    assert_clock(r, "diagnosis", due="2026-12-03T17:00", state="paused")
    later = run(wait, as_of="2026-12-10T11:00")
    assert later.diagnosis == r.diagnosis and later.solution == r.solution


def test_resolved_auto_closes_after_16_business_hours() -> None:
    r = run(ev("2026-12-01T12:00", status="RESOLVIDO"), as_of="2026-12-04T09:00")
    assert (str(r.status), r.auto_close_at) == ("ENCERRADO", at("2026-12-03T12:00"))
    assert r.solution.state == "met"


def test_customer_comment_on_waiting_resumes_and_cancels_auto_close() -> None:
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-03T10:00", customer_interaction=True),
        as_of="2026-12-04T12:00",
    )
    assert (str(r.status), r.auto_close_at) == ("EM ATENDIMENTO", None)


def test_event_at_the_closing_instant_finds_the_ticket_closed() -> None:
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-03T11:00", customer_interaction=True),
        as_of="2026-12-04T12:00",
    )
    assert (str(r.status), r.auto_close_at) == ("ENCERRADO", at("2026-12-03T11:00"))


def test_customer_comment_after_closing_does_not_reopen() -> None:
    r = run(
        ev("2026-12-01T12:00", status="RESOLVIDO"),
        ev("2026-12-07T10:00", customer_interaction=True),
        as_of="2026-12-07T12:00",
    )
    assert str(r.status) == "ENCERRADO"
    assert r.solution.state == "met"


def test_staff_activity_does_not_reset_the_count() -> None:
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-02T11:00", diagnosis=True),
        ev("2026-12-02T12:00", severity="Alta"),
        ev("2026-12-02T12:30", status="AGUARDANDO CLIENTE"),  # same status: no new entry
        as_of="2026-12-03T11:00",
    )
    assert (str(r.status), r.auto_close_at) == ("ENCERRADO", at("2026-12-03T11:00"))


def test_customer_interaction_keeping_the_status_restarts_the_count() -> None:
    r = run(
        ev("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
        ev("2026-12-02T11:00", customer_interaction=True, status="AGUARDANDO CLIENTE"),
        as_of="2026-12-03T12:00",
    )
    assert (str(r.status), r.auto_close_at) == ("AGUARDANDO CLIENTE", at("2026-12-04T11:00"))


def test_breached_clock_stays_breached_after_auto_close() -> None:
    r = run(ev("2026-12-01T17:30", status="AGUARDANDO CLIENTE"), as_of="2026-12-20T12:00")
    assert str(r.status) == "ENCERRADO"
    # Breached Tue 17:00, before the pause: the deadline stays there (§5) through the closing.
    assert_clock(r, "diagnosis", due="2026-12-01T17:00", state="breached")
    assert r.diagnosis.elapsed == 6.5 * H  # it ran until the pause


def test_cancelled_ticket_is_evaluated_as_of_the_stop() -> None:
    cancel = ev("2026-12-01T12:00", status="CANCELADO")
    r = run(cancel, as_of="2026-12-01T12:30")
    later = run(cancel, as_of="2027-03-01T12:00")
    assert r == later
    assert_clock(later, "diagnosis", due="2026-12-01T17:00", state="paused")
    assert (later.diagnosis.elapsed, later.diagnosis.paused) == (2 * H, timedelta(0))
    assert later.auto_close_at is None


def test_environment_only_changes_contractual() -> None:
    prod = run(as_of="2026-12-01T12:00")
    staging = run(as_of="2026-12-01T12:00", environment="homologação")
    assert (prod.contractual, staging.contractual) == (True, False)
    assert prod.diagnosis == staging.diagnosis


# ---- input validation --------------------------------------------------------------------
def test_events_after_as_of_are_ignored() -> None:
    r = run(ev("2026-12-01T13:00", status="RESOLVIDO"), as_of="2026-12-01T12:00")
    assert str(r.status) == "NOVO"


@pytest.mark.parametrize(
    ("events", "kwargs", "message"),
    [
        ((ev("2026-12-01T12:00", status="X"),), {}, "unknown status"),
        ((ev("2026-12-01T12:00", type="Bug"),), {}, "unknown type"),
        ((ev("2026-12-01T12:00", severity="Urgente"),), {}, "unknown severity"),
        ((), {"environment": "dev"}, "unknown environment"),
        ((), {"severity": "Média"}, "unknown severity"),
        ((ev("2026-12-01T12:00"), ev("2026-12-01T11:00")), {}, "out of order"),
        ((ev("2026-12-01T09:00"),), {}, "before the opening"),
        ((), {"opened": "2026-12-02T10:00"}, "before the opening"),
        ((ev("2026-12-03T12:00", status="X"),), {}, "unknown status"),  # validated even after as_of
    ],
)
def test_invalid_timelines_are_refused(events: tuple[TimelineEvent, ...], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run(*events, as_of="2026-12-01T16:00", **kwargs)


def test_naive_datetimes_are_refused() -> None:
    timeline = Timeline(datetime(2026, 12, 1, 10), "Problema", "Crítica", "produção")
    with pytest.raises(ValueError, match="naive"):
        compute_clocks(timeline, targets=targets_for("PREMIUM"), calendar=CAL, as_of=at("2026-12-01T12:00"))


def test_to_json_format() -> None:
    r = run(ev("2026-12-01T12:00", diagnosis=True), as_of="2026-12-01T12:00:30")
    assert r.to_json() == {
        "status": "NOVO",
        "severity": "Crítica",
        "type": "Problema",
        "diagnosis": {
            "due_at": "2026-12-01T17:00:00-03:00",
            "met_at": "2026-12-01T12:00:00-03:00",
            "state": "met",
            "elapsed_seconds": 7200,
            "paused_seconds": 0,
            "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
        },
        "solution": {
            "due_at": "2026-12-02T10:00:00-03:00",
            "met_at": None,
            "state": "running",
            "elapsed_seconds": 7230,
            "paused_seconds": 0,
            "paused_by_status": {"AGUARDANDO CLIENTE": 0, "SERVIÇOS": 0, "COM-PROPOSTA": 0, "SERV-ASSESSORIA": 0},
        },
        "auto_close_at": None,
        "contractual": True,
    }

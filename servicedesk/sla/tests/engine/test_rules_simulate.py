"""domain.md §2, §5–§7 rule by rule, through the simulate tool's JSON contract (the shape an
independent checker sends). Every expected value is computed by hand in the comment beside it.

Unless a case says otherwise: PREMIUM, Problema, Crítica, produção, opened Tue 2026-12-01
10:00 (-03:00). Windows 09–13 and 14–18, so diagnosis (6 h) is due Tue 17:00 (10–13 = 3 h,
14–17 = 3 h) and solution (1 day = 8 h) Wed 2026-12-02 10:00.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from servicedesk.sla.cli import main

BASE: dict[str, Any] = {
    "plan": "PREMIUM",
    "type": "Problema",
    "severity": "Crítica",
    "environment": "produção",
    "opened_at": "2026-12-01T10:00:00-03:00",
    "as_of": "2026-12-01T12:00:00-03:00",
    "events": [],
}
H = 3600


def t(local: str) -> str:
    """'2026-12-01T10:00' → '2026-12-01T10:00:00-03:00' (São Paulo, no DST since 2019)."""
    return f"{local}:00-03:00" if len(local) == 16 else f"{local}-03:00"


def e(local: str, **keys: Any) -> dict[str, Any]:
    return {"at": t(local), **keys}


def case(as_of: str, *events: dict[str, Any], **top: Any) -> dict[str, Any]:
    return dict(BASE, as_of=t(as_of), events=list(events), **top)


def simulate(data: Any) -> tuple[int, str, str]:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    out, err = io.StringIO(), io.StringIO()
    code = main(["-"], stdin=io.StringIO(text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def assert_report(data: dict[str, Any], expected: dict[str, Any]) -> None:
    """Every key of ``expected`` (nested for the two clocks) equals the report's; instants
    in ``expected`` are local 'YYYY-MM-DDTHH:MM' strings."""
    code, out, err = simulate(data)
    assert (code, err) == (0, ""), err
    report = json.loads(out)
    for key, want in expected.items():
        if key in ("diagnosis", "solution"):
            for sub, sub_want in want.items():
                if sub in ("due_at", "met_at") and sub_want is not None:
                    sub_want = t(sub_want)
                assert report[key][sub] == sub_want, f"{key}.{sub}: {report[key][sub]!r} != {sub_want!r}"
        else:
            if key == "auto_close_at" and want is not None:
                want = t(want)
            assert report[key] == want, f"{key}: {report[key]!r} != {want!r}"


# ---- §6 targets: both plans, every severity ----------------------------------------------
# Opened Mon 2026-11-30 09:00 (a window start), so k × 8 h ends at 18:00 of the k-th business
# day. Business days from then: Nov 30, Dec 1–4, 7–11, 14–18, 21–24 (25 = Natal), 28–31,
# Jan 4–8 (1 Jan closed), 11–15, 18–22, 25–29, Feb 1, 2 …
TARGET_TABLE = [
    # 10 h = Mon 8 h + Tue 09–11 · 5 days = Fri 4 Dec 18:00
    ("STARTER", "Crítica", "2026-12-01T11:00", "2026-12-04T18:00"),
    # 20 h = Mon + Tue + Wed 09–13 (ends on a window end: stays 13:00) · day 20 = Mon 28 Dec
    ("STARTER", "Alta", "2026-12-02T13:00", "2026-12-28T18:00"),
    # 30 h = 3 days + Thu 09–13, 14–16 · day 30 = Tue 12 Jan 2027
    ("STARTER", "Normal", "2026-12-03T16:00", "2027-01-12T18:00"),
    # 40 h = 5 days → Fri 18:00 · day 45 = Tue 2 Feb 2027
    ("STARTER", "Baixa", "2026-12-04T18:00", "2027-02-02T18:00"),
    # 6 h = 09–13, 14–16 · 1 day = Mon 18:00
    ("PREMIUM", "Crítica", "2026-11-30T16:00", "2026-11-30T18:00"),
    # 10 h = Mon + Tue 09–11 · day 6 = Mon 7 Dec
    ("PREMIUM", "Alta", "2026-12-01T11:00", "2026-12-07T18:00"),
    # 16 h = 2 days → Tue 18:00 (not Wed 09:00) · day 24 = Mon 4 Jan 2027
    ("PREMIUM", "Normal", "2026-12-01T18:00", "2027-01-04T18:00"),
    # 40 h = Fri 18:00 · day 45 = Tue 2 Feb 2027
    ("PREMIUM", "Baixa", "2026-12-04T18:00", "2027-02-02T18:00"),
]


@pytest.mark.parametrize(("plan", "severity", "diagnosis_due", "solution_due"), TARGET_TABLE)
def test_rule_targets_of_each_plan_and_severity_one_day_is_8_business_hours(
    plan: str, severity: str, diagnosis_due: str, solution_due: str
) -> None:
    data = case("2026-11-30T09:00", plan=plan, severity=severity, opened_at=t("2026-11-30T09:00"))
    assert_report(
        data,
        {
            "diagnosis": {"due_at": diagnosis_due, "state": "running", "elapsed_seconds": 0},
            "solution": {"due_at": solution_due, "state": "running", "met_at": None},
        },
    )


# ---- the rules, one row each -------------------------------------------------------------
RULES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        # §6: Mon 10:00 + 5 days (40 h) = next Mon 10:00; diagnosis 10 h = Mon 7 h + Tue 09–12.
        "opened_monday_10h_5_days_due_next_monday_10h",
        case("2026-11-30T12:00", plan="STARTER", opened_at=t("2026-11-30T10:00")),
        {"solution": {"due_at": "2026-12-07T10:00"}, "diagnosis": {"due_at": "2026-12-01T12:00"}},
    ),
    (
        # §2: Saturday start counts from Mon 09:00: diagnosis Mon 09–13, 14–16; solution Mon 18:00.
        # Nothing has run by Saturday 11:00: elapsed 0, paused 0.
        "start_outside_business_time_counts_from_next_opening",
        case("2026-12-05T11:00", opened_at=t("2026-12-05T10:00")),
        {
            "diagnosis": {"due_at": "2026-12-07T16:00", "state": "running", "elapsed_seconds": 0, "paused_seconds": 0},
            "solution": {"due_at": "2026-12-07T18:00"},
        },
    ),
    (
        # §2: opened at lunch 13:30 counts from 14:00: 14–18 4 h + Wed 09–11.
        "start_at_lunch_counts_from_14h",
        case("2026-12-01T13:45", opened_at=t("2026-12-01T13:30")),
        {"diagnosis": {"due_at": "2026-12-02T11:00", "elapsed_seconds": 0}},
    ),
    (
        # §2: opened 18:00 (window end) counts from Wed 09:00: 09–13, 14–16.
        "start_at_18h_counts_from_next_morning",
        case("2026-12-01T20:00", opened_at=t("2026-12-01T18:00")),
        {"diagnosis": {"due_at": "2026-12-02T16:00"}},
    ),
    (
        # §2: Thu 24 Dec is a business day, Fri 25 (Natal) and the weekend are not:
        # 17–18 1 h + Mon 28 09–13 4 h + 14–15 1 h.
        "christmas_is_closed_christmas_eve_is_open",
        case("2026-12-24T17:30", opened_at=t("2026-12-24T17:00")),
        {"diagnosis": {"due_at": "2026-12-28T15:00", "elapsed_seconds": 1800}},
    ),
    (
        # §2: Ash Wednesday 18 Feb 2026 is a business day by default: 10:00 + 6 h = 17:00.
        "ash_wednesday_is_a_business_day",
        case("2026-02-18T12:00", opened_at=t("2026-02-18T10:00")),
        {"diagnosis": {"due_at": "2026-02-18T17:00", "elapsed_seconds": 2 * H}},
    ),
    (
        # §2: Carnival Monday 16 Feb 2026 too.
        "carnival_is_a_business_day",
        case("2026-02-16T12:00", opened_at=t("2026-02-16T10:00")),
        {"diagnosis": {"due_at": "2026-02-16T17:00"}},
    ),
    (
        # §2: Corpus Christi (Thu 4 Jun 2026) too.
        "corpus_christi_is_a_business_day",
        case("2026-06-04T12:00", opened_at=t("2026-06-04T10:00")),
        {"diagnosis": {"due_at": "2026-06-04T17:00"}},
    ),
    (
        # §2: Thu 31 Dec is open, Fri 1 Jan closed: 31 Dec 10–13, 14–17 → 17:00; solution
        # 8 h = 31 Dec 7 h + Mon 4 Jan 09–10.
        "new_years_eve_is_open_new_years_day_is_closed",
        case("2026-12-31T12:00", opened_at=t("2026-12-31T10:00")),
        {"diagnosis": {"due_at": "2026-12-31T17:00"}, "solution": {"due_at": "2027-01-04T10:00"}},
    ),
    (
        # §2: elapsed counts only window time: Tue 10:00 → Wed 10:00 = 3 + 4 + 1 = 8 h.
        "elapsed_counts_only_time_inside_windows",
        case("2026-12-02T10:00", opened_at=t("2026-12-01T10:00")),
        {"solution": {"elapsed_seconds": 8 * H, "paused_seconds": 0, "state": "running"}},
    ),
    (
        # §2: any year (lazily built): Tue 1 Dec 2099 10:00 + 6 h.
        "any_year_works",
        case("2099-12-01T12:00", opened_at=t("2099-12-01T10:00")),
        {"diagnosis": {"due_at": "2099-12-01T17:00", "elapsed_seconds": 2 * H}},
    ),
    (
        # §5: the diagnosis stops at the diagnosis (12:00): elapsed 2 h and no more; the
        # solution keeps running: 10–13 + 14–16 = 5 h.
        "diagnosis_stops_at_explicit_diagnosis",
        case("2026-12-01T16:00", e("2026-12-01T12:00", diagnosis=True)),
        {
            "status": "NOVO",
            "diagnosis": {
                "met_at": "2026-12-01T12:00",
                "state": "met",
                "elapsed_seconds": 2 * H,
                "due_at": "2026-12-01T17:00",
            },
            "solution": {"met_at": None, "state": "running", "elapsed_seconds": 5 * H},
        },
    ),
    (
        # §5: a resolution meets both clocks when nothing met the diagnosis before.
        # Auto-close: 12:00 + 16 h = Tue 5 h + Wed 8 h + Thu 09–12 → Thu 12:00.
        "resolution_meets_diagnosis_and_solution",
        case("2026-12-01T16:00", e("2026-12-01T12:00", status="RESOLVIDO")),
        {
            "status": "RESOLVIDO",
            "diagnosis": {"met_at": "2026-12-01T12:00", "state": "met", "paused_seconds": 0},
            "solution": {"met_at": "2026-12-01T12:00", "state": "met", "due_at": "2026-12-02T10:00"},
            "auto_close_at": "2026-12-03T12:00",
        },
    ),
    (
        # §5: an earlier diagnosis stays the diagnosis instant at the resolution.
        "resolution_keeps_an_earlier_diagnosis",
        case("2026-12-01T16:00", e("2026-12-01T11:00", diagnosis=True), e("2026-12-01T12:00", status="RESOLVIDO")),
        {"diagnosis": {"met_at": "2026-12-01T11:00"}, "solution": {"met_at": "2026-12-01T12:00"}},
    ),
    (
        # §5: met exactly at the deadline (17:00) is met.
        "met_exactly_at_due_is_met",
        case("2026-12-02T12:00", e("2026-12-01T17:00", diagnosis=True)),
        {"diagnosis": {"state": "met", "met_at": "2026-12-01T17:00", "due_at": "2026-12-01T17:00"}},
    ),
    (
        # §5: met after the deadline is breached (diagnosis 17:00:01 > 17:00).
        "met_after_due_is_breached",
        case("2026-12-02T12:00", e("2026-12-01T17:00:01", diagnosis=True)),
        {"diagnosis": {"state": "breached", "met_at": "2026-12-01T17:00:01"}},
    ),
    (
        # §5: not met, evaluated exactly at the deadline: not breached yet.
        "not_met_at_due_is_not_breached",
        case("2026-12-01T17:00"),
        {"diagnosis": {"state": "running", "due_at": "2026-12-01T17:00"}},
    ),
    (
        # §5: not met, evaluated strictly after the deadline: breached.
        "not_met_strictly_after_due_is_breached",
        case("2026-12-01T17:00:01"),
        {"diagnosis": {"state": "breached"}, "solution": {"state": "running"}},
    ),
    (
        # §2+§5: deadline at a window end (18:00); at 20:00 the clock is past it.
        "deadline_at_window_end_breaches_after_it",
        case("2026-12-01T20:00", severity="Normal", opened_at=t("2026-11-30T09:00")),
        {"diagnosis": {"due_at": "2026-12-01T18:00", "state": "breached"}},
    ),
    (
        # §5 pause: AGUARDANDO CLIENTE 11:00–15:00 covers 11–13 + 14–15 = 3 business hours:
        # diagnosis 17:00 + 3 h = Wed 11:00, solution Wed 10:00 + 3 h = Wed 13:00.
        # At 16:00: ran 10–11 + 15–16 = 2 h, paused 3 h.
        "pause_adds_the_business_time_it_covered_aguardando_cliente",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-01T15:00", status="EM ATENDIMENTO"),
        ),
        {
            "diagnosis": {"due_at": "2026-12-02T11:00", "elapsed_seconds": 2 * H, "paused_seconds": 3 * H},
            "solution": {"due_at": "2026-12-02T13:00", "elapsed_seconds": 2 * H, "paused_seconds": 3 * H},
        },
    ),
    (
        "pause_adds_the_business_time_it_covered_serv_assessoria",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T11:00", status="SERV-ASSESSORIA"),
            e("2026-12-01T15:00", status="MANUTENÇÃO"),
        ),
        {"diagnosis": {"due_at": "2026-12-02T11:00"}, "solution": {"due_at": "2026-12-02T13:00"}},
    ),
    (
        "pause_adds_the_business_time_it_covered_com_proposta",
        case("2026-12-01T16:00", e("2026-12-01T11:00", status="COM-PROPOSTA"), e("2026-12-01T15:00", status="NOVO")),
        {"diagnosis": {"due_at": "2026-12-02T11:00"}, "solution": {"due_at": "2026-12-02T13:00"}},
    ),
    (
        "pause_adds_the_business_time_it_covered_servicos",
        case(
            "2026-12-01T16:00", e("2026-12-01T11:00", status="SERVIÇOS"), e("2026-12-01T15:00", status="EM ATENDIMENTO")
        ),
        {"diagnosis": {"due_at": "2026-12-02T11:00"}, "solution": {"due_at": "2026-12-02T13:00"}},
    ),
    (
        # §5 running statuses: NOVO → EM ATENDIMENTO → MANUTENÇÃO never pause.
        "running_statuses_do_not_pause",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T11:00", status="EM ATENDIMENTO"),
            e("2026-12-01T12:00", status="MANUTENÇÃO"),
        ),
        {"status": "MANUTENÇÃO", "diagnosis": {"due_at": "2026-12-01T17:00", "state": "running", "paused_seconds": 0}},
    ),
    (
        # §5: while paused (since 11:00), the deadline is the one if resumed now (15:00):
        # 5 h left → 15–18 3 h + Wed 09–11. Ran 1 h, paused 11–13 + 14–15 = 3 h.
        "while_paused_due_is_as_if_resumed_now",
        case("2026-12-01T15:00", e("2026-12-01T11:00", status="AGUARDANDO CLIENTE")),
        {
            "status": "AGUARDANDO CLIENTE",
            "diagnosis": {
                "due_at": "2026-12-02T11:00",
                "state": "paused",
                "elapsed_seconds": H,
                "paused_seconds": 3 * H,
            },
            # 7 h left from 15:00: 15–18 3 h + Wed 09–13 4 h → Wed 13:00.
            "solution": {"due_at": "2026-12-02T13:00", "state": "paused"},
            # 16 h from 11:00: Tue 6 h + Wed 8 h + Thu 09–11 → Thu 11:00.
            "auto_close_at": "2026-12-03T11:00",
        },
    ),
    (
        # §5: same pause evaluated at night (20:00): resumed "now" means the next opening:
        # 5 h left → Wed 09–13 + 14–15. Paused 11–13 + 14–18 = 6 h.
        "while_paused_at_night_due_counts_from_next_opening",
        case("2026-12-01T20:00", e("2026-12-01T11:00", status="AGUARDANDO CLIENTE")),
        {"diagnosis": {"due_at": "2026-12-02T15:00", "state": "paused", "paused_seconds": 6 * H}},
    ),
    (
        # §5, first precise rule: the 6 h of diagnosis ran 10–13 and 14–17, so the deadline is
        # Tue 17:00; a pause that begins after it (17:30) does not move it. Breached there, and
        # the pause (17:30–18:00 + Wed 09:00–09:30 = 1 h) counts as paused time.
        "pause_after_deadline_does_not_move_it",
        case("2026-12-02T09:30", e("2026-12-01T17:30", status="AGUARDANDO CLIENTE")),
        {
            "diagnosis": {
                "due_at": "2026-12-01T17:00",
                "state": "breached",
                "elapsed_seconds": 6 * H + 1800,
                "paused_seconds": H,
            }
        },
    ),
    (
        # §5: the running time reaches the target exactly as the pause begins (17:00): the
        # deadline is 17:00 and Wed 09:30 is strictly after it. Paused 17–18 + 09–09:30.
        "pause_exactly_at_deadline_does_not_move_it",
        case("2026-12-02T09:30", e("2026-12-01T17:00", status="AGUARDANDO CLIENTE")),
        {"diagnosis": {"due_at": "2026-12-01T17:00", "state": "breached", "paused_seconds": H + 1800}},
    ),
    (
        # §5: a breached solution stays at its deadline through a later advisory pause.
        # Solution 1 day = 8 h from Tue 10:00: 10–13, 14–18, Wed 09–10 → Wed 10:00. Advisory
        # from Wed 11:00 does not move it; evaluated Thu 12:00 it reads Wed 10:00, breached.
        # Ran Tue 7 h + Wed 09–11 = 9 h; paused Wed 11–13, 14–18 + Thu 09–12 = 9 h.
        "breached_solution_stays_at_its_deadline_in_advisory",
        case("2026-12-03T12:00", e("2026-12-02T11:00", status="SERV-ASSESSORIA")),
        {
            "solution": {
                "due_at": "2026-12-02T10:00",
                "state": "breached",
                "elapsed_seconds": 9 * H,
                "paused_seconds": 9 * H,
            }
        },
    ),
    (
        # §5: met clocks stop: the diagnosis met at 11:00 reports 1 h elapsed and 0 paused even
        # though the ticket paused at 12:00; the solution ran 10–12 = 2 h, paused 12–13 + Tue
        # 14–18 + Wed 09–10 = 6 h.
        "met_diagnosis_stops_counting_paused_time",
        case(
            "2026-12-02T10:00",
            e("2026-12-01T11:00", diagnosis=True),
            e("2026-12-01T12:00", status="AGUARDANDO CLIENTE"),
        ),
        {
            "diagnosis": {"state": "met", "elapsed_seconds": H, "paused_seconds": 0, "due_at": "2026-12-01T17:00"},
            "solution": {"state": "paused", "elapsed_seconds": 2 * H, "paused_seconds": 6 * H},
        },
    ),
    (
        # §5 reclassification: Crítica → Normal at 12:00 recomputes from the opening: diagnosis
        # 16 h = Tue 7 h + Wed 8 h + Thu 09–10; solution 24 days from Tue 10:00: business days
        # Dec 2–4, 7–11, 14–18, 21–24, 28–31, Jan 4, 5, 6 → Wed 6 Jan 2027 10:00.
        "reclassification_recomputes_from_the_opening",
        case("2026-12-01T16:00", e("2026-12-01T12:00", severity="Normal")),
        {
            "severity": "Normal",
            "diagnosis": {"due_at": "2026-12-03T10:00", "state": "running"},
            "solution": {"due_at": "2027-01-06T10:00", "state": "running"},
        },
    ),
    (
        # §5: Normal → Crítica on Wed 10:00: the new diagnosis deadline (Tue 17:00) has passed:
        # breached from then on, already at the reclassification instant.
        "upgrade_to_a_past_deadline_is_a_breach_from_the_moment_it_passed",
        case("2026-12-02T10:00", e("2026-12-02T10:00", severity="Crítica"), severity="Normal"),
        {"severity": "Crítica", "diagnosis": {"due_at": "2026-12-01T17:00", "state": "breached"}},
    ),
    (
        # §5: paused 11–15 (3 h), then Normal at 16:00: 16 h + 3 h = 19 h from Tue 10:00
        # = Tue 7 h + Wed 8 h + Thu 09–13 → Thu 13:00.
        "paused_time_keeps_counting_after_reclassification",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-01T15:00", status="EM ATENDIMENTO"),
            e("2026-12-01T16:00", severity="Normal"),
        ),
        {"diagnosis": {"due_at": "2026-12-03T13:00", "paused_seconds": 3 * H}},
    ),
    (
        # §5: Crítica diagnosis breached since Tue 17:00; Normal on Wed 12:00 makes it due
        # Thu 10:00: the breach is lifted.
        "downgrade_lifts_a_breach",
        case("2026-12-02T12:00", e("2026-12-02T12:00", severity="Normal")),
        {"diagnosis": {"due_at": "2026-12-03T10:00", "state": "running"}},
    ),
    (
        # §5: the diagnosis met at 12:00 under Crítica keeps its 17:00 deadline after Baixa;
        # the unmet solution moves to 45 days (Tue 10:00 + 45 business days: Dec 2–4 (3),
        # 7–11 (8), 14–18 (13), 21–24 (17), 28–31 (21), Jan 4–8 (26), 11–15 (31), 18–22 (36),
        # 25–29 (41), Feb 1–4 (45) → Thu 4 Feb 2027 10:00).
        "met_clock_keeps_the_target_it_was_met_with",
        case("2026-12-01T16:00", e("2026-12-01T12:00", diagnosis=True), e("2026-12-01T13:00", severity="Baixa")),
        {"diagnosis": {"due_at": "2026-12-01T17:00", "state": "met"}, "solution": {"due_at": "2027-02-04T10:00"}},
    ),
    (
        # §5: a met-late clock stays breached after a downgrade (met clocks are untouched).
        "met_late_clock_stays_breached_after_downgrade",
        case("2026-12-02T12:00", e("2026-12-02T11:00", diagnosis=True), e("2026-12-02T11:30", severity="Baixa")),
        {"diagnosis": {"state": "breached", "due_at": "2026-12-01T17:00"}},
    ),
    (
        # §5: resolved Wed 11:00, after the solution deadline (Wed 10:00): breached.
        "solution_met_after_due_is_breached",
        case("2026-12-02T12:00", e("2026-12-02T11:00", status="RESOLVIDO")),
        {"solution": {"state": "breached", "met_at": "2026-12-02T11:00", "due_at": "2026-12-02T10:00"}},
    ),
    (
        # §3: type → Solicitação forces Normal: diagnosis 16 h from the opening = Thu 10:00.
        "type_change_to_solicitacao_sets_normal",
        case("2026-12-01T16:00", e("2026-12-01T12:00", type="Solicitação")),
        {"type": "Solicitação", "severity": "Normal", "diagnosis": {"due_at": "2026-12-03T10:00"}},
    ),
    (
        "type_change_to_duvida_sets_normal",
        case("2026-12-01T16:00", e("2026-12-01T12:00", type="Dúvida")),
        {"type": "Dúvida", "severity": "Normal"},
    ),
    (
        # §5: back to Problema keeps Normal until staff set another.
        "back_to_problema_keeps_normal_until_set",
        case("2026-12-01T16:00", e("2026-12-01T11:00", type="Dúvida"), e("2026-12-01T12:00", type="Problema")),
        {"type": "Problema", "severity": "Normal", "diagnosis": {"due_at": "2026-12-03T10:00"}},
    ),
    (
        # §5: ...and then a severity may be set again (type applies before severity).
        "back_to_problema_then_severity_in_the_same_event",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T12:00", type="Problema", severity="Alta"),
            type="Dúvida",
            severity="Normal",
        ),
        {"type": "Problema", "severity": "Alta"},
    ),
    (
        # §5: a "change" to the severity a Dúvida already has (Normal) is no change: accepted.
        "same_severity_on_duvida_is_not_a_change",
        case("2026-12-01T16:00", e("2026-12-01T12:00", severity="Normal"), type="Dúvida", severity="Normal"),
        {"type": "Dúvida", "severity": "Normal"},
    ),
    (
        # §5 (decision): homologação has the same deadlines, but is not contractual.
        "homologacao_same_deadlines_not_contractual",
        case("2026-12-01T12:00", environment="homologação"),
        {"contractual": False, "diagnosis": {"due_at": "2026-12-01T17:00"}, "solution": {"due_at": "2026-12-02T10:00"}},
    ),
    (
        "producao_is_contractual",
        case("2026-12-01T12:00"),
        {"contractual": True, "status": "NOVO", "type": "Problema", "severity": "Crítica", "auto_close_at": None},
    ),
    (
        # §5 reopening: resolved 12:00, reopened 15:00: the diagnosis stays met; the solution
        # met instant is cleared and RESOLVIDO (12–13 + 14–15 = 2 h) counts as paused:
        # Wed 10:00 + 2 h = Wed 12:00; ran 10–12 + 15–16 = 3 h.
        "reopening_clears_solution_met_only_resolved_time_is_paused",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T12:00", status="RESOLVIDO"),
            e("2026-12-01T15:00", status="EM ATENDIMENTO"),
        ),
        {
            "status": "EM ATENDIMENTO",
            "diagnosis": {"met_at": "2026-12-01T12:00", "state": "met", "elapsed_seconds": 2 * H, "paused_seconds": 0},
            "solution": {
                "met_at": None,
                "state": "running",
                "due_at": "2026-12-02T12:00",
                "elapsed_seconds": 3 * H,
                "paused_seconds": 2 * H,
            },
            "auto_close_at": None,
        },
    ),
    (
        # §7: a customer comment on RESOLVIDO (before the closing) reopens: same figures.
        "customer_comment_on_resolvido_reopens",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T12:00", status="RESOLVIDO"),
            e("2026-12-01T15:00", customer_interaction=True),
        ),
        {"status": "EM ATENDIMENTO", "solution": {"met_at": None, "due_at": "2026-12-02T12:00"}, "auto_close_at": None},
    ),
    (
        # §7: the customer's confirmation closes; the solution stays met at 12:00.
        "customer_confirmation_closes",
        case(
            "2026-12-04T16:00",
            e("2026-12-01T12:00", status="RESOLVIDO"),
            e("2026-12-01T15:00", customer_interaction=True, status="ENCERRADO"),
        ),
        {"status": "ENCERRADO", "solution": {"met_at": "2026-12-01T12:00", "state": "met"}, "auto_close_at": None},
    ),
    (
        # §7: a customer comment on AGUARDANDO CLIENTE (11:00–15:00) resumes the clocks.
        "customer_comment_on_aguardando_returns_to_em_atendimento",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-01T15:00", customer_interaction=True),
        ),
        {
            "status": "EM ATENDIMENTO",
            "diagnosis": {"due_at": "2026-12-02T11:00", "state": "running"},
            "auto_close_at": None,
        },
    ),
    (
        # §7 auto-close: AGUARDANDO CLIENTE since Tue 11:00 closes 16 business hours later,
        # Thu 11:00. One second before, it is still waiting.
        "auto_close_pending_before_16_business_hours",
        case("2026-12-03T10:59:59", e("2026-12-01T11:00", status="AGUARDANDO CLIENTE")),
        {"status": "AGUARDANDO CLIENTE", "auto_close_at": "2026-12-03T11:00"},
    ),
    (
        # §7: a closing due at the moment of evaluation has happened. Clocks stay as they
        # stood at the closing: paused, due as if resumed Thu 11:00 (5 h left → 11–13 + 14–17),
        # ran 1 h, paused Tue 11:00 → Thu 11:00 = 16 h.
        "auto_close_due_at_as_of_has_happened",
        case("2026-12-03T11:00", e("2026-12-01T11:00", status="AGUARDANDO CLIENTE")),
        {
            "status": "ENCERRADO",
            "auto_close_at": "2026-12-03T11:00",
            "diagnosis": {
                "state": "paused",
                "due_at": "2026-12-03T17:00",
                "elapsed_seconds": H,
                "paused_seconds": 16 * H,
            },
        },
    ),
    (
        # §7: ...and a week later nothing moves.
        "auto_closed_clock_stays_as_it_stood",
        case("2026-12-10T11:00", e("2026-12-01T11:00", status="AGUARDANDO CLIENTE")),
        {
            "status": "ENCERRADO",
            "auto_close_at": "2026-12-03T11:00",
            "diagnosis": {
                "state": "paused",
                "due_at": "2026-12-03T17:00",
                "elapsed_seconds": H,
                "paused_seconds": 16 * H,
            },
        },
    ),
    (
        # §7: breached before waiting (17:30 > 17:00) → still breached at the closing.
        # Closing: Tue 17:30–18 0.5 h + Wed 8 h + Thu 09–13, 14–17:30 7.5 h → Thu 17:30.
        # The solution (6.5 h run, 1.5 h left) stood paused, due as if resumed Thu 17:30:
        # 17:30–18 + Fri 09–10 → Fri 10:00.
        "auto_close_keeps_a_breach_and_a_paused_clock",
        case("2026-12-20T12:00", e("2026-12-01T17:30", status="AGUARDANDO CLIENTE")),
        {
            "status": "ENCERRADO",
            "auto_close_at": "2026-12-03T17:30",
            # The diagnosis (6 h target, 6.5 h run) reached its target Tue 17:00, before the
            # pause: it stays breached there; the 16 h up to the closing are paused time.
            "diagnosis": {
                "state": "breached",
                "due_at": "2026-12-01T17:00",
                "elapsed_seconds": 6 * H + 1800,
                "paused_seconds": 16 * H,
            },
            "solution": {"state": "paused", "due_at": "2026-12-04T10:00", "elapsed_seconds": 6 * H + 1800},
        },
    ),
    (
        # §7: RESOLVIDO at 12:00 closes Thu 12:00; the solution stays met.
        "resolvido_auto_closes_after_16_business_hours",
        case("2026-12-04T09:00", e("2026-12-01T12:00", status="RESOLVIDO")),
        {"status": "ENCERRADO", "auto_close_at": "2026-12-03T12:00", "solution": {"state": "met"}},
    ),
    (
        # §7: the count starts at the entry: RESOLVIDO Fri 4 Dec 17:00 → Fri 1 h + Mon 8 h
        # + Tue 09–13, 14–17 7 h → Tue 8 Dec 17:00.
        "auto_close_count_starts_at_entry_into_the_status",
        case("2026-12-07T12:00", e("2026-12-04T17:00", status="RESOLVIDO")),
        {"status": "RESOLVIDO", "auto_close_at": "2026-12-08T17:00"},
    ),
    (
        # §7: staff activity (diagnosis, reclassification, same-status event) does not reset
        # the count: still closes Thu 11:00.
        "staff_activity_does_not_reset_auto_close",
        case(
            "2026-12-03T11:00",
            e("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-02T11:00", diagnosis=True),
            e("2026-12-02T12:00", severity="Alta"),
            e("2026-12-02T12:30", status="AGUARDANDO CLIENTE"),
        ),
        {"status": "ENCERRADO", "auto_close_at": "2026-12-03T11:00"},
    ),
    (
        # §7: a customer comment at the closing instant finds the ticket already closed.
        "customer_comment_at_the_closing_instant_is_too_late",
        case(
            "2026-12-04T12:00",
            e("2026-12-01T11:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-03T11:00", customer_interaction=True),
        ),
        {"status": "ENCERRADO", "auto_close_at": "2026-12-03T11:00"},
    ),
    (
        # §7: ENCERRADO cannot be reopened by the customer.
        "customer_cannot_reopen_encerrado",
        case(
            "2026-12-07T12:00",
            e("2026-12-01T12:00", status="RESOLVIDO"),
            e("2026-12-07T10:00", customer_interaction=True),
        ),
        {
            "status": "ENCERRADO",
            "auto_close_at": "2026-12-03T12:00",
            "solution": {"state": "met", "met_at": "2026-12-01T12:00"},
        },
    ),
    (
        # §7: staff may reopen a closed ticket (approved reopen request): RESOLVIDO 12:00,
        # ENCERRADO 14:00, EM ATENDIMENTO 15:00: stopped 12–13 + 14–15 = 2 h → Wed 12:00.
        "staff_reopen_of_encerrado_resumes_the_solution",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T12:00", status="RESOLVIDO"),
            e("2026-12-01T14:00", status="ENCERRADO"),
            e("2026-12-01T15:00", status="EM ATENDIMENTO"),
        ),
        {
            "status": "EM ATENDIMENTO",
            "diagnosis": {"state": "met"},
            "solution": {"due_at": "2026-12-02T12:00", "paused_seconds": 2 * H},
        },
    ),
    (
        # decision: CANCELADO is evaluated as of the cancellation (11:00): ran 1 h, 'paused'.
        "cancelado_is_evaluated_at_the_cancellation",
        case("2027-03-01T12:00", e("2026-12-01T11:00", status="CANCELADO")),
        {
            "status": "CANCELADO",
            "auto_close_at": None,
            "diagnosis": {"state": "paused", "due_at": "2026-12-01T17:00", "elapsed_seconds": H, "paused_seconds": 0},
        },
    ),
    (
        # decision: a diagnosis on a cancelled ticket changes nothing.
        "diagnosis_on_a_cancelled_ticket_changes_nothing",
        case("2026-12-01T16:00", e("2026-12-01T11:00", status="CANCELADO"), e("2026-12-01T12:00", diagnosis=True)),
        {"diagnosis": {"state": "paused", "met_at": None, "elapsed_seconds": H}},
    ),
    # ---- the contract's corners ----------------------------------------------------------
    (
        # Event at opened_at: paused from the start. Due if resumed at 11:00: 11–13 + 14–18.
        # Auto-close 16 h from 10:00: Tue 7 h + Wed 8 h + Thu 09–10.
        "event_at_opened_at_applies",
        case("2026-12-01T11:00", e("2026-12-01T10:00", status="AGUARDANDO CLIENTE")),
        {
            "diagnosis": {"due_at": "2026-12-01T18:00", "state": "paused", "elapsed_seconds": 0, "paused_seconds": H},
            "auto_close_at": "2026-12-03T10:00",
        },
    ),
    (
        # Events at the same instant apply in file order: a zero-length pause.
        "events_at_the_same_instant_apply_in_order",
        case(
            "2026-12-01T16:00",
            e("2026-12-01T12:00", status="AGUARDANDO CLIENTE"),
            e("2026-12-01T12:00", status="EM ATENDIMENTO"),
        ),
        {
            "status": "EM ATENDIMENTO",
            "diagnosis": {"due_at": "2026-12-01T17:00", "paused_seconds": 0},
            "auto_close_at": None,
        },
    ),
    (
        "false_flags_are_no_ops",
        case("2026-12-01T12:00", e("2026-12-01T11:00", diagnosis=False, customer_interaction=False)),
        {"status": "NOVO", "diagnosis": {"met_at": None, "state": "running", "elapsed_seconds": 2 * H}},
    ),
    (
        "event_with_only_at_is_a_no_op",
        case("2026-12-01T12:00", e("2026-12-01T11:00")),
        {"status": "NOVO", "diagnosis": {"state": "running"}},
    ),
    (
        # Keys of one event apply as type, severity, diagnosis: the diagnosis is met with the
        # Normal target (16 h → Thu 10:00), not the Crítica one.
        "keys_apply_type_severity_diagnosis_customer_status",
        case("2026-12-02T12:00", e("2026-12-02T11:00", diagnosis=True, severity="Normal")),
        {"diagnosis": {"state": "met", "due_at": "2026-12-03T10:00"}},
    ),
    (
        # A status equal to the current one changes nothing.
        "same_status_is_a_no_op",
        case("2026-12-01T16:00", e("2026-12-01T11:00", status="NOVO"), e("2026-12-01T12:00", status="NOVO")),
        {"status": "NOVO", "diagnosis": {"due_at": "2026-12-01T17:00", "paused_seconds": 0}},
    ),
    (
        # decision: NOVO may be set again later; it runs like EM ATENDIMENTO.
        "novo_again_is_a_running_status",
        case("2026-12-01T16:00", e("2026-12-01T11:00", status="EM ATENDIMENTO"), e("2026-12-01T12:00", status="NOVO")),
        {"status": "NOVO", "diagnosis": {"due_at": "2026-12-01T17:00", "state": "running"}},
    ),
    (
        # 13:00Z = 10:00 -03:00 and 14:00+01:00 is 13:00Z too; output in -03:00.
        "other_offsets_and_z_are_accepted_output_in_sao_paulo",
        dict(BASE, opened_at="2026-12-01T13:00:00Z", as_of="2026-12-01T16:00:00+01:00"),
        {"diagnosis": {"due_at": "2026-12-01T17:00", "elapsed_seconds": 2 * H}},
    ),
    (
        # Fractional seconds: elapsed is floored to whole seconds (2 h 0.75 s → 7200).
        "fractional_seconds_elapsed_is_floored",
        dict(BASE, as_of="2026-12-01T12:00:00.750-03:00"),
        {"diagnosis": {"elapsed_seconds": 2 * H}},
    ),
    (
        # Fractional opening: the deadline keeps the fraction.
        "fractional_seconds_are_kept_in_instants",
        dict(BASE, opened_at="2026-12-01T10:00:00.5-03:00"),
        {"diagnosis": {"due_at": "2026-12-01T17:00:00.500000"}},
    ),
    (
        # as_of equal to opened_at: nothing elapsed.
        "as_of_equal_to_opened_at",
        dict(BASE, as_of=BASE["opened_at"]),
        {"diagnosis": {"elapsed_seconds": 0, "paused_seconds": 0, "state": "running"}},
    ),
    (
        # decision: events after as_of have not happened yet: ignored.
        "events_after_as_of_are_not_applied",
        case("2026-12-01T12:00", e("2026-12-01T13:00", status="RESOLVIDO")),
        {"status": "NOVO", "solution": {"met_at": None}},
    ),
    (
        # 'events' may be omitted.
        "events_may_be_omitted",
        {k: v for k, v in BASE.items() if k != "events"},
        {"status": "NOVO"},
    ),
]


@pytest.mark.parametrize(("data", "expected"), [pytest.param(d, x, id=name) for name, d, x in RULES])
def test_rule(data: dict[str, Any], expected: dict[str, Any]) -> None:
    assert_report(data, expected)


def test_rule_output_has_exactly_the_contract_keys_and_types() -> None:
    code, out, _ = simulate(case("2026-12-01T12:00", e("2026-12-01T11:00", diagnosis=True)))
    report = json.loads(out)
    assert code == 0
    assert list(report) == ["status", "severity", "type", "diagnosis", "solution", "auto_close_at", "contractual"]
    for clock in ("diagnosis", "solution"):
        assert list(report[clock]) == [
            "due_at",
            "met_at",
            "state",
            "elapsed_seconds",
            "paused_seconds",
            "paused_by_status",
        ]
        assert type(report[clock]["elapsed_seconds"]) is int and type(report[clock]["paused_seconds"]) is int
        assert report[clock]["state"] in {"running", "paused", "met", "breached"}
        assert report[clock]["due_at"].endswith("-03:00")
    assert report["solution"]["met_at"] is None and report["auto_close_at"] is None
    assert type(report["contractual"]) is bool


# ---- refusals: message on stderr, exit 2, nothing on stdout ---------------------------------
def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in BASE.items() if k != key}


REFUSALS: list[tuple[str, Any, str]] = [
    ("malformed_json", "{not json", "JSON inválido"),
    ("empty_input", "", "JSON inválido"),
    ("top_level_not_an_object", "[]", "expected a JSON object"),
    ("missing_plan", without("plan"), "missing key"),
    ("missing_type", without("type"), "missing key"),
    ("missing_severity", without("severity"), "missing key"),
    ("missing_environment", without("environment"), "missing key"),
    ("missing_opened_at", without("opened_at"), "missing key"),
    ("missing_as_of", without("as_of"), "missing key"),
    ("unknown_plan", dict(BASE, plan="GOLD"), "unknown plan"),
    ("unknown_type", dict(BASE, type="Bug"), "unknown type"),
    ("unknown_severity", dict(BASE, severity="Urgente"), "unknown severity"),
    ("unknown_environment", dict(BASE, environment="dev"), "unknown environment"),
    ("unknown_status", case("2026-12-01T12:00", e("2026-12-01T11:00", status="FEITO")), "unknown status"),
    ("unknown_event_type", case("2026-12-01T12:00", e("2026-12-01T11:00", type="Bug")), "unknown type"),
    ("unknown_event_severity", case("2026-12-01T12:00", e("2026-12-01T11:00", severity="Média")), "unknown severity"),
    ("unknown_top_level_key", dict(BASE, color="red"), "unknown key"),
    ("unknown_event_key", case("2026-12-01T12:00", e("2026-12-01T11:00", owner="ana")), "unknown key"),
    ("event_without_at", dict(BASE, events=[{"status": "RESOLVIDO"}]), "missing key"),
    ("naive_opened_at", dict(BASE, opened_at="2026-12-01T10:00:00"), "naive"),
    ("naive_as_of", dict(BASE, as_of="2026-12-01T12:00:00"), "naive"),
    ("naive_event_at", dict(BASE, events=[{"at": "2026-12-01T11:00:00", "diagnosis": True}]), "naive"),
    ("date_without_time_is_naive", dict(BASE, as_of="2026-12-02"), "naive"),
    ("not_a_datetime", dict(BASE, as_of="yesterday"), "ISO 8601"),
    (
        "out_of_order_events",
        case("2026-12-01T12:00", e("2026-12-01T11:30"), e("2026-12-01T11:00")),
        "out of order",
    ),
    ("event_before_opening", case("2026-12-01T12:00", e("2026-12-01T09:00")), "before the opening"),
    ("as_of_before_opened_at", dict(BASE, as_of="2026-12-01T09:59:59-03:00"), "before the opening"),
    (
        "severity_change_on_duvida",
        case("2026-12-01T12:00", e("2026-12-01T11:00", severity="Alta"), type="Dúvida", severity="Normal"),
        "severity change refused",
    ),
    (
        "severity_change_on_solicitacao",
        case("2026-12-01T12:00", e("2026-12-01T11:00", severity="Baixa"), type="Solicitação", severity="Normal"),
        "severity change refused",
    ),
    (
        "severity_change_after_type_became_duvida",
        case("2026-12-01T12:00", e("2026-12-01T11:00", type="Dúvida", severity="Alta")),
        "severity change refused",
    ),
    ("duvida_opened_with_another_severity", dict(BASE, type="Dúvida"), "always Normal"),
    ("flag_not_a_boolean", case("2026-12-01T12:00", e("2026-12-01T11:00", diagnosis="yes")), "true or false"),
    ("flag_null", case("2026-12-01T12:00", e("2026-12-01T11:00", customer_interaction=None)), "true or false"),
    ("events_not_a_list", dict(BASE, events={"at": "x"}), "must be a list"),
    ("value_not_a_string", dict(BASE, severity=3), "must be a string"),
    ("year_out_of_range", dict(BASE, opened_at="0001-01-01T10:00:00+00:00"), "year out of the supported range"),
]


@pytest.mark.parametrize(("data", "message"), [pytest.param(d, m, id=n) for n, d, m in REFUSALS])
def test_rule_refusal_exits_2_with_message_and_no_output(data: Any, message: str) -> None:
    code, out, err = simulate(data)
    assert (code, out) == (2, ""), out
    assert err.startswith("erro: ") and message in err, err


# ---- the real command ---------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[4]


def run_module(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}  # hostile locale
    return subprocess.run(
        [sys.executable, "-m", "servicedesk", "sla", "simulate", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


def test_rule_stdin_dash_utf8_whatever_the_locale() -> None:
    data = dict(BASE, type="Dúvida", severity="Normal", environment="homologação")
    ok = run_module("-", stdin=json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert ok.returncode == 0, ok.stderr
    report = json.loads(ok.stdout.decode("utf-8"))
    assert (report["type"], report["contractual"]) == ("Dúvida", False)
    bad = run_module("-", stdin=b'{"plan": "PREMIUM"')
    assert (bad.returncode, bad.stdout) == (2, b"")
    assert b"erro" in bad.stderr


def test_rule_file_with_bom_and_decomposed_accents(tmp_path: Path) -> None:
    path = tmp_path / "ticket.json"
    text = json.dumps(dict(BASE, severity="Cri\u0301tica"), ensure_ascii=False)  # NFD 'í'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    ok = run_module(str(path))
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["severity"] == "Crítica"


def test_rule_severity_change_on_duvida_is_refused_even_after_as_of() -> None:
    late = case("2026-12-01T12:00", e("2026-12-01T13:00", type="Dúvida"), e("2026-12-01T14:00", severity="Alta"))
    code, out, err = simulate(late)
    assert (code, out) == (2, "") and "severity change refused" in err
    fine = case("2026-12-01T12:00", e("2026-12-01T13:00", type="Dúvida"), e("2026-12-01T14:00", severity="Normal"))
    assert simulate(fine)[0] == 0

"""``python -m servicedesk sla simulate FILE|-``: evaluate a ticket's SLA clocks from a
JSON description, with the default calendar and the default plan table. Thin on
purpose: ``parse_simulation`` and ``simulate`` are plain functions tests call directly.

Contract decisions (the issue leaves them open):

* Unknown keys, at the top level or in an event, are malformed input: refused (exit 2),
  so a misspelt key never silently changes nothing. ``events`` may be omitted (no events).
* ``"diagnosis": false`` and ``"customer_interaction": false`` are accepted and change
  nothing; an event with only ``at`` is accepted and changes nothing.
* Instants take any UTC offset or ``Z`` and fractional seconds; a date-time without an
  offset is refused. Output instants are in America/Sao_Paulo (-03:00 since 2019).
  ``elapsed_seconds`` and ``paused_seconds`` are whole seconds, rounded down.
* ``as_of`` before ``opened_at``, an event before ``opened_at`` or before the previous
  event, a Solicitação/Dúvida opened with a severity other than Normal and a severity
  change on a Solicitação/Dúvida are refused (exit 2). Events at the same instant apply
  in file order; events after ``as_of`` are validated but not applied.
* Input is read as UTF-8 (a BOM is ignored) and the report is written as UTF-8,
  whatever the locale."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from servicedesk.sla.engine.calendar import BusinessCalendar
from servicedesk.sla.engine.clocks import Timeline, TimelineEvent, compute_clocks
from servicedesk.sla.engine.policy import Severity, targets_for

__all__ = ["Simulation", "SimulationInputError", "main", "parse_simulation", "simulate"]

EXIT_INVALID = 2
_TOP_KEYS = {"plan", "type", "severity", "environment", "opened_at", "as_of", "events"}
_REQUIRED_TOP = _TOP_KEYS - {"events"}
_EVENT_KEYS = {"at", "type", "severity", "diagnosis", "customer_interaction", "status"}
_USAGE = "uso: python -m servicedesk sla simulate ARQUIVO|-"


class SimulationInputError(ValueError):
    """The simulation input is malformed or refers to unknown values."""


@dataclass(frozen=True, slots=True)
class Simulation:
    plan: str
    timeline: Timeline
    as_of: datetime


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise SimulationInputError(f"{where}: '{key}' must be a string, got {value!r}")
    # Decomposed accents ("Crítica" typed as i + combining acute) mean the same word.
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _instant(obj: dict[str, Any], key: str, where: str) -> datetime:
    text = _text(obj, key, where)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise SimulationInputError(f"{where}: '{key}' is not an ISO 8601 date-time: {text!r}") from None
    if moment.utcoffset() is None:
        raise SimulationInputError(f"{where}: '{key}' has no UTC offset (naive datetime not allowed): {text!r}")
    return moment


def _keys(obj: Any, allowed: set[str], required: set[str], where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise SimulationInputError(f"{where}: expected a JSON object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise SimulationInputError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")
    missing = sorted(required - set(obj))
    if missing:
        raise SimulationInputError(f"{where}: missing key(s) {missing}")
    return obj


def parse_simulation(data: Any) -> Simulation:
    """Validate decoded JSON and build the engine's input. Errors → ``SimulationInputError``."""
    top = _keys(data, _TOP_KEYS, _REQUIRED_TOP, "input")
    plan = _text(top, "plan", "input")
    targets_for_plan_or_error(plan)
    raw_events = top.get("events", [])
    if not isinstance(raw_events, list):
        raise SimulationInputError("input: 'events' must be a list")
    events = []
    for n, raw in enumerate(raw_events):
        where = f"events[{n}]"
        ev = _keys(raw, _EVENT_KEYS, {"at"}, where)
        for flag in ("diagnosis", "customer_interaction"):
            if flag in ev and type(ev[flag]) is not bool:
                raise SimulationInputError(f"{where}: '{flag}' must be true or false")
        events.append(
            TimelineEvent(
                at=_instant(ev, "at", where),
                type=_text(ev, "type", where) if "type" in ev else None,
                severity=_text(ev, "severity", where) if "severity" in ev else None,
                diagnosis=ev.get("diagnosis", False),
                customer_interaction=ev.get("customer_interaction", False),
                status=_text(ev, "status", where) if "status" in ev else None,
            )
        )
    timeline = Timeline(
        opened_at=_instant(top, "opened_at", "input"),
        type=_text(top, "type", "input"),
        severity=_text(top, "severity", "input"),
        environment=_text(top, "environment", "input"),
        events=tuple(events),
    )
    return Simulation(plan=plan, timeline=timeline, as_of=_instant(top, "as_of", "input"))


def targets_for_plan_or_error(plan: str) -> dict[Severity, Any]:
    try:
        return targets_for(plan)
    except ValueError as exc:
        raise SimulationInputError(str(exc)) from None


def simulate(data: Any, calendar: BusinessCalendar | None = None) -> dict[str, Any]:
    """Decoded JSON in, report JSON out. Any invalid input → ``SimulationInputError``."""
    sim = parse_simulation(data)
    try:
        report = compute_clocks(
            sim.timeline,
            targets=targets_for_plan_or_error(sim.plan),
            calendar=calendar or BusinessCalendar.default(),
            as_of=sim.as_of,
        )
    except (ValueError, OverflowError) as exc:  # refused timeline, or dates at datetime's limits
        raise SimulationInputError(str(exc)) from None
    return report.to_json()


def _read(path: str, stdin: IO[str] | None) -> str:
    """The input text, decoded as UTF-8 (a leading BOM is ignored) whatever the locale."""
    if path != "-":
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8-sig")
    if stdin is not None:
        return stdin.read().removeprefix("\ufeff")
    return sys.stdin.buffer.read().decode("utf-8-sig")


def _write(text: str, stdout: IO[str] | None) -> None:
    """Print ``text`` as UTF-8 whatever the locale (policy words have accents)."""
    if stdout is not None:
        print(text, file=stdout)
        return
    sys.stdout.buffer.write((text + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()


def main(
    argv: Sequence[str],
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """``argv`` = the arguments after ``sla simulate`` (one path, or ``-`` for stdin).

    Exit 0 with the report on stdout, or exit 2 with a message on stderr and nothing on
    stdout (unreadable or malformed input, unknown key or value, naive or out-of-order
    instant, ``as_of`` before the opening, a refused severity change)."""
    stderr = stderr or sys.stderr
    if len(argv) != 1:
        print(_USAGE, file=stderr)
        return EXIT_INVALID
    path = argv[0]
    try:
        text = _read(path, stdin)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"erro: não foi possível ler {path!r}: {exc}", file=stderr)
        return EXIT_INVALID
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        print(f"erro: JSON inválido: {exc}", file=stderr)
        return EXIT_INVALID
    try:
        result = simulate(data)
    except SimulationInputError as exc:
        print(f"erro: {exc}", file=stderr)
        return EXIT_INVALID
    _write(json.dumps(result, ensure_ascii=False, indent=2), stdout)
    return 0

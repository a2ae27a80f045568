"""Benchmark compute_clocks over random realistic timelines (opening + 0..5 events).

    python benchmarks/clocks.py [--n 1000000] [--seed 2026]

Goal: 1,000,000 timelines in < 20 s on one core. Timelines are generated (not timed)
first, then recomputed with the default calendar and the PREMIUM/STARTER tables.
"""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import random  # noqa: E402
import time as clock  # noqa: E402
from collections.abc import Mapping  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402

from servicedesk.sla import (  # noqa: E402
    BusinessCalendar,
    Severity,
    TicketStatus,
    TicketType,
    Timeline,
    TimelineEvent,
    compute_clocks,
    targets_for,
)

START = datetime(2025, 1, 1, tzinfo=UTC)
SEVERITIES = [s.value for s in Severity]
STATUSES = [s.value for s in TicketStatus if s is not TicketStatus.NEW]
UNIFORM = {TicketType.REQUEST.value, TicketType.QUESTION.value}


def make_timelines(n: int, seed: int) -> list[tuple[Timeline, Mapping[str, tuple[timedelta, timedelta]], datetime]]:
    rng = random.Random(seed)
    tz = BusinessCalendar.default().tz
    plans = [targets_for("PREMIUM"), targets_for("STARTER")]
    result = []
    for _ in range(n):
        opened = (START + timedelta(seconds=rng.randrange(3 * 365 * 86_400))).astimezone(tz)
        ticket_type = rng.choice(["Problema", "Problema", "Solicitação", "Dúvida"])
        severity = "Normal" if ticket_type in UNIFORM else rng.choice(SEVERITIES)
        current = ticket_type
        moment = opened
        events = []
        for _ in range(rng.randrange(6)):
            moment += timedelta(seconds=rng.randrange(2 * 86_400))
            kind = rng.random()
            if kind < 0.45:
                events.append(TimelineEvent(moment, status=rng.choice(STATUSES)))
            elif kind < 0.6:
                events.append(TimelineEvent(moment, diagnosis=True))
            elif kind < 0.8:
                events.append(TimelineEvent(moment, customer_interaction=True))
            elif kind < 0.9 and current not in UNIFORM:
                events.append(TimelineEvent(moment, severity=rng.choice(SEVERITIES)))
            else:
                current = rng.choice(["Problema", "Solicitação", "Dúvida"])
                events.append(TimelineEvent(moment, type=current))
        as_of = moment + timedelta(seconds=rng.randrange(5 * 86_400))
        timeline = Timeline(opened, ticket_type, severity, rng.choice(["produção", "homologação"]), tuple(events))
        result.append((timeline, rng.choice(plans), as_of))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    cal = BusinessCalendar.default()
    t0 = clock.perf_counter()
    timelines = make_timelines(args.n, args.seed)
    generated = clock.perf_counter() - t0
    events = sum(len(t.events) for t, _, _ in timelines)
    for timeline, targets, as_of in timelines[:1000]:  # warm up the year tables
        compute_clocks(timeline, targets=targets, calendar=cal, as_of=as_of)

    t0 = clock.perf_counter()
    for timeline, targets, as_of in timelines:
        compute_clocks(timeline, targets=targets, calendar=cal, as_of=as_of)
    total = clock.perf_counter() - t0

    print(f"timelines: {args.n:,} ({events / args.n:.2f} events each; generated in {generated:.1f} s)")
    print(f"compute_clocks: {total:.2f} s total, {total / args.n * 1e6:.2f} µs per timeline")
    print(f"projected for 1,000,000: {total / args.n * 1e6:.1f} s (goal < 20 s)")


if __name__ == "__main__":
    main()

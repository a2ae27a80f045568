"""Benchmark BusinessCalendar.add/elapsed against the ``businesstimedelta`` package.

    python benchmarks/calendar.py [--n 100000] [--sample 1000] [--seed 2026]

Both are configured alike: America/Sao_Paulo, Mon–Fri 09–13 and 14–18, Brazilian national
holidays. Cases use whole seconds (businesstimedelta drops microseconds). Where their
conventions meet they must agree: ``add`` returns the earliest instant (a deadline at a
window's end stays there; a zero duration moves to the next opening) and ``difference``
sorts its arguments, so only ``start <= end`` pairs are compared.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the stdlib ``calendar`` module: drop its own directory from the
# import path (the ``holidays`` package imports ``calendar``), then add the repo root.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import argparse  # noqa: E402
import random  # noqa: E402
import time as clock  # noqa: E402
from datetime import UTC, datetime, time, timedelta  # noqa: E402

from servicedesk.sla import BusinessCalendar  # noqa: E402
from servicedesk.sla.engine.calendar import brazilian_national_holidays  # noqa: E402

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_SECONDS = 3 * 365 * 86_400


def make_cases(n: int, seed: int) -> list[tuple[datetime, timedelta, datetime]]:
    rng = random.Random(seed)
    tz = BusinessCalendar.default().tz
    cases = []
    for _ in range(n):
        start = (START + timedelta(seconds=rng.randrange(SPAN_SECONDS))).astimezone(tz)
        if rng.random() < 0.3:  # land exactly on window boundaries often
            start = start.replace(hour=rng.choice([9, 13, 14, 18]), minute=0, second=0)
        duration = timedelta(minutes=rng.choice([0, rng.randrange(1, 60 * 8 * 45)]))
        end = start + timedelta(seconds=rng.randrange(45 * 86_400))
        cases.append((start, duration, end))
    return cases


def businesstimedelta_rules():  # type: ignore[no-untyped-def]
    import pytz
    from businesstimedelta import HolidayRule, Rules, WorkDayRule

    sp = pytz.timezone("America/Sao_Paulo")
    weekdays = [0, 1, 2, 3, 4]
    closed = sorted(d for year in range(2024, 2031) for d in brazilian_national_holidays(year))
    return Rules(
        [
            WorkDayRule(start_time=time(9), end_time=time(13), working_days=weekdays, tz=sp),
            WorkDayRule(start_time=time(14), end_time=time(18), working_days=weekdays, tz=sp),
            HolidayRule(closed, tz=sp),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from businesstimedelta import BusinessTimeDelta

    cal = BusinessCalendar.default()
    cases = make_cases(args.n, args.seed)
    cal.add(cases[0][0], timedelta(hours=1))  # build the year tables before timing

    t0 = clock.perf_counter()
    added = [cal.add(s, d) for s, d, _ in cases]
    t_add = clock.perf_counter() - t0
    t0 = clock.perf_counter()
    spans = [cal.elapsed(s, e) for s, _, e in cases]
    t_elapsed = clock.perf_counter() - t0

    rules = businesstimedelta_rules()
    sample = cases[: args.sample]
    t0 = clock.perf_counter()
    theirs_add = [s + BusinessTimeDelta(rules, timedelta=d) for s, d, _ in sample]
    t_their_add = clock.perf_counter() - t0
    t0 = clock.perf_counter()
    theirs_diff = [rules.difference(s, e).timedelta for s, _, e in sample]
    t_their_diff = clock.perf_counter() - t0

    mismatches = [
        (s, d, ours, theirs)
        for (s, d, _), ours, theirs in zip(sample, added, theirs_add, strict=False)
        if ours != theirs
    ]
    mismatches += [
        (s, e, ours, theirs)
        for (s, _, e), ours, theirs in zip(sample, spans, theirs_diff, strict=False)
        if ours != theirs
    ]
    assert not mismatches, f"{len(mismatches)} disagreements, first: {mismatches[0]}"

    ours_add_ops = args.n / t_add
    ours_elapsed_ops = args.n / t_elapsed
    their_add_ops = len(sample) / t_their_add
    their_diff_ops = len(sample) / t_their_diff
    print(f"cases: {args.n:,} (businesstimedelta sample: {len(sample):,}, all agree)")
    print(f"BusinessCalendar.add      {ours_add_ops:>12,.0f} ops/s  ({1e6 / ours_add_ops:.2f} µs/call)")
    print(f"BusinessCalendar.elapsed  {ours_elapsed_ops:>12,.0f} ops/s  ({1e6 / ours_elapsed_ops:.2f} µs/call)")
    print(f"businesstimedelta add     {their_add_ops:>12,.0f} ops/s  ({1e3 / their_add_ops:.2f} ms/call)")
    print(f"businesstimedelta diff    {their_diff_ops:>12,.0f} ops/s  ({1e3 / their_diff_ops:.2f} ms/call)")
    print(f"speed-up: add {ours_add_ops / their_add_ops:,.0f}×, elapsed {ours_elapsed_ops / their_diff_ops:,.0f}×")


if __name__ == "__main__":
    main()

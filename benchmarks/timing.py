"""The one way both sides of benchmarks/web.py are timed: ours in our virtualenv, django-helpdesk in
its own (benchmarks/peer/, which loads this file by path). Standard library and Django only.

A *view* is what a person waits for: one GET, or for django-helpdesk's ticket list the page and
the JSON request its DataTable sends for the rows. Each timed view goes through the Django test
client (the whole middleware stack and template rendering, no network), sequentially; `cold`
clears every configured cache (``settings.CACHES``, whatever aliases exist) before each timed
view, outside the timing. The query count is taken on one more view prepared the same way.

Wall-clock times: on a busy machine they include waiting for the CPU, so each result also
carries this process's CPU time (``cpu_p50_ms``) and the benchmarks print the load average.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence


def clear_caches() -> None:
    """Empty every cache of settings.CACHES (sessions kept in a cache go too: they are re-read from
    the database, as on the first request of a new worker)."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def measure_view(
    client,
    urls: Sequence[str],
    *,
    repeat: int,
    warmup: int = 3,
    cold: bool,
    budget_s: float = 60.0,
    min_repeat: int = 20,
    headers: dict[str, str] | None = None,
    check: Callable[[str, object], None] | None = None,
) -> dict:
    """p50/p95/max server time (ms) of GETting `urls` in sequence, and the queries of one view.

    `repeat` timed views, or fewer (never under `min_repeat`) once `budget_s` seconds are spent:
    a page that takes seconds still gets a p95 from enough samples in bounded time (see "n")."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = headers or {}

    def view() -> None:
        for url in urls:
            response = client.get(url, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} → {response.status_code} (esperado 200)")
            if check:
                check(url, response)

    warm_until = time.monotonic() + 5  # a page of several seconds gets one warm-up view, not three
    for n in range(warmup):
        if n and time.monotonic() > warm_until:
            break
        view()
    timings: list[float] = []
    cpu: list[float] = []
    deadline = time.monotonic() + budget_s
    for _ in range(repeat):
        if len(timings) >= min_repeat and time.monotonic() > deadline:
            break
        if cold:
            clear_caches()
        start, start_cpu = time.perf_counter(), time.process_time()
        view()
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    if cold:
        clear_caches()
    with CaptureQueriesContext(connection) as queries:
        view()
    timings.sort()
    cpu.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 0.95),
        "max_ms": timings[-1],
        # CPU of this process only (with SQLite, the database work too; PostgreSQL's is elsewhere):
        # next to the wall-clock figures it shows how much of them other load on the machine took.
        "cpu_p50_ms": statistics.median(cpu),
        "queries": len(queries.captured_queries),
        "requests": len(urls),
        "n": len(timings),
        "cold": cold,
    }

"""SLA reports benchmark (issue 11): compliance and statements read from the per-clock outcome
columns, on 100,000 tickets / about 1,000,000 history events.

    python benchmarks/reports.py [--tickets 100000] [--database-url postgres://…/bench_reports] [--repeat 30]

Default database: SQLite at var/bench_reports.sqlite3 (PostgreSQL: pass e.g.
``postgres://postgres@127.0.0.1:5432/bench_reports``). The production profile, in process.

1. Fills the database up to N demo tickets opened over the last 12 months
   (``manage.py generate_demo_tickets --months 12``: the same engine writes the deadlines and the
   outcomes), then tops the history up to about 10 events per ticket with events that do not
   touch the clocks (internal notes), as a long-lived desk has; ANALYZE.
2. Times, as an administrator (everything in scope), each selector ``--repeat`` times:
   the last complete month's compliance by plan × severity (goal p95 ≤ 300 ms), the 12-month
   trend grouped by month as the dashboard's chart reads it (percentages only, ≤ 500 ms), the
   largest organization's statement of that month as the portal shows it (the first page of 50
   tickets and the month's totals, ≤ 200 ms) and — no goal — the whole statement the PDF draws
   and the dashboard's 12 months of paused time by status, and prints the plan of each SQL query (which index it uses).

Exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks._support import VAR, production_env, setup_django  # noqa: E402
from benchmarks.timing import percentile  # noqa: E402

DEFAULT_URL = f"sqlite:///{VAR / 'bench_reports.sqlite3'}"
GOALS_MS = {"compliance": 300.0, "trend": 500.0, "statement": 200.0}
EVENTS_PER_TICKET = 10


def ensure_data(count: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from servicedesk.tickets.models import EventKind, Ticket, TicketEvent

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = count - Ticket.objects.count()
    if missing > 0:
        print(f"gerando {missing:,} chamados (12 meses)…", flush=True)
        started = time.perf_counter()
        call_command("generate_demo_tickets", count=missing, months=12, seed=2026, verbosity=0)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    events = TicketEvent.objects.count()
    wanted = Ticket.objects.count() * EVENTS_PER_TICKET
    if events < wanted * 0.95:
        print(f"completando o histórico: {events:,} → ~{wanted:,} eventos…", flush=True)
        started = time.perf_counter()
        rows = Ticket.objects.annotate(n=Count("events")).values_list("pk", "opened_at", "n").order_by("pk")
        batch = []
        from datetime import timedelta

        for pk, opened_at, n in rows.iterator(chunk_size=5000):
            for index in range(max(0, EVENTS_PER_TICKET - n)):
                batch.append(
                    TicketEvent(
                        ticket_id=pk,
                        at=opened_at + timedelta(minutes=7 + index),
                        kind=EventKind.INTERNAL_NOTE,
                        public=False,
                        data={},
                    )
                )
            if len(batch) >= 20000:
                with transaction.atomic():
                    TicketEvent.objects.bulk_create(batch, batch_size=5000)
                batch = []
        if batch:
            with transaction.atomic():
                TicketEvent.objects.bulk_create(batch, batch_size=5000)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    _fill_met_months()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _fill_met_months() -> None:
    """A database generated before tickets migration 0015 lacks the met months: they are the
    Brasília month of each production clock's met instant (what `sla_outcomes_backfill` writes
    through the engine, here without replaying 100,000 histories)."""
    from django.db import transaction

    from servicedesk.sla.services import brasilia_month
    from servicedesk.tickets.models import Ticket

    for clock in ("diagnosis", "solution"):
        met_at, month = f"{clock}_met_at", f"{clock}_met_month"
        pending = Ticket.objects.filter(
            **{f"{met_at}__isnull": False, f"{month}__isnull": True, "environment": "produção"}
        )
        if not pending.exists():
            continue
        print(f"preenchendo {month}…", flush=True)
        rows = list(pending.values_list("pk", met_at))
        for start in range(0, len(rows), 5000):
            with transaction.atomic():
                Ticket.objects.bulk_update(
                    [Ticket(pk=pk, **{month: brasilia_month(moment)}) for pk, moment in rows[start : start + 5000]],
                    [month],
                )


def timed(function, repeat: int) -> tuple[float, float, list[str]]:
    """p50 and p95 in ms of `repeat` calls, and the SQL of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()  # warm: the engine calendar, the connection
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        function()
    samples.sort()
    return percentile(samples, 0.5), percentile(samples, 0.95), [q["sql"] for q in captured.captured_queries]


def plans(queries: list[str]) -> list[str]:
    """One line per query: which indexes its plan reads (EXPLAIN)."""
    from django.db import connection

    out = []
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN " + sql)
                lines = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                lines = [row[-1] for row in cursor.fetchall()]
            used = [line.strip() for line in lines if "index" in line.lower() or "Scan" in line or "SCAN" in line]
            out.append(" | ".join(used[:4]) or lines[0])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    setup_django(production_env(args.database_url, redis_url=None))
    ensure_data(args.tickets)

    from datetime import date

    from django.db.models import Count

    from servicedesk.accounts.models import Organization, User
    from servicedesk.core.clock import now as clock_now
    from servicedesk.reports.pauses import paused_by_status
    from servicedesk.reports.selectors import BRASILIA, Period, compliance
    from servicedesk.reports.statements import statement
    from servicedesk.tickets.models import Ticket, TicketEvent

    now = clock_now()
    local = now.astimezone(BRASILIA)
    last = date(local.year - (local.month == 1), (local.month - 2) % 12 + 1, 1)
    month = Period.month(last.year, last.month)
    year = Period.months_back(last, 12)
    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(role="admin").first()
    org = Organization.objects.annotate(n=Count("tickets")).order_by("-n").first()
    print(
        f"{Ticket.objects.count():,} chamados, {TicketEvent.objects.count():,} eventos · "
        f"mês {last:%Y-%m}, 12 meses {year.first:%Y-%m}–{year.last:%Y-%m} · organização {org.name} ({org.n:,} chamados)"
    )
    cases = {
        "compliance": lambda: compliance(user=admin, period=month, now=now, group_by=("plan", "severity")),
        # what the dashboard's line chart reads: the percentages, not the averages
        "trend": lambda: compliance(user=admin, period=year, now=now, group_by=("month",), times=False),
        # the portal's page: the first 50 tickets, the month's totals aggregated in the database
        "statement": lambda: statement(org, year=last.year, month=last.month, now=now, page=1),
        # the PDF and the e-mail: every ticket of the month (no goal; a fixed number of queries)
        "statement_all": lambda: statement(org, year=last.year, month=last.month, now=now),
        # the dashboard's paused time by status over its default 12 months (no goal)
        "paused": lambda: paused_by_status(user=admin, period=year, now=now, group_by=("plan", "severity")),
    }
    labels = {
        "compliance": "cumprimento do mês por plano × severidade",
        "trend": "tendência de 12 meses (por mês)",
        "statement": "extrato mensal de uma organização (página de 50)",
        "statement_all": "extrato com todos os chamados do mês (o do PDF)",
        "paused": "tempo pausado por status, 12 meses (o do painel)",
    }
    missed = False
    from django.db import connection

    print(f"banco: {connection.vendor}")
    for key, function in cases.items():
        p50, p95, queries = timed(function, args.repeat if key in GOALS_MS else max(3, args.repeat // 5))
        ok = p95 <= GOALS_MS.get(key, float("inf"))
        missed |= not ok
        print(
            f"{labels[key]}: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
            + (f"(meta ≤ {GOALS_MS[key]:.0f} ms) {'ok' if ok else 'FALHOU'}" if key in GOALS_MS else "(sem meta)")
            + f" · {len(queries)} consultas"
        )
        for line in plans(queries):
            print(f"    plano: {line}")
    rows = cases["compliance"]()
    print("amostra:", ", ".join(f"{r.keys['plan']}×{r.keys['severity']} {r.solution.compliance}" for r in rows[:4]))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the REST API: GET /tickets (page of 50) and GET /tickets/{n}/sla.

    python benchmarks/api.py [--tickets 100000] [--database-url URL] [--requests 300] [--seconds 10]

1. Fills the database up to N tickets (demo data + ``manage.py generate_demo_tickets``; bulk
   inserts of tickets, history and messages) — run it on an empty or benchmark-only database.
2. Server time in process (Django test client, no network): p50/p95 of each endpoint, as staff
   (every organization) and as a customer (one organization).
3. Throughput through gunicorn (2 sync workers) on 127.0.0.1 with ``wrk`` (8 connections, 2
   threads, ``--seconds`` each); without wrk, a bounded Python thread loop does the same.

Goal: p95 under 30 ms for the list on PostgreSQL. Rate limits are off during the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

# benchmarks/calendar.py would shadow the stdlib ``calendar``: drop this directory from the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
ROOT = _HERE.parent
sys.path.insert(0, str(ROOT))

from benchmarks._support import gunicorn, have_wrk, wrk  # noqa: E402


def _configure(database_url: str) -> dict[str, str]:
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "API_RATE_LIMIT_PER_MINUTE": "0",
        "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
        "AXES_ENABLED": "False",
    }
    os.environ.update(env)
    if database_url.startswith("postgres"):
        _create_postgres_database(database_url)
    import django

    django.setup()
    return env


def _create_postgres_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _fill(tickets: int) -> None:
    from django.core.management import call_command

    from servicedesk.demo.data import load_demo_data
    from servicedesk.tickets.models import Ticket

    call_command("migrate", verbosity=0)
    load_demo_data()
    missing = tickets - Ticket.objects.count()
    if missing > 0:
        started = time.perf_counter()
        call_command("generate_demo_tickets", count=missing, seed=2026)
        print(f"gerados {missing:,} chamados em {time.perf_counter() - started:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _tokens() -> dict[str, str]:
    from servicedesk.accounts.models import User
    from servicedesk.api.services import api_token_create
    from servicedesk.core import clock

    return {
        role: api_token_create(
            user=User.objects.get(username=name), name="benchmark", scope="read", now=clock.now()
        ).raw
        for role, name in (("staff", "ana.analista"), ("customer", "joana.acme"))
    }


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (n={len(ordered)})"


def _in_process(tokens: dict[str, str], requests: int) -> dict[str, list[float]]:
    from django.test import Client

    from servicedesk.tickets.models import Ticket

    client = Client(HTTP_HOST="127.0.0.1")
    ids = list(Ticket.objects.values_list("id", flat=True).order_by("?")[:requests])
    acme = list(Ticket.objects.filter(organization__slug="acme").values_list("id", flat=True)[:requests])
    cases = {
        "GET /tickets (equipe, 50)": ("staff", lambda i: "/api/v1/tickets?limit=50"),
        "GET /tickets (equipe, 2ª página)": ("staff", None),
        "GET /tickets?order=due (equipe)": ("staff", lambda i: "/api/v1/tickets?limit=50&order=due"),
        "GET /tickets?status=NOVO (equipe)": ("staff", lambda i: "/api/v1/tickets?limit=50&status=NOVO"),
        "GET /tickets (cliente, 50)": ("customer", lambda i: "/api/v1/tickets?limit=50"),
        "GET /tickets/{n}/sla (equipe)": ("staff", lambda i: f"/api/v1/tickets/{ids[i % len(ids)]}/sla"),
        "GET /tickets/{n}/sla (cliente)": ("customer", lambda i: f"/api/v1/tickets/{acme[i % len(acme)]}/sla"),
    }
    first = client.get("/api/v1/tickets?limit=50", headers={"Authorization": f"Bearer {tokens['staff']}"}).json()
    second_page = f"/api/v1/tickets?limit=50&cursor={first['next_cursor']}"
    results: dict[str, list[float]] = {}
    for name, (role, path_for) in cases.items():
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        make = path_for or (lambda i: second_page)
        for i in range(10):  # warm-up
            client.get(make(i), headers=headers)
        samples = []
        for i in range(requests):
            started = time.perf_counter()
            response = client.get(make(i), headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
        results[name] = samples
        print(f"  {name:36s} {_percentiles(samples)}")
    return results


def _python_load(url_for, token: str, seconds: int, threads: int = 8, max_requests: int = 20_000) -> tuple[float, str]:
    """Bounded fallback: `threads` loops for `seconds` or `max_requests` requests, loopback only."""
    deadline = time.monotonic() + seconds
    done, lock, latencies = [0], threading.Lock(), []

    def worker(seed: int):
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            with lock:
                if done[0] >= max_requests:
                    return
                done[0] += 1
            request = urllib.request.Request(url_for(rng), headers={"Authorization": f"Bearer {token}"})
            started = time.perf_counter()
            urllib.request.urlopen(request, timeout=10).read()
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)

    started = time.monotonic()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    return len(latencies) / elapsed, _percentiles(latencies)


def _through_gunicorn(env: dict[str, str], tokens: dict[str, str], seconds: int) -> dict[str, float]:
    from servicedesk.tickets.models import Ticket

    results = {}
    use_wrk = have_wrk()
    with gunicorn(wsgi="config.wsgi:application", env=env, ready_path="/api/v1/openapi.json") as base:
        lo, hi = Ticket.objects.order_by("id").values_list("id", flat=True).first(), Ticket.objects.latest("id").id
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(
                f'math.randomseed(2026)\nrequest = function()\n  return wrk.format("GET", '
                f'"/api/v1/tickets/" .. math.random({lo}, {hi}) .. "/sla")\nend\n'
            )
        cases = {
            "GET /tickets (equipe, 50)": (
                f"{base}/api/v1/tickets?limit=50",
                None,
                lambda rng: f"{base}/api/v1/tickets?limit=50",
            ),
            "GET /tickets/{n}/sla (equipe)": (
                f"{base}/api/v1/tickets/{lo}/sla",
                lua.name,
                lambda rng: f"{base}/api/v1/tickets/{rng.randint(lo, hi)}/sla",
            ),
        }
        for name, (url, script, url_for) in cases.items():
            if use_wrk:
                rps, latency = wrk(
                    url, header=f"Authorization: Bearer {tokens['staff']}", seconds=seconds, script=script
                )
                tool = "wrk -t2 -c8"
            else:
                rps, latency = _python_load(url_for, tokens["staff"], seconds)
                tool = "python, 8 threads"
            results[name] = rps
            print(f"  {name:36s} {rps:8.1f} req/s   latência {latency}   ({tool}, {seconds} s)")
        os.unlink(lua.name)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-api.sqlite3'}"),
        help="Banco exclusivo do benchmark (PostgreSQL: criado se não existir).",
    )
    parser.add_argument("--requests", type=int, default=300, help="Requisições medidas por caso (em processo).")
    parser.add_argument("--seconds", type=int, default=10, help="Duração de cada carga no gunicorn.")
    args = parser.parse_args(argv)
    (ROOT / "var").mkdir(exist_ok=True)
    env = _configure(args.database_url)
    from django.db import connection

    _fill(args.tickets)
    from servicedesk.tickets.models import Ticket

    print(f"banco: {connection.vendor}, {Ticket.objects.count():,} chamados")
    tokens = _tokens()
    print("tempo no servidor (Django em processo):")
    in_process = _in_process(tokens, args.requests)
    print("vazão pelo gunicorn (2 workers, 127.0.0.1):")
    through = _through_gunicorn(env, tokens, args.seconds)
    summary = {
        name: {"p50_ms": statistics.median(s), "p95_ms": sorted(s)[max(0, int(len(s) * 0.95) - 1)]}
        for name, s in in_process.items()
    }
    list_p95 = summary["GET /tickets (equipe, 50)"]["p95_ms"]
    print(json.dumps({"vendor": connection.vendor, "in_process": summary, "rps": through}, ensure_ascii=False))
    goal = "OK" if list_p95 < 30 else "ACIMA DA META"
    print(f"meta p95 < 30 ms para a lista: {list_p95:.1f} ms — {goal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

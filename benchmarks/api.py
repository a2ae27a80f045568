"""Benchmark the REST API: GET /tickets (page of 50) and GET /tickets/{n}/sla.

    python benchmarks/api.py [--tickets 100000] [--database-url URL] [--requests 300] [--seconds 10]

Profile: ``config.settings.production``, as deployed (DEBUG off, CONN_MAX_AGE=60, Argon2, Redis
caches when Redis answers at ``--redis-url``, the manifest static storage), with the environment
it needs on loopback: a throw-away DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,
testserver, DATABASE_URL, STATIC_ROOT=var/bench-static, and every request carries
``X-Forwarded-Proto: https`` as behind the TLS proxy (production trusts that header), so the
HTTPS redirect never answers instead of the API. One deliberate difference: the per-token and
per-address rate limits are off (API_RATE_LIMIT_*=0), or wrk would measure 429 answers.

1. Fills the database up to N tickets (demo data + ``manage.py generate_demo_tickets``, reused when
   it already holds them; by default the web benchmark's var/bench.sqlite3).
2. Server time in process (Django test client, no network, sequential): p50/p95 and the SQL
   queries of each endpoint, as staff (every organization) and as a customer (one organization).
3. Throughput through gunicorn (2 sync workers) on 127.0.0.1 with wrk (2 threads, 8 connections,
   ``--seconds`` each). wrk is required: without it the run fails (Debian package ``wrk``).

Goals (unchanged from issue 3, the run exits 1 when one is missed): ``GET /tickets`` page of 50 as
staff, p95 < 30 ms on PostgreSQL (printed for SQLite too, without a verdict). ``GET
/tickets/{n}/sla`` has never had a goal (none in the code, README or docs): its figures are
printed without a verdict until one is set.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

# benchmarks/calendar.py would shadow the stdlib ``calendar``: drop this directory from the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks._support import (  # noqa: E402
    DEFAULT_SQLITE_URL,
    HTTPS_HEADERS,
    VAR,
    collectstatic,
    ensure_tickets,
    gunicorn,
    production_env,
    redis_reachable,
    require_wrk,
    setup_django,
    wrk,
)
from benchmarks.timing import percentile  # noqa: E402

LIST_GOAL_MS = 30.0
LIST = "GET /tickets (equipe, 50)"
RATE_LIMITS_OFF = {"API_RATE_LIMIT_PER_MINUTE": "0", "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0"}


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


def _in_process(tokens: dict[str, str], requests: int) -> dict[str, dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from servicedesk.tickets.models import Ticket

    client = Client(HTTP_HOST="127.0.0.1")
    ids = list(Ticket.objects.values_list("id", flat=True).order_by("?")[:requests])
    acme = list(Ticket.objects.filter(organization__slug="acme").values_list("id", flat=True)[:requests])
    staff_headers = {"Authorization": f"Bearer {tokens['staff']}", **HTTPS_HEADERS}
    first = client.get("/api/v1/tickets?limit=50", headers=staff_headers).json()
    second_page = f"/api/v1/tickets?limit=50&cursor={first['next_cursor']}"
    cases = {
        LIST: ("staff", lambda i: "/api/v1/tickets?limit=50"),
        "GET /tickets (equipe, 2ª página)": ("staff", lambda i: second_page),
        "GET /tickets?order=due (equipe)": ("staff", lambda i: "/api/v1/tickets?limit=50&order=due"),
        "GET /tickets?status=NOVO (equipe)": ("staff", lambda i: "/api/v1/tickets?limit=50&status=NOVO"),
        "GET /tickets (cliente, 50)": ("customer", lambda i: "/api/v1/tickets?limit=50"),
        "GET /tickets/{n}/sla (equipe)": ("staff", lambda i: f"/api/v1/tickets/{ids[i % len(ids)]}/sla"),
        "GET /tickets/{n}/sla (cliente)": ("customer", lambda i: f"/api/v1/tickets/{acme[i % len(acme)]}/sla"),
    }
    results: dict[str, dict] = {}
    for name, (role, path_for) in cases.items():
        headers = {"Authorization": f"Bearer {tokens[role]}", **HTTPS_HEADERS}
        for i in range(10):  # warm-up
            client.get(path_for(i), headers=headers)
        samples = []
        for i in range(requests):
            started = time.perf_counter()
            response = client.get(path_for(i), headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"ERRO: {name}: {response.status_code} {response.content[:300]!r}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path_for(0), headers=headers)
        samples.sort()
        results[name] = {
            "p50_ms": statistics.median(samples),
            "p95_ms": percentile(samples, 0.95),
            "queries": len(queries.captured_queries),
            "n": len(samples),
        }
        r = results[name]
        print(f"  {name:36s} p50 {r['p50_ms']:6.1f} ms   p95 {r['p95_ms']:6.1f} ms   {r['queries']:3d} queries")
    return results


def _through_gunicorn(env: dict[str, str], tokens: dict[str, str], seconds: int) -> dict[str, dict]:
    from servicedesk.tickets.models import Ticket

    ids = list(Ticket.objects.values_list("id", flat=True).order_by("?")[:2000])
    auth = {"Authorization": f"Bearer {tokens['staff']}", **HTTPS_HEADERS}
    cases = {
        LIST: ["/api/v1/tickets?limit=50"],
        "GET /tickets/{n}/sla (equipe)": [f"/api/v1/tickets/{n}/sla" for n in ids],
    }
    results = {}
    with gunicorn(wsgi="config.wsgi:application", env=env, ready_path="/api/v1/openapi.json") as base:
        for name, paths in cases.items():  # wrk's script rotates the paths (random tickets for /sla)
            r = results[name] = wrk(base, paths=paths, seconds=seconds, headers=auth)
            print(
                f"  {name:36s} {r['rps']:8.1f} req/s   latência p50 {r['latency_p50']} p99 {r['latency_p99']}"
                f"   ({r['non200']} não-200, wrk -t2 -c8, {seconds} s)"
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_SQLITE_URL, help="default: var/bench.sqlite3")
    parser.add_argument("--requests", type=int, default=300, help="Requisições medidas por caso (em processo).")
    parser.add_argument("--seconds", type=int, default=10, help="Duração de cada carga no gunicorn.")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    require_wrk()
    redis_url = args.redis_url if redis_reachable(args.redis_url) else None
    env = production_env(args.database_url, redis_url=redis_url, extra=RATE_LIMITS_OFF)
    setup_django(env)
    from django.conf import settings
    from django.db import connection

    collectstatic()
    ensure_tickets(args.tickets)
    from servicedesk.tickets.models import Ticket

    caches = ", ".join(f"{alias}={conf['BACKEND'].rsplit('.', 1)[-1]}" for alias, conf in settings.CACHES.items())
    print(
        f"banco: {connection.vendor}, {Ticket.objects.count():,} chamados · perfil production · caches {caches}"
        f" · load {os.getloadavg()[0]:.2f}"
    )
    tokens = _tokens()
    print("tempo no servidor (Django em processo, sequencial):")
    in_process = _in_process(tokens, args.requests)
    print("vazão pelo gunicorn (2 workers, 127.0.0.1):")
    through = _through_gunicorn(env, tokens, args.seconds)
    out = VAR / f"bench-api-{connection.vendor}-{Ticket.objects.count()}.json"
    out.write_text(json.dumps({"vendor": connection.vendor, "in_process": in_process, "rps": through}, indent=1))

    list_p95 = in_process[LIST]["p95_ms"]
    misses = [
        f"{name}: {r['non200']} respostas não-200 e {r['socket_errors']} erros de socket no wrk"
        for name, r in through.items()
        if r["non200"] or r["socket_errors"]
    ]
    if connection.vendor == "postgresql":
        verdict = "OK" if list_p95 < LIST_GOAL_MS else "FALHOU"
        if verdict != "OK":
            misses.append(f"{LIST} p95 {list_p95:.1f} ms ≥ {LIST_GOAL_MS:.0f} ms")
    else:
        verdict = "— (a meta vale para PostgreSQL)"
    print(f"\nmeta {LIST} p95 < {LIST_GOAL_MS:.0f} ms: {list_p95:.1f} ms — {verdict}")
    sla = in_process["GET /tickets/{n}/sla (equipe)"]
    print(f"GET /tickets/{{n}}/sla (equipe) p95 {sla['p95_ms']:.1f} ms — sem meta definida")
    print(f"resultado completo em {out.relative_to(VAR.parent)} · {time.perf_counter() - started:.0f} s")
    if misses:
        print("veredito: metas NÃO atingidas:\n  - " + "\n  - ".join(misses))
        return 1
    print("veredito: metas atingidas")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

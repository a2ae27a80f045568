"""Web benchmark (issue 3): staff queue, ticket page and customer home with N demo tickets.

    python benchmarks/web.py [--tickets 100000] [--database-url postgres://…] [--seconds 10]

Prints p50/p95 server time and SQL query count per page (in-process), then requests/s through
gunicorn with 2 workers on 127.0.0.1 measured with wrk, and the ratios against django-helpdesk's
open-ticket list at the same volume (about 500 ms, 69 queries, 4 requests/s).
"""

from __future__ import annotations

import argparse

from _support import ROOT, ensure_tickets, gunicorn_rps, measure, session_cookie, setup_django

PEER = {"name": "django-helpdesk (lista de chamados abertos)", "p95_ms": 500.0, "queries": 69, "rps": 4.0}
GOALS = {"queue_p95_ms": 50.0, "queue_queries": 10, "ticket_p95_ms": 25.0, "queue_rps": 100.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}", help="default: var/bench.sqlite3"
    )
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    args = parser.parse_args()
    setup_django(args.database_url)
    ensure_tickets(args.tickets)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from servicedesk.tickets.models import Ticket

    users = get_user_model().objects
    analyst, customer = users.get(username="ana.analista"), users.get(username="joana.acme")
    ticket = Ticket.objects.filter(organization=customer.organization).order_by("-id").first()
    staff, portal = Client(), Client()
    staff.force_login(analyst)
    portal.force_login(customer)
    pages = {
        "fila da equipe (abertos, por prazo)": (staff, "/console/?queue=open"),
        "página do chamado (console)": (staff, f"/console/chamados/{ticket.pk}/"),
        "página do chamado (portal)": (portal, f"/chamados/{ticket.pk}/"),
        "início do cliente": (portal, "/"),
    }
    print(f"\n{Ticket.objects.count():,} chamados · banco {connection.vendor}\n")
    print(f"{'página':<40} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    results = {}
    for name, (client, url) in pages.items():
        results[name] = measure(client, url)
        r = results[name]
        print(f"{name:<40} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['queries']:8d}")

    rps = gunicorn_rps(
        [("/console/?queue=open", session_cookie("ana.analista")), ("/", session_cookie("joana.acme"))],
        database_url=args.database_url,
        seconds=args.seconds,
    )
    queue = results["fila da equipe (abertos, por prazo)"]
    print()
    for path, value in rps.items():
        print(f"gunicorn 2 workers, wrk 8 conexões: {path:<24} {value:8.1f} req/s")
    print(f"\ncomparação com {PEER['name']} (mesmo volume):")
    print(
        f"  fila p95: {queue['p95_ms']:.1f} ms vs {PEER['p95_ms']:.0f} ms → {PEER['p95_ms'] / queue['p95_ms']:.1f}× mais rápida"
    )
    print(f"  queries: {queue['queries']} vs {PEER['queries']}")
    if rps.get("/console/?queue=open"):
        print(
            f"  req/s: {rps['/console/?queue=open']:.0f} vs {PEER['rps']:.0f} → {rps['/console/?queue=open'] / PEER['rps']:.0f}×"
        )
    ok = (
        queue["p95_ms"] <= GOALS["queue_p95_ms"]
        and queue["queries"] <= GOALS["queue_queries"]
        and results["página do chamado (console)"]["p95_ms"] <= GOALS["ticket_p95_ms"]
        and (not rps or rps.get("/console/?queue=open", 0) >= GOALS["queue_rps"])
    )
    print(
        "\nmetas (fila p95 ≤ 50 ms com ≤ 10 queries, chamado ≤ 25 ms, ≥ 100 req/s):",
        "atingidas" if ok else "NÃO atingidas",
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

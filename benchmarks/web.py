"""Web benchmark (issues 3 and 8): our pages against django-helpdesk 2.6.1, side by side, in one run.

    python benchmarks/web.py [--tickets 100000] [--database-url postgres://…] [--seconds 10] [--skip-peer]

Our side runs the production profile (config.settings.production: DEBUG off, persistent database
connections, Redis caches and sessions when Redis answers, the manifest static storage) on
loopback: requests carry ``X-Forwarded-Proto: https`` as behind the TLS proxy, so no HTTPS
redirect distorts the figures.

1. Fills our database up to N demo tickets (``manage.py generate_demo_tickets``, reused when it
   already holds them) and django-helpdesk's with the *same* number of tickets, the same number
   of them open, 2 follow-ups each (``benchmarks/peer/``: its own virtualenv, var/bench-peer/, and
   its own database of the same kind: var/bench-peer.sqlite3 beside var/bench.sqlite3, or
   ``<name>_peer`` beside our PostgreSQL database ``<name>``, e.g. ``bench_peer``). Both sides
   also get ``--sessions`` extra staff members before anything is measured (the wrk users below).
2. Server time, sequential requests through each side's Django test client, in each side's own
   virtualenv, timed by the same function (benchmarks/timing.py): p50/p95 and the SQL queries of
   one view. *Cold* = every configured cache (settings.CACHES, whatever aliases exist) is cleared
   before each timed view; *warm* = not cleared. Process-level memos (compiled templates, the
   engine calendar) stay warm on both sides, as in any worker after its first request.
   Ours: the analyst's landing page ``/console/`` (the open queue, cold and warm), the ticket
   workspace, the customer home ``/`` and the portal ticket page, and word search in the console
   (``?q=horas extras dezembro``, ``?q=acme``, ``?q=joana``) and in the portal list (``/chamados/?q=…``).
   The peer: an agent's open-ticket list (``/helpdesk/tickets/``, the default Open+Reopened query)
   *and* the JSON request its DataTable makes for the 25 rows: one view is both requests.
3. Requests/s through gunicorn (2 sync workers) on 127.0.0.1 with wrk (2 threads, 8 connections,
   ``--seconds`` each), every view from the next of ``--sessions`` virtual users, each its own
   user and logged-in session (a Lua script rotates the pool); non-200 replies fail the run.
   For the peer a view is two requests, so its rate is counted in views/s (requests/s ÷ 2), and
   a slow peer gets a longer run (about 20 requests) so that its rate is measured, not guessed.

Goals (the run exits 1 on any miss, 2 when the peer or wrk cannot run; no ratio is printed then):
queue cold-cache p95 ≤ 40 ms at 100,000 tickets (≤ 50 ms at 1,000,000, PostgreSQL) and ≥ 10× faster
than the peer's list; through gunicorn ≥ 25× the peer's views/s; word search p95 ≤ 50 ms at
100,000 tickets; and, from issue 3, the queue in ≤ 10 queries and the workspace p95 ≤ 25 ms.
``--skip-peer`` (quick local runs only) prints "sem comparação" and no ratio.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

# benchmarks/calendar.py would shadow the stdlib ``calendar``: drop this directory from the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from benchmarks import _peer  # noqa: E402
from benchmarks._support import (  # noqa: E402
    DEFAULT_SQLITE_URL,
    HTTPS_HEADERS,
    VAR,
    collectstatic,
    ensure_staff_pool,
    ensure_tickets,
    gunicorn,
    http_get,
    production_env,
    redis_reachable,
    require_wrk,
    session_cookie,
    setup_django,
    staff_session_pool,
    wrk,
)
from benchmarks.timing import measure_view  # noqa: E402

SEARCHES = ["horas extras dezembro", "acme", "joana"]
QUEUE_COLD = "fila /console/ (cache frio)"
QUEUE_WARM = "fila /console/ (cache quente)"
WORKSPACE = "chamado (console)"


PEER_LABELS = {
    "list": "lista de abertos (página + dados)",
    "list_warm": "  idem, sem limpar caches",
    "list_page": "  só a página /helpdesk/tickets/",
    "list_data": "  só os dados (JSON do DataTable)",
    "ticket": "chamado /helpdesk/tickets/<id>/",
}


def _goal_queue_ms(tickets: int) -> float:
    """≤ 40 ms at the 100,000-ticket scale, ≤ 50 ms at 1,000,000 (the demo data adds a few tickets)."""
    return 40.0 if tickets < 1_000_000 else 50.0


def _our_pages(repeat: int, budget: float) -> tuple[dict, dict]:
    """Server time of our pages (in process): name → measure_view() result, or {"error": …}."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from servicedesk.tickets.models import Ticket
    from servicedesk.tickets.workflow import FINAL_STATUSES

    users = get_user_model().objects
    analyst, customer = users.get(username="ana.analista"), users.get(username="joana.acme")
    ticket = (
        Ticket.objects.filter(organization=customer.organization)
        .exclude(status__in=list(FINAL_STATUSES))
        .order_by("-id")
        .first()
    )

    def client_for(user) -> Client:
        client = Client()  # a new session each: remembered queue filters never leak between pages
        client.force_login(user)
        return client

    def has_rows(url, response):
        if b"data-ticket=" not in response.content:
            raise RuntimeError(f"GET {url}: a fila veio sem linhas")

    queue_client = client_for(analyst)
    pages = {
        QUEUE_COLD: (queue_client, "/console/", True, has_rows),
        QUEUE_WARM: (queue_client, "/console/", False, has_rows),
        WORKSPACE: (client_for(analyst), f"/console/chamados/{ticket.pk}/", True, None),
        "início do cliente /": (client_for(customer), "/", True, None),
        "chamado (portal)": (client_for(customer), f"/chamados/{ticket.pk}/", True, None),
    }
    search_staff, search_customer = client_for(analyst), client_for(customer)
    for query in SEARCHES:
        pages[f'busca console "{query}"'] = (search_staff, f"/console/?{urlencode({'q': query})}", True, None)
    for query in SEARCHES:
        pages[f'busca portal "{query}"'] = (search_customer, f"/chamados/?{urlencode({'q': query})}", True, None)
    results = {}
    for name, (client, url, cold, check) in pages.items():
        try:
            r = measure_view(
                client, [url], repeat=repeat, cold=cold, budget_s=budget, headers=HTTPS_HEADERS, check=check
            )
        except Exception as exc:  # a page broken by a change in progress fails its row, not the run
            r = {"error": f"{type(exc).__name__}: {exc}"[:240]}
        r["url"] = url
        results[name] = r
        print(f"  {name[:36]:<36} {_figures(r)}", flush=True)
    return results, {"ticket_id": ticket.pk, "found": _found(analyst, customer)}


def _figures(r: dict | None) -> str:
    if r is None:
        return "—"
    if "error" in r:
        return f"ERRO {r['error']}"
    return (
        f"p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  {r['queries']:3d} queries"
        f"  (CPU do processo p50 {r.get('cpu_p50_ms', 0):.1f} ms, n={r['n']})"
    )


def _found(analyst, customer) -> dict[str, int | str]:
    """How many tickets each search finds (reported only; read through the app's own selectors)."""
    found: dict[str, int | str] = {}
    try:
        from servicedesk.console.selectors import QueueFilters, queue_tickets
        from servicedesk.portal.selectors import portal_ticket_list

        for query in SEARCHES:
            found[f"console:{query}"] = queue_tickets(user=analyst, filters=QueueFilters(q=query)).count()
            found[f"portal:{query}"] = portal_ticket_list(user=customer, query=query).count()
    except Exception as exc:  # the selectors are being changed by others: never fail the run for a count
        found["erro"] = repr(exc)[:200]
    return found


def _volume() -> dict:
    from django.db import connection

    from servicedesk.tickets.models import Comment, Ticket, TicketEvent, TicketSearch
    from servicedesk.tickets.workflow import FINAL_STATUSES

    return {
        "vendor": connection.vendor,
        "tickets": Ticket.objects.count(),
        "open": Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).count(),
        "messages": Comment.objects.count(),
        "events": TicketEvent.objects.count(),
        "search_rows": TicketSearch.objects.count(),
    }


def _our_wrk(env: dict, *, sessions: int, seconds: int) -> dict:
    """wrk on our /console/ (a pool of analysts) and / (the demo customers), one session each."""
    from django.contrib.auth import get_user_model

    from servicedesk.accounts.models import Role

    staff = staff_session_pool(sessions)
    customers = [session_cookie(user) for user in get_user_model().objects.filter(role=Role.CUSTOMER, is_active=True)]
    out = {}
    with gunicorn(wsgi="config.wsgi:application", env=env, ready_path="/conta/entrar/") as base:
        for path, pool in (("/console/", staff), ("/", customers)):
            status, body = http_get(base, path, cookie=pool[0])
            if status != 200 or (path == "/console/" and b"data-ticket=" not in body):
                out[path] = {"error": f"GET {path} pelo gunicorn → {status} (esperado 200 com as linhas)"}
                continue
            out[path] = wrk(base, paths=[path], cookies=pool, seconds=seconds, headers=HTTPS_HEADERS)
    return out


def _peer_wrk(peer: _peer.Peer, measured: dict, *, sessions: int, seconds: int) -> dict:
    """wrk on the peer's list (page, then data; one session per view). A slow peer gets a longer run,
    long enough for about 20 requests at 2 workers (5 × its p50 view time), and a longer timeout, so
    its rate is measured rather than cut short; both are printed."""
    urls, view_s = measured["urls"], measured["pages"]["list"]["p50_ms"] / 1000
    duration = max(seconds, min(300, math.ceil(5 * view_s)))
    timeout = max(60, math.ceil(8 * view_s))
    pool = peer.sessions(sessions)
    with peer.gunicorn() as base:
        for path in urls:
            status, _ = http_get(base, path, cookie=pool[0])
            if status != 200:
                raise _peer.PeerUnavailable(f"gunicorn do par: GET {path} → {status}")
        return wrk(base, paths=urls, cookies=pool, seconds=duration, per_view=len(urls), timeout_s=timeout)


def _run_peer(args, volume: dict) -> tuple[_peer.Peer | None, dict | None, str | None]:
    print("\ndjango-helpdesk 2.6.1, mesmo volume, mesma máquina, mesmo tipo de banco:", flush=True)
    try:
        peer = _peer.Peer(args.database_url)
        t0 = time.perf_counter()
        seeded = peer.prepare(
            tickets=volume["tickets"],
            open_count=volume["open"],
            followups=round(volume["messages"] / volume["tickets"]),
            staff_pool=args.sessions,
        )
        print(f"  {seeded} ({time.perf_counter() - t0:.0f} s)", flush=True)
        measured = peer.measure(repeat=args.repeat, budget=args.budget, searches=SEARCHES)
    except _peer.PeerUnavailable as exc:
        return None, None, str(exc)
    if (measured["tickets"], measured["open"]) != (volume["tickets"], volume["open"]):
        return (
            None,
            None,
            f"volume diferente: par {measured['tickets']}/{measured['open']}, nosso {volume['tickets']}/{volume['open']}",
        )
    print(f"  Django {measured['django']}, banco {measured['vendor']}, {measured['followups']:,} follow-ups")
    for key, r in measured["pages"].items():
        print(f"  {PEER_LABELS.get(key, key.replace('search:', 'busca '))[:36]:<36} {_figures(r)}")
    return peer, measured, None


# --------------------------------------------------------------------------- the table


def _ratio(peer: dict | None, ours: dict | None, key: str = "p95_ms") -> float | None:
    if not peer or not ours or "error" in ours or "error" in peer or not ours.get(key):
        return None
    return peer[key] / ours[key]


def _verdicts(ours: dict, peer: dict | None, our_rps: dict, peer_rps: dict | None, tickets: int) -> list[dict]:
    """The lines of the table: ours, the peer's, the ratio, the goal and its verdict (None = no goal)."""
    pp = peer["pages"] if peer else {}
    lines = []

    def line(name, r, peer_r=None, goal="(informativo)", test=None, ratio=None):
        if r is None or "error" in r:
            ok = False  # a page that does not answer is a miss, whatever its goal
        elif test is None:
            ok = None
        else:
            ok = test(r, ratio)
        lines.append({"name": name, "ours": r, "peer": peer_r, "ratio": ratio, "goal": goal, "ok": ok})

    limit = _goal_queue_ms(tickets)
    queue = ours[QUEUE_COLD]
    line(QUEUE_COLD, queue, pp.get("list"), f"p95 ≤ {limit:.0f} ms", lambda r, _: r["p95_ms"] <= limit)
    if peer:
        ratio = _ratio(pp["list"], queue)
        line("  … vs lista de abertos do par", queue, pp["list"], "≥ 10× (p95)", lambda r, x: x >= 10, ratio)
    line("  … queries (issue 3)", queue, None, "≤ 10 queries", lambda r, _: r["queries"] <= 10)
    line(QUEUE_WARM, ours[QUEUE_WARM], pp.get("list_warm"), ratio=_ratio(pp.get("list_warm"), ours[QUEUE_WARM]))
    ws = ours[WORKSPACE]
    line(
        WORKSPACE + " (issue 3)",
        ws,
        pp.get("ticket"),
        "p95 ≤ 25 ms",
        lambda r, _: r["p95_ms"] <= 25,
        _ratio(pp.get("ticket"), ws),
    )
    line("início do cliente /", ours["início do cliente /"])
    line("chamado (portal)", ours["chamado (portal)"])
    for name, r in ours.items():
        if name.startswith("busca"):
            query = name.split('"')[1]
            peer_r = pp.get(f"search:{query}") if name.startswith("busca console") else None
            line(name, r, peer_r, "p95 ≤ 50 ms", lambda r, _: r["p95_ms"] <= 50, _ratio(peer_r, r))
    for path, r in our_rps.items():
        name = f"gunicorn {path} (req/s)"
        if "error" in r:
            lines.append({"name": name, "ours": r, "peer": None, "ratio": None, "goal": "", "ok": False})
            continue
        entry = {"name": name, "ours": r, "peer": None, "ratio": None, "goal": "(informativo)", "ok": None}
        if r["non200"] or r["socket_errors"]:
            entry.update(goal=f"{r['non200']} não-200, {r['socket_errors']} erros", ok=False)
        elif path == "/console/" and peer_rps:
            x = r["rps"] / peer_rps["views_per_s"]
            entry.update(
                peer=peer_rps,
                ratio=x,
                goal="≥ 25× as vistas/s do par",
                ok=x >= 25,
            )
        elif path == "/console/":
            entry.update(goal="≥ 25× (sem comparação)")
        lines.append(entry)
    return lines


def _print_table(lines: list[dict]) -> None:
    none = f"{'—':>8} {'—':>8} {'—':>5}"

    def cells(r: dict | None) -> str:
        if r is None:
            return none
        if "error" in r:
            return f"{'ERRO':>23}"
        if "rps" in r:  # a wrk run: ours in requests/s, the peer's in views/s (two requests each)
            return f"{r['rps']:13.1f} req/s" if r["per_view"] == 1 else f"{r['views_per_s']:12.1f} vistas/s"
        return f"{r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['queries']:5d}"

    print(f"\n{'':38} {'nosso':^23} │ {'django-helpdesk 2.6.1':^23} │ {'razão':^7} │")
    print(
        f"{'página (ms; q = queries SQL)':<38} {'p50':>8} {'p95':>8} {'q':>5} │ {'p50':>8} {'p95':>8} {'q':>5} │"
        f" {'':>7} │ {'meta':<26} veredito"
    )
    for entry in lines:
        ratio = f"{entry['ratio']:6.1f}×" if entry["ratio"] else f"{'—':>7}"
        verdict = {True: "OK", False: "FALHOU", None: "—"}[entry["ok"]]
        print(
            f"{entry['name'][:38]:<38} {cells(entry['ours'])} │ {cells(entry['peer'])} │ {ratio} │"
            f" {entry['goal']:<26} {verdict}"
        )
        if entry["ours"] and "error" in entry["ours"]:
            print(f"    {entry['ours']['error']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--database-url", default=DEFAULT_SQLITE_URL, help="default: var/bench.sqlite3")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--repeat", type=int, default=100, help="timed views per page (in process)")
    parser.add_argument("--budget", type=float, default=60, help="seconds per page at most (never under 20 views)")
    parser.add_argument("--sessions", type=int, default=50, help="virtual users (one user and session each)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="our caches; flushed by the run")
    parser.add_argument("--skip-peer", action="store_true", help="quick local runs only: no comparison, no ratio")
    args = parser.parse_args()
    started = time.perf_counter()
    require_wrk()  # before anything slow: no load tool is a failure, never "goals met"

    redis_url = args.redis_url if redis_reachable(args.redis_url) else None
    env = production_env(args.database_url, redis_url=redis_url)
    setup_django(env)
    from django.conf import settings

    collectstatic()
    generation_s = ensure_tickets(args.tickets)
    ensure_staff_pool(args.sessions)
    volume = _volume()
    caches = ", ".join(f"{alias}={conf['BACKEND'].rsplit('.', 1)[-1]}" for alias, conf in settings.CACHES.items())
    print(
        f"\n{volume['tickets']:,} chamados ({volume['open']:,} abertos, {volume['messages']:,} mensagens,"
        f" {volume['search_rows']:,} no índice de busca) · banco {volume['vendor']} · perfil production"
        f" · caches {caches}{'' if redis_url else ' (Redis não respondeu)'} · {os.cpu_count()} CPUs"
        f" · load {os.getloadavg()[0]:.2f}"
    )
    print("\nnosso lado, tempo no servidor (cliente de teste do Django, sequencial):", flush=True)
    ours, extra = _our_pages(args.repeat, args.budget)

    peer, measured, peer_error = (None, None, None) if args.skip_peer else _run_peer(args, volume)
    if peer_error:
        print(f"\nERRO: o par não pôde ser instalado ou medido — nenhuma razão será impressa.\n{peer_error}")

    print(
        f"\ngunicorn 2 workers, wrk -t2 -c8, {args.seconds} s por página, {args.sessions} usuários virtuais:",
        flush=True,
    )
    try:
        our_rps = _our_wrk(env, sessions=args.sessions, seconds=args.seconds)
    except Exception as exc:  # gunicorn did not start (a settings change in progress…): a failed row
        our_rps = {path: {"error": f"gunicorn/wrk: {exc}"[:240]} for path in ("/console/", "/")}
    for path, r in our_rps.items():
        print(
            f"  nosso {path:<12} "
            + (
                r["error"]
                if "error" in r
                else f"{r['rps']:8.1f} req/s  p50 {r['latency_p50']}  p99 {r['latency_p99']}  ({r['requests']} requisições,"
                f" {r['sessions']} sessões, {r['non200']} não-200, {r['socket_errors']} erros de socket)"
            )
        )
    peer_rps = None
    if measured:
        try:
            peer_rps = _peer_wrk(peer, measured, sessions=args.sessions, seconds=args.seconds)
            print(
                f"  par (página + dados) {peer_rps['rps']:8.1f} req/s = {peer_rps['views_per_s']:.1f} vistas/s"
                f"  p50 {peer_rps['latency_p50']}  p99 {peer_rps['latency_p99']}  ({peer_rps['requests']} requisições,"
                f" {peer_rps['sessions']} sessões, {peer_rps['seconds']} s, {peer_rps['non200']} não-200,"
                f" {peer_rps['socket_errors']} erros de socket)"
            )
            if not peer_rps["views_per_s"] or peer_rps["non200"] or peer_rps["socket_errors"]:
                raise _peer.PeerUnavailable("o wrk no par não terminou vistas sem erro: sem taxa do par")
        except Exception as exc:
            peer_error, measured, peer_rps = f"wrk no par: {exc}", None, None
            print(f"ERRO: {peer_error} — nenhuma razão será impressa.")

    lines = _verdicts(ours, measured, our_rps, peer_rps, volume["tickets"])
    _print_table(lines)
    print("\nbuscas, chamados encontrados (nosso):", ", ".join(f"{k} → {v}" for k, v in extra["found"].items()))
    if measured:
        print(
            "buscas, chamados encontrados (par: icontains, todos os estados):",
            ", ".join(f"{k} → {v}" for k, v in measured["search_found"].items()),
        )
    elapsed = time.perf_counter() - started
    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "args": vars(args),
        "volume": volume,
        "generation_s": generation_s,
        "ours": ours,
        "ours_wrk": our_rps,
        "peer": measured,
        "peer_wrk": peer_rps,
        "peer_error": peer_error,
        "lines": lines,
        "found": extra["found"],
        "elapsed_s": elapsed,
    }
    out = VAR / f"bench-web-{volume['vendor']}-{volume['tickets']}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print(f"\nresultado completo em {out.relative_to(VAR.parent)} · {elapsed:.0f} s · load {os.getloadavg()[0]:.2f}")

    misses = [entry["name"].strip(" …") + f" ({entry['goal']})" for entry in lines if entry["ok"] is False]
    if args.skip_peer:
        print("\nsem comparação (--skip-peer): nada foi medido do django-helpdesk, nenhuma razão impressa.")
    if peer_error:
        print("\nveredito: INCOMPLETO — o par não foi medido; nenhuma razão, metas de comparação não avaliadas.")
        return 2
    if misses:
        print("\nveredito: metas NÃO atingidas:\n  - " + "\n  - ".join(misses))
        return 1
    print("\nveredito: metas atingidas" + (" (sem as de comparação: --skip-peer)" if args.skip_peer else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Load test (issue 12): the production stack under simulated people, with locust.

    python benchmarks/load.py [--tickets 100000] [--users 50] [--seconds 600]
                              [--database-url postgres://…] [--web-workers 4] [--celery-workers 2]

Starts, on loopback: its own redis-server (port --redis-port, 6391; never the machine's 6379),
gunicorn (--web-workers sync workers) and --celery-workers Celery workers (one pool process each)
on the production profile, after topping the database up to --tickets demo tickets
(generate_demo_tickets, with a progress bar). Then locust (as a library, headless) runs --users
people for --seconds: customers browsing their home and tickets and replying (API), analysts
working the queue, opening tickets and replying (API, each reply an outbox row and Celery tasks),
API clients listing tickets and polling SLA. It prints p50/p95 per request, the 5xx count, the
task latency p95 (enqueue → start, from /metrics: the web and worker processes share
PROMETHEUS_MULTIPROC_DIR), every process's memory after warm-up and at the end, the CPU after
warm-up (the machine's, and its split between gunicorn, Celery, locust, PostgreSQL and Redis,
which names the part that limits), and checks the goals: zero 5xx, queue p95 ≤ 100 ms, ticket page p95 ≤ 150 ms, task latency p95 ≤ 2 s,
memory growth < 10 % after warm-up. Exit 1 on a miss.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import _support

GOALS = {"queue_p95_ms": 100, "ticket_page_p95_ms": 150, "task_latency_p95_s": 2.0, "memory_growth": 0.10}
PEOPLE: dict[str, list] = {"customers": [], "analysts": [], "api": []}
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"


def prepare_people(*, analysts: int) -> None:
    """Sessions and read-write tokens for the demo customers and a pool of analysts, and the
    tickets each may open (a sample)."""
    from django.utils import timezone

    from servicedesk.accounts.models import Role, User
    from servicedesk.accounts.selectors import local_date, user_is_trained
    from servicedesk.api.models import TokenScope
    from servicedesk.api.services import api_token_create
    from servicedesk.tickets.models import Ticket

    def token(user):
        return api_token_create(user=user, name="load", scope=TokenScope.READ_WRITE, now=timezone.now()).raw

    open_sample = list(
        Ticket.objects.exclude(status__in=["ENCERRADO", "CANCELADO"]).values_list("pk", flat=True)[:2000]
    )
    today = local_date(timezone.now())  # Brasília
    for user in User.objects.filter(role=Role.CUSTOMER, is_active=True, organization__isnull=False):
        if not user_is_trained(user, on=today):  # an untrained user may only read (and request training)
            continue
        mine = list(
            Ticket.objects.filter(requester=user)  # the ones they may reply to
            .exclude(status__in=["ENCERRADO", "CANCELADO"])
            .values_list("pk", flat=True)[:200]
        )
        if mine:
            PEOPLE["customers"].append({"cookie": _support.session_cookie(user), "token": token(user), "tickets": mine})
    for user in _support.ensure_staff_pool(analysts):
        PEOPLE["analysts"].append(
            {"cookie": _support.session_cookie(user), "token": token(user), "tickets": open_sample}
        )
    for user in _support.ensure_staff_pool(analysts)[:3]:
        PEOPLE["api"].append({"token": token(user), "tickets": open_sample})
    if not PEOPLE["customers"]:
        raise SystemExit("nenhum cliente de demonstração com chamados abertos")


def rss_by_process(roots: dict[str, int]) -> dict[str, int]:
    out = {}
    for label, pid in roots.items():
        try:
            root = psutil.Process(pid)
        except psutil.NoSuchProcess:
            continue
        for n, proc in enumerate([root, *root.children(recursive=True)]):
            with contextlib.suppress(psutil.NoSuchProcess):
                out[f"{label}[{n}]"] = proc.memory_info().rss
    return out


def cpu_by_group(roots: dict[str, int], crowd_pid: int) -> dict[str, float]:
    """CPU seconds (user + system) spent so far by every process on the machine, by what it is:
    our gunicorn and Celery trees, locust, PostgreSQL's backends, Redis, anything else. Two
    readings apart say which part of the stack the load spent the CPU in."""
    owner = {}
    for label, pid in [*roots.items(), ("locust", crowd_pid)]:
        group = label.rstrip("0123456789")
        with contextlib.suppress(psutil.NoSuchProcess):
            root = psutil.Process(pid)
            for proc in [root, *root.children(recursive=True)]:
                owner[proc.pid] = group
    totals: dict[str, float] = {}
    for proc in psutil.process_iter(["name", "cpu_times"]):
        name, times = proc.info["name"] or "", proc.info["cpu_times"]
        if times is None:
            continue
        group = owner.get(proc.pid) or next(
            (known for known in ("postgres", "redis") if name.startswith(known)), "outros"
        )
        totals[group] = totals.get(group, 0.0) + times.user + times.system
    return totals


def cpu_shares(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """Each group's share of the machine's CPU between two readings (0–1, all cores = 1)."""
    capacity = seconds * (psutil.cpu_count() or 1)
    return {group: max(0.0, after.get(group, 0.0) - before.get(group, 0.0)) / capacity for group in after}


def task_latency_p95(base: str, token: str) -> tuple[float | None, int]:
    """p95 of servicedesk_task_queue_latency_seconds over every task (upper bound of its bucket)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/metrics", headers={**_support.HTTPS_HEADERS, "Authorization": f"Bearer {token}"})
    text = conn.getresponse().read().decode()
    buckets: dict[float, float] = {}
    for match in re.finditer(
        r'^servicedesk_task_queue_latency_seconds_bucket\{.*?le="([^"]+)".*?\} ([0-9.e+]+)$', text, re.M
    ):
        bound = float("inf") if match.group(1) == "+Inf" else float(match.group(1))
        buckets[bound] = buckets.get(bound, 0.0) + float(match.group(2))
    total = buckets.get(float("inf"), 0.0)
    if not total:
        return None, 0
    for bound in sorted(buckets):
        if buckets[bound] >= 0.95 * total:
            return bound, int(total)
    return None, int(total)


@contextlib.contextmanager
def gunicorn(*, env: dict, workers: int):
    """gunicorn (sync workers) on a free loopback port; yields (base URL, master pid). Waits up to
    3 minutes for /healthz: on a busy 2-core machine 4 workers take a while to import Django."""
    port = _support.free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=_support.ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        _support.wait_ready(port, "/healthz", server, seconds=180)
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument(
        "--database-url", default=os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
    )
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--celery-workers", type=int, default=2)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--analysts", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server não encontrado (apt-get install redis-server)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="sd-load-"))
    metrics_dir = workdir / "metrics"
    metrics_dir.mkdir()
    redis_url = f"redis://127.0.0.1:{args.redis_port}/0"
    metrics_token = "load-" + os.urandom(8).hex()
    env = _support.production_env(
        args.database_url,
        redis_url=redis_url,
        extra={
            "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
            "METRICS_TOKEN": metrics_token,
            "REQUEST_LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "text",
            "API_RATE_LIMIT_PER_MINUTE": "0",
            "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
            "PORTAL_REPLIES_PER_HOUR": "100000",
        },
    )
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(args.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    workers: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 10
        while not _support.redis_reachable(redis_url):
            if time.monotonic() > deadline:
                print("o redis-server do teste não respondeu", file=sys.stderr)
                return 2
            time.sleep(0.2)
        _support.setup_django(env)
        _support.ensure_tickets(args.tickets)
        _support.collectstatic()
        prepare_people(analysts=args.analysts)
        for n in range(args.celery_workers):
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "servicedesk.core.celery_app",
                        "worker",
                        "--concurrency",
                        "1",
                        "--hostname",
                        f"load{n}@%h",
                        "--loglevel",
                        "WARNING",
                        "--without-mingle",
                        "--without-gossip",
                    ],
                    cwd=_support.ROOT,
                    env={**os.environ, **env},
                    start_new_session=True,
                )
            )
        with gunicorn(env=env, workers=args.web_workers) as (base, gunicorn_pid):
            roots = {"gunicorn": gunicorn_pid, **{f"celery{n}": w.pid for n, w in enumerate(workers)}}
            people = workdir / "people.json"
            people.write_text(json.dumps(PEOPLE))
            print(
                f"locust: {args.users} pessoas por {args.seconds:g} s contra {base} "
                f"({args.web_workers} gunicorn, {args.celery_workers} Celery)…",
                flush=True,
            )
            psutil.cpu_percent()
            crowd = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--host",
                    base,
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{int(args.seconds)}s",
                    "--csv",
                    str(workdir / "load"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=_support.ROOT,
                env={**os.environ, "LOAD_PEOPLE": str(people)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            warmup = max(args.seconds * 0.2, min(30.0, args.seconds / 2))
            time.sleep(warmup)
            after_warmup = rss_by_process(roots)
            cpu_start, cpu_started = cpu_by_group(roots, crowd.pid), time.monotonic()
            psutil.cpu_percent()  # the machine's CPU from here: the load after its warm-up
            while crowd.poll() is None and time.monotonic() < cpu_started + args.seconds - warmup - 1:
                time.sleep(0.5)
            by_group = cpu_shares(cpu_start, cpu_by_group(roots, crowd.pid), time.monotonic() - cpu_started)
            cpu = psutil.cpu_percent()
            _, errors = crowd.communicate(timeout=args.seconds + 120)
            at_end = rss_by_process(roots)
            time.sleep(2)  # the last tasks drain
            latency_p95, tasks_seen = task_latency_p95(base, metrics_token)
        if not (workdir / "load_stats.csv").exists():
            print(f"locust não produziu resultados: {errors[-2000:]}", file=sys.stderr)
            return 2
        return report(workdir, after_warmup, at_end, cpu, by_group, latency_p95, tasks_seen)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(30)
        redis_server.terminate()
        redis_server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def report(workdir: Path, after_warmup, at_end, cpu, by_group, latency_p95, tasks_seen) -> int:
    with open(workdir / "load_stats.csv") as handle:
        rows = list(csv.DictReader(handle))
    with open(workdir / "load_failures.csv") as handle:
        failures = list(csv.DictReader(handle))
    five_xx = sum(int(f["Occurrences"]) for f in failures if re.search(r"\b5\d\d\b", f["Error"]))
    print(f"\n{'pedido':32} {'n':>7} {'falhas':>7} {'p50 ms':>8} {'p95 ms':>8}")
    p95 = {}
    for row in rows:
        name = row["Name"]
        p95[name] = float(row["95%"] or 0)
        print(f"{name:32} {row['Request Count']:>7} {row['Failure Count']:>7} {row['50%']:>8} {row['95%']:>8}")
        if name == "Aggregated":
            print(f"{'':32} {float(row['Requests/s']):.1f} pedidos/s")
    for failure in failures:
        print(f"  falha: {failure['Method']} {failure['Name']}: {failure['Error'][:120]} × {failure['Occurrences']}")
    growth = {
        label: (at_end[label] - after_warmup[label]) / after_warmup[label] for label in after_warmup if label in at_end
    }
    worst = max(growth.items(), key=lambda item: item[1]) if growth else ("-", 0.0)
    print(f"\nmemória após o aquecimento → fim: {len(growth)} processos; maior crescimento {worst[0]} {worst[1]:+.1%}")
    for label in sorted(after_warmup):
        if label in at_end:
            print(f"  {label:14} {after_warmup[label] / 2**20:7.1f} MiB → {at_end[label] / 2**20:7.1f} MiB")
    ranked = sorted(by_group.items(), key=lambda item: -item[1])
    print(
        f"CPU da máquina durante a carga (após o aquecimento): {cpu:.0f} % ({psutil.cpu_count()} núcleos); por parte: "
        + ", ".join(f"{group} {share:.0%}" for group, share in ranked if share >= 0.005)
    )
    if cpu >= 85 and ranked:
        print(f"  o recurso limitante é a CPU; quem mais a usa: {ranked[0][0]} ({ranked[0][1]:.0%} da máquina)")
    elif ranked:
        print(
            f"  nenhum recurso saturado (CPU {cpu:.0f} %); o primeiro a limitar seria a CPU de quem mais a usa:"
            f" {ranked[0][0]} ({ranked[0][1]:.0%} da máquina)"
        )
    print(
        f"latência das tarefas (enfileirada → início) p95: "
        f"{'sem tarefas' if latency_p95 is None else f'≤ {latency_p95:g} s'} ({tasks_seen} tarefas)"
    )
    misses = []
    # a scenario that did not run is a miss, never a goal met by default
    for name in ("console: queue", "console: ticket page", "portal: ticket page"):
        if not p95.get(name):
            misses.append(f"nenhuma medida de {name!r}")
    if not tasks_seen:
        misses.append("nenhuma tarefa observada: a latência das tarefas não foi medida")
    if five_xx:
        misses.append(f"{five_xx} respostas 5xx")
    if p95.get("console: queue", 0) > GOALS["queue_p95_ms"]:
        misses.append(f"fila p95 {p95['console: queue']:.0f} ms > {GOALS['queue_p95_ms']} ms")
    page = max(p95.get("console: ticket page", 0), p95.get("portal: ticket page", 0))
    if page > GOALS["ticket_page_p95_ms"]:
        misses.append(f"página do chamado p95 {page:.0f} ms > {GOALS['ticket_page_p95_ms']} ms")
    if latency_p95 is not None and latency_p95 > GOALS["task_latency_p95_s"]:
        misses.append(f"latência das tarefas p95 ≤ {latency_p95:g} s > {GOALS['task_latency_p95_s']} s")
    if worst[1] > GOALS["memory_growth"]:
        misses.append(f"memória de {worst[0]} cresceu {worst[1]:.0%}")
    print("\nmetas: " + ("todas atingidas" if not misses else "NÃO atingidas: " + "; ".join(misses)))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())

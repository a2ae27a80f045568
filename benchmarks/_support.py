"""Shared plumbing of the web and API benchmarks: a database with N demo tickets, in-process
timing with query counts, and a gunicorn + wrk run on loopback (bounded in time)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Running `python benchmarks/x.py` puts benchmarks/ first on sys.path; it must not shadow stdlib modules.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def ensure_tickets(count: int) -> None:
    """Migrate, load the demo data and top the ticket table up to `count` tickets."""
    from django.core.management import call_command

    from servicedesk.tickets.models import Ticket

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = count - Ticket.objects.count()
    if missing > 0:
        print(f"gerando {missing} chamados de demonstração…", flush=True)
        call_command("generate_demo_tickets", count=missing)
    # Fresh statistics, as autovacuum/ANALYZE would have them on a live database.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(client, url: str, *, repeat: int = 60, warmup: int = 5) -> dict:
    """p50/p95 server time (ms) of GET url through the Django test client, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    return {
        "p50_ms": statistics.median(timings),
        "p95_ms": timings[int(len(timings) * 0.95) - 1],
        "queries": len(queries.captured_queries),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError("gunicorn não respondeu")


@contextmanager
def gunicorn(*, wsgi: str, env: dict[str, str], ready_path: str, workers: int = 2) -> Iterator[str]:
    """A gunicorn server on 127.0.0.1 for the duration of the block; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            wsgi,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + ready_path)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def have_wrk() -> bool:
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    return shutil.which("wrk") is not None


def wrk(url: str, *, header: str, seconds: int, script: str | None = None) -> tuple[float, str]:
    """Requests/s and the p50/p99 latency line of `wrk -t2 -c8` on `url` (loopback, bounded)."""
    cmd = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", header, url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    rows = out.splitlines()
    rps = float(next(row.split()[1] for row in rows if row.startswith("Requests/sec")))
    latency = " ".join(row.strip() for row in rows if row.strip().startswith(("50%", "99%"))).replace("  ", " ")
    non2xx = next((row.strip() for row in rows if "Non-2xx" in row), "")
    if non2xx:
        print(f"  atenção: {url}: {non2xx}")
    return rps, latency


def gunicorn_rps(
    paths_and_cookies: list[tuple[str, str]], *, database_url: str | None, seconds: int = 10
) -> dict[str, float]:
    """Requests/s of each path through gunicorn (2 workers) on 127.0.0.1, measured with wrk."""
    if not have_wrk():
        print("wrk não disponível: medição de requisições/s omitida")
        return {}
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false"}
    if database_url:
        env["DATABASE_URL"] = database_url
    with gunicorn(wsgi="config.wsgi_local:application", env=env, ready_path="/conta/entrar/") as base:
        return {
            path: wrk(base + path, header=f"Cookie: {cookie}", seconds=seconds)[0] for path, cookie in paths_and_cookies
        }


def session_cookie(username: str) -> str:
    """A logged-in session for `username`, as a Cookie header value."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

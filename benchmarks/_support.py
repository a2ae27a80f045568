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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_rps(
    paths_and_cookies: list[tuple[str, str]], *, database_url: str | None, seconds: int = 10
) -> dict[str, float]:
    """Requests/s of each path through gunicorn (2 workers) on 127.0.0.1, measured with wrk."""
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, capture_output=True)
    if not shutil.which("wrk"):
        print("wrk não disponível: medição de requisições/s omitida")
        return {}
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "DJANGO_DEBUG": "false"}
    if database_url:
        env["DATABASE_URL"] = database_url
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi_local:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        results = {}
        for path, cookie in paths_and_cookies:
            out = subprocess.run(
                ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}{path}"],
                capture_output=True,
                text=True,
                timeout=seconds + 30,
                check=True,
            ).stdout
            line = next(row for row in out.splitlines() if row.startswith("Requests/sec"))
            non2xx = next((row for row in out.splitlines() if "Non-2xx" in row), "")
            results[path] = float(line.split()[-1])
            if non2xx:
                print(f"  atenção: {path}: {non2xx.strip()}")
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def session_cookie(username: str) -> str:
    """A logged-in session for `username`, as a Cookie header value."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

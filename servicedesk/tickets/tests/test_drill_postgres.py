"""Drill (issue 12): PostgreSQL restarted while users work.

A throwaway PostgreSQL cluster of this test (initdb + pg_ctl, port DRILL_PG_PORT=5499, loopback,
a temp folder; never the machine's server), the application on it as in production (gunicorn,
`config.settings.production`, the psycopg pool) and people working: a customer browsing the
portal, an API client listing and opening tickets. The cluster is stopped for
DRILL_PG_OUTAGE_SECONDS (5) and started again. During the outage every request answers 503 (the
pt-BR page, or problem+json) and none a 500; after it the same processes serve again by
themselves; every ticket is whole (its opening event, search row and outbox row) or absent,
and the queue counters agree with the tickets. Bounded: about a minute."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.drill, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
PG_BIN = Path(os.environ.get("DRILL_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("DRILL_PG_PORT", "5499"))
OUTAGE = float(os.environ.get("DRILL_PG_OUTAGE_SECONDS", "5"))
HTTPS = {"X-Forwarded-Proto": "https"}  # as behind the TLS proxy: no HTTPS redirect

SETUP = """
import json
from django.conf import settings
from django.test import Client
from servicedesk.accounts.models import User
from servicedesk.api.services import api_token_create
from servicedesk.core import clock
joana = User.objects.get(username="joana.acme")
client = Client()
client.force_login(joana)
token = api_token_create(user=joana, name="drill", scope="read-write", now=clock.now())
module = joana.organization.licensed_products.first().modules.first()
print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}",
                  "token": token.raw, "module": module.pk}))
"""


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    def __init__(self, folder: Path):
        self.data, self.log = folder / "data", folder / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}/sd_drill"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=60,
        )

    def init(self) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {PG_PORT} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self._ctl("-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (
            subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]), stdout=subprocess.DEVNULL
            ).returncode
            == 0
        )


@pytest.fixture
def cluster():
    if not (PG_BIN / "initdb").exists() or (shutil.which("runuser") is None and os.geteuid() == 0):
        pytest.skip(f"PostgreSQL binaries not in {PG_BIN}")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PG_PORT)) == 0:
            pytest.skip(f"port {PG_PORT} is taken")
    folder = Path(tempfile.mkdtemp(prefix="sd-drill-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    own = Cluster(folder)
    own.init()
    own.start()
    subprocess.run(
        _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "sd_drill"]),
        check=True,
        timeout=60,
    )
    try:
        yield own
    finally:
        if own.running():
            own.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(port: int, method: str, path: str, *, headers: dict, body: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    extra = {"Content-Type": "application/json"} if body is not None else {}
    try:
        conn.request(method, path, body=data, headers={**HTTPS, **headers, **extra})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_postgres_restarted_while_users_work(cluster, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "drill-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": cluster.url,
        "SITE_URL": "https://127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DB_POOL_TIMEOUT": "2",  # a request waits this long for a connection, then 503
        "LOG_FORMAT": "text",
        "REDIS_URL": "",  # the database task queue: nothing but PostgreSQL in this drill
    }
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "-v0"], ["seed_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, timeout=300)
    setup = subprocess.run(
        [*manage, "shell", "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    logins = json.loads(setup.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz", headers={})[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
            time.sleep(0.3)
        worker_pids = set(
            subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        )

        portal = {"Cookie": logins["cookie"]}
        api = {"Authorization": f"Bearer {logins['token']}"}
        results: list[dict] = []
        opened: dict[str, int] = {}  # title → status of its POST

        def work(phase: str) -> None:
            n = len(results)
            title = f"Drill {n}: o relatório não abre"
            body = {
                "type": "Dúvida",
                "environment": "produção",
                "module": logins["module"],
                "title": title,
                "description": "Aberto durante o teste de reinício do PostgreSQL.",
            }
            for kind, method, path, headers, payload in (
                ("page", "GET", "/", portal, None),
                ("api", "GET", "/api/v1/tickets", api, None),
                ("api", "POST", "/api/v1/tickets", api, body),
            ):
                status, headers_out, text = _request(port, method, path, headers=headers, body=payload)
                results.append(
                    {
                        "phase": phase,
                        "kind": kind,
                        "path": path,
                        "method": method,
                        "status": status,
                        "headers": headers_out,
                        "text": text[:2000],
                    }
                )
                if method == "POST":
                    opened[title] = status

        for _ in range(3):
            work("before")
        assert {r["status"] for r in results} <= {200, 201}, [
            (r["path"], r["status"], r["text"][:300]) for r in results
        ]

        cluster.stop()
        stop_at = time.monotonic() + OUTAGE
        while time.monotonic() < stop_at:
            work("outage")
            time.sleep(0.2)
        cluster.start()

        recovered_after = None
        started = time.monotonic()
        while time.monotonic() - started < 30:
            before = len(results)
            work("after")
            if all(r["status"] in (200, 201) for r in results[before:]):
                recovered_after = time.monotonic() - started
                break
            time.sleep(0.5)
        for _ in range(3):
            work("after")

        # Never a 500: during the outage a clear 503, the page in pt-BR, the API as problem+json.
        assert all(r["status"] < 500 or r["status"] == 503 for r in results), [
            (r["phase"], r["path"], r["status"]) for r in results if r["status"] >= 500
        ]
        outage = [r for r in results if r["phase"] == "outage"]
        assert outage and all(r["status"] == 503 for r in outage), [(r["path"], r["status"]) for r in outage]
        for r in outage:
            assert r["headers"].get("Retry-After") == "15"
            if r["kind"] == "page":
                assert "Serviço temporariamente indisponível" in r["text"]
            else:
                assert r["headers"]["Content-Type"] == "application/problem+json"
                assert json.loads(r["text"])["type"] == "/api/v1/problems/service-unavailable"
        # It recovered by itself: the same gunicorn workers serve again, every request succeeds.
        assert recovered_after is not None, [(r["path"], r["status"]) for r in results if r["phase"] == "after"]
        assert all(r["status"] in (200, 201) for r in results[-9:])
        after_pids = set(
            subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
        )
        assert after_pids == worker_pids
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    # No ticket half-written: each drill ticket is whole, and it exists iff its POST said 201.
    import psycopg

    with psycopg.connect(cluster.url) as conn:
        rows = conn.execute(
            """SELECT t.title,
                      (SELECT count(*) FROM tickets_ticketevent e WHERE e.ticket_id = t.id AND e.kind = 'opened'),
                      (SELECT count(*) FROM tickets_ticketsearch s WHERE s.ticket_id = t.id),
                      (SELECT count(*) FROM outbox_outboxmessage o
                        WHERE o.path = 'servicedesk.tickets.notifications.event_notify'
                          AND (o.payload->>'event_id')::bigint = (SELECT e.id FROM tickets_ticketevent e
                                                                  WHERE e.ticket_id = t.id AND e.kind = 'opened'))
                 FROM tickets_ticket t WHERE t.title LIKE 'Drill %%'"""
        ).fetchall()
        stored = {title: (events, search, outbox) for title, events, search, outbox in rows}
        counters = dict(
            conn.execute("SELECT key, count FROM tickets_queuecounter WHERE key IN ('all', 'open')").fetchall()
        )
        totals = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status NOT IN ('ENCERRADO', 'CANCELADO')) FROM tickets_ticket"
        ).fetchone()
    assert {title for title, status in opened.items() if status == 201} == set(stored)
    assert any(status == 503 for status in opened.values())  # some were opened during the outage
    for title, (events, search, outbox) in stored.items():
        assert (events, search) == (1, 1), title
        assert outbox == 1, title  # the opening's notifications: one outbox row, written with it
    assert (counters["all"], counters["open"]) == tuple(totals)

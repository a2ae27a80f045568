"""Shared plumbing of the web and API benchmarks: the production profile on loopback, a database
with N demo tickets, pools of logged-in sessions, gunicorn, and wrk runs (bounded in time).

Nothing here installs system packages: a missing `wrk` is an error that names the package.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# Running `python benchmarks/x.py` puts benchmarks/ first on sys.path; it must not shadow stdlib modules.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var"
DEFAULT_SQLITE_URL = f"sqlite:///{VAR / 'bench.sqlite3'}"
# Behind the TLS proxy of a deployment every request says it came over HTTPS (production.py trusts
# this header): no HTTPS redirect distorts the figures, and the production cookies apply.
HTTPS_HEADERS = {"X-Forwarded-Proto": "https"}
WRK_PACKAGE_HINT = "instale o pacote Debian 'wrk' (apt-get install -y wrk) e rode de novo"


# --------------------------------------------------------------------------- profile and database


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def production_env(database_url: str, *, redis_url: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `config.settings.production` needs on loopback (see the benchmarks' docstrings)."""
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": database_url,
        "SITE_URL": "https://127.0.0.1",  # links in e-mails; required by production.py
        # collectstatic's manifest (CompressedManifestStaticFilesStorage) goes here, not in var/static.
        "STATIC_ROOT": str(VAR / "bench-static"),
        "MEDIA_ROOT": str(VAR / "bench-media"),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def create_postgres_database(url: str) -> None:
    """CREATE DATABASE for a postgres:// URL when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    if env["DATABASE_URL"].startswith("postgres"):
        create_postgres_database(env["DATABASE_URL"])
    VAR.mkdir(exist_ok=True)
    import django

    django.setup()


def collectstatic() -> None:
    """The production profile renders {% static %} from the manifest: build it (into STATIC_ROOT)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def ensure_tickets(count: int, *, seed: int = 2026) -> float:
    """Migrate, load the demo data and top the ticket table up to `count` tickets (the database is
    reused when it already holds them). Returns the seconds spent generating (0 when reused)."""
    from django.core.management import call_command
    from django.db import connection

    from servicedesk.tickets.models import Ticket

    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    missing = count - Ticket.objects.count()
    elapsed = 0.0
    if missing > 0:
        method = "COPY" if connection.vendor == "postgresql" else "ORM"
        print(f"gerando {missing:,} chamados de demonstração (generate_demo_tickets, {method})…", flush=True)
        started = time.perf_counter()
        call_command("generate_demo_tickets", count=missing, seed=seed)
        elapsed = time.perf_counter() - started
        print(f"gerados {missing:,} chamados em {elapsed:.0f} s", flush=True)
    _counters_in_step()
    # Fresh statistics, as autovacuum/ANALYZE would have them on a live database.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return elapsed


def _counters_in_step() -> None:
    """Bulk loads bypass the services that keep the exact queue counters (tickets.counters): a
    database generated before they existed, or topped up by hand, is recounted once, so the pages
    show true totals. A no-op while the counters agree with the tickets (or do not exist)."""
    from django.core.management import call_command, get_commands

    if "queue_counters_rebuild" not in get_commands():
        return
    from servicedesk.tickets.models import QueueCounter, Ticket
    from servicedesk.tickets.workflow import FINAL_STATUSES

    stored = dict(QueueCounter.objects.filter(key__in=["all", "open"]).values_list("key", "count"))
    actual = {"all": Ticket.objects.count(), "open": Ticket.objects.exclude(status__in=list(FINAL_STATUSES)).count()}
    if stored != actual:
        print(f"contadores das filas {stored} ≠ chamados {actual}: manage.py queue_counters_rebuild", flush=True)
        call_command("queue_counters_rebuild", stdout=open(os.devnull, "w"))  # noqa: SIM115


# --------------------------------------------------------------------------- sessions


def session_cookie(user) -> str:
    """A new logged-in session for `user`, as a Cookie header value."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def ensure_staff_pool(count: int, *, team: str = "Suporte RH — Equipe A") -> list:
    """`count` analysts of our side (bench.analista.NNN, created once, before anything is measured,
    so every page is always measured with the same staff: the demo's plus these)."""
    from servicedesk.accounts.models import Role, Team, User

    crew = Team.objects.get(name=team)
    users = []
    for n in range(1, count + 1):
        user, created = User.objects.get_or_create(
            username=f"bench.analista.{n:03d}",
            defaults={"first_name": "Bench", "last_name": f"{n:03d}", "role": Role.ANALYST},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
            crew.members.add(user)
        users.append(user)
    return users


def staff_session_pool(count: int) -> list[str]:
    """One new logged-in session for each analyst of the pool (the virtual users of wrk)."""
    return [session_cookie(user) for user in ensure_staff_pool(count)]


# --------------------------------------------------------------------------- gunicorn and wrk


LOG = ["--log-level", "warning"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int, path: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn terminou (código {server.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path, headers=HTTPS_HEADERS)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn não respondeu")


def http_get(base: str, path: str, *, cookie: str) -> tuple[int, bytes]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", path, headers={**HTTPS_HEADERS, "Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


@contextmanager
def gunicorn(
    *,
    wsgi: str,
    env: dict[str, str],
    ready_path: str,
    workers: int = 2,
    python: str = sys.executable,
    cwd: Path = ROOT,
) -> Iterator[str]:
    """A gunicorn server (sync workers) on 127.0.0.1 for the duration of the block; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", wsgi, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", *LOG],
        cwd=cwd,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        wait_ready(port, ready_path, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def require_wrk() -> str:
    """The path of wrk, or SystemExit naming the package (never installed from here)."""
    path = shutil.which("wrk")
    if not path:
        print(f"ERRO: wrk não encontrado: {WRK_PACKAGE_HINT}. Sem ele não há medição de req/s.", file=sys.stderr)
        raise SystemExit(2)
    return path


_LUA = """-- generated by benchmarks/_support.py: one virtual user = one session of the pool.
local paths = {%(paths)s}
local cookies = {%(cookies)s}
local extra = {%(headers)s}
local per_view = %(per_view)d
local threads = {}
counter = 0
bad = 0
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = id * per_view * 7919
end
function request()
  local path = paths[(counter %% #paths) + 1]
  local headers = {}
  for name, value in pairs(extra) do headers[name] = value end
  if #cookies > 0 then
    headers["Cookie"] = cookies[(math.floor(counter / per_view) %% #cookies) + 1]
  end
  counter = counter + 1
  return wrk.format("GET", path, headers)
end
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON200 %%d\\n", total))
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(
    base: str,
    *,
    paths: Sequence[str],
    cookies: Sequence[str] = (),
    seconds: int,
    headers: dict[str, str] | None = None,
    per_view: int = 1,
    timeout_s: int = 60,
    connections: int = 8,
    threads: int = 2,
) -> dict:
    """`wrk -t2 -c8` for `seconds` on loopback. Requests go through `paths` in turn; a *view* is
    `per_view` consecutive requests (django-helpdesk's list: the page, then its data), and each
    view comes from the next session of the pool (`cookies`): every virtual user is its own
    session. Returns requests/s, views/s (= requests/s ÷ per_view), latency p50/p99, non-200 replies and
    socket errors (a request still unanswered after `timeout_s` counts as a timeout error)."""
    wrk_path = require_wrk()
    script = _LUA % {
        "paths": ", ".join(_lua_string(p) for p in paths),
        "cookies": ", ".join(_lua_string(c) for c in cookies),
        "headers": ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in (headers or {}).items()),
        "per_view": per_view,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script)
    try:
        cmd = [wrk_path, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", f"{timeout_s}s", "--latency"]
        cmd += ["-s", lua.name, base]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout_s + 60, check=True).stdout
    finally:
        os.unlink(lua.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {pct: match.group(1) for pct in ("50%", "99%") if (match := re.search(rf"^\s+{pct}\s+(\S+)", out, re.M))}
    non200 = int(re.search(r"NON200 (\d+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": rps,
        "views_per_s": rps / per_view,
        "latency_p50": latency.get("50%", "?"),
        "latency_p99": latency.get("99%", "?"),
        "requests": total,
        "non200": non200,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
        "paths": list(paths[:3]),
        "per_view": per_view,
        "sessions": len(cookies),
        "connections": connections,
        "seconds": seconds,
        "timeout_s": timeout_s,
    }

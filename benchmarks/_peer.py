"""The peer of benchmarks/web.py, django-helpdesk 2.6.1, driven from our side.

It runs in a virtualenv of its own (var/bench-peer/, created here when missing, from the pins in
benchmarks/peer/requirements.txt) with the small project of benchmarks/peer/ (settings, urls, and
the peer_seed / peer_measure / peer_sessions commands), on its own database: var/bench-peer.sqlite3,
or the PostgreSQL database `bench_peer` on the server of ``--database-url``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from benchmarks._support import ROOT, VAR, create_postgres_database, gunicorn

PEER_DIR = ROOT / "benchmarks" / "peer"
REQUIREMENTS = PEER_DIR / "requirements.txt"
VENV = VAR / "bench-peer"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements.sha256"


class PeerUnavailable(Exception):
    """The peer could not be installed, seeded or measured (the message says why)."""


def _run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600, what: str) -> str:
    try:
        done = subprocess.run(cmd, cwd=PEER_DIR, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PeerUnavailable(f"{what}: {exc}") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise PeerUnavailable(f"{what} falhou (código {done.returncode}):\n{tail}")
    return done.stdout


def ensure_venv() -> None:
    """var/bench-peer/ with exactly the pinned packages (re-installed when the pins change)."""
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PYTHON.exists():
        base = getattr(sys, "_base_executable", sys.executable)  # the interpreter behind our venv: 3.13
        print(f"criando o virtualenv do par em {VENV.relative_to(ROOT)} ({base} -m venv)…", flush=True)
        _run([base, "-m", "venv", str(VENV)], what="python -m venv")
    print(f"instalando o par ({REQUIREMENTS.relative_to(ROOT)}) com pip…", flush=True)
    _run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
        what="pip install -r benchmarks/peer/requirements.txt",
        timeout=1800,
    )
    STAMP.write_text(wanted)


def database_url(ours: str) -> str:
    """The same kind of database as ours, named after it: `bench_peer` beside our PostgreSQL `bench`
    (`<name>_peer` beside `<name>`), var/bench-peer.sqlite3 beside var/bench.sqlite3."""
    parts = urlsplit(ours)
    if parts.scheme.startswith("postgres"):
        name = parts.path.lstrip("/") or "bench"
        url = urlunsplit((parts.scheme, parts.netloc, f"/{name}_peer", "", ""))
        create_postgres_database(url)
        return url
    return f"sqlite:///{VAR / (Path(parts.path).stem + '-peer.sqlite3')}"


class Peer:
    def __init__(self, our_database_url: str):
        self.database_url = database_url(our_database_url)
        self.env = {
            "DJANGO_SETTINGS_MODULE": "peer_site.settings",
            "PEER_DATABASE_URL": self.database_url,
            "PEER_MEDIA_ROOT": str(VAR / "bench-peer-media"),
        }

    def manage(self, *args: str, timeout: float = 3600) -> str:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
        return _run([str(PYTHON), "manage.py", *args], env={**env, **self.env}, timeout=timeout, what=f"peer {args[0]}")

    def prepare(self, *, tickets: int, open_count: int, followups: int, staff_pool: int) -> str:
        ensure_venv()
        self.manage("migrate", "--noinput", "-v0")
        out = self.manage(
            "peer_seed",
            *("--tickets", str(tickets), "--open", str(open_count), "--followups", str(followups)),
            *("--staff-pool", str(staff_pool)),
        )
        return out.strip().splitlines()[-1]

    def measure(self, *, repeat: int, budget: float, searches: list[str]) -> dict:
        out = self.manage(
            "peer_measure", "--repeat", str(repeat), "--budget", str(budget), "--searches", json.dumps(searches)
        )
        return json.loads(out.strip().splitlines()[-1])

    def sessions(self, count: int) -> list[str]:
        return json.loads(self.manage("peer_sessions", "--count", str(count)).strip().splitlines()[-1])

    def gunicorn(self):
        env = {**self.env, "PYTHONPATH": str(PEER_DIR)}
        return gunicorn(
            wsgi="peer_site.wsgi:application", env=env, ready_path="/helpdesk/login/", python=str(PYTHON), cwd=PEER_DIR
        )

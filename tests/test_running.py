"""`make run` for real (issue 8, "Running it"): it serves on PORT=, stops every process it started
(web server and its autoreloader child, task worker, SLA sweeper) on SIGTERM, on Ctrl-C and when
any one of them exits, leaves the port free, and never aborts on a missing optional tool (msgfmt).
The Makefile refuses a Python other than .python-version's with a clear message.

Each test runs on its own copy of a migrated SQLite database, in its own process group, and reads
the process tree from /proc (Linux). The `make run` ones take 10–30 s: they are marked slow
(`-m "not slow"` leaves them out of a quick run).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROC = Path("/proc")

pytestmark = pytest.mark.skipif(
    not (PROC / "self" / "stat").exists() or shutil.which("make") is None, reason="needs GNU make and Linux /proc"
)


# --------------------------------------------------------------------------- processes (from /proc)


def process_table() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, process group, state) of every process; zombies have state "Z"."""
    table = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), int(fields[2]), fields[0])
    return table


def descendants(root: int) -> set[int]:
    table = process_table()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, (ppid, _, _) in table.items() if ppid in frontier} - found
        found |= frontier
    return found


def running(pids: set[int] | None = None, *, group: int | None = None) -> set[int]:
    """Of `pids` (or of process group `group`), those still running (a zombie has ended)."""
    return {
        pid
        for pid, (_, pgid, state) in process_table().items()
        if state not in "ZX" and (pid in pids if pids is not None else pgid == group)
    }


def command_line(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


# --------------------------------------------------------------------------- helpers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def eventually(condition, *, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    pytest.fail(f"{what} (after {timeout:g} s)\n{tail}")


def page_answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/conta/entrar/", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """A migrated SQLite database: a copy of var/db.sqlite3 when there is one, else a new one."""
    path = tmp_path_factory.mktemp("run-db") / "db.sqlite3"
    existing = ROOT / "var" / "db.sqlite3"
    if existing.exists():
        with sqlite3.connect(existing) as source, sqlite3.connect(path) as copy:
            source.backup(copy)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment(path),
        check=True,
        timeout=600,
    )
    return path


def environment(database: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "DJANGO_"))}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def database(migrated_database, tmp_path) -> Path:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(migrated_database) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


class Started:
    def __init__(self, argv: list[str], database: Path, log: Path):
        self.log = log
        with log.open("wb") as output:
            # A new process group (as a terminal gives a job): what is left of it is what leaked.
            self.process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=environment(database),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                process_group=0,
            )
        self.pid = self.process.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, port: int, timeout: float) -> set[int]:
        def serving():
            assert self.process.poll() is None, f"exited with {self.process.returncode}:\n{self.text()[-3000:]}"
            return page_answers(port)

        eventually(serving, timeout=timeout, what=f"nothing answered on port {port}", log=self.log)
        # The supervisor, the web server and its autoreloader child, the worker (and its
        # autoreloader child), the sweeper — each in its own group, all descendants of ours.
        return descendants(self.pid)

    def kill_everything(self) -> None:
        for pid in descendants(self.pid) | {self.pid}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(os.getpgid(pid), signal.SIGKILL)
        self.process.wait(timeout=10)


def assert_all_stopped(started: Started, tree: set[int], port: int) -> None:
    eventually(
        lambda: not running(tree) and not running(group=started.pid),
        timeout=15,
        what=f"still running: {[command_line(pid) for pid in running(tree) | running(group=started.pid)]}",
        log=started.log,
    )
    eventually(lambda: port_is_free(port), timeout=5, what=f"port {port} still taken")
    assert not page_answers(port)


def commands(tree: set[int]) -> list[str]:
    return [command_line(pid) for pid in tree]


@pytest.fixture
def start(database, tmp_path):
    started: list[Started] = []

    def make(argv: list[str]) -> Started:
        started.append(Started(argv, database, tmp_path / f"run-{len(started)}.log"))
        return started[-1]

    yield make
    for each in started:  # a failed test leaves nothing behind either
        if each.process.poll() is None or descendants(each.pid):
            each.kill_everything()


# --------------------------------------------------------------------------- make run


@pytest.mark.slow
def test_make_run_serves_on_port_and_sigterm_stops_every_process(start):
    port = free_port()
    # MSGFMT= : as on a machine without GNU gettext (the compiled catalogues are committed).
    run = start(["make", "--no-print-directory", "run", f"PORT={port}", "MSGFMT="])
    tree = run.wait_until_serving(port, timeout=240)
    # scripts/run.py says "serving" once its own probe answers, which may come a moment after ours.
    serving = f"serving http://127.0.0.1:{port}/"
    text = eventually(lambda: serving in run.text() and run.text(), timeout=30, what="no 'serving' line", log=run.log)
    assert "msgfmt (GNU gettext) not found" in text and "apt-get" not in text
    assert "Logins de demonstração" in text and "Abra http://127.0.0.1:8000/" not in text
    assert serving in text
    started = commands(tree)
    assert sum(f"runserver 127.0.0.1:{port}" in line for line in started) == 2  # the autoreloader's child too
    assert any("db_worker" in line for line in started)
    assert any("sla_sweeper" in line for line in started)

    os.kill(run.pid, signal.SIGTERM)  # to make alone, as `kill <pid>` or a process manager would
    run.process.wait(timeout=30)
    assert_all_stopped(run, tree, port)
    assert "stopped." in run.text()


@pytest.mark.slow
def test_ctrl_c_stops_every_process(start):
    port = free_port()
    run = start([sys.executable, "scripts/run.py", "--port", str(port)])
    tree = run.wait_until_serving(port, timeout=120)
    os.killpg(run.pid, signal.SIGINT)  # what the terminal sends to the foreground job
    assert run.process.wait(timeout=30) == 0
    assert_all_stopped(run, tree, port)


@pytest.mark.slow
def test_when_one_process_exits_everything_stops(start):
    port = free_port()
    run = start([sys.executable, "scripts/run.py", "--port", str(port)])
    tree = run.wait_until_serving(port, timeout=120)
    (worker,) = [pid for pid in tree if "db_worker" in command_line(pid) and process_table()[pid][0] not in tree]
    os.kill(worker, signal.SIGKILL)
    assert run.process.wait(timeout=30) != 0
    assert_all_stopped(run, tree, port)
    assert "task worker (db_worker) exited" in run.text()


def test_a_taken_port_is_refused_at_once_with_a_way_out(start):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = start([sys.executable, "scripts/run.py", "--port", str(port)])
        assert run.process.wait(timeout=30) == 2
    assert f"port {port} is already in use" in run.text() and "make run PORT=" in run.text()
    assert not running(group=run.pid)


def test_make_run_takes_the_port_from_PORT():
    default = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "scripts/run.py --port 8000" in default
    chosen = subprocess.run(["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert "scripts/run.py --port 8100" in chosen.stdout
    assert "http://127.0.0.1:8100/" in chosen.stdout  # what `make demo` says


def test_another_python_is_refused_with_a_clear_message(tmp_path):
    other = shutil.which("python3.11") or "/usr/bin/python3"
    version = subprocess.run([other, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True, text=True)
    if not Path(other).exists() or version.stdout.strip() == "(3, 13)":
        pytest.skip("no Python other than 3.13 on this machine")
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "--no-print-directory", "install", f"PYTHON={other}", f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Python 3.13 is required" in result.stderr and "PYTHON=/path/to/python3.13" in result.stderr
    assert not venv.exists()

"""`make run`: the web server, the task worker and the SLA sweeper, started and stopped together.

    .venv/bin/python scripts/run.py [--host 127.0.0.1] [--port 8000]

Each of the three runs in its own process group, so stopping one takes its children with it
(`runserver`'s autoreloader serves from a child process). Everything stops when this process gets
Ctrl-C (SIGINT), SIGTERM or SIGHUP, and when any one of the three exits: the others get SIGTERM,
then SIGKILL after a grace period. `make run` execs this script, so the SIGTERM GNU make forwards
to its recipe lands here. Standard library only; Linux and macOS.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRACE_SECONDS = 10.0


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def say(text: str) -> None:
    print(f"[make run] {text}", flush=True)


class Supervisor:
    def __init__(self, commands: dict[str, list[str]]):
        self.commands = commands
        self.children: dict[str, subprocess.Popen] = {}
        self.stop = threading.Event()
        self.reason = ""

    def start(self) -> None:
        for name, argv in self.commands.items():
            # Its own process group: killpg reaches the process and every child it spawns.
            self.children[name] = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, process_group=0)  # noqa: S603

    def on_signal(self, signum, _frame) -> None:
        if not self.stop.is_set():
            self.reason = signal.Signals(signum).name
        self.stop.set()

    def exited(self) -> tuple[str, int] | None:
        for name, child in self.children.items():
            code = child.poll()
            if code is not None:
                return name, code
        return None

    def wait(self, on_ready=None) -> int:
        """Until a signal or a child's exit; returns the exit status for this process."""
        ready = on_ready is None
        while not self.stop.wait(0.2):
            if not ready and on_ready():
                ready = True
            ended = self.exited()
            if ended is not None:
                name, code = ended
                say(f"{name} exited (status {code}): stopping the others.")
                return code or 1
        say(f"{self.reason or 'stop'}: stopping the web server, the task worker and the SLA sweeper.")
        return 0

    def _signal_groups(self, signum: int) -> None:
        for child in self.children.values():
            with contextlib.suppress(ProcessLookupError, PermissionError):  # the whole group is gone already
                os.killpg(child.pid, signum)

    def _groups_alive(self) -> bool:
        alive = False
        for child in self.children.values():
            child.poll()  # reap our direct child, so that it does not count as alive
            try:
                os.killpg(child.pid, 0)
            except (ProcessLookupError, PermissionError):
                continue
            alive = True
        return alive

    def shutdown(self) -> None:
        self._signal_groups(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        while self._groups_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        if self._groups_alive():
            say(f"still running after {GRACE_SECONDS:g} s: SIGKILL.")
            self._signal_groups(signal.SIGKILL)
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    url = f"http://{args.host}:{args.port}/"

    if not port_is_free(args.host, args.port):
        say(
            f"port {args.port} is already in use on {args.host}: choose another one, e.g. make run PORT={args.port + 100}"
        )
        return 2

    manage = [sys.executable, str(ROOT / "manage.py")]
    supervisor = Supervisor(
        {
            "web server (runserver)": [*manage, "runserver", f"{args.host}:{args.port}"],
            "task worker (db_worker)": [*manage, "db_worker", "--queue-name", "*"],
            "SLA sweeper (sla_sweeper)": [*manage, "sla_sweeper"],
        }
    )
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, supervisor.on_signal)

    def on_ready() -> bool:
        if not answers(args.host, args.port):
            return False
        say(f"serving {url} (back office: {url}admin/, API docs: {url}api/v1/docs). Ctrl-C stops everything.")
        return True

    supervisor.start()
    try:
        status = supervisor.wait(on_ready)
    finally:
        supervisor.shutdown()
    say("stopped.")
    return status


if __name__ == "__main__":
    sys.exit(main())

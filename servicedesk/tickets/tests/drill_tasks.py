"""Tasks of the drills (a real Celery worker imports them by path)."""

import time

from django.tasks import task

from servicedesk.core import clock
from servicedesk.tickets.tasks import run_sla_sweep


@task
def sweep_then_wait(flag_path: str, wait_seconds: float = 6.0) -> dict:
    """The SLA sweep (its effects committed), then a pause before the task ends: a SIGKILL in the
    pause leaves the task unacknowledged with its effect done, the worst case for "effect once"."""
    counts = run_sla_sweep(now=clock.now())
    with open(flag_path, "a") as out:
        out.write(f"swept {counts['closed']}\n")
    time.sleep(wait_seconds)
    with open(flag_path, "a") as out:
        out.write("done\n")
    return counts

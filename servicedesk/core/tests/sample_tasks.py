"""Module-level tasks for the task-backend tests (django.tasks needs module-level functions)."""

import threading

from django.tasks import task

CALLS: list = []
_lock = threading.Lock()


@task
def record(value):
    with _lock:
        CALLS.append(value)
    return {"seen": value}


@task
def explode():
    raise RuntimeError("falhou de propósito")


@task
def append_line(path, text, sleep_seconds=0.0):
    """Writes "start <text>" then, after a pause, "done <text>" to a file (the Celery worker is
    another process: the file is how the test sees what it did)."""
    import time

    with open(path, "a") as out:
        out.write(f"start {text}\n")
    time.sleep(sleep_seconds)
    with open(path, "a") as out:
        out.write(f"done {text}\n")
    return text

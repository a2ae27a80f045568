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

"""A `django.tasks` backend that hands every task to Celery (production), and the Celery task that
runs it.

One task API: the code only knows Django's `@task` / `.enqueue()`. `CeleryBackend.enqueue` sends
one generic Celery task, `servicedesk.run_django_task`, carrying the `django.tasks` function's
import path and its JSON arguments; a Celery worker (`celery -A servicedesk.core.celery_app
worker`) imports the function and calls it. Celery brings what a home-made worker lacked: late
acknowledgement (a task is removed from Redis only once it finished), a dead worker's task
redelivered (at once when a pool process dies, after the visibility timeout when the whole worker
dies), retries with exponential back-off for transient failures, `celery inspect` and Flower.

Delivery is at least once, so every task the project enqueues is idempotent (auto-close, SLA
alerts, the outbox relay: row locks and unique constraints).
"""

from __future__ import annotations

import logging
import smtplib
import socket
import time
from datetime import datetime

from django.db import InterfaceError, OperationalError, close_old_connections
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from servicedesk.core.celery_app import app

logger = logging.getLogger(__name__)

RUN_TASK = "servicedesk.run_django_task"

# Failures that pass by themselves: the SMTP server, the network, the database restarting.
# Retried with exponential back-off (2, 4, 8 … s, at most 5 minutes, with jitter).
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
    OperationalError,
    InterfaceError,
)
MAX_RETRIES = 8
RETRY_BACKOFF_MAX = 300


class CeleryBackend(BaseTaskBackend):
    """`TASKS = {"default": {"BACKEND": "servicedesk.core.task_backends.CeleryBackend"}}`; the
    Celery app's configuration (broker, acks late…) comes from the `CELERY_*` settings."""

    supports_defer = True
    supports_get_result = False

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=normalize_json(args),
            kwargs=normalize_json(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        run_django_task.apply_async(
            args=[task.module_path, result.args, result.kwargs],
            kwargs={"result_id": result.id, "enqueued_at": result.enqueued_at.isoformat()},
            task_id=result.id,
            queue=task.queue_name,
            eta=task.run_after,
            priority=task.priority,
        )
        task_enqueued.send(type(self), task_result=result)
        return result


def call_django_task(module_path: str, args: list, kwargs: dict, *, result_id: str = ""):
    """Import a `django.tasks` task by path and call its function (with a context if it takes one)."""
    task = import_string(module_path)
    if not isinstance(task, Task):
        raise TypeError(f"{module_path} is not a django.tasks task")
    if task.takes_context:
        now = timezone.now()
        result = TaskResult(
            task=task,
            id=result_id or get_random_string(32),
            status=TaskResultStatus.RUNNING,
            enqueued_at=None,
            started_at=now,
            last_attempted_at=now,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend="default",
            errors=[],
            worker_ids=[],
        )
        return task.call(TaskContext(task_result=result), *args, **kwargs)
    return task.call(*args, **kwargs)


@app.task(
    name=RUN_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def run_django_task(self, module_path: str, args: list, kwargs: dict, *, result_id: str = "", enqueued_at: str = ""):
    from servicedesk.core import metrics

    name = module_path.rsplit(".", 1)[-1]
    if enqueued_at and not self.request.retries:
        waited = (timezone.now() - datetime.fromisoformat(enqueued_at)).total_seconds()
        metrics.TASK_LATENCY.labels(name).observe(max(waited, 0.0))
    started = time.perf_counter()
    close_old_connections()
    try:
        value = call_django_task(module_path, args, kwargs, result_id=result_id)
    except TRANSIENT_ERRORS:
        metrics.TASKS_RETRIED.labels(name).inc()
        metrics.TASK_DURATION.labels(name, "retry").observe(time.perf_counter() - started)
        raise
    except BaseException:
        metrics.TASK_DURATION.labels(name, "error").observe(time.perf_counter() - started)
        raise
    finally:
        close_old_connections()  # a broken connection is not reused by the retry
    metrics.TASK_DURATION.labels(name, "ok").observe(time.perf_counter() - started)
    return normalize_json(value)


@app.task(name="servicedesk.periodic", ignore_result=True)
def periodic(module_path: str, every: float) -> bool:
    """One tick of a periodic task (celery beat's schedule, settings.CELERY_BEAT_SCHEDULE):
    enqueue `module_path` unless another tick already did in this interval — see `periodic_claim`."""
    if not periodic_claim(module_path, every):
        return False
    import_string(module_path).enqueue()
    return True


def periodic_claim(module_path: str, every: float, *, now: float | None = None) -> bool:
    """True for the first caller in each `every`-seconds slot of `module_path`, False for the others.

    An atomic add in Django's cache (SET NX with a time-out on Redis), so two beats started by
    mistake, or one beat whose tick was delivered twice, enqueue the task once per interval."""
    from django.core.cache import cache

    moment = timezone.now().timestamp() if now is None else now
    slot = int(moment // every)
    return cache.add(f"servicedesk:periodic:{module_path}:{slot}", 1, timeout=max(int(every) * 2, 1))

"""A Redis task backend for Django's own `django.tasks` (production, several workers).

Why not django-tasks-rq: it is built on the `django_tasks` backport, not on Django 6's
`django.tasks`. It enqueues Django's tasks, but hands back the backport's `TaskResult`,
raises the backport's `TaskResultDoesNotExist`, sends the backport's signals, and needs
django-rq, rq and an rq scheduler beside it. This backend is ~250 lines on `redis` alone.

Layout in Redis (prefix `servicedesk:tasks` by default):
- `<prefix>:result:<id>`          JSON of the task result (module path, args, kwargs, status,
                                  run_after, times, errors, return value, worker ids), with a TTL;
- `<prefix>:ready:<queue>`        list of ids ready to run (LPUSH in, BLMOVE out from the right);
- `<prefix>:scheduled:<queue>`    sorted set of deferred ids, score = run_after (epoch seconds);
- `<prefix>:processing:<worker>`  ids a worker has taken and not finished;
- `<prefix>:worker:<worker>`      the worker's heartbeat (expires when the worker dies).

Delivery is at least once: a task taken by a worker that dies is put back in the ready list
by the next worker that starts. The project's tasks are idempotent (auto-close, SLA alerts,
notifications), so a retry never closes, warns or e-mails twice.
"""

from __future__ import annotations

import json
import logging
import signal
import threading
from dataclasses import replace
from datetime import UTC, datetime
from traceback import format_exception
from typing import Any

import redis
from django.db import close_old_connections
from django.tasks import TaskResult, TaskResultStatus, task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskContext, TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.functional import cached_property
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Move every due deferred id to the ready list. ZREM returning 1 is the ownership test:
# however many workers run this at once, each id is moved exactly once.
_PROMOTE_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local moved = 0
for _, id in ipairs(ids) do
  if redis.call('ZREM', KEYS[1], id) == 1 then
    redis.call('LPUSH', KEYS[2], id)
    moved = moved + 1
  end
end
return moved
"""


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


class RedisBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self.url = self.options.get("url") or "redis://127.0.0.1:6379/0"
        self.prefix = self.options.get("prefix", "servicedesk:tasks")
        self.result_ttl = int(self.options.get("result_ttl", 7 * 24 * 3600))

    @cached_property
    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, decode_responses=True)

    # ---- keys
    def result_key(self, result_id: str) -> str:
        return f"{self.prefix}:result:{result_id}"

    def ready_key(self, queue_name: str) -> str:
        return f"{self.prefix}:ready:{queue_name}"

    def scheduled_key(self, queue_name: str) -> str:
        return f"{self.prefix}:scheduled:{queue_name}"

    def processing_key(self, worker_id: str) -> str:
        return f"{self.prefix}:processing:{worker_id}"

    def heartbeat_key(self, worker_id: str) -> str:
        return f"{self.prefix}:worker:{worker_id}"

    # ---- (de)serialization
    def _payload(self, result: TaskResult) -> dict[str, Any]:
        task = result.task
        return {
            "id": result.id,
            "module_path": task.module_path,
            "queue_name": task.queue_name,
            "priority": task.priority,
            "run_after": _iso(task.run_after),
            "args": result.args,
            "kwargs": result.kwargs,
            "status": result.status.value,
            "enqueued_at": _iso(result.enqueued_at),
            "started_at": _iso(result.started_at),
            "finished_at": _iso(result.finished_at),
            "last_attempted_at": _iso(result.last_attempted_at),
            "errors": [
                {"exception_class_path": e.exception_class_path, "traceback": e.traceback} for e in result.errors
            ],
            "worker_ids": result.worker_ids,
            "return_value": result._return_value,
        }

    def _result(self, payload: dict[str, Any]) -> TaskResult:
        task = import_string(payload["module_path"])
        if not isinstance(task, Task):
            raise TaskResultDoesNotExist(payload["id"])
        task = task.using(queue_name=payload["queue_name"], run_after=_dt(payload["run_after"]), backend=self.alias)
        result = TaskResult(
            task=task,
            id=payload["id"],
            status=TaskResultStatus(payload["status"]),
            enqueued_at=_dt(payload["enqueued_at"]),
            started_at=_dt(payload["started_at"]),
            finished_at=_dt(payload["finished_at"]),
            last_attempted_at=_dt(payload["last_attempted_at"]),
            args=payload["args"],
            kwargs=payload["kwargs"],
            backend=self.alias,
            errors=[TaskError(**error) for error in payload["errors"]],
            worker_ids=payload["worker_ids"],
        )
        object.__setattr__(result, "_return_value", payload["return_value"])
        return result

    def save(self, result: TaskResult) -> None:
        self.client.set(self.result_key(result.id), json.dumps(self._payload(result)), ex=self.result_ttl)

    # ---- django.tasks API
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
        pipe = self.client.pipeline(transaction=True)
        pipe.set(self.result_key(result.id), json.dumps(self._payload(result)), ex=self.result_ttl)
        if task.run_after is not None:
            pipe.zadd(self.scheduled_key(task.queue_name), {result.id: task.run_after.timestamp()})
        else:
            pipe.lpush(self.ready_key(task.queue_name), result.id)
        pipe.execute()
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        raw = self.client.get(self.result_key(result_id))
        if raw is None:
            raise TaskResultDoesNotExist(result_id)
        return self._result(json.loads(raw))

    def check(self, **kwargs):
        return []


class RedisWorker:
    """Runs the tasks of a `RedisBackend`. `run()` loops until SIGTERM/SIGINT (or, with
    `batch=True`, until nothing is ready); the task in progress always finishes first."""

    heartbeat_seconds = 30

    def __init__(
        self,
        *,
        backend: RedisBackend,
        queue_names: list[str] | None = None,
        batch: bool = False,
        block_seconds: float = 1.0,
        worker_id: str | None = None,
        max_tasks: int | None = None,
    ) -> None:
        self.backend = backend
        self.client = backend.client
        self.queue_names = queue_names or sorted(backend.queues)
        self.batch = batch
        self.block_seconds = block_seconds
        self.worker_id = worker_id or get_random_string(16)
        self.max_tasks = max_tasks
        self.running = True
        self.tasks_run = 0
        self._promote = self.client.register_script(_PROMOTE_DUE)

    # ---- lifecycle
    def stop(self, signum=None, frame=None) -> None:
        if self.running:
            logger.info("worker %s: stopping after the current task", self.worker_id)
        self.running = False

    def install_signal_handlers(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)

    def beat(self) -> None:
        self.client.set(self.backend.heartbeat_key(self.worker_id), "1", ex=self.heartbeat_seconds * 3)

    def recover_orphans(self) -> int:
        """Put back the tasks of workers whose heartbeat expired (they died mid-task)."""
        recovered = 0
        prefix = self.backend.processing_key("")
        for key in self.client.scan_iter(match=f"{prefix}*"):
            other = key[len(prefix) :]
            if other == self.worker_id or self.client.exists(self.backend.heartbeat_key(other)):
                continue
            while (result_id := self.client.rpop(key)) is not None:
                raw = self.client.get(self.backend.result_key(result_id))
                queue = json.loads(raw)["queue_name"] if raw else None
                if queue:
                    self.client.lpush(self.backend.ready_key(queue), result_id)
                    recovered += 1
        return recovered

    def promote_due(self, now: datetime | None = None) -> int:
        """Move deferred tasks whose run_after has come to the ready lists (each exactly once)."""
        moment = (now or datetime.now(UTC)).timestamp()
        return sum(
            int(self._promote(keys=[self.backend.scheduled_key(q), self.backend.ready_key(q)], args=[moment, 500]))
            for q in self.queue_names
        )

    def take(self, *, block: bool) -> str | None:
        """Atomically move one ready id to this worker's processing list."""
        processing = self.backend.processing_key(self.worker_id)
        for queue in self.queue_names:
            result_id = self.client.lmove(self.backend.ready_key(queue), processing, "RIGHT", "LEFT")
            if result_id is not None:
                return result_id
        if block and len(self.queue_names) == 1:
            return self.client.blmove(
                self.backend.ready_key(self.queue_names[0]), processing, self.block_seconds, "RIGHT", "LEFT"
            )
        return None

    def run(self) -> int:
        self.install_signal_handlers()
        self.beat()
        self.recover_orphans()
        logger.info("worker %s: queues %s", self.worker_id, ",".join(self.queue_names))
        while self.running:
            self.beat()
            self.promote_due()
            result_id = self.take(block=not self.batch)
            if result_id is None:
                if self.batch:
                    break
                if len(self.queue_names) > 1:
                    threading.Event().wait(self.block_seconds)
                continue
            self.execute(result_id)
            if self.max_tasks is not None and self.tasks_run >= self.max_tasks:
                break
        self.client.delete(self.backend.heartbeat_key(self.worker_id))
        return self.tasks_run

    # ---- one task
    def execute(self, result_id: str) -> TaskResult | None:
        processing = self.backend.processing_key(self.worker_id)
        try:
            result = self.backend.get_result(result_id)
        except (TaskResultDoesNotExist, ImportError, ValueError, KeyError):
            logger.exception("worker %s: dropping unknown task %s", self.worker_id, result_id)
            self.client.lrem(processing, 1, result_id)
            return None
        started = timezone.now()
        result = replace(result, status=TaskResultStatus.RUNNING, started_at=started, last_attempted_at=started)
        result.worker_ids.append(self.worker_id)
        self.backend.save(result)
        task_started.send(type(self.backend), task_result=result)
        close_old_connections()
        try:
            task = result.task
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            object.__setattr__(result, "_return_value", normalize_json(value))
            status = TaskResultStatus.SUCCESSFUL
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            logger.exception("worker %s: task %s failed", self.worker_id, result_id)
            result.errors.append(
                TaskError(
                    exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
                    traceback="".join(format_exception(exc)),
                )
            )
            status = TaskResultStatus.FAILED
        finally:
            close_old_connections()
        object.__setattr__(result, "status", status)
        object.__setattr__(result, "finished_at", timezone.now())
        self.backend.save(result)
        self.client.lrem(processing, 1, result_id)
        self.tasks_run += 1
        task_finished.send(type(self.backend), task_result=result)
        return result


def redis_backend(alias: str = "default") -> RedisBackend:
    backend = task_backends[alias]
    if not isinstance(backend, RedisBackend):
        raise TypeError(f"task backend {alias!r} is {type(backend).__name__}, not RedisBackend")
    return backend

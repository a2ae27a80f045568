"""Background work on the two real backends: the database one (`db_worker`) and Redis (`redis_worker`)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist

from servicedesk.core.task_backends import RedisBackend, RedisWorker
from servicedesk.core.tests import sample_tasks
from servicedesk.core.tests.sample_tasks import CALLS

DB_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend"}


def _redis(url: str) -> dict:
    return {"BACKEND": "servicedesk.core.task_backends.RedisBackend", "OPTIONS": {"url": url}}


# --------------------------------------------------------------------------- database backend


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker commits and reconnects like a real one
def test_database_backend_runs_an_enqueued_task_with_the_worker(use_tasks):
    use_tasks(DB_BACKEND)
    result = sample_tasks.record.enqueue("a")
    assert result.status == TaskResultStatus.READY and CALLS == []

    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)

    assert CALLS == ["a"]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"seen": "a"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker commits and reconnects like a real one
def test_database_backend_defers_until_run_after(use_tasks):
    backend = use_tasks(DB_BACKEND)
    assert backend.supports_defer
    later = sample_tasks.record.using(run_after=datetime.now(UTC) + timedelta(hours=1)).enqueue("depois")
    call_command("db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", verbosity=0)
    assert CALLS == []
    later.refresh()
    assert later.status == TaskResultStatus.READY


# --------------------------------------------------------------------------- Redis backend


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_backend_enqueue_run_and_result(use_tasks, redis_url):
    backend = use_tasks(_redis(redis_url))
    assert isinstance(backend, RedisBackend) and backend.supports_defer
    ok = sample_tasks.record.enqueue("x")
    bad = sample_tasks.explode.enqueue()
    assert sample_tasks.record.get_result(ok.id).status == TaskResultStatus.READY

    ran = RedisWorker(backend=backend, batch=True).run()

    assert ran == 2 and CALLS == ["x"]
    ok.refresh()
    assert (ok.status, ok.return_value, ok.attempts) == (TaskResultStatus.SUCCESSFUL, {"seen": "x"}, 1)
    assert ok.started_at and ok.finished_at and ok.finished_at >= ok.started_at
    bad.refresh()
    assert bad.status == TaskResultStatus.FAILED
    assert bad.errors[0].exception_class is RuntimeError
    assert "falhou de propósito" in bad.errors[0].traceback
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result("nao-existe")


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_backend_defers_until_run_after(use_tasks, redis_url):
    backend = use_tasks(_redis(redis_url))
    run_after = datetime.now(UTC) + timedelta(hours=1)
    later = sample_tasks.record.using(run_after=run_after).enqueue("depois")
    assert later.task.run_after == run_after

    worker = RedisWorker(backend=backend, batch=True)
    assert worker.run() == 0 and CALLS == []
    assert backend.get_result(later.id).status == TaskResultStatus.READY

    assert worker.promote_due(now=run_after + timedelta(seconds=1)) == 1
    assert worker.promote_due(now=run_after + timedelta(seconds=1)) == 0  # moved once
    assert worker.run() == 1 and CALLS == ["depois"]


@pytest.mark.redis
@pytest.mark.django_db
def test_two_redis_workers_never_run_the_same_task_twice(use_tasks, redis_url):
    use_tasks(_redis(redis_url))
    moment = datetime.now(UTC) + timedelta(minutes=5)
    for i in range(60):
        sample_tasks.record.enqueue(i)
        sample_tasks.record.using(run_after=moment).enqueue(1000 + i)

    def work():
        # Each thread is a separate worker with its own connection, promoting and taking concurrently.
        from django.tasks import default_task_backend

        worker = RedisWorker(backend=default_task_backend, batch=True)
        worker.promote_due(now=moment + timedelta(seconds=1))
        worker.run()
        worker.promote_due(now=moment + timedelta(seconds=1))
        worker.run()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(CALLS) == list(range(60)) + list(range(1000, 1060))


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_worker_recovers_tasks_of_a_dead_worker(use_tasks, redis_url):
    backend = use_tasks(_redis(redis_url))
    sample_tasks.record.enqueue("órfã")
    dead = RedisWorker(backend=backend, batch=True, worker_id="morto")
    assert dead.take(block=False) is not None  # taken, then the worker "dies" (no heartbeat)

    assert RedisWorker(backend=backend, batch=True).run() == 1
    assert CALLS == ["órfã"]


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_worker_command_in_batch_mode(use_tasks, redis_url):
    use_tasks(_redis(redis_url))
    sample_tasks.record.enqueue("cmd")
    call_command("redis_worker", "--batch", verbosity=0)
    assert CALLS == ["cmd"]


@pytest.mark.redis
@pytest.mark.django_db
def test_redis_worker_stops_after_the_current_task(use_tasks, redis_url):
    backend = use_tasks(_redis(redis_url))
    for value in ("um", "dois"):
        sample_tasks.record.enqueue(value)
    worker = RedisWorker(backend=backend, block_seconds=0.1)
    original = worker.execute

    def execute_then_sigterm(result_id):
        result = original(result_id)
        worker.stop()  # what the SIGTERM handler does
        return result

    worker.execute = execute_then_sigterm
    assert worker.run() == 1
    assert CALLS == ["um"]
    assert backend.client.llen(backend.ready_key("default")) == 1  # the other one waits, untouched

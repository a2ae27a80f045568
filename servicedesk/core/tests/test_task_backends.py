"""Background work on the two real backends: the database one (`db_worker`) and Celery on Redis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from servicedesk.core import task_backends
from servicedesk.core.celery_app import app as celery_app
from servicedesk.core.task_backends import CeleryBackend
from servicedesk.core.tests import sample_tasks
from servicedesk.core.tests.sample_tasks import CALLS

DB_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend"}


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


# --------------------------------------------------------------------------- Celery backend

CELERY = {"BACKEND": "servicedesk.core.task_backends.CeleryBackend"}


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


@pytest.mark.django_db
def test_celery_backend_runs_the_django_task_by_its_path(use_tasks, eager_celery):
    backend = use_tasks(CELERY)
    assert isinstance(backend, CeleryBackend) and backend.supports_defer
    result = sample_tasks.record.enqueue("pelo celery")
    assert result.status == TaskResultStatus.READY
    assert CALLS == ["pelo celery"]


def test_celery_task_retries_transient_errors_with_back_off():
    run = celery_app.tasks[task_backends.RUN_TASK]
    assert run.acks_late and run.reject_on_worker_lost
    assert ConnectionError in run.autoretry_for and run.retry_backoff and run.max_retries >= 5


def test_the_celery_message_names_the_task_and_its_arguments(use_tasks, monkeypatch):
    use_tasks(CELERY)
    sent = {}
    monkeypatch.setattr(task_backends.run_django_task, "apply_async", lambda **kw: sent.update(kw))
    result = sample_tasks.record.using(queue_name="default").enqueue("x")
    assert sent["args"] == ["servicedesk.core.tests.sample_tasks.record", ["x"], {}]
    assert sent["task_id"] == result.id and sent["queue"] == "default" and sent["eta"] is None


def test_a_periodic_tick_enqueues_once_per_interval_however_many_beats_run(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tick"}}
    path = "servicedesk.core.tests.sample_tasks.record"
    assert task_backends.periodic_claim(path, 60, now=6000.0) is True
    assert task_backends.periodic_claim(path, 60, now=6030.0) is False  # a second beat, same minute
    assert task_backends.periodic_claim(path, 60, now=6060.0) is True  # the next minute
    assert task_backends.periodic_claim("servicedesk.other.task", 60, now=6030.0) is True


def test_the_beat_schedule_has_the_sweep_every_minute_and_the_housekeeping(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["sla_sweep"] == {
        "task": "servicedesk.periodic",
        "schedule": 60,
        "args": ("servicedesk.tickets.tasks.sla_sweep", 60),
    }
    assert {entry["args"][0] for entry in schedule.values()} >= {path for path, _ in settings.PERIODIC_TASKS}


def _wait_for(predicate, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.redis
@pytest.mark.slow
def test_a_real_celery_worker_runs_an_enqueued_task(use_tasks, celery_worker_process, tmp_path):
    use_tasks(CELERY)
    out = tmp_path / "out.txt"
    celery_worker_process()
    sample_tasks.append_line.enqueue(str(out), "a")
    assert _wait_for(lambda: out.exists() and "done a" in out.read_text(), 30), out.read_text() if out.exists() else ""


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.drill
def test_a_task_whose_worker_is_killed_mid_task_runs_again_on_another_worker(
    use_tasks, celery_worker_process, tmp_path
):
    """Drill: SIGKILL to the whole worker (main process and pool) in the middle of a task. The
    message was not acknowledged (acks late), so after the visibility timeout the next worker
    runs it again, to the end."""
    import os
    import signal

    use_tasks(CELERY)
    out = tmp_path / "out.txt"
    first = celery_worker_process(visibility_timeout=3)
    sample_tasks.append_line.enqueue(str(out), "longa", 4.0)
    assert _wait_for(lambda: out.exists() and "start longa" in out.read_text(), 30)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(10)
    assert "done longa" not in out.read_text()

    celery_worker_process(visibility_timeout=3)
    assert _wait_for(lambda: "done longa" in out.read_text(), 60), out.read_text()
    assert out.read_text().splitlines() == ["start longa", "start longa", "done longa"]

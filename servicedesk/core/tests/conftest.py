import os

import pytest
from asgiref.local import Local
from django.tasks import task_backends

from servicedesk.core.tests import sample_tasks

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _reset_task_backends():
    # django.tasks caches TASKS and the backend objects; settings overrides do not reset them.
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def use_tasks(settings):
    """Switch the default task backend for one test: use_tasks({"BACKEND": ..., ...})."""

    def use(config: dict):
        settings.TASKS = {"default": config}
        _reset_task_backends()
        sample_tasks.CALLS.clear()
        return task_backends["default"]

    yield use
    _reset_task_backends()


@pytest.fixture
def redis_url():
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis unreachable at {REDIS_TEST_URL}")
    client.flushdb()  # only the test database
    yield REDIS_TEST_URL
    client.flushdb()


@pytest.fixture
def celery_broker(redis_url):
    """Point this process's Celery app at the test Redis database for one test."""
    from servicedesk.core.celery_app import app

    before = app.conf.broker_url
    app.conf.broker_url = redis_url
    app._pool = None
    app.amqp._producer_pool = None
    yield redis_url
    app.conf.broker_url = before
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker_process(celery_broker, tmp_path):
    """start() runs a real `celery worker` (one pool process) on the test broker; every worker it
    started is killed at the end of the test."""
    import signal
    import subprocess
    import sys

    started: list[subprocess.Popen] = []

    def start(
        *, visibility_timeout: int = 600, extra_env: dict | None = None, broker: str | None = None
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test"),
            "CELERY_BROKER_URL": broker or celery_broker,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            **(extra_env or {}),
        }
        log = open(tmp_path / f"worker-{len(started)}.log", "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "servicedesk.core.celery_app",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
                "-Q",
                "default",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

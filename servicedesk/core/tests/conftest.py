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

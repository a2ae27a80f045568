"""Project-wide fixtures. App-specific ones live in each app's tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _mail_through_the_outbox(django_test_environment):
    """Django's test set-up replaced EMAIL_BACKEND with locmem; every e-mail of the product goes
    through the outbox (its rows are written, then delivered to locmem: config/settings/test.py)."""
    from django.conf import settings

    settings.EMAIL_BACKEND = "servicedesk.outbox.backend.OutboxEmailBackend"


@pytest.fixture
def own_media_root(settings, tmp_path):
    """The test's own MEDIA_ROOT (returned as a Path): the files it counts are its own only."""
    from pathlib import Path

    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def demo(db):
    """The demo organizations, people and catalog of `make run` (servicedesk.demo.data)."""
    from servicedesk.demo.data import load_demo_data

    load_demo_data()
    from servicedesk.accounts.models import User

    return {user.username: user for user in User.objects.all()}


@pytest.fixture(autouse=True)
def _fresh_caches():
    """No cached value (security policy, rate-limit counters, built engine calendars…) outlives
    the test that set it: every test's rollback restores calendar rows to the `updated_at` the
    migration gave them, so a calendar cached by an earlier test would look current."""
    from django.core.cache import caches

    from servicedesk.sla import adapters

    adapters._calendar_cache.clear()
    yield
    adapters._calendar_cache.clear()
    for cache in caches.all(initialized_only=True):
        cache.clear()

"""Project-wide fixtures. App-specific ones live in each app's tests/conftest.py."""

import pytest


@pytest.fixture
def demo(db):
    """The demo organizations, people and catalog of `make run` (servicedesk.demo.data)."""
    from servicedesk.demo.data import load_demo_data

    load_demo_data()
    from servicedesk.accounts.models import User

    return {user.username: user for user in User.objects.all()}


@pytest.fixture(autouse=True)
def _fresh_caches():
    """No cached value (security policy, rate-limit counters…) outlives the test that set it."""
    from django.core.cache import caches

    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()

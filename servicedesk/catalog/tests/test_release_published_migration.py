"""catalog 0003: the releases already launched when the published state arrived count as
published at noon (Brasília) of their launch date; a later one waits for `release_publish`."""

from datetime import date, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from servicedesk.catalog.models import Product, Release

pytestmark = pytest.mark.django_db


def test_launched_releases_count_as_published_and_future_ones_wait(monkeypatch):
    from servicedesk.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("UTC")))
    product = Product.objects.create(code="rh", name="WeConnect RH")
    launched = Release.objects.create(product=product, version="12.1.1", released_on=date(2026, 6, 1))
    today = Release.objects.create(product=product, version="12.1.2", released_on=date(2026, 12, 2))
    later = Release.objects.create(product=product, version="12.2.0", released_on=date(2027, 1, 15))
    import_module("servicedesk.catalog.migrations.0003_release_published").publish_released(apps, None)
    launched.refresh_from_db()
    today.refresh_from_db()
    later.refresh_from_db()
    assert launched.published_at == datetime(2026, 6, 1, 15, tzinfo=ZoneInfo("UTC"))  # 12:00 in Brasília
    assert today.published_at == datetime(2026, 12, 2, 15, tzinfo=ZoneInfo("UTC"))
    assert later.published_at is None

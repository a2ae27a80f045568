"""The only place that reads the wall clock. Everything else receives `now` as an argument."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()

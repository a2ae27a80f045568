"""Periodic work of operations (PERIODIC_TASKS / celery beat)."""

from __future__ import annotations

from django.tasks import task

from servicedesk.core import clock
from servicedesk.ops import storage_check as checks


@task
def storage_check() -> dict[str, int]:
    report = checks.storage_check_run(now=clock.now())
    return {
        "orphans": report.orphans,
        "deleted": report.orphans_deleted,
        "missing": report.missing,
        "mismatched": report.mismatched,
    }

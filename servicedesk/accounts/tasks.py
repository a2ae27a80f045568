"""Background work of the accounts app (enqueued periodically by `manage.py sla_sweeper`)."""

from django.tasks import task

from servicedesk.accounts import login_guard
from servicedesk.core import clock


@task
def login_guard_housekeeping() -> int:
    """Forget failed-login counters that neither block nor count any more."""
    return login_guard.forget(now=clock.now())

"""Background work of the reports (enqueued periodically by `manage.py sla_sweeper`,
settings.PERIODIC_TASKS)."""

from django.tasks import task

from servicedesk.core import clock
from servicedesk.reports.delivery import statements_send_due


@task
def statements_monthly() -> int:
    """The previous month's SLA statement to each organization's approvers, once."""
    return statements_send_due(now=clock.now())

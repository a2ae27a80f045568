"""Background work of the surveys (enqueued every minute by `manage.py sla_sweeper`)."""

from django.tasks import task

from servicedesk.core import clock
from servicedesk.surveys.services import surveys_send_due


@task
def surveys_send() -> int:
    """Ask the requesters of the tickets closed since the last run."""
    return surveys_send_due(now=clock.now())

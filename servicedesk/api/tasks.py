"""Background work of the API app (enqueued periodically by `manage.py sla_sweeper`)."""

from django.tasks import task

from servicedesk.api import services
from servicedesk.core import clock


@task
def api_housekeeping() -> dict[str, int]:
    return services.api_housekeeping(now=clock.now())

from django.apps import AppConfig


class UiConfig(AppConfig):
    """Shared web UI of the portal and the console: the `desk` template tags (Brasília time, SLA,
    status and severity badges). A delivery-side app: domain apps never import it."""

    name = "servicedesk.ui"
    verbose_name = "Interface"

from django.apps import AppConfig


class AdvisoryConfig(AppConfig):
    """Technical advisory from proposal to invoice (domain.md §8): the price list, proposals the
    customer's approver accepts, appointments, time entries, the report the approver validates,
    and the billing lines the commercial team exports."""

    name = "servicedesk.advisory"
    verbose_name = "Assessoria técnica e faturamento"

    def ready(self):
        from servicedesk.advisory import notifications

        notifications.register()

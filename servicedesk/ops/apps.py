from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "servicedesk.ops"
    verbose_name = "Operação"
    default_auto_field = "django.db.models.BigAutoField"

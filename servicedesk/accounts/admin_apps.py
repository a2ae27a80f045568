"""``django.contrib.admin`` with our site (accounts/admin_site.py) as the default ``admin.site``."""

from django.apps import apps
from django.contrib.admin.apps import AdminConfig

# The back office groups its tables by app. Our apps name themselves (their apps.py); these
# third-party apps carry an English name that no catalogue translates (a plain string), so the
# back office gives them ours. (django.contrib.auth's "Authentication and Authorization" is
# translated by Django's own catalogue.)
THIRD_PARTY_APP_NAMES = {
    "otp_totp": "Autenticação em dois fatores",
    "django_tasks_database": "Tarefas em segundo plano",
}


class ServiceDeskAdminConfig(AdminConfig):
    default_site = "servicedesk.accounts.admin_site.ServiceDeskAdminSite"

    def ready(self):
        for label, verbose_name in THIRD_PARTY_APP_NAMES.items():
            if label in apps.app_configs:
                apps.app_configs[label].verbose_name = verbose_name
        super().ready()

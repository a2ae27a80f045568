"""``django.contrib.admin`` with our site (accounts/admin_site.py) as the default ``admin.site``."""

from django.contrib.admin.apps import AdminConfig


class ServiceDeskAdminConfig(AdminConfig):
    default_site = "servicedesk.accounts.admin_site.ServiceDeskAdminSite"

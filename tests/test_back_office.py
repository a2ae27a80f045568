"""The Django admin is the back office for every model (issue 2)."""

import pytest
from django.apps import apps
from django.contrib import admin

DOMAIN_APPS = {"core", "accounts", "catalog", "sla", "tickets", "channels", "api", "replies", "advisory", "knowledge"}


def test_every_domain_model_is_in_the_admin():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in DOMAIN_APPS and model not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_opens(admin_client):
    for model in admin.site._registry:
        if model._meta.app_label in DOMAIN_APPS:
            url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
            assert admin_client.get(url).status_code == 200, url

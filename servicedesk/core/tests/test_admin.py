"""The Django admin is the back office for every model (issue 2)."""

import pytest
from django.apps import apps
from django.contrib import admin

DOMAIN_APPS = {"core", "accounts", "catalog", "sla", "tickets", "channels", "api"}


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


@pytest.mark.django_db
def test_admin_revokes_an_api_token(admin_client, demo):
    from servicedesk.api.models import ApiToken
    from servicedesk.api.services import api_token_create
    from servicedesk.core.clock import now

    created = api_token_create(user=demo["joana.acme"], name="ERP", scope="read", now=now())
    token = ApiToken.objects.get(user=demo["joana.acme"])
    response = admin_client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.secret_hash not in response.content.decode()  # the hash is never shown
    assert created.raw not in response.content.decode()

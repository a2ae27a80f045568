"""Back office for API tokens: revocation from the admin, the secret never shown."""

import pytest


@pytest.mark.django_db
def test_admin_revokes_an_api_token(admin_client, demo):
    from servicedesk.api.models import ApiToken
    from servicedesk.api.services import api_token_create
    from servicedesk.core import clock

    created = api_token_create(user=demo["joana.acme"], name="ERP", scope="read", now=clock.now())
    token = ApiToken.objects.get(user=demo["joana.acme"])
    response = admin_client.post(
        "/admin/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.secret_hash not in response.content.decode()  # the hash is never shown
    assert created.raw not in response.content.decode()

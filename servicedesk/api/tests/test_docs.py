"""The docs page's spec is valid JSON for strict parsers (Swagger UI's js-yaml refuses duplicate keys)."""

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_spec_has_no_duplicate_keys(demo):
    client = Client()
    client.force_login(demo["joana.acme"])
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    duplicates = []

    def refuse_duplicates(pairs):
        keys = [key for key, _ in pairs]
        duplicates.extend(key for key in set(keys) if keys.count(key) > 1)
        return dict(pairs)

    spec = json.loads(response.content, object_pairs_hook=refuse_duplicates)
    assert duplicates == []
    download = spec["paths"]["/api/v1/attachments/{attachment_id}"]["get"]["responses"]["200"]
    assert "application/pdf" in download["content"]

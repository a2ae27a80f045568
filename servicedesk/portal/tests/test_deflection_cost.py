"""The suggestion endpoint is cheap (issue 10): measured query counts per request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicedesk.knowledge.tests.conftest import kb  # noqa: F401

pytestmark = pytest.mark.django_db
SUGGEST = "/chamados/abrir/artigos-sugeridos/"


def test_the_suggestion_endpoint_runs_few_queries(kb):  # noqa: F811
    kb.article("Férias proporcionais", "férias")
    client = Client()
    client.force_login(kb.customer)
    client.get(SUGGEST, {"title": "aquecimento"})  # the session is loaded once
    with CaptureQueriesContext(connection) as found:
        assert "Férias" in client.get(SUGGEST, {"title": "férias"}).content.decode()
    with CaptureQueriesContext(connection) as missed:
        client.get(SUGGEST, {"title": "nada disso existe aqui", "description": "nem isto aqui"})
    print(f"queries: hit {len(found)}, three searches that miss {len(missed)}")
    # the user, then one search: count + rows.
    assert len(found) == 3
    # the user, then three searches that find nothing (a count each).
    assert len(missed) == 4

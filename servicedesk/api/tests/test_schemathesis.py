"""Property-based conformance: Schemathesis generates requests from the live OpenAPI spec and checks
every response (no 5xx; status codes, content types, headers and bodies as documented), as a
customer and as staff, through the real WSGI application."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from servicedesk.api.tests.conftest import make_token

# Coverage phase (boundary values, wrong methods) plus positive and negative fuzzing, a fixed seed.
CONFIG = SchemathesisConfig.from_dict({"seed": 2026, "generation": {"mode": "all"}})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Django closes the connection around each WSGI request; inside a test transaction it must stay
    open (Django's own test client disconnects the same signal)."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(params=["joana.acme", "ana.analista"])
def bearer(request, demo):
    return f"Bearer {make_token(demo[request.param], 'read-write')}"


@pytest.mark.django_db
@override_settings(API_RATE_LIMIT_PER_MINUTE=0, API_RATE_LIMIT_PER_IP_PER_MINUTE=0)
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_spec(case, bearer):
    case.call_and_validate(headers={"Authorization": bearer, "Host": "localhost"}, checks=CHECKS)

"""API test fixtures: the demo organizations and people, tokens, a JSON client, uploads."""

from __future__ import annotations

import json as jsonlib

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.api.services import api_token_create
from servicedesk.core import clock
from servicedesk.demo.data import demo_screenshot_png
from servicedesk.tickets.models import Ticket

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """Calls the real endpoints through Django's test client, as one token (or anonymously)."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def _headers(self, headers: dict) -> dict:
        result = {}
        if self.token:
            result["Authorization"] = f"Bearer {self.token}"
        result.update(headers)
        return result

    def get(self, path: str, params: dict | None = None, **headers):
        return self.client.get(API + path, params or {}, headers=self._headers(headers))

    def post(self, path: str, body=None, **headers):
        return self.client.post(
            API + path,
            data=jsonlib.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._headers(headers),
        )

    def upload(self, name: str = "tela.png", content: bytes | None = None, content_type: str = "image/png"):
        file = SimpleUploadedFile(name, content if content is not None else demo_screenshot_png(), content_type)
        return self.client.post(API + "/attachments", {"file": file}, headers=self._headers({}))


def make_token(user, scope: str = "read-write") -> str:
    return api_token_create(user=user, name=f"teste {scope}", scope=scope, now=clock.now()).raw


@pytest.fixture
def as_user():
    def factory(user, scope: str = "read-write") -> ApiClient:
        return ApiClient(make_token(user, scope))

    return factory


@pytest.fixture
def joana(demo, as_user):
    """Trained customer of acme (STARTER)."""
    return as_user(demo["joana.acme"])


@pytest.fixture
def rafael(demo, as_user):
    """Trained customer of horizonte (PREMIUM): another organization."""
    return as_user(demo["rafael.horizonte"])


@pytest.fixture
def ana(demo, as_user):
    """Support analyst (staff)."""
    return as_user(demo["ana.analista"])


@pytest.fixture
def acme_ticket(demo) -> Ticket:
    return Ticket.objects.filter(organization__slug="acme", type="Problema").first()


@pytest.fixture
def horizonte_ticket(demo) -> Ticket:
    return Ticket.objects.filter(organization__slug="horizonte", type="Problema").first()


@pytest.fixture
def module_id(demo) -> int:
    from servicedesk.catalog.models import Module

    return Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento").pk


def problem_body(module_id: int, **extra) -> dict:
    return {
        "type": "Problema",
        "severity": "Alta",
        "environment": "produção",
        "module": module_id,
        "version_text": "12.1.1",
        "title": "Holerite sem horas extras",
        "description": "As horas extras de novembro não aparecem no holerite.",
        **extra,
    }


def question_body(module_id: int, **extra) -> dict:
    return {
        "type": "Dúvida",
        "environment": "produção",
        "module": module_id,
        "title": "Como programar férias coletivas?",
        "description": "Precisamos programar férias coletivas.",
        **extra,
    }


from servicedesk.core.tests.conftest import use_tasks  # noqa: E402,F401  (switch the task backend in a test)
from servicedesk.tickets.tests.conftest import world  # noqa: E402,F401  (the tickets' test world)

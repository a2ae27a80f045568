"""Portal fixtures: the demo world (two organizations), logged-in clients and helpers."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from servicedesk.catalog.models import Module, Release
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.models import Ticket


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 220, 240)).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "tela.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def login():
    def make(user, *, csrf: bool = False) -> Client:
        client = Client(enforce_csrf_checks=csrf)
        client.force_login(user)
        return client

    return make


@pytest.fixture
def folha(demo) -> Module:
    return Module.objects.get(product__code="weconnect-rh", name="Folha de Pagamento")


def open_problem(user, module, **kwargs) -> Ticket:
    params = {
        "requester": user,
        "type": "Problema",
        "severity": "Alta",
        "environment": "produção",
        "module": module,
        "release": Release.objects.get(product=module.product, version="12.1.1"),
        "title": "Folha não calcula horas extras",
        "description": "Horas extras de novembro não aparecem no holerite.",
        "files": [png_upload()],
        "now": clock.now(),
    }
    params.update(kwargs)
    return services.ticket_open(**params)


@pytest.fixture
def acme_ticket(demo, folha) -> Ticket:
    return open_problem(demo["joana.acme"], folha)


@pytest.fixture
def horizonte_ticket(demo, folha) -> Ticket:
    return open_problem(demo["rafael.horizonte"], folha, release=None)

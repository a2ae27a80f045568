"""Response headers: Content-Security-Policy with a per-response nonce, Cache-Control on private pages."""

import re

import pytest
from django.test import Client

from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()}


def test_pages_carry_the_policy_and_their_scripts_the_nonce(demo):
    client = Client()
    client.force_login(demo["joana.acme"])
    for url in ["/conta/entrar/", "/", "/chamados/novo/", "/tokens/", "/api/v1/docs"]:
        if url == "/conta/entrar/":
            response = Client().get(url)
        else:
            response = client.get(url)
        assert response.status_code == 200, url
        policy = csp(response)
        assert policy["default-src"] == "'self'"
        assert policy["object-src"] == "'none'"
        assert policy["base-uri"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        nonce = re.search(r"'nonce-([^']+)'", policy["script-src"]).group(1)
        body = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", body)
        assert scripts, url
        for tag in scripts:
            if 'type="application/json"' in tag:
                continue  # data, not code
            assert f'nonce="{nonce}"' in tag, (url, tag)
        assert not re.search(r"\son[a-z]+=", body), url  # no inline event handlers


def test_every_response_gets_a_new_nonce(demo):
    first, second = Client().get("/conta/entrar/"), Client().get("/conta/entrar/")
    assert csp(first)["script-src"] != csp(second)["script-src"]


def test_signed_in_pages_are_private_no_store_and_anonymous_ones_are_not_marked(demo):
    client = Client()
    client.force_login(demo["joana.acme"])
    ticket = Ticket.objects.filter(organization__slug="acme").first()
    for url in ["/", "/chamados/", f"/chamados/{ticket.pk}/"]:
        assert client.get(url)["Cache-Control"] == "private, no-store", url
    staff = Client()
    staff.force_login(demo["ana.analista"])
    assert staff.get("/console/")["Cache-Control"] == "private, no-store"
    assert "Cache-Control" not in Client().get("/conta/senha/esqueci/")


def test_the_portal_download_keeps_its_own_headers(demo):
    ticket = Ticket.objects.filter(organization__slug="acme", type="Problema").first()
    attachment = ticket.attachments.first()
    client = Client()
    client.force_login(demo["joana.acme"])
    response = client.get(f"/anexos/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"

"""/tokens/: list, create (shown once), revoke — for customers and staff."""

import pytest
from django.test import Client

from servicedesk.api.models import ApiToken
from servicedesk.api.tests.conftest import ApiClient, make_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("username", ["joana.acme", "ana.analista"])
def test_create_shows_the_secret_once_and_it_works(demo, username):
    browser = Client()
    browser.force_login(demo[username])
    page = browser.post("/tokens/", {"name": "Integração RH", "scope": "read"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    raw = page.context["created"].raw
    assert raw in page.content.decode()
    assert ApiClient(raw).get("/me").json()["username"] == username
    listing = browser.get("/tokens/").content.decode()
    assert "Integração RH" in listing and raw not in listing


def test_create_requires_a_name(demo):
    browser = Client()
    browser.force_login(demo["joana.acme"])
    page = browser.post("/tokens/", {"name": "", "scope": "read"})
    assert page.status_code == 422
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(demo):
    joana, rafael = demo["joana.acme"], demo["rafael.horizonte"]
    raw = make_token(joana)
    token = ApiToken.objects.get()
    intruder = Client()
    intruder.force_login(rafael)
    assert intruder.post(f"/tokens/{token.pk}/revogar/").status_code == 404
    assert ApiClient(raw).get("/me").status_code == 200
    owner = Client()
    owner.force_login(joana)
    assert owner.post(f"/tokens/{token.pk}/revogar/").status_code == 302
    assert ApiClient(raw).get("/me").status_code == 401
    assert "revogado" in owner.get("/tokens/").content.decode()


def test_anonymous_is_sent_to_login():
    response = Client().get("/tokens/")
    assert response.status_code == 302

"""Tokens (hashed, scoped, revocable, last use), the browser session with CSRF, rate limits."""

import pytest
from django.test import Client, override_settings

from servicedesk.api.models import ApiToken
from servicedesk.api.services import api_token_revoke
from servicedesk.api.tests.conftest import ApiClient, make_token, question_body
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_without_credentials_is_401_problem():
    response = ApiClient().get("/me")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401 and body["title"] == "Não autenticado" and "Bearer" in body["detail"]


def test_token_identifies_the_user_and_records_last_use(demo):
    raw = make_token(demo["joana.acme"], "read")
    response = ApiClient(raw).get("/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "joana.acme"
    assert body["organization"]["slug"] == "acme"
    assert body["token"]["scope"] == "read"
    assert "ticket.open" in body["capabilities"]
    token = ApiToken.objects.get(pk=body["token"]["id"])
    assert token.last_used_at is not None


def test_token_is_stored_hashed(demo):
    raw = make_token(demo["joana.acme"])
    token = ApiToken.objects.get()
    assert raw not in (token.secret_hash, token.prefix)
    assert raw.startswith(f"wcsd_{token.prefix}_")
    assert len(token.secret_hash) == 64


@pytest.mark.parametrize("header", ["Bearer wcsd_nope_nope", "Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer "])
def test_unknown_or_malformed_token_is_401(demo, header):
    response = Client().get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_token_with_a_wrong_secret_is_401(demo):
    raw = make_token(demo["joana.acme"])
    tampered = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert ApiClient(tampered).get("/me").status_code == 401


def test_revoked_token_is_401(demo):
    user = demo["joana.acme"]
    raw = make_token(user)
    client = ApiClient(raw)
    assert client.get("/me").status_code == 200
    api_token_revoke(user=user, token_id=ApiToken.objects.get().pk, now=clock.now())
    response = client.get("/me")
    assert response.status_code == 401
    assert "revogado" in response.json()["detail"]


def test_token_of_a_deactivated_user_is_401(demo):
    user = demo["joana.acme"]
    client = ApiClient(make_token(user))
    user.is_active = False
    user.save()
    assert client.get("/me").status_code == 401


def test_read_token_cannot_write(demo, module_id):
    client = ApiClient(make_token(demo["joana.acme"], "read"))
    before = Ticket.objects.count()
    response = client.post("/tickets", question_body(module_id))
    assert response.status_code == 403
    assert "somente leitura" in response.json()["detail"]
    assert Ticket.objects.count() == before
    assert client.upload().status_code == 403
    assert client.get("/tickets").status_code == 200


def test_read_write_token_can_write(demo, module_id):
    client = ApiClient(make_token(demo["joana.acme"], "read-write"))
    assert client.post("/tickets", question_body(module_id)).status_code == 201


def test_session_reads_and_needs_csrf_to_write(demo, module_id):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo["joana.acme"])
    assert browser.get("/api/v1/me").json()["token"] is None
    before = Ticket.objects.count()
    refused = browser.post("/api/v1/tickets", question_body(module_id), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("/csrf")
    assert Ticket.objects.count() == before
    # A page render sets the csrftoken cookie; send it back in the header like the docs page does.
    browser.get("/tokens/")
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(
        "/api/v1/tickets", question_body(module_id), content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert accepted.status_code == 201, accepted.content


def test_bearer_request_needs_no_csrf(demo, module_id):
    client = ApiClient(make_token(demo["joana.acme"]), Client(enforce_csrf_checks=True))
    assert client.post("/tickets", question_body(module_id)).status_code == 201


@override_settings(API_RATE_LIMIT_PER_MINUTE=3, API_RATE_LIMIT_PER_IP_PER_MINUTE=0)
def test_rate_limit_per_token_answers_429_with_retry_after(demo):
    user = demo["joana.acme"]
    first, second = ApiClient(make_token(user)), ApiClient(make_token(user))
    assert [first.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/me")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["status"] == 429
    # The limit is per token: another token of the same user still gets through.
    assert second.get("/me").status_code == 200


@override_settings(
    API_RATE_LIMIT_PER_MINUTE=0, API_RATE_LIMIT_PER_IP_PER_MINUTE=4, API_AUTH_FAILURES_PER_IP_PER_MINUTE=3
)
def test_rate_limit_per_ip_covers_every_token_and_failed_attempts(demo):
    user = demo["joana.acme"]
    clients = [ApiClient(make_token(user)) for _ in range(2)]
    assert [c.get("/me").status_code for c in clients * 2] == [200, 200, 200, 200]
    assert clients[0].get("/me").status_code == 429
    other_ip = ApiClient(make_token(user))
    other_ip.client.defaults["REMOTE_ADDR"] = "10.0.0.9"
    assert other_ip.get("/me").status_code == 200
    # Guessing tokens from one address is limited too, in its own (stricter) bucket.
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    codes = [guesser.get("/api/v1/me", headers={"Authorization": "Bearer wcsd_x_y"}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]

"""Security limits of the API: failed tokens in their own bucket, upload quota and rate, bodies
too big, unknown routes with a Bearer token, tampered cursors, token expiry and revocation on a
new password, Cache-Control. Every refusal is problem+json in Portuguese and changes nothing."""

import base64
import json
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client, override_settings

from servicedesk.api import services
from servicedesk.api.auth import TOKEN_INVALID
from servicedesk.api.models import ApiToken, PendingUpload
from servicedesk.api.tests.conftest import ApiClient, make_token
from servicedesk.core import clock
from servicedesk.core.errors import DomainError
from servicedesk.demo.data import DEMO_PASSWORD, demo_screenshot_png
from servicedesk.tickets.models import Comment

pytestmark = pytest.mark.django_db


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == status
    return body


def cursor(*parts) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


# --------------------------------------------------------------------------- failed tokens


@override_settings(API_RATE_LIMIT_PER_IP_PER_MINUTE=30, API_AUTH_FAILURES_PER_IP_PER_MINUTE=10)
def test_garbage_tokens_do_not_lock_out_the_valid_callers_of_the_same_address(demo):
    garbage = Client(REMOTE_ADDR="192.0.2.50")
    codes = [
        garbage.get("/api/v1/me", headers={"Authorization": "Bearer wcsd_000000000000_garbage"}).status_code
        for _ in range(32)
    ]
    assert codes == [401] * 10 + [429] * 22
    valid = ApiClient(make_token(demo["rafael.horizonte"]), Client(REMOTE_ADDR="192.0.2.50"))
    assert valid.get("/me").status_code == 200
    # …and the valid callers' own bucket still holds them to its limit.
    assert [valid.get("/me").status_code for _ in range(29)] == [200] * 29
    assert_problem(valid.get("/me"), 429)


# --------------------------------------------------------------------------- uploads


def png(n: int) -> bytes:
    """A distinct valid PNG of about the same size each time."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 64), (n % 256, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@override_settings(API_PENDING_UPLOADS_MAX_FILES=3, API_UPLOADS_PER_MINUTE=0)
def test_pending_uploads_are_limited_in_number(joana):
    assert [joana.upload(content=png(n)).status_code for n in range(3)] == [201, 201, 201]
    body = assert_problem(joana.upload(content=png(9)), 413)
    assert body["detail"].startswith("Você já tem 3 anexos enviados e ainda não usados em um chamado (máximo 3).")
    assert PendingUpload.objects.count() == 3


def test_pending_uploads_are_limited_in_bytes_and_nothing_is_stored(joana, settings, tmp_path):
    size = len(demo_screenshot_png())
    settings.API_PENDING_UPLOADS_MAX_BYTES = 2 * size + size // 2  # two fit, the third does not
    settings.API_UPLOADS_PER_MINUTE = 0
    settings.MEDIA_ROOT = str(tmp_path)
    assert [joana.upload().status_code for _ in range(2)] == [201, 201]
    stored = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    body = assert_problem(joana.upload(), 413)
    assert "passariam de" in body["detail"] and "Nada foi guardado" in body["detail"]
    assert PendingUpload.objects.count() == 2
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == stored


def test_uploads_attached_to_a_ticket_no_longer_count(joana, settings, acme_ticket):
    settings.API_PENDING_UPLOADS_MAX_FILES = 1
    settings.API_UPLOADS_PER_MINUTE = 0
    first = joana.upload().json()["id"]
    assert_problem(joana.upload(), 413)
    response = joana.post(f"/tickets/{acme_ticket.pk}/comments", {"body": "Segue a tela.", "attachments": [first]})
    assert response.status_code == 201, response.content
    assert joana.upload().status_code == 201


@override_settings(API_UPLOADS_PER_MINUTE=2)
def test_uploads_are_limited_per_minute(joana):
    assert [joana.upload(content=png(n)).status_code for n in range(2)] == [201, 201]
    refused = joana.upload(content=png(7))
    body = assert_problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert body["detail"].startswith("Envios de anexos demais em pouco tempo")
    assert PendingUpload.objects.count() == 2


# --------------------------------------------------------------------------- 500s that are 4xx


def test_a_body_over_the_memory_limit_is_413_and_nothing_changes(joana, acme_ticket):
    before = Comment.objects.count()
    big = json.dumps({"body": "A" * 3 * 1024 * 1024})
    response = joana.client.post(
        f"/api/v1/tickets/{acme_ticket.pk}/comments",
        data=big,
        content_type="application/json",
        headers=joana._headers({}),
    )
    body = assert_problem(response, 413)
    assert body["detail"].startswith("Corpo da requisição grande demais (máximo 2560 KiB)")
    assert Comment.objects.count() == before


def test_unknown_route_with_a_bearer_token_is_a_problem_not_a_csrf_page(demo, acme_ticket):
    client = ApiClient(make_token(demo["joana.acme"]), Client(enforce_csrf_checks=True))
    response = client.client.delete(f"/api/v1/tickets/{acme_ticket.pk}/comments/1", headers=client._headers({}))
    assert_problem(response, 404)
    response = client.client.post("/api/v1/nada/aqui", headers=client._headers({}))
    assert_problem(response, 404)
    response = client.client.delete(f"/api/v1/tickets/{acme_ticket.pk}/comments", headers=client._headers({}))
    body = assert_problem(response, 405)
    assert "DELETE" in body["detail"]


def test_csrf_failures_under_the_api_are_problems(rf):
    from servicedesk.api.errors import csrf_failure

    response = csrf_failure(rf.post("/api/v1/qualquer"), reason="CSRF cookie not set.")
    body = assert_problem(response, 403)
    assert body["type"].endswith("/csrf") and "X-CSRFToken" in body["detail"]
    page = csrf_failure(rf.post("/chamados/novo/"), reason="CSRF cookie not set.")
    assert page.status_code == 403 and page["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59.999999-00:01"]
)
def test_a_tampered_cursor_with_an_extreme_instant_is_422(joana, acme_ticket, value):
    body = assert_problem(joana.get("/tickets", {"order": "due", "cursor": cursor("due", value, 1)}), 422)
    assert body["errors"][0]["field"] == "cursor"
    history = joana.get(f"/tickets/{acme_ticket.pk}/history", {"cursor": cursor("events", value, 1)})
    assert assert_problem(history, 422)["errors"][0]["field"] == "cursor"
    comments = joana.get(f"/tickets/{acme_ticket.pk}/comments", {"cursor": cursor("comments", value, 1)})
    assert_problem(comments, 422)


def test_an_ordinary_cursor_still_pages(joana):
    response = joana.get("/tickets", {"order": "due", "cursor": cursor("due", "2026-03-02T10:00:00-03:00", 1)})
    assert response.status_code == 200


# --------------------------------------------------------------------------- token lifetime


def test_a_token_expires_at_the_end_of_its_lifetime(demo, monkeypatch):
    start = clock.now()
    created = services.api_token_create(user=demo["joana.acme"], name="cron", scope="read", now=start, lifetime_days=1)
    assert created.token.expires_at == start + timedelta(days=1)
    client = ApiClient(created.raw)
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(days=1) - timedelta(seconds=1))
    assert client.get("/me").status_code == 200
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(days=1))
    body = assert_problem(client.get("/me"), 401)
    assert body["detail"] == TOKEN_INVALID


def test_the_default_lifetime_is_90_days_and_a_year_is_the_most(demo):
    now = clock.now()
    token = services.api_token_create(user=demo["joana.acme"], name="a", scope="read", now=now).token
    assert token.expires_at == now + timedelta(days=90)
    for days in (0, 366, -5, True):
        with pytest.raises(DomainError) as refused:
            services.api_token_create(user=demo["joana.acme"], name="b", scope="read", now=now, lifetime_days=days)
        assert refused.value.fields == {"lifetime_days": "Escolha uma validade entre 1 e 365 dias."}
    assert ApiToken.objects.count() == 1


def test_the_token_page_creates_with_a_chosen_lifetime_and_shows_the_expiry(demo):
    browser = Client()
    browser.force_login(demo["joana.acme"])
    page = browser.post("/tokens/", {"name": "Integração RH", "scope": "read", "lifetime_days": "30"})
    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == timedelta(days=30)
    listing = browser.get("/tokens/").content.decode()
    assert "Expira em" in listing
    local = token.expires_at.astimezone(ZoneInfo("America/Sao_Paulo"))
    assert local.strftime("%d/%m/%Y %H:%M") in listing
    refused = browser.post("/tokens/", {"name": "Demais", "scope": "read", "lifetime_days": "3650"})
    assert refused.status_code == 422 and ApiToken.objects.count() == 1


# --------------------------------------------------------------------------- a new password revokes the tokens


def test_changing_the_password_revokes_every_token(demo):
    user = demo["joana.acme"]
    clients = [ApiClient(make_token(user)) for _ in range(2)]
    other = ApiClient(make_token(demo["pedro.acme"]))
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        "/conta/senha/alterar/",
        {"old_password": DEMO_PASSWORD, "new_password1": "Outra-senha-2026!", "new_password2": "Outra-senha-2026!"},
    )
    assert response.status_code == 302
    for client in clients:
        assert assert_problem(client.get("/me"), 401)["detail"] == TOKEN_INVALID
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    assert other.get("/me").status_code == 200
    assert "revogado" in browser.get("/tokens/").content.decode()


def test_a_completed_password_reset_revokes_every_token(demo):
    client = ApiClient(make_token(demo["joana.acme"]))
    assert client.get("/me").status_code == 200
    browser = Client()
    browser.post("/conta/senha/esqueci/", {"email": "joana.acme@demo.weconnect.example"})
    link = re.search(r"http://testserver(/conta/senha/redefinir/\S+/)", mail.outbox[-1].body).group(1)
    page = browser.get(link, follow=True)
    browser.post(page.redirect_chain[-1][0], {"new_password1": "Nova-senha-2026!", "new_password2": "Nova-senha-2026!"})
    assert client.get("/me").status_code == 401


def test_a_password_set_in_the_admin_revokes_too(demo):
    user = demo["joana.acme"]
    client = ApiClient(make_token(user))
    admin = Client()
    admin.force_login(demo["admin"])
    response = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Senha-do-admin-2026", "password2": "Senha-do-admin-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/me").status_code == 401


# --------------------------------------------------------------------------- Cache-Control


def test_every_api_response_is_private_no_store(joana, acme_ticket):
    responses = [
        joana.get("/me"),
        joana.get(f"/tickets/{acme_ticket.pk}"),
        joana.get("/nada"),
        ApiClient().get("/me"),
        Client().get("/api/v1/openapi.json"),
    ]
    assert [r["Cache-Control"] for r in responses] == ["private, no-store"] * len(responses)


def test_the_api_download_keeps_its_own_headers(joana, acme_ticket):
    attachment = acme_ticket.attachments.first()
    response = joana.get(f"/attachments/{attachment.pk}")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_a_bearer_call_gets_no_session_cookie(joana):
    """The idle-timeout middleware starts the clock of session logins only (accounts/middleware.py)."""
    from django.contrib.sessions.models import Session

    response = joana.get("/me")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()

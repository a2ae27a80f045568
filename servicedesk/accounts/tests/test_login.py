"""Login, logout, lockout (accounts/login_guard.py) without revealing whether a user exists, password flows."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from servicedesk.accounts.forms import LOGIN_REFUSED
from servicedesk.demo.data import DEMO_PASSWORD

LOGIN = "/conta/entrar/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def refusal_text(response) -> str:
    body = response.content.decode()
    assert LOGIN_REFUSED.split(":")[0] in body
    # The page must not echo anything that differs between existing and unknown users.
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)  # the CSP nonce differs on every response
    return body.replace("pedro.acme", "X").replace("ninguem.x", "X")


def test_customer_lands_on_portal_home(demo):
    response = post_login(Client(), "joana.acme", DEMO_PASSWORD)
    assert response.status_code == 302 and response.url == "/"


def test_staff_lands_on_console(demo):
    response = post_login(Client(), "ana.analista", DEMO_PASSWORD)
    assert response.status_code == 302 and response.url == "/console/"


def test_safe_next_is_honoured_and_foreign_next_ignored(demo):
    client = Client()
    response = client.post(
        LOGIN + "?next=/chamados/", {"username": "joana.acme", "password": DEMO_PASSWORD, "next": "/chamados/"}
    )
    assert response.url == "/chamados/"
    client = Client()
    response = client.post(
        LOGIN, {"username": "joana.acme", "password": DEMO_PASSWORD, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_wrong_password_and_unknown_user_get_the_same_page(demo):
    wrong = post_login(Client(), "pedro.acme", "errada")
    unknown = post_login(Client(), "ninguem.x", "errada")
    assert wrong.status_code == unknown.status_code == 200
    assert refusal_text(wrong) == refusal_text(unknown)


@override_settings(LOGIN_FAILURES_PER_USER_AND_ADDRESS=3)
def test_lockout_looks_the_same_for_existing_and_unknown_users(demo):
    client = Client()
    for _ in range(3):
        post_login(client, "pedro.acme", "errada")
        post_login(client, "ninguem.x", "errada")
    # Locked now: even the right password is refused, with the same generic message.
    locked_real = post_login(Client(), "pedro.acme", DEMO_PASSWORD)
    locked_unknown = post_login(Client(), "ninguem.x", "errada")
    assert locked_real.status_code == locked_unknown.status_code == 200
    assert "_auth_user_id" not in locked_real.wsgi_request.session
    assert refusal_text(locked_real) == refusal_text(locked_unknown)
    # ...and identical to a plain wrong password of a user who is not locked.
    plain_wrong = post_login(Client(), "joana.acme", "errada")
    assert refusal_text(plain_wrong).replace("joana.acme", "X") == refusal_text(locked_real)


@override_settings(LOGIN_FAILURES_PER_USER_AND_ADDRESS=3)
def test_lockout_locks_the_account_not_the_office(demo):
    for _ in range(3):
        post_login(Client(), "pedro.acme", "errada")
    assert post_login(Client(), "joana.acme", DEMO_PASSWORD).status_code == 302


def test_logout_is_post_only(demo, client):
    client.force_login(demo["joana.acme"])
    assert client.get("/conta/sair/").status_code == 405
    response = client.post("/conta/sair/")
    assert response.status_code == 302 and response.url == "/conta/entrar/"
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_login(db, client):
    response = client.get("/chamados/")
    assert response.status_code == 302 and response.url.startswith("/conta/entrar/?next=")


def test_password_reset_sends_a_ptbr_email_and_the_link_works(demo):
    client = Client()
    response = client.post("/conta/senha/esqueci/", {"email": "joana.acme@demo.weconnect.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "redefinição de senha" in message.subject
    link = re.search(r"http://testserver(/conta/senha/redefinir/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    assert "Crie uma nova senha" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Nova-senha-forte-2025", "new_password2": "Nova-senha-forte-2025"},
    )
    assert response.status_code == 302
    assert post_login(Client(), "joana.acme", "Nova-senha-forte-2025").status_code == 302


def test_password_reset_for_unknown_email_looks_the_same(demo):
    response = Client().post("/conta/senha/esqueci/", {"email": "ninguem@example.com"})
    assert response.status_code == 302 and response.url == "/conta/senha/esqueci/enviado/"
    assert mail.outbox == []


def test_password_change(demo, client):
    client.force_login(demo["joana.acme"])
    response = client.post(
        "/conta/senha/alterar/",
        {"old_password": DEMO_PASSWORD, "new_password1": "Outra-senha-2025!", "new_password2": "Outra-senha-2025!"},
    )
    assert response.status_code == 302
    demo["joana.acme"].refresh_from_db()
    assert demo["joana.acme"].check_password("Outra-senha-2025!")


@pytest.mark.parametrize(
    "url, data",
    [
        (LOGIN, {"username": "joana.acme", "password": DEMO_PASSWORD}),
        ("/conta/sair/", {}),
        ("/conta/senha/esqueci/", {"email": "joana.acme@demo.weconnect.example"}),
        ("/conta/senha/alterar/", {"old_password": DEMO_PASSWORD, "new_password1": "x", "new_password2": "x"}),
        ("/conta/duas-etapas/", {"token": "123456"}),
        ("/conta/duas-etapas/desativar/", {}),
    ],
)
def test_account_forms_require_csrf(demo, url, data):
    client = Client(enforce_csrf_checks=True)
    if url != LOGIN and "esqueci" not in url:
        client.force_login(demo["ana.analista"])
    assert client.post(url, data).status_code == 403

"""Password-reset e-mails are limited per account and per address; the page never changes."""

import pytest
from django.core import mail
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

RESET = "/conta/senha/esqueci/"
DONE = "/conta/senha/esqueci/enviado/"


def ask(email: str, address: str = "127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    client.get(RESET)
    return client.post(RESET, {"email": email})


def test_twenty_requests_for_one_account_send_three_emails(demo):
    responses = [ask("gabriela.gestora@demo.weconnect.example", address=f"10.0.0.{n}") for n in range(20)]
    assert {(r.status_code, r.url) for r in responses} == {(302, DONE)}
    assert len(mail.outbox) == 3  # PASSWORD_RESET_LIMIT_PER_ACCOUNT
    assert {m.to[0] for m in mail.outbox} == {"gabriela.gestora@demo.weconnect.example"}


@override_settings(PASSWORD_RESET_LIMIT_PER_ADDRESS=4)
def test_one_address_asking_for_many_accounts_is_limited_too(demo):
    emails = [f"{u}@demo.weconnect.example" for u in ("joana.acme", "pedro.acme", "ana.analista", "bruno.analista")]
    emails += ["gabriela.gestora@demo.weconnect.example", "rafael.horizonte@demo.weconnect.example"]
    responses = [ask(email, address="192.0.2.30") for email in emails]
    assert {(r.status_code, r.url) for r in responses} == {(302, DONE)}
    assert len(mail.outbox) == 4
    # Another address is not affected.
    ask("rafael.horizonte@demo.weconnect.example", address="192.0.2.31")
    assert len(mail.outbox) == 5


def test_the_limited_page_is_the_same_page(demo):
    for _ in range(3):
        ask("joana.acme@demo.weconnect.example")
    limited = Client().post(RESET, {"email": "joana.acme@demo.weconnect.example"}, follow=True)
    unknown = Client().post(RESET, {"email": "ninguem@example.com"}, follow=True)
    assert limited.redirect_chain == unknown.redirect_chain == [(DONE, 302)]
    assert limited.status_code == unknown.status_code == 200
    assert len(mail.outbox) == 3

"""Login with username or e-mail (issue 8) behind the failed-login guard: an e-mail counts against
the same account's counters as its username; an unknown e-mail, or one that several users share,
is refused exactly like a wrong password (same page, one password hash, one failure counted)."""

import re
import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client, override_settings

from servicedesk.accounts import services
from servicedesk.accounts.forms import LOGIN_REFUSED
from servicedesk.accounts.models import LoginGuardScope, LoginThrottle
from servicedesk.demo.data import DEMO_PASSWORD

LOGIN = "/conta/entrar/"
JOANA_EMAIL = "joana.acme@demo.weconnect.example"
PEDRO_EMAIL = "pedro.acme@demo.weconnect.example"


def post_login(identifier, password, *, address="127.0.0.1"):
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"username": identifier, "password": password}), client


def logged_in_as(response, client) -> str | None:
    if response.status_code != 302:
        return None
    from servicedesk.accounts.models import User

    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).username if user_id else None


def page_without_echo(response, *typed: str) -> str:
    """The refusal page, minus what differs on every response and what the person typed."""
    body = response.content.decode()
    assert str(LOGIN_REFUSED).split(":")[0] in body
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    body = re.sub(r'nonce="[^"]+"', "", body)
    for text in typed:
        body = body.replace(text, "X")
    return body


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes computed (the test hasher is MD5): the timing class of an attempt."""
    calls = []
    lock = threading.Lock()
    real = MD5PasswordHasher.encode

    def counting(self, password, salt):
        with lock:
            calls.append(1)
        return real(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", counting)
    return calls


@pytest.fixture
def shared_email(demo):
    """Pedro's address given to a user of another organization as well (the back office's slip)."""
    sofia = demo["sofia.horizonte"]
    sofia.email = PEDRO_EMAIL.upper()
    sofia.save(update_fields=["email"])
    return PEDRO_EMAIL


# --------------------------------------------------------------------------- the identifier


def test_the_identifier_stands_for_one_username(demo, shared_email):
    assert services.login_username_for("joana.acme") == "joana.acme"
    assert services.login_username_for("  joana.acme ") == "joana.acme"
    assert services.login_username_for(JOANA_EMAIL) == "joana.acme"
    assert services.login_username_for(JOANA_EMAIL.upper()) == "joana.acme"
    assert services.login_username_for("ninguem@example.com") is None
    assert services.login_username_for(shared_email) is None  # two users: nobody


def test_an_inactive_account_does_not_make_an_address_ambiguous(demo, shared_email):
    sofia = demo["sofia.horizonte"]
    sofia.is_active = False
    sofia.save(update_fields=["is_active"])
    assert services.login_username_for(shared_email) == "pedro.acme"


# --------------------------------------------------------------------------- the page


def test_a_customer_logs_in_with_the_email_in_any_case(demo):
    response, client = post_login(JOANA_EMAIL.upper(), DEMO_PASSWORD)
    assert logged_in_as(response, client) == "joana.acme" and response.url == "/"


def test_staff_log_in_with_the_email_and_land_on_the_console(demo):
    response, client = post_login("ana.analista@demo.weconnect.example", DEMO_PASSWORD)
    assert logged_in_as(response, client) == "ana.analista" and response.url == "/console/"


def test_the_form_asks_for_username_or_email(db):
    body = Client().get(LOGIN).content.decode()
    assert "Usuário ou e-mail" in body and 'maxlength="254"' in body


@override_settings(LOGIN_FAILURES_PER_USER_AND_ADDRESS=3)
def test_failures_by_email_and_by_username_share_the_accounts_counters(demo):
    post_login(JOANA_EMAIL, "errada")
    post_login("joana.acme", "errada")
    post_login(JOANA_EMAIL.upper(), "errada")
    pair = LoginThrottle.objects.get(scope=LoginGuardScope.PAIR, username="joana.acme", address="127.0.0.1")
    assert pair.failures == 3 and pair.blocked_until is not None
    assert not LoginThrottle.objects.filter(username__contains="@").exists()  # no counter of its own
    # Locked: the right password is refused by username and by e-mail alike.
    for identifier in ("joana.acme", JOANA_EMAIL):
        response, client = post_login(identifier, DEMO_PASSWORD)
        assert logged_in_as(response, client) is None, identifier
    # Another address is another pair: the real user at her desk still logs in, by e-mail too.
    response, client = post_login(JOANA_EMAIL, DEMO_PASSWORD, address="10.9.9.9")
    assert logged_in_as(response, client) == "joana.acme"


@override_settings(LOGIN_FAILURES_PER_USER_AND_ADDRESS=3)
def test_a_lock_earned_by_username_also_stops_the_email(demo):
    for _ in range(3):
        post_login("pedro.acme", "errada")
    response, client = post_login(PEDRO_EMAIL, DEMO_PASSWORD)
    assert logged_in_as(response, client) is None


def test_an_unknown_email_looks_exactly_like_a_wrong_password(demo, hashes):
    wrong, _ = post_login(PEDRO_EMAIL, "errada")
    wrong_hashes = len(hashes)
    unknown, _ = post_login("ninguem@example.com", "errada")
    assert wrong.status_code == unknown.status_code == 200
    assert page_without_echo(wrong, PEDRO_EMAIL) == page_without_echo(unknown, "ninguem@example.com")
    assert wrong_hashes == 1 and len(hashes) - wrong_hashes == 1  # the same work: one password hash
    # It counts one failure, on the address as typed.
    assert LoginThrottle.objects.get(scope=LoginGuardScope.USER, username="ninguem@example.com").failures == 1


def test_an_email_shared_by_two_users_is_refused_like_a_wrong_password(demo, shared_email, hashes):
    wrong, _ = post_login("ninguem@example.com", "errada")
    before = len(hashes)
    # Even with the right password of one of them: an address that names two accounts names none.
    shared, client = post_login(shared_email, DEMO_PASSWORD)
    assert logged_in_as(shared, client) is None
    assert page_without_echo(shared, shared_email) == page_without_echo(wrong, "ninguem@example.com")
    assert len(hashes) - before == 1
    assert LoginThrottle.objects.get(scope=LoginGuardScope.USER, username=shared_email).failures == 1
    # The usernames still work.
    response, client = post_login("pedro.acme", DEMO_PASSWORD)
    assert logged_in_as(response, client) == "pedro.acme"


def test_an_inactive_account_by_email_looks_like_a_wrong_password(demo):
    pedro = demo["pedro.acme"]
    pedro.is_active = False
    pedro.save(update_fields=["is_active"])
    inactive, client = post_login(PEDRO_EMAIL, DEMO_PASSWORD)
    wrong, _ = post_login(JOANA_EMAIL, "errada")
    assert logged_in_as(inactive, client) is None
    assert page_without_echo(inactive, PEDRO_EMAIL) == page_without_echo(wrong, JOANA_EMAIL)

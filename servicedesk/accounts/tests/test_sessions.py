"""Idle session timeout (accounts/middleware.py), refreshed at most once a minute; the production
cookie names (__Host-), checked with the production profile's own values."""

import runpy
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from servicedesk.accounts.middleware import SEEN_KEY
from servicedesk.core import clock
from servicedesk.demo.data import DEMO_PASSWORD

T0 = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


@pytest.fixture
def now(monkeypatch):
    class Clock:
        value = T0

        def at(self, seconds: float) -> None:
            self.value = T0 + timedelta(seconds=seconds)

    fake = Clock()
    monkeypatch.setattr(clock, "now", lambda: fake.value)
    return fake


def signed_in(username) -> Client:
    client = Client()
    response = client.post("/conta/entrar/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def stored_expiry(client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_the_login_starts_the_idle_clock(demo, now):
    client = signed_in("ana.analista")
    assert client.session[SEEN_KEY] == int(T0.timestamp())
    assert client.session.get_expiry_age() == 30 * 60


def test_staff_are_signed_out_after_30_idle_minutes(demo, now):
    client = signed_in("ana.analista")
    now.at(30 * 60)
    assert client.get("/console/").status_code == 200  # exactly 30 minutes: still in
    now.at(30 * 60 + 61)  # active again: the expiry moves to 31:01 + 30 minutes
    assert client.get("/console/").status_code == 200
    now.at(30 * 60 + 61 + 30 * 60 + 1)  # 30 minutes and a second after that
    response = client.get("/console/")
    assert response.status_code == 302 and response.url.startswith("/conta/entrar/")
    page = client.get(response.url)
    assert "Sua sessão terminou por inatividade" in page.content.decode()


def test_customers_keep_their_session_for_a_working_day(demo, now):
    client = signed_in("joana.acme")
    assert client.session.get_expiry_age() == 8 * 3600
    now.at(7 * 3600)
    assert client.get("/chamados/").status_code == 200
    now.at(7 * 3600 + 8 * 3600 + 1)
    assert client.get("/chamados/").status_code == 302


def test_the_expiry_moves_at_most_once_per_refresh_interval(demo, now):
    client = signed_in("ana.analista")
    first = stored_expiry(client)
    now.at(30)
    client.get("/console/")
    assert stored_expiry(client) == first  # no session write for this request
    now.at(60)
    client.get("/console/")
    assert stored_expiry(client) > first


@override_settings(SESSION_IDLE_TIMEOUT_CUSTOMER=600)
def test_the_api_session_times_out_too(demo, now):
    client = signed_in("joana.acme")
    now.at(601)
    response = client.get("/api/v1/me")
    assert response.status_code == 401


# --------------------------------------------------------------------------- production cookies


@pytest.fixture
def production_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("SITE_URL", "https://servicedesk.example")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    return runpy.run_module("config.settings.production")


def test_production_cookies_are_host_prefixed(demo, production_settings):
    names = [
        "SESSION_COOKIE_NAME",
        "CSRF_COOKIE_NAME",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_PATH",
        "CSRF_COOKIE_PATH",
        "SESSION_COOKIE_DOMAIN",
        "CSRF_COOKIE_DOMAIN",
    ]
    cookie_settings = {name: production_settings[name] for name in names}
    assert cookie_settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert cookie_settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    with override_settings(**cookie_settings):
        client = Client(enforce_csrf_checks=True)
        page = client.get("/conta/entrar/", secure=True)
        csrf = page.cookies["__Host-csrftoken"]
        response = client.post(
            "/conta/entrar/",
            {"username": "joana.acme", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": page.context["csrf_token"]},
            secure=True,
            headers={"Referer": "https://testserver/conta/entrar/"},
        )
        assert response.status_code == 302
        session = response.cookies["__Host-sessionid"]
        for cookie in (csrf, session):
            assert cookie["secure"] is True
            assert cookie["path"] == "/"
            assert cookie["domain"] == ""
        assert session["httponly"] is True
        assert "sessionid" not in response.cookies and "csrftoken" not in page.cookies
        # The session cookie works under its new name.
        assert client.get("/chamados/", secure=True).status_code == 200

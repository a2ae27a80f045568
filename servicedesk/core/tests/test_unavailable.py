"""The database does not answer: a 503 with Retry-After (pt-BR page, or problem+json under
/api/), never a 500. Fast: the database "goes down" by making every new cursor fail."""

from __future__ import annotations

import pytest
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    def take_down():
        monkeypatch.setattr(connections["default"], "cursor", down)

    return take_down


def _client() -> Client:
    return Client(raise_request_exception=False)  # what a browser gets, not the test's traceback


def _assert_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "<h1>Serviço temporariamente indisponível</h1>" in text
    assert "Nada foi alterado; tente novamente em alguns segundos." in text


def test_a_signed_in_page_whose_middleware_loses_the_database_is_a_503_page(demo, database_down):
    # The signed-in user is read by the middleware (OTP), before any view: handler500's path.
    client = _client()
    client.force_login(demo["joana.acme"])
    database_down()
    _assert_503_page(client.get("/"))


def test_a_view_that_loses_the_database_is_a_503_page_not_a_crash_report(demo, database_down):
    # Anonymous: no middleware reads the database; the login view does (the middleware's path).
    # Handled there, the outage is no uncaught exception: Sentry gets no crash per request.
    crashes = []

    def record(sender, **kwargs):
        crashes.append(kwargs)

    got_request_exception.connect(record)
    try:
        client = _client()
        database_down()
        _assert_503_page(client.post("/conta/entrar/", {"username": "joana.acme", "password": "weconnect-demo"}))
    finally:
        got_request_exception.disconnect(record)
    assert crashes == []


def test_an_api_call_that_loses_the_database_is_a_503_problem(demo, database_down):
    database_down()
    response = _client().get("/api/v1/tickets", headers={"Authorization": "Bearer wcsd_abc123_segredo"})
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "/api/v1/problems/service-unavailable",
        "title": "Serviço indisponível",
        "status": 503,
        "detail": "O serviço está temporariamente indisponível (banco de dados fora do ar). Nada foi alterado; "
        "tente novamente em alguns segundos.",
    }


def test_a_lost_connection_interface_error_is_a_503_too(demo, monkeypatch):
    def closed(*args, **kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(connections["default"], "cursor", closed)
    response = _client().get("/api/v1/tickets", headers={"Authorization": "Bearer wcsd_abc123_segredo"})
    assert response.status_code == 503


def test_any_other_error_stays_a_500(demo, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError

    client = _client()
    client.force_login(demo["joana.acme"])
    monkeypatch.setattr(connections["default"], "cursor", bug)
    assert client.get("/").status_code == 500


def test_the_production_pool_checks_a_connection_before_lending_it(monkeypatch, tmp_path):
    # After a PostgreSQL restart the pool's dead connections are replaced, not lent one per request.
    import runpy

    from psycopg_pool import ConnectionPool

    from config.settings import base

    postgres = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "sd", "OPTIONS": {}}}
    monkeypatch.setattr(base, "DATABASES", postgres)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("SITE_URL", "https://servicedesk.example")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sd")
    monkeypatch.setenv("DB_POOL_TIMEOUT", "3")
    production = runpy.run_module("config.settings.production")
    pool = production["DATABASES"]["default"]["OPTIONS"]["pool"]
    assert pool["check"] is ConnectionPool.check_connection
    assert pool["timeout"] == 3.0
    assert postgres["default"]["OPTIONS"] == {}  # production changed its own copy only

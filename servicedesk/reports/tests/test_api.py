"""GET /api/v1/sla/compliance: the figures, worked out by hand; problem+json for bad parameters;
staff only; a manager never sees another team's figures."""

from __future__ import annotations

from datetime import timedelta

import pytest

from servicedesk.accounts.models import Role
from servicedesk.core import clock
from servicedesk.tickets import services
from servicedesk.tickets.tests.factories import T0, StaffFactory, TeamFactory, sp

H = timedelta(hours=1)
URL = "/api/v1/sla/compliance"


@pytest.fixture
def december(world, monkeypatch):
    """PREMIUM Crítica (6 h × 8 h): diagnosis met on time (1 business hour), solution met late
    (due Wed 10:00, met Wed 12:00, 10 business hours). STARTER Alta twice: one diagnosis met at
    Tue 11:00, one still running and due Thu 15:00 (breached when read on 4 December)."""
    premium = world.open_problem(requester=world.premium_customer, severity="Crítica")
    services.ticket_comment_add(ticket=premium, author=world.analyst, body="Analisando.", now=T0 + H)
    services.ticket_resolve(ticket=premium, actor=world.analyst, now=sp(2026, 12, 2, 12), note="Feito.")
    starter = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=starter, author=world.analyst, body="Analisando.", now=T0 + H)
    world.open_problem(severity="Alta")
    world.open_problem(severity="Alta", environment="homologação")  # never counts
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 4, 12))
    return premium


def test_grouped_by_plan_and_severity(world, client, december):
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    response = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31", "group_by": "plan,severity"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["from"], body["to"], body["group_by"]) == ("2026-12-01", "2026-12-31", ["plan", "severity"])
    rows = {(r["plan"], r["severity"]): r for r in body["rows"]}
    assert set(rows) == {("PREMIUM", "Crítica"), ("STARTER", "Alta")}
    premium = rows["PREMIUM", "Crítica"]
    assert premium["diagnosis"] == {"met": 1, "breached": 0, "compliance": 1.0, "avg_business_seconds": 3600.0}
    assert premium["solution"] == {"met": 0, "breached": 1, "compliance": 0.0, "avg_business_seconds": 36000.0}
    starter = rows["STARTER", "Alta"]
    assert starter["diagnosis"] == {"met": 1, "breached": 1, "compliance": 0.5, "avg_business_seconds": 3600.0}
    # STARTER Alta solutions (20 days) are not due yet: nothing counts
    assert starter["solution"] == {"met": 0, "breached": 0, "compliance": None, "avg_business_seconds": None}
    # A row carries its own group keys only (a null key would read as "no analyst", "no team").
    assert set(starter) == {"plan", "severity", "diagnosis", "solution"}


def test_to_is_inclusive_and_in_brasilia(world, client, december):
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    body = client.get(URL, {"from": "2026-12-01", "to": "2026-12-01"}).json()
    # only the two diagnoses met on Tuesday 1 December count (the others fall due later)
    (row,) = body["rows"]
    assert (row["diagnosis"]["met"], row["diagnosis"]["breached"]) == (2, 0)
    assert body["rows"][0]["solution"]["compliance"] is None


def test_compliance_has_at_least_four_decimals(world, client, monkeypatch):
    for _ in range(3):
        world.open_problem(severity="Alta")
    ticket = world.open_problem(severity="Alta")
    services.ticket_comment_add(ticket=ticket, author=world.analyst, body="Analisando.", now=T0 + H)
    monkeypatch.setattr(clock, "now", lambda: sp(2026, 12, 4, 12))
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    body = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31", "group_by": "month"}).json()
    (row,) = body["rows"]
    assert row["month"] == "2026-12"
    assert row["diagnosis"]["compliance"] == 0.25
    ticket2 = world.open_problem(severity="Alta", now=T0 + H)
    services.ticket_comment_add(ticket=ticket2, author=world.analyst, body="Analisando.", now=T0 + 2 * H)
    body = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"}).json()
    assert body["rows"][0]["diagnosis"]["compliance"] == 0.4
    world.open_problem(severity="Alta", now=T0 + H)
    body = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"}).json()
    assert body["rows"][0]["diagnosis"]["compliance"] == pytest.approx(2 / 6, abs=1e-6)
    assert body["rows"][0]["diagnosis"]["compliance"] == 0.333333


@pytest.mark.parametrize(
    "params",
    [
        {"to": "2026-12-31"},
        {"from": "2026-12-01"},
        {"from": "2026-13-01", "to": "2026-12-31"},
        {"from": "2026-12-02", "to": "2026-12-01"},
        {"from": "2020-01-01", "to": "2026-12-01"},
        {"from": "2026-12-01", "to": "2026-12-31", "group_by": "plan,cor"},
        {"from": "2026-12-01", "to": "2026-12-31", "team": "x"},
    ],
)
def test_bad_parameters_are_problems(world, client, params):
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"]


def test_staff_only_and_scoped(world, client, december):
    client.force_login(world.customer)
    response = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    other = StaffFactory(username="marcos", role=Role.MANAGER)
    TeamFactory(name="Suporte B").managers.add(other)
    client.force_login(other)
    assert client.get(URL, {"from": "2026-12-01", "to": "2026-12-31"}).json()["rows"] == []
    client.force_login(world.manager)  # she manages the world's team: every ticket here
    rows = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31", "group_by": "team"}).json()["rows"]
    assert [(r["team"], r["team_name"]) for r in rows] == [(world.team.pk, "Suporte A")]
    assert set(rows[0]) == {"team", "team_name", "diagnosis", "solution"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("plan", "GOLD", "Plano desconhecido: GOLD. Use STARTER, PREMIUM."),
        ("severity", "Urgente", "Severidade desconhecida: Urgente. Use Crítica, Alta, Normal, Baixa."),
        ("type", "Bug", "Tipo desconhecido: Bug. Use Problema, Solicitação, Dúvida."),
    ],
)
def test_an_unknown_plan_severity_or_type_is_a_problem_in_portuguese(world, client, key, value, message):
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    response = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31", key: value})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == message
    assert body["errors"] == [{"field": key, "reason": message}]


def test_a_known_filter_value_narrows_the_figures(world, client, december):
    client.force_login(StaffFactory(username="chefe", role=Role.ADMIN))
    body = client.get(URL, {"from": "2026-12-01", "to": "2026-12-31", "plan": "PREMIUM"}).json()
    (row,) = body["rows"]
    assert (row["diagnosis"]["met"], row["diagnosis"]["breached"]) == (1, 0)  # the PREMIUM Crítica alone
